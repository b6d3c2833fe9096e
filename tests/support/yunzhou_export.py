"""A small export written the way 云州 platforms write it (issue 14): one row per ticket, its whole flow in one cell,
every person as 姓名（工号）, and the same boilerplate reply on every ticket so that a finding names 张伟 (1101).
Shared by the tests of how `rexian analyze` names people."""

import json
from pathlib import Path

import openpyxl

ACTIONS = {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor", "办结申请": "ClosureRequested",
           "审核通过": "ClosureApproved"}
LINE = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<actor_unit_id>\S+) (?P<actor_name>[^（(\s]+)[（(]"
        r"(?P<actor_id>[^）)]+)[）)] (?P<action>\S+)(?: 至 (?P<target_unit_id>\S+))?(?: (?P<note>.*))?$")
MAPPING = {"source": "yunzhou", "columns": {"ticket_id": "工单编号"}, "intake": {"received_at": "受理时间"},
           "history": {"column": "处理过程", "line": LINE}, "actions": ACTIONS,
           "action_fields": {"ClosureRequested": {"reply": "处理过程.note"}}}
REPLY = "您的诉求已记录，请耐心等待。"  # the same boilerplate reply on every ticket: a finding on 张伟


def _steps(day: int) -> str:
    return "\n".join([
        f"2026-01-{day:02d} 09:00 云州市12345热线中心 韩雪（0001） 受理 市民反映路灯不亮",
        f"2026-01-{day:02d} 10:07 云州市12345热线中心 王芳（0101） 派单 至 云州市城市管理局 请按职责办理",
        f"2026-01-{day:02d} 11:00 云州市城市管理局 张伟(1101) 签收",
        f"2026-01-{day:02d} 15:00 云州市城市管理局 张伟(1101) 办结申请 {REPLY}",
        f"2026-01-{day:02d} 16:00 云州市12345热线中心 赵敏（0201） 审核通过"])


def write_export(folder: Path) -> Path:
    """The workbook 工单流转明细.xlsx and its mapping.yaml in `folder` (returned)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工单编号", "受理时间", "处理过程"])
    for day in range(5, 11):
        sheet.append([f"YZ{day}", f"2026-01-{day:02d} 09:00", _steps(day)])
    book.save(folder / "工单流转明细.xlsx")
    (folder / "mapping.yaml").write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    return folder
