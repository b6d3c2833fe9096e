"""Wide exports (工单全流程宽表) as platforms really lay them out (issue 14): numbered groups whose columns are not
adjacent — every 派单时间k, then every 派单人k … — grouped by number, not by header order; and a ticket row with no
filled group, which is still a ticket."""

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest
from rexian.importing.wide_groups import numbered
from tests.importing.test_wide_groups import FIXED, GROUPS, _html_xls, _mapping, _tickets


def _laid_out(rows, order):
    """The same rows with the numbered columns reordered: `order(header) → sort key`."""
    fixed = [h for h in rows[0] if numbered(h) is None]
    wide = sorted((h for h in rows[0] if numbered(h) is not None), key=order)
    return [{h: row[h] for h in fixed + wide} for row in rows]


def _stem_position(rows):
    stems = list(dict.fromkeys(numbered(h)[0] for h in rows[0] if numbered(h) is not None))
    return lambda header: (stems.index(numbered(header)[0]), numbered(header)[1])


def _times_first(rows):
    by_stem = _stem_position(rows)
    return lambda header: ("时间" not in numbered(header)[0], by_stem(header))


def _people_before_times(rows):
    """Stem by stem, each group's person and unit columns before its time columns (派单人k, 承办单位k, 派单时间k)."""
    by_stem = _stem_position(rows)
    group = {stem: index for index, stems in enumerate(GROUPS.values()) for stem in stems}
    return lambda header: (group[numbered(header)[0]], "时间" in numbered(header)[0], by_stem(header))


@pytest.mark.parametrize("layout", [_stem_position, _times_first, _people_before_times],
                         ids=["stem by stem", "every time column first", "people before times"])
def test_a_wide_export_laid_out_stem_by_stem_gets_the_groups_of_the_same_export_laid_out_group_by_group(
        tmp_path, layout):
    adjacent, _ = suggest([_html_xls(tmp_path / "按组.xls", _tickets())])
    rows = _laid_out(_tickets(), layout(_tickets()))
    assert [numbered(h) for h in list(rows[0])[len(FIXED):len(FIXED) + 2]] != \
        [numbered(h) for h in list(_tickets()[0])[len(FIXED):len(FIXED) + 2]]  # the layout did change
    path = _html_xls(tmp_path / "按列.xls", rows)
    proposal, _ = suggest([path])
    assert {g["at"]: g for g in proposal["wide"]["groups"]} == {g["at"]: g for g in adjacent["wide"]["groups"]}
    assert proposal["action_fields"] == adjacent["action_fields"]
    proposal["source"] = "cityW"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert len(events[events.ticket_id == "GD001"]) == 12 and len(events[events.ticket_id == "GD002"]) == 11
    dispatches = events[events.action == "Dispatched"]
    assert set(zip(dispatches.actor_id, dispatches.target_unit_id)) == {
        ("0101", "市城管局"), ("0101", "区住建局"), ("0101", "市生态环境局")}


def _untouched_rows():
    """The two tickets of test_wide_groups, plus GD003: received, nothing done yet (every group empty), and GD004:
    every group empty and no intake time either."""
    rows = _tickets()
    waiting = {header: "" for header in rows[0]}
    waiting.update({"工单编号": "GD003", "受理时间": "2026-03-09 08:30:00", "诉求内容": "路灯不亮", "事发地址": "中山路3号"})
    return [*rows, waiting, {**waiting, "工单编号": "GD004", "受理时间": ""}]


def test_a_wide_ticket_row_with_no_filled_group_is_imported_as_its_receipt_from_the_intake_columns(tmp_path):
    path = _html_xls(tmp_path / "工单全流程信息.xls", _untouched_rows())
    report, events, tickets = import_to_frames([path], _mapping())
    received = events[events.ticket_id == "GD003"]
    assert list(received.action) == ["TicketReceived"]
    payload = received.iloc[0].payload
    payload = payload if isinstance(payload, dict) else __import__("json").loads(payload)
    assert payload["content"] == "路灯不亮" and str(received.iloc[0]["at"]).startswith("2026-03-09 08:30")
    assert "GD003" in set(tickets.ticket_id)
    assert len(events[events.ticket_id == "GD001"]) == 12  # the other tickets as before


def test_a_wide_ticket_row_with_no_filled_group_and_no_intake_time_is_rejected_naming_why(tmp_path):
    path = _html_xls(tmp_path / "工单全流程信息.xls", _untouched_rows())
    report, events, _tickets_frame = import_to_frames([path], _mapping())
    assert "GD004" not in set(events.ticket_id)
    assert report.rows_rejected == 1
    reject = report.rejects.rejects[0]
    assert reject.column == "受理时间" and "没有任何一组流转列有时间" in reject.reason and "受理时间" in reject.reason
    assert reject.row is not None and reject.file.endswith("工单全流程信息.xls")
