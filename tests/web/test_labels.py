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


def test_a_timeline_shows_each_of_an_events_words_once_in_reading_order():
    from rexian.web.labels import event_texts

    imported = {"reply": "已整改到位", "note": "已整改到位", "reason": None, "content": "楼下噪声"}
    assert event_texts(imported) == ["已整改到位"]
    assert event_texts(imported, with_content=True) == ["楼下噪声", "已整改到位"]
    assert event_texts({"reason": "不属于本单位", "basis": "职责清单", "note": " "}) == ["不属于本单位", "职责清单"]


def test_every_workspace_page_names_itself_in_the_browser_tab(client_for):
    """A clerk with five tabs open tells them apart by their titles, not by five 「12345热线工单平台」."""
    import re

    def title(client, url):
        return re.search(r"<title>(.*?)</title>", client.get(url).text, re.S).group(1).strip()

    admin, reviewer, leader = client_for("X01"), client_for("R01"), client_for("L0201")
    titles = [title(admin, "/"), title(admin, "/admin"), title(admin, "/password"), title(reviewer, "/reviews"),
              title(leader, "/approvals"), title(reviewer, "/tickets")]
    assert titles[:5] == ["工作台", "系统管理", "修改密码", "中心待审核申请", "本单位待审批申请"]
    assert titles[5] and len(set(titles)) == len(titles)
