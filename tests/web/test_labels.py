"""How pages show times: one format everywhere, whatever form the data function hands over."""

from datetime import datetime

from rexian.web.labels import when


def test_times_from_stored_iso_text_and_from_datetimes_read_the_same_to_the_minute():
    assert when("2026-02-25T09:14:34") == "2026-02-25 09:14"
    assert when("2026-02-25T09:14:34.123456") == "2026-02-25 09:14"
    assert when(datetime(2026, 2, 25, 9, 14, 34)) == "2026-02-25 09:14"


def test_a_missing_time_is_blank_and_text_that_is_not_a_time_is_shown_as_given():
    assert when(None) == "" and when("") == ""
    assert when("未定") == "未定"
