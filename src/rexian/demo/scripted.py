"""A handful of scripted ticket lives on the demo organisation, one through each branch of the workflow.

Used by `rexian demo` (until the simulator populates a whole city) and by the workflow tests as a
realistic end-to-end script.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from rexian.domain import commands as c

ORG_FILE = Path(__file__).with_name("org.yaml")


class StepClock:
    """A clock that moves on by `step` at every reading: scripted lives get distinct, ordered times."""

    def __init__(self, start: datetime, step: timedelta = timedelta(minutes=47)):
        self.now, self.step = start, step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


def _intake(app, content, category, **extra) -> str:
    return app.handle(c.Intake(actor_id="A01", content=content, category=category, **extra)).ticket_id


def _endorse_and(app, tid, kind, leader, review):
    request = app.ticket(tid).pending(kind)
    app.handle(c.EndorseRequest(actor_id=leader, ticket_id=tid, request_id=request.request_id))
    return app.handle(review(request.request_id))


def closed_normally(app) -> str:
    tid = _intake(app, "东华门大街12号小区门口的饭店油烟直排，晚上家里窗户都不敢开", "0201",
                  caller_phone="13800138001", address="东华门大街12号", area="110101")
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02", assisting_unit_ids=("D06",)))
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    app.handle(c.NoteProgress(actor_id="H0201", ticket_id=tid, kind="site_visit",
                              note="执法人员到现场核查，饭店未安装油烟净化设施"))
    app.handle(c.RecordContact(actor_id="H0201", ticket_id=tid, method="phone", summary="电话告知市民核查情况"))
    app.handle(c.RequestClosure(actor_id="H0201", ticket_id=tid,
                                reply="经查，该饭店未安装油烟净化设施，我局已责令其限期整改，已于复查时确认加装完毕并达标排放。",
                                evidence=(c.Evidence(kind="photo", summary="整改后现场照片", ref="IMG_0012"),)))
    _endorse_and(app, tid, "closure", "L0201",
                 lambda rid: c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=rid, approve=True))
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    return tid


def returned_then_redispatched(app) -> str:
    tid = _intake(app, "景山街道吉祥社区旁边工地夜间施工噪音太大，凌晨两点还在打桩", "0202",
                  caller_phone="13900139002", address="吉祥社区东侧工地", area="110101")
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D03"))
    app.handle(c.RequestReturn(actor_id="H0301", ticket_id=tid, reason="夜间施工噪声不属于市场监管职责范围",
                               basis="职责清单0202条：噪声扰民由生态环境局主办", suggested_unit_id="D02"))
    _endorse_and(app, tid, "return", "L0301",
                 lambda rid: c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=rid, approve=True))
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))
    return tid


def return_rejected_and_forwarded(app) -> str:
    tid = _intake(app, "多福巷社区3号楼物业不管楼道堆放杂物，消防通道被堵", "0601",
                  caller_phone="13700137003", address="多福巷3号楼", area="110101")
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="S01"))
    app.handle(c.SignFor(actor_id="HS01", ticket_id=tid))
    app.handle(c.RequestReturn(actor_id="HS01", ticket_id=tid, reason="物业管理应由住建部门负责",
                               basis="物业管理条例第五条"))
    _endorse_and(app, tid, "return", "LS01",
                 lambda rid: c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=rid, approve=False,
                                            reason="职责清单明确属地街道主办，驳回退单"))
    app.handle(c.Forward(actor_id="HS01", ticket_id=tid, to_unit_id="M01", note="请社区督促物业清理楼道杂物"))
    return tid


def extended_and_unsatisfied(app) -> str:
    tid = _intake(app, "公司拖欠我们十几个工人三个月工资共计八万多元，老板电话不接", "0501",
                  caller_phone="13600136004", address="经济开发区某建材公司")
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D05"))
    app.handle(c.SignFor(actor_id="H0501", ticket_id=tid))
    ticket = app.ticket(tid)
    app.handle(c.RequestExtension(actor_id="H0501", ticket_id=tid, reason="需调取劳动合同和工资台账，涉及人数多",
                                  requested_due_at=ticket.due_at + timedelta(days=7)))
    _endorse_and(app, tid, "extension", "L0501",
                 lambda rid: c.ReviewExtension(actor_id="R01", ticket_id=tid, request_id=rid, approve=True))
    app.handle(c.RecordContact(actor_id="H0501", ticket_id=tid, method="phone", summary="联系市民核实欠薪人数和金额"))
    app.handle(c.RequestClosure(actor_id="H0501", ticket_id=tid, reply="已约谈企业负责人，企业承诺月底前支付。"))
    _endorse_and(app, tid, "closure", "L0501",
                 lambda rid: c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=rid, approve=True))
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=False, satisfaction="unsatisfied",
                       note="市民表示工资仍未到账"))
    app.handle(c.IssueSupervision(actor_id="J01", ticket_id=tid, batch="2026年第1期", reason="欠薪诉求回访未解决",
                                  due_at=app.clock() + timedelta(days=3)))
    return tid


def answered_at_intake(app) -> str:
    tid = _intake(app, "请问社保卡丢了怎么补办，需要带什么材料", "05", kind="consultation")
    app.handle(c.DirectClose(actor_id="A01", ticket_id=tid,
                             answer="携带身份证到任一社保经办网点或通过官方APP申请补办，约10个工作日制卡。"))
    return tid


def merged_duplicate(app) -> str:
    master = _intake(app, "东华门大街路灯坏了好几盏，晚上很黑", "0101", address="东华门大街", area="110101")
    app.handle(c.Dispatch(actor_id="P01", ticket_id=master, lead_unit_id="D06"))
    duplicate = _intake(app, "东华门大街路灯不亮，走路不安全", "0101", address="东华门大街", area="110101")
    app.handle(c.Merge(actor_id="P01", ticket_id=duplicate, master_ticket_id=master))
    return duplicate


SCENARIOS = (closed_normally, returned_then_redispatched, return_rejected_and_forwarded,
             extended_and_unsatisfied, answered_at_intake, merged_duplicate)


def populate(app) -> list[str]:
    """Load the demo organisation and run every scenario; returns the ticket numbers made."""
    from rexian.service.org_admin import apply_org_changes, read_org_file

    apply_org_changes(app, None, read_org_file(ORG_FILE))
    return [scenario(app) for scenario in SCENARIOS]
