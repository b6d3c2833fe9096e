"""A platform's database dump as a data-exchange platform delivers it (tools/blind7): one CSV per table, comment
lines above the header and a record-count trailer below the data, times as 14-digit strings or epoch
milliseconds."""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, import_to_frames
from rexian.importing.values import parse_time

CST = timezone(timedelta(hours=8))
FLOW = ["LSH", "GDBH", "CZLX", "CZRDM", "CZDWDM", "CBDWDM", "LZSJ", "CLYJ", "FJMC"]
VISITS = ["HFBH", "GDBH", "HFSJ", "HFRDM", "MYD", "SFJJ", "HFYJ"]


def epoch_ms(text):
    return str(int(datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=CST).timestamp() * 1000))


def flow_rows(ticket, day):
    reply = "经现场核查，已责令商户整改，噪音问题已解决，并电话告知市民处理结果。"
    steps = [("受理", "100001", "330100000", "", "0900", ""), ("派单", "100002", "330100000", "330102000", "0930", ""),
             ("签收", "100103", "330102000", "", "1000", ""), ("联系市民", "100103", "330102000", "", "1100", ""),
             ("申请办结", "100103", "330102000", "", "1500", reply), ("办结审核通过", "100004", "330100000", "", "1600", ""),
             ("归档", "100004", "330100000", "", "1900", "")]
    return [[f"{ticket}-{n}", ticket, word, who, unit, target, f"{day}{hhmm}00", note, "现场.jpg" if note else ""]
            for n, (word, who, unit, target, hhmm, note) in enumerate(steps)]


def dump_csv(path, header, rows, *, encoding="utf-8-sig", comments=(), trailer=None):
    buffer = io.StringIO()
    for line in comments:
        buffer.write(line + "\r\n")
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    if trailer:
        buffer.write(trailer + "\r\n")
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


MAPPING = {
    "source": "dump", "date_format": "%Y%m%d%H%M%S",
    "columns": {"ticket_id": "GDBH", "at": "LZSJ", "action": "CZLX", "actor_id": "CZRDM", "actor_unit_id": "CZDWDM",
                "target_unit_id": "CBDWDM", "note": "CLYJ"},
    "actions": {"归档": "Closed"},
    "action_fields": {"ClosureRequested": {"reply": "CLYJ", "evidence": "FJMC"}},
    "event_sheets": [{"files": "*HFJL*", "action": "Visited",
                      "columns": {"ticket_id": "GDBH", "at": "HFSJ", "actor_id": "HFRDM"},
                      "action_fields": {"Visited": {"satisfaction": "MYD", "resolved": "SFJJ", "note": "HFYJ"}}}],
}


def dump(tmp_path, visit_time=epoch_ms, trailer=None):
    flows = flow_rows("D1", "20260305") + flow_rows("D2", "20260306")
    dump_csv(tmp_path / "T_GD_LZJL.csv", FLOW, flows, encoding="gb18030",
             comments=["# 数据集：工单流转记录（T_GD_LZJL）", "# 导出时间：20260401020000"],
             trailer=trailer(len(flows)) if trailer else None)
    dump_csv(tmp_path / "T_GD_HFJL.csv", VISITS, [
        ["HF1", "D1", visit_time("20260305184500"), "100009", "不满意", "未解决", "市民称噪音仍在"],
        ["HF2", "D2", visit_time("20260306184500"), "100009", "满意", "已解决", ""]])
    return [tmp_path / "T_GD_LZJL.csv", tmp_path / "T_GD_HFJL.csv"]


def rule_findings(events, tickets, rule):
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.tables import from_frames

    config = load_config()  # only the rule asked about: the others' text models are slow to load
    config["rules"] = {rid: {**(params or {}), "enabled": rid == rule} for rid, params in config["rules"].items()}
    return sorted((f.ticket_ids[0], f.person_id) for f in analyze(from_frames(events, tickets), config).findings
                  if f.rule_id == rule)


def visits(events):
    rows = events[events.action == "Visited"].sort_values("ticket_id")
    return [(row.ticket_id, str(row.at), json.loads(row.payload) if isinstance(row.payload, str) else row.payload)
            for row in rows.itertuples()]


def test_epoch_millisecond_visit_times_are_read_as_the_centres_wall_clock_and_the_rules_judge_the_visits(tmp_path):
    """Firing: D1's visit (epoch ms) says 不满意 → DS-UNSATISFIED on the one who asked to close. Near miss: D2 满意."""
    report, events, tickets = import_to_frames(dump(tmp_path), mapping_from_dict(MAPPING))
    assert report.rejects.rejects == []
    assert [(t, at) for t, at, _ in visits(events)] == [("D1", "2026-03-05 18:45:00"), ("D2", "2026-03-06 18:45:00")]
    assert rule_findings(events, tickets, "DS-UNSATISFIED") == [("D1", "100103")]


def test_a_visit_remark_column_is_kept_as_the_visits_note(tmp_path):
    _, events, _ = import_to_frames(dump(tmp_path), mapping_from_dict(MAPPING))
    notes = {ticket: payload.get("note") for ticket, _, payload in visits(events)}
    assert notes == {"D1": "市民称噪音仍在", "D2": None}


def test_epoch_seconds_are_read_only_where_the_mapping_says_epoch_s_never_as_a_date_of_the_eighteenth_century(tmp_path):
    seconds = "1772707500"  # 2026-03-05 18:45 in UTC+8
    with pytest.raises(ValueError):
        parse_time(seconds, ("%Y%m%d%H%M%S",), None)  # strptime alone would read 1772-07-07 05:00
    assert parse_time(seconds, ("epoch_s",), None) == datetime(2026, 3, 5, 18, 45)
    assert parse_time("20260305184500", ("epoch_s", "%Y%m%d%H%M%S"), None) == datetime(2026, 3, 5, 18, 45)
    inputs = dump(tmp_path, visit_time=lambda text: epoch_ms(text)[:-3])
    unread = build(inputs, mapping_from_dict(MAPPING)).rejects.rejects
    assert {(r.column, r.value) for r in unread if r.column == "HFSJ"} == {("HFSJ", "1772707500"), ("HFSJ", "1772793900")}
    assert all("epoch_s" in r.reason for r in unread if r.column == "HFSJ")
    named = {**MAPPING, "event_sheets": [{**MAPPING["event_sheets"][0], "date_formats": ["epoch_s"]}]}
    report, events, _ = import_to_frames(inputs, mapping_from_dict(named))
    assert report.rejects.rejects == [] and [at for _, at, _ in visits(events)][0] == "2026-03-05 18:45:00"


def test_epoch_times_follow_the_mappings_timezone_when_it_names_one(tmp_path):
    report, events, _ = import_to_frames(dump(tmp_path), mapping_from_dict({**MAPPING, "timezone": "Asia/Tokyo"}))
    assert [at for _, at, _ in visits(events)] == ["2026-03-05 19:45:00", "2026-03-06 19:45:00"]


def test_a_trailer_comment_stating_the_record_count_is_a_remark_when_it_agrees_and_a_file_problem_when_not(tmp_path):
    report = build(dump(tmp_path, trailer=lambda n: f"#END 记录数：{n}"), mapping_from_dict(MAPPING))
    assert report.rejects.rejects == [] and report.file_problems == []
    assert any("注释行" in n.reason and "相符" in n.reason for n in report.rejects.notes)
    assert len(report.histories) == 2
    short = build(dump(tmp_path, trailer=lambda n: f"-- 共 {n + 3} 条记录"), mapping_from_dict(MAPPING))
    assert [p for p in short.file_problems if "声明 17 条记录，实际读到 14 条" in p]
    assert len(short.histories) == 2  # the rows read are kept; the file is told as incomplete


def test_an_event_sheet_may_name_its_event_when_the_built_in_action_words_are_switched_off(tmp_path):
    words = {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor", "联系市民": "CitizenContacted",
             "申请办结": "ClosureRequested", "办结审核通过": "ClosureApproved", "归档": "Closed"}
    mapping = mapping_from_dict({**MAPPING, "use_default_actions": False, "actions": words})
    report, events, _ = import_to_frames(dump(tmp_path), mapping)
    assert report.rejects.rejects == [] and len(visits(events)) == 2


CODES = {"受理": "01", "派单": "02", "签收": "03", "联系市民": "10", "申请办结": "17", "办结审核通过": "18", "归档": "20"}
DICTIONARY = ([["CZLX", code, word] for word, code in CODES.items()]
              + [["MYD", "1", "满意"], ["MYD", "2", "基本满意"], ["MYD", "3", "不满意"], ["SFJJ", "1", "已解决"],
                 ["SFJJ", "0", "未解决"]])
CODED = {**MAPPING, "code_table": {"files": "*DM_ZD*", "category": "DMLB", "code": "DM", "name": "DMMC",
                                   "columns": {"CZLX": "CZLX", "MYD": "MYD", "SFJJ": "SFJJ"}}}


def coded_dump(tmp_path, flow_codes=CODES):
    """The same dump with operations and visit results written as codes, and the dictionary (码表) beside it."""
    flows = [row[:2] + [flow_codes.get(row[2], row[2])] + row[3:]
             for row in flow_rows("D1", "20260305") + flow_rows("D2", "20260306")]
    dump_csv(tmp_path / "T_GD_LZJL.csv", FLOW, flows, encoding="gb18030")
    dump_csv(tmp_path / "T_GD_HFJL.csv", VISITS, [
        ["HF1", "D1", epoch_ms("20260305184500"), "100009", "3", "0", ""],
        ["HF2", "D2", epoch_ms("20260306184500"), "100009", "2", "1", ""]])
    dump_csv(tmp_path / "T_DM_ZD.csv", ["DMLB", "DM", "DMMC"], DICTIONARY)
    return [tmp_path / name for name in ("T_GD_LZJL.csv", "T_GD_HFJL.csv", "T_DM_ZD.csv")]


def test_a_code_table_decodes_operations_and_visit_results_so_the_built_in_words_and_the_rules_apply(tmp_path):
    """Firing: D1's visit coded 3/0 (不满意/未解决) → DS-UNSATISFIED and FC-UNRESOLVED. Near miss: D2 coded 2/1
    (基本满意/已解决)."""
    report, events, tickets = import_to_frames(coded_dump(tmp_path), mapping_from_dict(CODED))
    assert report.rejects.rejects == [] and report.file_problems == []
    assert set(events.action) >= {"Dispatched", "SignedFor", "ClosureRequested", "Visited", "Closed"}
    payloads = {ticket: payload for ticket, _, payload in visits(events)}
    assert payloads["D1"]["satisfaction"] == "unsatisfied" and payloads["D1"]["resolved"] is False
    assert payloads["D2"]["satisfaction"] == "basically_satisfied" and payloads["D2"]["resolved"] is True
    assert rule_findings(events, tickets, "DS-UNSATISFIED") == [("D1", "100103")]
    assert rule_findings(events, tickets, "FC-UNRESOLVED") == [("D1", "100103")]


def test_without_the_code_table_the_same_codes_are_unknown_words_rejected_with_their_tickets(tmp_path):
    report = build(coded_dump(tmp_path)[:2], mapping_from_dict(MAPPING))
    assert report.histories == {}
    assert any(r.value == "02" and "未知的动作词" in r.reason for r in report.rejects.rejects)


def test_a_code_missing_from_the_table_is_kept_as_written_and_told_never_guessed(tmp_path):
    inputs = coded_dump(tmp_path, flow_codes={**CODES, "签收": "99"})
    report = build(inputs, mapping_from_dict(CODED))
    assert [n.reason for n in report.rejects.notes if "CZLX=99" in n.reason] == ["提示：码表中没有 CZLX=99（类别 CZLX）：按原值读取"]
    assert {r.value for r in report.rejects.rejects if "未知的动作词" in r.reason} == {"99"}
    assert report.histories == {}  # both tickets hold the unknown code: left out whole, as for any unknown word
    from rexian.importing.mapping_check import check

    _, lines = check(inputs, mapping_from_dict(CODED))
    assert "码表：列「CZLX」12 格译为名称；码表中没有的代码：99（2 格），按原值读取" in lines


def test_a_code_table_section_of_the_wrong_shape_is_a_mapping_error():
    from rexian.importing.mapping import MappingError

    for bad in ({"files": "*ZD*", "category": "DMLB", "code": "DM", "name": "DMMC"},
                {"category": "DMLB", "code": "DM", "name": "DMMC", "columns": {"CZLX": "CZLX"}},
                {"files": "*ZD*", "category": "DMLB", "code": "DM", "columns": {"CZLX": "CZLX"}}):
        with pytest.raises(MappingError, match="code_table"):
            mapping_from_dict({**MAPPING, "code_table": bad})


def test_pinyin_initial_headers_are_matched_to_the_chinese_words_they_abbreviate():
    from rexian.importing.header_words import initials, match_headers
    from rexian.importing.suggest import HEADER_SYNONYMS

    assert [initials(w) for w in ("工单编号", "流转时间", "操作类型", "承办单位", "满意度", "上级单位")] == [
        "gdbh", "lzsj", "czlx", "cbdw", "myd", "sjdw"]
    headers = ["LSH", "GDBH", "CZLX", "CZRDM", "CZDWDM", "CBDWDM", "LZSJ", "CLYJ"]
    assert match_headers(headers, HEADER_SYNONYMS, set()) == {
        "ticket_id": "GDBH", "at": "LZSJ", "action": "CZLX", "actor_id": "CZRDM", "actor_unit_id": "CZDWDM",
        "target_unit_id": "CBDWDM", "note": "CLYJ"}
    # near misses: 操作日期 (CZRQ) is not 操作人 (CZR); two letters (SJ 时间) match only a header of exactly them
    assert "actor_id" not in match_headers(["GDBH", "CZRQ"], HEADER_SYNONYMS, set())
    assert match_headers(["GDBH", "BJSJ", "SJDWDM"], {"at": ("时间",)}, set()) == {}


def test_suggest_reads_a_coded_dump_through_its_code_table_and_proposes_every_part(tmp_path):
    """The code table found and proposed; the action words and visit results proposed are the decoded names;
    the visit table (T_GD_HFJL) an event sheet, the unit table a unit tree, the staff table a roster; the
    draft, with only `source` filled in, imports every row and reads the coded visit results."""
    from rexian.importing.suggest import suggest

    inputs = coded_dump(tmp_path)
    dump_csv(tmp_path / "T_GD_JBXX.csv", ["GDBH", "SLSJ", "SQNR", "SFDZ", "LDHM", "BJSJ"], [
        ["D1", "20260305085500", "工地夜间施工噪音扰民", "幸福路1号", "13800000001", "20260305190000"],
        ["D2", "20260306085500", "饭店油烟扰民", "和平街2号", "13800000002", "NULL"]], comments=["# 工单基本信息"])
    dump_csv(tmp_path / "T_DM_DW.csv", ["DWDM", "DWMC", "SJDWDM"], [
        ["330100000", "热线中心", ""], ["330102000", "城管局", ""], ["330102010", "城管局执法中队", "330102000"]])
    dump_csv(tmp_path / "T_DM_RY.csv", ["RYDM", "RYXM", "SSDW"], [["100103", "张伟", "330102000"]])
    paths = [*inputs, tmp_path / "T_GD_JBXX.csv", tmp_path / "T_DM_DW.csv", tmp_path / "T_DM_RY.csv"]
    proposal, notes = suggest(paths)
    assert proposal["code_table"]["columns"] == {"MYD": "MYD", "SFJJ": "SFJJ", "CZLX": "CZLX"}
    assert {k: proposal["code_table"][k] for k in ("category", "code", "name")} == {
        "category": "DMLB", "code": "DM", "name": "DMMC"}
    assert proposal["actions"]["派单"] == "Dispatched" and proposal["actions"]["申请办结"] == "ClosureRequested"
    assert proposal["ticket_sheet"]["files"] == "*T_GD_JBXX*" and proposal["ticket_sheet"]["closed_at"] == "BJSJ"
    assert proposal["event_sheets"][0]["files"] == "*T_GD_HFJL*"
    assert proposal["event_sheets"][0]["action_fields"]["Visited"] == {"satisfaction": "MYD", "resolved": "SFJJ"}
    assert proposal["unit_tree"] == {"files": "*T_DM_DW*", "unit": "DWDM", "parent": "SJDWDM"}
    assert proposal["roster"]["columns"] == {"person_id": "RYDM", "name": "RYXM", "unit_id": "SSDW"}
    assert proposal["nulls"] == ["", "NULL"] and proposal["date_formats"] == ["%Y%m%d%H%M%S"]
    report, events, _ = import_to_frames(paths, mapping_from_dict({**proposal, "source": "draft"}))
    assert report.rejects.rejects == []
    assert {t: p["satisfaction"] for t, _, p in visits(events)} == {"D1": "unsatisfied", "D2": "basically_satisfied"}


def test_suggest_proposes_epoch_seconds_by_name_and_milliseconds_not_at_all():
    from rexian.importing.suggest import _date_formats

    assert _date_formats(["1772707500000", "1772793900000"]) == []
    assert _date_formats(["1772707500", "1772793900"]) == ["epoch_s"]
    assert _date_formats(["20260305184500", "NULL"]) == ["%Y%m%d%H%M%S"]


def test_suggest_finds_a_code_table_whose_categories_are_written_in_words(tmp_path):
    """操作类型 / 满意度 as the categories of CZLX / MYD: matched by their initials. Near miss: a dictionary whose
    codes are not the column's values proposes nothing."""
    from rexian.importing.suggest import suggest

    inputs = coded_dump(tmp_path)
    words = {"CZLX": "操作类型", "MYD": "满意度", "SFJJ": "是否解决"}
    dump_csv(tmp_path / "T_DM_ZD.csv", ["DMLB", "DM", "DMMC"], [[words[c], d, n] for c, d, n in DICTIONARY])
    proposal, _ = suggest(inputs)
    assert proposal["code_table"]["columns"] == {"MYD": "满意度", "SFJJ": "是否解决", "CZLX": "操作类型"}
    dump_csv(tmp_path / "T_DM_ZD.csv", ["DMLB", "DM", "DMMC"], [[c, "X" + d, n] for c, d, n in DICTIONARY])
    assert "code_table" not in suggest(inputs)[0]


def test_a_parquet_log_with_epoch_millisecond_times_leaves_the_fast_path_and_reads_them_as_local_times(tmp_path):
    """The fast path would cast integers as microseconds (1970-01-21); the general path reads epoch milliseconds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rexian.importing.fast import fast_plan

    path = tmp_path / "events.parquet"
    pq.write_table(pa.table({"ticket_id": ["P1", "P1"], "at": pa.array([int(epoch_ms(t)) for t in (
        "20260305090000", "20260305093000")], pa.int64()), "action": ["TicketReceived", "Dispatched"],
        "actor_id": ["100001", "100002"]}), path)
    mapping = mapping_from_dict({"source": "pq", "columns": {"ticket_id": "ticket_id", "at": "at", "action": "action",
                                                             "actor_id": "actor_id"}})
    assert fast_plan([path], mapping) is None
    report, events, _ = import_to_frames([path], mapping)
    assert report.rejects.rejects == []
    assert sorted(str(at) for at in events["at"]) == ["2026-03-05 09:00:00", "2026-03-05 09:30:00"]


def test_a_digits_only_time_in_a_number_cell_is_read_and_a_fraction_is_not_taken_for_one(tmp_path):
    """A dump opened and saved in Excel: 20260305091400 becomes a number cell. Near miss: 2026.5 is no time."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["GDBH", "CZLX", "LZSJ"])
    sheet.append(["X1", "受理", 20260305091400])
    sheet.append(["X1", "派单", 20260305093000])
    sheet.append(["X2", "受理", 2026.5])
    book.save(tmp_path / "dump.xlsx")
    report = build([tmp_path / "dump.xlsx"], mapping_from_dict(
        {"source": "xl", "date_format": "%Y%m%d%H%M%S", "columns": {"ticket_id": "GDBH", "at": "LZSJ", "action": "CZLX"}}))
    assert [str(d.at) for d in report.histories["X1"].drafts if d.action == "Dispatched"] == ["2026-03-05 09:30:00"]
    assert [(r.row, r.column) for r in report.rejects.rejects] == [(4, "LZSJ")]
