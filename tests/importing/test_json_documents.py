"""Exports pulled from a platform's open data API: one JSON document per page, the records inside an envelope,
each record a ticket with nested objects and nested arrays (flow steps, visits, returns) — read through
`json: {records, rows}`, one row per element of the named array, every part from the same pages."""

import json

import pytest

from rexian.importing.json_documents import flatten
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import build, import_to_frames


def who(user, dept):
    return {"userId": user, "userName": f"姓名{user}", "deptId": dept}


def step(oper, at, user, dept, target=None, opinion=None, files=()):
    element = {"operType": oper, "operTime": at, "operator": who(user, dept)}
    if target:
        element["targetDept"] = {"deptId": target}
    if opinion is not None:
        element["opinion"] = opinion
    if files:
        element["attachments"] = [{"fileName": name, "size": 1} for name in files]
    return element


def record(no, *, satisfaction=1, audit="PASS", address="人民路1号"):
    """A ticket: dispatched to D10, a return asked by u9 and ruled on, handled by u1, closed with two attachments,
    visited by the centre's v1 (its result in `visitList`, the return in `returnList`)."""
    rec = {
        "orderNo": no, "acceptTime": "2026-03-02T09:00:00+08:00", "content": "人民路路灯不亮，夜间出行不便",
        "categoryName": "路灯照明", "caller": {"name": "张先生", "phone": "13800000000"},
        "flowList": [
            step("DISPATCH", "2026/03/02 09:10", "c1", "D00", target="D10"),
            step("SIGN", "2026/03/02 09:30", "u9", "D10"),
            step("SIGN", "2026-03-02T15:00:00+08:00", "u1", "D10"),
            step("CONTACT", "2026/03/02 15:30", "u1", "D10", opinion="已电话联系"),
            step("APPLY_FINISH", "2026/03/03 10:00", "u1", "D10", opinion="经检查路灯线路故障，已更换线路，路灯已恢复照明。",
                 files=("修复后.jpg", "维修单.pdf")),
            step("FINISH_AUDIT_PASS", "2026/03/03 12:00", "r1", "D00"),
        ],
        "returnList": [{"applyTime": "2026-03-02T10:00:00+08:00", "applicant": who("u9", "D10"), "reason": "不属于我单位",
                        "auditResult": audit, "auditTime": 1772421000, "auditor": who("r1", "D00")}],
        "visitList": [{"visitTime": 1772528400, "visitor": who("v1", "D00"), "satisfaction": satisfaction, "solved": 1}],
    }
    if address is not None:
        rec["address"] = address
    return rec


def page(path, records, number=1):
    envelope = {"code": 0, "msg": "success", "data": {"total": len(records), "pageNo": number, "records": records}}
    path.write_text(json.dumps(envelope, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


MAPPING = {
    "source": "api", "json": {"records": "data.records", "rows": "flowList"},
    "date_formats": ["%Y/%m/%d %H:%M", "epoch_s"], "timezone": "Asia/Shanghai",
    "columns": {"ticket_id": "orderNo", "at": "flowList.operTime", "action": "flowList.operType",
                "actor_id": "flowList.operator.userId", "actor_unit_id": "flowList.operator.deptId",
                "target_unit_id": "flowList.targetDept.deptId", "note": "flowList.opinion"},
    "ticket_sheet": {"files": "page_*.json", "ticket_id": "orderNo",
                     "intake": {"received_at": "acceptTime", "content": "content", "category": "categoryName",
                                "address": "address", "caller_phone": "caller.phone"}},
    "actions": {"DISPATCH": "Dispatched", "SIGN": "SignedFor", "CONTACT": "CitizenContacted",
                "APPLY_FINISH": "ClosureRequested", "FINISH_AUDIT_PASS": "ClosureApproved"},
    "action_fields": {"ClosureRequested": {"reply": "flowList.opinion", "evidence": "flowList.attachments.fileName"}},
    "values": {"satisfaction": {"1": "满意", "2": "基本满意", "3": "不满意"}, "resolved": {"1": "是", "0": "否"}},
    "event_sheets": [
        {"files": "page_*.json", "json": {"rows": "visitList"}, "action": "Visited",
         "columns": {"ticket_id": "orderNo", "at": "visitList.visitTime", "actor_id": "visitList.visitor.userId"},
         "action_fields": {"Visited": {"satisfaction": "visitList.satisfaction", "resolved": "visitList.solved"}}},
        {"files": "page_*.json", "json": {"rows": "returnList"}, "action": "ReturnRequested",
         "columns": {"ticket_id": "orderNo", "at": "returnList.applyTime", "actor_id": "returnList.applicant.userId",
                     "actor_unit_id": "returnList.applicant.deptId"},
         "action_fields": {"ReturnRequested": {"reason": "returnList.reason"}}},
        {"files": "page_*.json", "json": {"rows": "returnList"},
         "columns": {"ticket_id": "orderNo", "at": "returnList.auditTime", "action": "returnList.auditResult",
                     "actor_id": "returnList.auditor.userId"},
         "actions": {"PASS": "ReturnApproved", "REJECT": "ReturnRejected"}},
    ],
}


def payloads(events, ticket, action):
    rows = events[(events.ticket_id == ticket) & (events.action == action)].sort_values("seq")
    return [json.loads(p) if isinstance(p, str) else p for p in rows.payload]


def findings(events, frame, rule):
    """The findings of `rule` alone (the other rules switched off, as `--rules` would: quick)."""
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.tables import from_frames

    config = load_config()
    config["rules"] = {rule_id: {**(params or {}), "enabled": rule_id == rule}
                       for rule_id, params in config["rules"].items()}
    return sorted((f.ticket_ids[0], f.person_id) for f in analyze(from_frames(events, frame), config).findings
                  if f.rule_id == rule)


def test_a_nested_object_is_flattened_with_dots_and_a_list_of_objects_joins_each_keys_values():
    flat = flatten({"a": {"b": 1, "c": {"d": None}}, "files": [{"name": "x.jpg"}, {"name": "y.pdf"}], "ok": True,
                    "tags": ["甲", "乙"], "none": []})
    assert flat == {"a.b": 1, "a.c.d": None, "files.name": "x.jpg;y.pdf", "ok": "true", "tags": "甲;乙", "none": None}


def test_api_pages_make_one_flow_row_per_element_of_the_named_array_with_the_record_as_ticket_sheet(tmp_path):
    pages = [page(tmp_path / "page_0001.json", [record("A-1")]),
             page(tmp_path / "page_0002.json", [record("A-2", address=None)], 2)]
    report, events, _ = import_to_frames(pages, mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    # per page: 6 flow steps + 1 ticket record + 1 visit + 2 return rows (the application and the ruling)
    assert report.rows_in == 2 * (6 + 1 + 1 + 2)
    a1 = events[events.ticket_id == "A-1"].sort_values("seq")
    assert list(a1.action) == ["TicketReceived", "Dispatched", "SignedFor", "ReturnRequested", "ReturnApproved",
                               "SignedFor", "CitizenContacted", "ClosureRequested", "ClosureApproved", "Visited"]
    assert list(a1.actor_id)[1:4] == ["c1", "u9", "u9"] and list(a1.target_unit_id)[1] == "D10"
    intake = payloads(events, "A-1", "TicketReceived")[0]
    assert intake["content"].startswith("人民路路灯") and intake["address"] == "人民路1号"
    assert "address" not in payloads(events, "A-2", "TicketReceived")[0]  # a missing key reads as an empty cell
    closure = payloads(events, "A-1", "ClosureRequested")[0]
    assert [e["ref"] for e in closure["evidence"]] == ["修复后.jpg", "维修单.pdf"]
    assert closure["reply"].startswith("经检查路灯线路故障")
    visit = payloads(events, "A-1", "Visited")[0]
    assert visit["satisfaction"] == "satisfied" and visit["resolved"] is True


def test_an_unsatisfied_visit_in_the_visit_array_fires_ds_unsatisfied_on_the_closer_and_a_basic_one_does_not(tmp_path):
    pages = [page(tmp_path / "page_0001.json", [record("B-1", satisfaction=3), record("B-2", satisfaction=2)])]
    report, events, frame = import_to_frames(pages, mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert findings(events, frame, "DS-UNSATISFIED") == [("B-1", "u1")]


def test_a_rejected_return_in_the_return_array_fires_bp_rejected_on_its_applicant_and_an_approved_one_does_not(
        tmp_path):
    pages = [page(tmp_path / "page_0001.json", [record("C-1", audit="REJECT"), record("C-2", audit="PASS")])]
    report, events, frame = import_to_frames(pages, mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert findings(events, frame, "BP-REJECTED") == [("C-1", "u9")]


def test_a_visit_file_of_its_own_beside_the_pages_is_read_only_as_its_event_sheet(tmp_path):
    pages = [page(tmp_path / "page_0001.json", [record("F-1")])]
    visits = tmp_path / "回访.csv"
    visits.write_text("工单编号,回访时间,回访员,满意度\nF-1,2026-03-03 16:00,v2,不满意\n", encoding="utf-8")
    raw = {**MAPPING, "event_sheets": [{"files": "回访*.csv", "action": "Visited",
                                        "columns": {"ticket_id": "工单编号", "at": "回访时间", "actor_id": "回访员"},
                                        "action_fields": {"Visited": {"satisfaction": "满意度"}}}]}
    report, events, _ = import_to_frames([*pages, visits], mapping_from_dict(raw))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert report.rows_in == 6 + 1 + 1
    assert [p["satisfaction"] for p in payloads(events, "F-1", "Visited")] == ["unsatisfied"]


def test_a_page_read_without_json_records_is_one_record_and_a_remark_says_where_the_records_are(tmp_path):
    path = page(tmp_path / "page_0001.json", [record("D-1"), record("D-2")])
    plain = {key: value for key, value in MAPPING.items() if key not in ("json", "ticket_sheet", "event_sheets")}
    report = build([path], mapping_from_dict(plain))
    assert report.rows_in == 1 and not report.histories  # the envelope: no ticket number, no time
    remarks = [r.reason for r in report.rejects.notes]
    assert any("data.records" in reason and "2 个对象" in reason for reason in remarks), remarks
    from rexian.importing.mapping_check import check

    _, lines = check([path, page(tmp_path / "page_0002.json", [record("D-3")], 2)], mapping_from_dict(plain))
    assert any("page_0001.json：" in line and "json: {records: data.records}" in line and "另有 1 个文件" in line
               for line in lines), lines
    wrong = build([path], mapping_from_dict({**plain, "json": {"records": "data.rows", "rows": "flowList"}}))
    assert wrong.rows_in == 0 and any("data.rows" in r.reason for r in wrong.rejects.notes)


def test_json_lines_of_records_with_nested_arrays_read_one_row_per_element_numbered_as_made(tmp_path):
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(record(no), ensure_ascii=False) for no in ("E-1", "E-2")) + '\n{"orderNo": "E-3"\n',
                    encoding="utf-8")
    lines = {**MAPPING, "json": {"rows": "flowList"}}
    lines = {key: value for key, value in lines.items() if key not in ("ticket_sheet", "event_sheets")}
    report = build([path], mapping_from_dict(lines))
    assert report.rows_in == 13 and report.rows_rejected == 1  # the cut last line
    assert [r.row for r in report.rejects.rejects] == [13] and "第 3 行" in report.rejects.rejects[0].reason
    assert [d.action for d in report.histories["E-2"].drafts][:3] == ["Dispatched", "SignedFor", "SignedFor"]
    assert sorted(row for _, row in report.histories["E-2"].rows) == list(range(7, 13))


@pytest.mark.parametrize("bad", [["data.records"], {"records": "data.records", "row": "flowList"}, {"rows": ""}])
def test_a_json_section_of_the_wrong_shape_is_a_mapping_error(bad):
    with pytest.raises(MappingError, match="json 应为"):
        mapping_from_dict({**MAPPING, "json": bad})


def test_suggest_on_api_pages_proposes_the_records_path_the_flow_array_the_ticket_sheet_and_the_visit_array(tmp_path):
    """Firing: the pages' envelope, arrays and camelCase keys are read into a draft `mapping check` accepts once the
    visit codes are named. Near miss: the flat JSON Lines of call records beside them is a `calls` section."""
    from rexian.importing.suggest import suggest

    pages = [page(tmp_path / f"page_000{n}.json", [record(f"S-{n}")], n) for n in (1, 2)]
    calls = tmp_path / "callRecords.jsonl"
    calls.write_text(json.dumps({"callId": "C1", "direction": "OUT", "callerNo": "12345", "agentId": "v1",
                                 "ringTime": 1772528300, "answerTime": 1772528310, "hangupTime": 1772528400,
                                 "orderNo": "S-1"}) + "\n", encoding="utf-8")
    proposal, notes = suggest([*pages, calls])
    assert proposal["json"] == {"records": "data.records", "rows": "flowList"}
    assert proposal["columns"] == {"ticket_id": "orderNo", "at": "flowList.operTime", "action": "flowList.operType",
                                   "actor_id": "flowList.operator.userId", "actor_unit_id": "flowList.operator.deptId",
                                   "target_unit_id": "flowList.targetDept.deptId", "note": "flowList.opinion"}
    assert proposal["ticket_sheet"]["files"] == "page_*.json"
    assert proposal["ticket_sheet"]["intake"]["caller_phone"] == "caller.phone"
    assert proposal["date_formats"] == ["%Y/%m/%d %H:%M", "epoch_s"]  # the PC client's, ISO beside it needs none
    visits = proposal["event_sheets"][0]
    assert visits["json"] == {"rows": "visitList"} and visits["action"] == "Visited"
    assert visits["columns"]["actor_id"] == "visitList.visitor.userId"
    # IN, not in the sample (follow-up calls only), is added as the other direction (issue 14)
    assert proposal["calls"]["columns"]["ring_at"] == "ringTime" and proposal["calls"]["values"]["direction"] == {
        "OUT": "out", "IN": "in"}
    assert any("returnList" in note and "未使用" in note for note in notes)  # named, never passed over
    assert proposal["actions"]["APPLY_FINISH"] == "ClosureRequested"
    draft = {**proposal, "source": "draft", "values": {"satisfaction": {"1": "满意", "3": "不满意"}}}
    report = build([*pages, calls], mapping_from_dict(draft))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert [d.action for d in report.histories["S-1"].drafts].count("Visited") == 1


@pytest.mark.parametrize("word, event", [
    ("APPLY_FINISH", "ClosureRequested"), ("FINISH_AUDIT_REJECT", "ClosureRejected"), ("RETURN_PASS", "ReturnApproved"),
    ("delayApply", "ExtensionRequested"), ("FINISH_AUDIT_NOT_PASS", "ClosureRejected"), ("DISPATCH", "Dispatched"),
    ("TRANSFER", "HandedOver"),
    # near misses: a decision or close is never guessed from one word inside a phrase
    ("DIRECT_FINISH", None), ("FINISH_NOTICE", None), ("SITE_CHECK", None)])
def test_english_action_words_pair_a_request_kind_with_its_application_or_verdict(word, event):
    from rexian.importing.mapping import Mapping
    from rexian.importing.suggest import guess_action
    from rexian.importing.vocabulary import default_vocabulary

    assert guess_action(word, Mapping(source="x", actions=default_vocabulary(), action_match="contains")) == event


def test_times_written_several_ways_in_one_column_are_proposed_as_the_formats_that_together_read_them():
    from rexian.importing.suggest import _date_formats

    assert _date_formats(["2026/03/02 09:10", "2026-03-02T15:00:00+08:00", "1772421000", 1772528400]) == [
        "%Y/%m/%d %H:%M", "epoch_s"]
    assert _date_formats(["2026/03/02 09:10", "上周二"])[0].startswith("?")  # one unreadable: none is guessed


def delays(n, with_application=True):
    out = []
    for k in range(n):
        element = {"auditStatus": 1, "auditTime": f"2026-03-0{3 + k}T15:00:00+08:00", "auditor": who("r1", "D00"),
                   "newDeadline": f"2026/03/1{k}  18:00".replace("  ", " ")}
        if with_application:
            element.update(applyTime=f"2026/03/0{3 + k} 09:00", applicant=who("u1", "D10"), reason="需协调",
                           applyDeadline=f"2026-03-1{k}")
        out.append(element)
    return out


@pytest.mark.parametrize("with_application", [True, False])
def test_an_extension_array_whose_elements_hold_the_application_is_proposed_as_requests_and_their_rulings(
        tmp_path, with_application):
    """Firing: applyTime/applicant beside auditTime/auditor → an ExtensionRequested section before the ruling's, so
    three applications are three requests (DL-EXTENSIONS counts them). Near miss: rulings only → no request section."""
    from rexian.importing.suggest import suggest

    rec = {**record("X-1"), "delayList": delays(3, with_application)}
    pages = [page(tmp_path / "page_0001.json", [rec])]
    proposal, _ = suggest(pages)
    sections = [entry for entry in proposal["event_sheets"] if entry["json"] == {"rows": "delayList"}]
    if not with_application:
        assert [entry.get("action") for entry in sections] == [None]  # the ruling's verdict column only
        return
    assert [entry.get("action") for entry in sections] == ["ExtensionRequested", None]
    assert sections[0]["columns"]["actor_id"] == "delayList.applicant.userId"
    assert sections[0]["action_fields"]["ExtensionRequested"] == {"reason": "delayList.reason",
                                                                  "requested_due_at": "delayList.applyDeadline"}
    sections[1]["actions"] = {"1": "ExtensionApproved"}  # the verdict code, from the interface description
    report = build(pages, mapping_from_dict({**proposal, "source": "draft", "values": {
        "satisfaction": {"1": "满意"}}, "date_formats": [*proposal["date_formats"], "%Y-%m-%d"]}))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    actions = [d.action for d in report.histories["X-1"].drafts]
    assert actions.count("ExtensionRequested") == 3 and actions.count("ExtensionApproved") == 3


def test_a_rejected_step_leaves_its_whole_ticket_out_with_every_part_of_the_page_counted_once(tmp_path):
    """A ruling whose time cannot be read: the ruling's section rejects that row, so the ticket is left out whole
    (docs: a ticket is imported whole or not at all) — its flow steps, record, visit and application counted
    among the rejected, the other ticket of the page imported."""
    damaged = record("P-1")
    damaged["returnList"][0]["auditTime"] = "上周二"
    report = build([page(tmp_path / "page_0001.json", [damaged, record("P-2")])], mapping_from_dict(MAPPING))
    assert report.rows_in == 2 * (6 + 1 + 1 + 2)
    assert report.rows_rejected == 10 and list(report.histories) == ["P-2"]
    files = {r.file.rsplit("/", 1)[-1] for r in report.rejects.rejects}
    assert files == {"page_0001.json", "page_0001.json[flowList]", "page_0001.json[visitList]",
                     "page_0001.json[returnList]", "page_0001.json[returnList，event_sheets 第 3 项]"}


def test_a_document_that_is_a_list_of_records_with_the_steps_nested_deeper_reads_by_the_dotted_rows_path(tmp_path):
    """Another API's shape: the file is the list itself (no envelope), the steps under `process.steps`, a step's time
    in epoch seconds; the record's other `process` keys stay the record's."""
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{"id": "L-1", "process": {"state": "done", "steps": [
        {"t": 1772413200, "op": "DISPATCH", "by": {"id": "c1"}, "to": "D10"},
        {"t": 1772415000, "op": "SIGN", "by": {"id": "u1"}}]}}]), encoding="utf-8")
    report = build([path], mapping_from_dict({
        "source": "api2", "json": {"rows": "process.steps"}, "date_formats": ["epoch_s"],
        "columns": {"ticket_id": "id", "at": "process.steps.t", "action": "process.steps.op",
                    "actor_id": "process.steps.by.id", "target_unit_id": "process.steps.to"},
        "payload_columns": ["process.state"], "actions": {"DISPATCH": "Dispatched", "SIGN": "SignedFor"}}))
    assert report.rows_in == 2 and report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    drafts = report.histories["L-1"].drafts
    assert [(d.action, d.actor_id, d.target_unit_id) for d in drafts] == [("Dispatched", "c1", "D10"),
                                                                          ("SignedFor", "u1", None)]
    assert drafts[0].payload["process.state"] == "done" and str(drafts[0].at) == "2026-03-02 09:00:00"


def test_a_return_still_awaiting_its_ruling_is_imported_as_requested_with_no_ruling_and_a_remark(tmp_path):
    """Firing: the ruling's fields are all empty (no result, time or auditor) — a step not taken yet: the ticket is
    imported with its ReturnRequested and no decision, the row counted with its ticket and remarked, not rejected."""
    pending = record("P-1")
    for key in ("auditResult", "auditTime", "auditor"):
        del pending["returnList"][0][key]
    report = build([page(tmp_path / "page_0001.json", [pending, record("P-2")])], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0 and sorted(report.histories) == ["P-1", "P-2"]
    actions = [d.action for d in report.histories["P-1"].drafts]
    assert "ReturnRequested" in actions and not {"ReturnApproved", "ReturnRejected"} & set(actions)
    assert [note.row for note in report.rejects.notes if "尚未发生的步骤" in note.reason] == [1]


def test_a_ruling_with_its_auditor_but_no_time_is_still_a_damaged_row_that_leaves_its_ticket_out(tmp_path):
    """Near miss: something of the ruling is written (its auditor), only the time is missing — a damaged record,
    not a pending one: rejected, and the ticket with it."""
    damaged = record("P-1")
    del damaged["returnList"][0]["auditResult"], damaged["returnList"][0]["auditTime"]
    report = build([page(tmp_path / "page_0001.json", [damaged, record("P-2")])], mapping_from_dict(MAPPING))
    assert list(report.histories) == ["P-2"] and report.rows_rejected == 10
    assert not [note for note in report.rejects.notes if "尚未发生的步骤" in note.reason]


def test_a_ticket_known_only_from_steps_not_yet_taken_is_rejected_not_made_from_nothing(tmp_path):
    """A side section naming a ticket that neither the flow nor a ticket sheet knows, with only an empty ruling:
    nothing dates it, so its row is rejected (and the import does not fail)."""
    mapping = {**{key: value for key, value in MAPPING.items() if key != "ticket_sheet"},
               "event_sheets": MAPPING["event_sheets"][2:]}  # the rulings' section alone
    ghost = {"orderNo": "G-1", "flowList": [], "returnList": [{"reason": "不属于我单位"}]}
    report = build([page(tmp_path / "page_0001.json", [ghost, record("P-2")])], mapping_from_dict(mapping))
    assert sorted(report.histories) == ["P-2"]
    assert [r.value for r in report.rejects.rejects if "只有尚未发生的步骤" in r.reason] == ["G-1"]
