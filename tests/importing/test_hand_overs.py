"""转办 as it comes in exports: a sideways hand-over between peer units (HandedOver), or — when the export's
unit tree shows the receiver below the sender — a forward down (Forwarded)."""

from openpyxl import Workbook

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build

from .conftest import write_csv

HEADER = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "处理意见"]
ROWS = [
    ["Z1", "2025-03-01 09:00", "派单", "派单员", "热线中心", "城管局", ""],
    ["Z1", "2025-03-01 10:00", "转办", "城管张某", "城管局", "东城街道", "请街道核实"],       # 街道 under 城管局? no
    ["Z1", "2025-03-01 11:00", "转办", "街道李某", "东城街道", "多福社区", "请社区处理"],     # 社区 under 街道: down
    ["Z2", "2025-03-02 09:00", "派单", "派单员", "热线中心", "城管局", ""],
    ["Z2", "2025-03-02 10:00", "移交", "城管王某", "城管局", "住建局", "属住建局职责"],       # peer bureaus
]
UNITS = [["热线中心", ""], ["城管局", ""], ["住建局", ""], ["东城区政府", ""], ["东城街道", "东城区政府"],
         ["多福社区", "东城街道"]]
MAPPING = {"source": "cityZ", "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型",
                                          "actor_id": "操作人", "actor_unit_id": "操作部门",
                                          "target_unit_id": "目标部门", "note": "处理意见"}}


def actions(report, ticket_id):
    return [(d.action, d.actor_unit_id, d.target_unit_id) for d in report.histories[ticket_id].drafts]


def test_without_a_unit_tree_every_hand_over_word_is_a_sideways_hand_over(tmp_path):
    report = build([write_csv(tmp_path / "flows.csv", HEADER, ROWS)], mapping_from_dict(MAPPING))
    assert [a for a, _, _ in actions(report, "Z1")] == ["Dispatched", "HandedOver", "HandedOver"]
    assert actions(report, "Z2")[1] == ("HandedOver", "城管局", "住建局")
    assert report.histories["Z2"].drafts[-1].payload["source_action"] == "移交"


def test_a_unit_tree_sheet_turns_a_hand_over_down_into_a_forward_and_keeps_peers_sideways(tmp_path):
    book = Workbook()
    flows = book.active
    flows.title = "流转记录"
    for row in [HEADER, *ROWS]:
        flows.append(row)
    units = book.create_sheet("部门")
    for row in [["部门名称", "上级部门"], *UNITS]:
        units.append(row)
    book.save(tmp_path / "export.xlsx")
    mapping = mapping_from_dict({**MAPPING, "sheet": "流转记录",
                                 "unit_tree": {"sheet": "部门", "unit": "部门名称", "parent": "上级部门"}})
    report = build([tmp_path / "export.xlsx"], mapping)
    assert report.rows_in == len(ROWS) and report.rows_rejected == 0
    assert actions(report, "Z1") == [("Dispatched", "热线中心", "城管局"), ("HandedOver", "城管局", "东城街道"),
                                     ("Forwarded", "东城街道", "多福社区")]
    assert report.histories["Z1"].drafts[-1].payload["forward_id"]
    assert actions(report, "Z2")[1] == ("HandedOver", "城管局", "住建局")
    assert report.hand_overs_down == 1


def test_a_unit_tree_in_its_own_file_is_read_apart_from_the_flow_records(tmp_path):
    flows = write_csv(tmp_path / "流转记录.csv", HEADER, ROWS, encoding="gbk")
    units = write_csv(tmp_path / "部门表.csv", ["部门", "上级"], UNITS + [["", "东城街道"]], encoding="gbk")
    mapping = mapping_from_dict({**MAPPING, "unit_tree": {"files": "*部门*", "unit": "部门", "parent": "上级"}})
    report = build([flows, units], mapping)
    assert report.rows_in == len(ROWS) == report.rows_imported
    assert [a for a, _, _ in actions(report, "Z1")] == ["Dispatched", "HandedOver", "Forwarded"]
    assert any("部门表.csv 第 8 行" in problem and "单位名称" in problem for problem in report.file_problems)


def test_mapping_check_says_when_the_unit_tree_names_none_of_the_flows_units_and_not_when_it_does(tmp_path):
    from rexian.importing.mapping_check import check

    flows = write_csv(tmp_path / "流转记录.csv", HEADER, ROWS, encoding="gbk")
    coded = [[f"3701{n:02d}", f"3701{p:02d}" if p else ""] for n, p in ((1, 0), (2, 0), (3, 0), (4, 0), (5, 4), (6, 5))]
    mapping = mapping_from_dict({**MAPPING, "unit_tree": {"files": "*部门*", "unit": "部门", "parent": "上级"}})
    units = write_csv(tmp_path / "部门表.csv", ["部门", "上级"], coded, encoding="gbk")  # codes, the flows write names
    _, lines = check([flows, units], mapping)
    assert any("无一相同" in line and "370101" in line for line in lines), lines
    write_csv(tmp_path / "部门表.csv", ["部门", "上级"], UNITS, encoding="gbk")
    _, lines = check([flows, units], mapping)
    assert not any("无一相同" in line for line in lines), lines
