"""Exports delivered as XML documents (a city's monthly work-order package for the province's 12345 exchange
platform): declared GBK, a default namespace, records in an envelope, attributes beside element text, repeated
child elements — read through `xml: {records, rows}` as JSON pages are through `json:`; `mapping suggest` proposes
the mapping from the packages."""

from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import build, import_to_frames
from rexian.importing.rejects import RejectLog
from rexian.importing.suggest import suggest
from rexian.importing.xes import read_xes
from rexian.importing.xml_documents import xml_document

from .test_json_documents import findings, payloads

NS = "http://www.12345.gov.cn/exchange/workorder/v2"


def flow(seq, at, kind, code, dept, *, to=None, opinion=None, files=(), delay_to=None):
    parts = [f'<Flow seq="{seq}" time="{at}+08:00" type="{kind}">',
             f'<Operator code="{code}" dept="{dept}">姓名{code}</Operator>']
    if to:
        parts.append(f"<ToDept>{to}</ToDept>")
    if opinion:
        parts.append(f"<Opinion>{opinion}</Opinion>")
    if delay_to:
        parts.append(f"<DelayTo>{delay_to}</DelayTo>")
    if files:
        parts.append("<Attachments>" + "".join(f'<File name="{name}" size="10"/>' for name in files) + "</Attachments>")
    return "".join(parts) + "</Flow>"


def order(no, *, sat="满意", kind="投诉", returned=False):
    """A ticket dispatched to 城管局, (optionally) returned by 1101 without any check and re-dispatched to 住建局,
    handled with a contact and a photo, closed and visited once by the centre's 0301."""
    steps = [flow(1, "2026-01-06T10:00:00", "派单", "0101", "热线中心", to="城管局", opinion="请办理")]
    unit, handler = "城管局", "1101"
    if returned:
        steps += [flow(2, "2026-01-06T10:30:00", "签收", "1101", "城管局"),
                  flow(3, "2026-01-06T10:40:00", "申请退单", "1101", "城管局", opinion="非我局职责"),
                  flow(4, "2026-01-06T11:00:00", "退单审核通过", "0201", "热线中心"),
                  flow(5, "2026-01-06T11:10:00", "派单", "0101", "热线中心", to="住建局")]
        unit, handler = "住建局", "1301"
    steps += [flow(6, "2026-01-06T12:00:00", "签收", handler, unit),
              flow(7, "2026-01-06T13:00:00", "联系市民", handler, unit, opinion="已电话联系"),
              flow(8, "2026-01-07T09:00:00", "现场核查", handler, unit),
              flow(9, "2026-01-07T15:00:00", "申请办结", handler, unit, opinion="经现场核查，已清理人民路占道摊点，已告知市民。",
                   files=("整改后.jpg", "笔录.pdf")),
              flow(10, "2026-01-07T16:00:00", "办结审核通过", "0201", "热线中心"),
              flow(11, "2026-01-07T16:01:00", "办结", "0201", "热线中心")]
    return (f"<WorkOrder><OrderNo>{no}</OrderNo><AcceptTime>2026-01-06 09:50:00</AcceptTime>"
            f'<Acceptor code="0401">钱琳</Acceptor><AppealType>{kind}</AppealType>'
            f'<Caller name="张先生" phone="13800000000"/><Category code="0102">占道经营</Category>'
            f"<Address>人民路{no[-1]}号</Address><Content><![CDATA[人民路路口有摊点占道经营，行人无法通行。]]></Content>"
            f"<TimeLimit>2026-01-13 18:00:00</TimeLimit><Status>已回访</Status><FinishTime/>"
            f"<Flows>{''.join(steps)}</Flows>"
            f'<Visits><Visit time="2026-01-08T10:00:00+08:00" visitorCode="0301" way="电话" callId="HF{no}">'
            f"<Contact>已联系</Contact><Satisfaction>{sat}</Satisfaction><Solved>已解决</Solved>"
            f"<Remark>市民认可</Remark></Visit></Visits></WorkOrder>")


def package(path, orders, encoding="GBK"):
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\r\n<Package xmlns="{NS}" version="2.1">'
            f"<Head><RecordCount>{len(orders)}</RecordCount></Head><Body>{''.join(orders)}</Body></Package>")
    path.write_bytes(text.encode("gb18030" if encoding.upper().startswith("GB") else encoding))
    return path


def calls(path, numbers):
    body = "".join(f'<Call id="HF{no}" direction="呼出"><Caller>0301</Caller><Agent>0301</Agent><OrderNo>{no}</OrderNo>'
                   f"<RingTime>2026-01-08 09:58:00</RingTime><AnswerTime>2026-01-08 09:58:10</AnswerTime>"
                   f"<HangupTime>2026-01-08 10:01:00</HangupTime></Call>" for no in numbers)
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><CallRecords xmlns="{NS}">{body}</CallRecords>',
                    encoding="utf-8")
    return path


MAPPING = {
    "source": "xmlpkg", "xml": {"records": "Body.WorkOrder", "rows": "Flows.Flow"},
    "columns": {"ticket_id": "OrderNo", "at": "Flows.Flow.time", "action": "Flows.Flow.type",
                "actor_id": "Flows.Flow.Operator.code", "actor_unit_id": "Flows.Flow.Operator.dept",
                "target_unit_id": "Flows.Flow.ToDept", "note": "Flows.Flow.Opinion"},
    "ticket_sheet": {"files": "GDSJ_*.xml", "ticket_id": "OrderNo", "due_at": "TimeLimit",
                     "intake": {"received_at": "AcceptTime", "content": "Content", "category": "Category",
                                "address": "Address", "caller_phone": "Caller.phone", "kind": "AppealType"}},
    "values": {"kind": {"投诉": "complaint", "咨询": "consultation"}},
    "action_fields": {"ClosureRequested": {"reply": "Flows.Flow.Opinion",
                                           "evidence": "Flows.Flow.Attachments.File.name"}},
    "event_sheets": [{"files": "GDSJ_*.xml", "xml": {"rows": "Visits.Visit"}, "action": "Visited",
                      "columns": {"ticket_id": "OrderNo", "at": "Visits.Visit.time",
                                  "actor_id": "Visits.Visit.visitorCode"},
                      "action_fields": {"Visited": {"satisfaction": "Visits.Visit.Satisfaction",
                                                    "resolved": "Visits.Visit.Solved",
                                                    "call_id": "Visits.Visit.callId"}}}],
    "calls": {"files": "HWJL_*.xml", "xml": {"records": "Call"},
              "columns": {"call_id": "id", "agent_id": "Agent", "caller_phone": "Caller", "ticket_id": "OrderNo",
                          "ring_at": "RingTime", "answer_at": "AnswerTime", "end_at": "HangupTime",
                          "direction": "direction"},
              "values": {"direction": {"呼出": "out"}}},
}


def test_an_element_reads_as_its_attributes_children_and_text_and_a_wrapper_holds_a_list_even_of_one():
    document = xml_document(f'<?xml version="1.0" encoding="GBK"?><P xmlns="{NS}"><Body><W><C code="01">噪音</C>'
                            f'<Caller name="张" phone="1"/><Empty/><Visits><Visit t="1"/></Visits></W></Body></P>'
                            .encode("gbk"))
    record = {"C": {"code": "01", "#text": "噪音"}, "Caller": {"name": "张", "phone": "1"}, "Empty": None,
              "Visits": {"Visit": [{"t": "1"}]}}
    assert document == {"Body": [{"W": [record]}]}  # Body: the only child of the root, a list of one
    from rexian.importing.json_documents import JsonPaths, document_rows

    rows = document_rows(document, JsonPaths("Body.W", "Visits.Visit"), "p.xml", print, kind="xml")
    assert [row for _, row in rows] == [{"C.code": "01", "C": "噪音", "Caller.name": "张", "Caller.phone": "1",
                                         "Empty": None, "Visits.Visit.t": "1"}]


def test_gbk_packages_make_one_flow_row_per_step_with_the_work_order_as_ticket_sheet_and_visits_and_calls(tmp_path):
    paths = [package(tmp_path / "GDSJ_202601.xml", [order("YZ-1"), order("YZ-2", kind="咨询")]),
             calls(tmp_path / "HWJL_2026Q1.xml", ["YZ-1", "YZ-2"])]
    report, events, frame = import_to_frames(paths, mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert report.rows_in == 2 * (7 + 1 + 1) + 2  # steps, the work order, its visit; two calls
    one = events[events.ticket_id == "YZ-1"].sort_values("seq")
    assert list(one.action) == ["TicketReceived", "Dispatched", "SignedFor", "CitizenContacted", "ProgressNoted",
                                "ClosureRequested", "ClosureApproved", "Closed", "Visited"]
    assert list(one.actor_id)[1:3] == ["0101", "1101"] and list(one.target_unit_id)[1] == "城管局"
    intake = payloads(events, "YZ-1", "TicketReceived")[0]
    assert intake["category"] == "占道经营" and intake["kind"] == "complaint"  # the element's text, not its code
    assert payloads(events, "YZ-2", "TicketReceived")[0]["kind"] == "consultation"
    closure = payloads(events, "YZ-1", "ClosureRequested")[0]
    assert [e["ref"] for e in closure["evidence"]] == ["整改后.jpg", "笔录.pdf"]
    assert payloads(events, "YZ-1", "Dispatched")[0]["due_at"].startswith("2026-01-13")
    visit = payloads(events, "YZ-1", "Visited")[0]
    assert visit["satisfaction"] == "satisfied" and visit["call_id"] == "HFYZ-1"
    from rexian.importing.pipeline import record_frames

    assert len(record_frames(report)["calls"]) == 2


def test_buck_passing_and_dissatisfaction_in_xml_packages_name_the_right_person_and_near_misses_stay_silent(tmp_path):
    paths = [package(tmp_path / "GDSJ_202601.xml", [order("YZ-1", returned=True), order("YZ-2", sat="不满意"),
                                                    order("YZ-3", sat="基本满意")])]
    raw = {key: value for key, value in MAPPING.items() if key != "calls"}
    report, events, frame = import_to_frames(paths, mapping_from_dict(raw))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert findings(events, frame, "BP-NO-VERIFY") == [("YZ-1", "1101")]
    assert findings(events, frame, "DS-UNSATISFIED") == [("YZ-2", "1101")]


def test_mapping_suggest_proposes_the_xml_paths_ticket_sheet_visits_calls_and_kind_from_the_packages(tmp_path):
    paths = [package(tmp_path / "GDSJ_202601.xml", [order("YZ-1", returned=True), order("YZ-2", kind="咨询")]),
             package(tmp_path / "GDSJ_202602.xml", [order("YZ-3")]), calls(tmp_path / "HWJL_2026Q1.xml", ["YZ-1"])]
    proposal, notes = suggest(paths)
    assert proposal["xml"] == {"records": "Body.WorkOrder", "rows": "Flows.Flow"}
    assert proposal["columns"] == MAPPING["columns"]
    sheet = proposal["ticket_sheet"]
    assert sheet["files"] == "GDSJ_*.xml" and sheet["due_at"] == "TimeLimit" and sheet["intake"]["kind"] == "AppealType"
    assert sheet["intake"]["category"] == "Category" and proposal["values"]["kind"] == {"咨询": "consultation",
                                                                                         "投诉": "complaint"}
    visits = proposal["event_sheets"][0]
    assert visits["xml"] == {"rows": "Visits.Visit"} and visits["action"] == "Visited"
    assert visits["action_fields"]["Visited"]["call_id"] == "Visits.Visit.callId"
    assert proposal["calls"]["xml"] == {"records": "Call"} and proposal["calls"]["columns"]["call_id"] == "id"
    assert proposal["actions"]["申请退单"] == "ReturnRequested" and proposal["actions"]["退单审核通过"] == "ReturnApproved"
    report, events, _ = import_to_frames(paths, mapping_from_dict({**proposal, "source": "draft"}))
    assert report.rows_rejected == 0 and set(events.ticket_id) == {"YZ-1", "YZ-2", "YZ-3"}


def test_a_package_read_without_xml_records_is_one_record_and_mapping_check_says_where_the_records_are(tmp_path):
    path = package(tmp_path / "GDSJ_202601.xml", [order("YZ-1"), order("YZ-2")])
    plain = {key: value for key, value in MAPPING.items() if key not in ("xml", "ticket_sheet", "event_sheets", "calls", "values")}
    _, lines = check([path], mapping_from_dict(plain))
    assert any("xml: {records: Body.WorkOrder}" in line for line in lines), lines


def test_a_broken_package_is_a_file_problem_naming_line_and_column_not_a_traceback(tmp_path):
    path = tmp_path / "GDSJ_202601.xml"
    path.write_bytes(package(tmp_path / "whole.xml", [order("YZ-1")]).read_bytes()[:-40])
    report = build([path], mapping_from_dict(MAPPING))
    assert report.rows_in == 0
    assert any("XML 无法解析：第 " in r.reason and r.row is None for r in report.rejects.rejects)


def test_json_and_xml_paths_are_one_setting_written_once(tmp_path):
    try:
        mapping_from_dict({**MAPPING, "json": {"rows": "flowList"}})
    except MappingError as error:
        assert "json 与 xml 只写其一" in str(error)
    else:
        raise AssertionError("a mapping with both json and xml was accepted")


def test_an_xml_document_read_as_xes_is_told_it_is_no_event_log_and_a_gbk_log_is_read(tmp_path):
    rejects = RejectLog()
    assert list(read_xes(package(tmp_path / "GDSJ_202601.xml", [order("YZ-1")]), rejects)) == []
    assert any("不是 XES 事件日志（根元素 <Package>" in r.reason for r in rejects.rejects)
    log = tmp_path / "log.xes"
    log.write_bytes('<?xml version="1.0" encoding="GBK"?><log><trace><string key="concept:name" value="工单1"/>'
                    '<event><string key="concept:name" value="派单"/></event></trace></log>'.encode("gbk"))
    rows = list(read_xes(log, RejectLog()))
    assert [row.values for row in rows] == [{"case:concept:name": "工单1", "concept:name": "派单"}]
