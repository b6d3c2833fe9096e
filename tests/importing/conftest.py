"""Small source files the importing tests write for themselves: a Chinese flow export, a snapshot log."""

import csv
import io

import pytest
import yaml

FLOW_HEADER = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "处理意见", "来电人", "问题分类"]
FLOW_ROWS = [
    ["GD001", "03/01/2025 09:00", "受理", "话务员张三", "市热线中心", "", "", "市民甲", "噪音"],
    ["GD001", "03/01/2025 09:30", "派单", "派单员李四", "市热线中心", "城管局", "", "市民甲", "噪音"],
    ["GD001", "03/01/2025 11:00", "回退", "审核员王五", "市热线中心", "环保局", "非本单位职责", "市民甲", "噪音"],
    ["GD001", "03/01/2025 11:00", "派单", "审核员王五", "市热线中心", "环保局", "", "市民甲", "噪音"],
    ["GD001", "04/01/2025 10:00", "转办", "经办人赵六", "环保局", "东城街道", "请现场核查", "市民甲", "噪音"],
    ["GD001", "06/01/2025 16:20", "办结", "审核员王五", "市热线中心", "", "已处理", "市民甲", "噪音"],
    ["GD002", "05/01/2025 08:15", "派单", "派单员李四", "市热线中心", "住建局", "", "市民乙", "物业"],
    ["GD002", "05/01/2025 09:00", "签收", "经办人钱七", "住建局", "", "", "市民乙", "物业"],
]


def write_csv(path, header, rows, encoding="utf-8", bom=False):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


FLOW_MAPPING = {
    "source": "oldsys",
    "date_format": "%d/%m/%Y %H:%M",
    "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型", "actor_id": "操作人",
                "actor_unit_id": "操作部门", "target_unit_id": "目标部门", "note": "处理意见"},
    "intake": {"caller_id": "来电人", "category": "问题分类"},
    "constants": {"channel": "phone"},
}

SNAPSHOT_HEADER = ["number", "state", "group", "updated_at", "mod", "opened_at", "reassignment_count", "reopen_count"]
SNAPSHOT_ROWS = [
    # INC1: opened without a group, assigned, moved to another group, resolved, reopened, resolved, closed
    ["INC1", "New", "?", "1/3/2016 08:00", "0", "1/3/2016 07:55", "0", "0"],
    ["INC1", "New", "Group A", "1/3/2016 08:10", "1", "1/3/2016 07:55", "1", "0"],
    ["INC1", "Active", "Group A", "1/3/2016 09:00", "2", "1/3/2016 07:55", "1", "0"],
    ["INC1", "Active", "Group B", "1/3/2016 10:00", "3", "1/3/2016 07:55", "2", "0"],
    ["INC1", "Active", "Group B", "1/3/2016 10:00", "4", "1/3/2016 07:55", "2", "0"],
    ["INC1", "Resolved", "Group B", "2/3/2016 10:00", "5", "1/3/2016 07:55", "2", "0"],
    ["INC1", "Active", "Group B", "3/3/2016 09:00", "6", "1/3/2016 07:55", "2", "1"],
    ["INC1", "Resolved", "Group B", "3/3/2016 12:00", "7", "1/3/2016 07:55", "2", "1"],
    ["INC1", "Closed", "Group B", "8/3/2016 12:00", "8", "1/3/2016 07:55", "2", "1"],
    # INC2: opened straight into a group (not a reassignment for the source system); rows out of order
    ["INC2", "Awaiting User Info", "Group C", "2/3/2016 11:00", "2", "2/3/2016 09:00", "0", "0"],
    ["INC2", "New", "Group C", "2/3/2016 09:00", "0", "2/3/2016 09:00", "0", "0"],
    ["INC2", "Active", "Group C", "2/3/2016 10:00", "1", "2/3/2016 09:00", "0", "0"],
]

SNAPSHOT_MAPPING = {
    "source": "itsm", "mode": "snapshots", "nulls": ["", "?"], "date_format": "%d/%m/%Y %H:%M",
    "columns": {"ticket_id": "number", "at": "updated_at"},
    "intake": {"received_at": "opened_at"},
    "snapshots": {"order_by": ["mod"], "state": "state", "unit": "group",
                  "states": {"New": None, "Active": "SignedFor", "Awaiting User Info": "ProgressNoted",
                             "Resolved": "Closed", "Closed": "Closed"},
                  "counters": {"reassignment_count": "reassignments", "reopen_count": "reopens"}},
}


def write_mapping(path, mapping):
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def flow_csv(tmp_path):
    return write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)


@pytest.fixture
def flow_mapping_file(tmp_path):
    return write_mapping(tmp_path / "flow.yaml", FLOW_MAPPING)


@pytest.fixture
def snapshot_csv(tmp_path):
    return write_csv(tmp_path / "audit.csv", SNAPSHOT_HEADER, SNAPSHOT_ROWS)


@pytest.fixture
def snapshot_mapping_file(tmp_path):
    return write_mapping(tmp_path / "audit.yaml", SNAPSHOT_MAPPING)
