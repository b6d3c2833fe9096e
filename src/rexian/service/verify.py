"""`rexian verify`: check every hash chain in the database, ticket by ticket."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from rexian.adapters.repository import (
    iter_event_streams,
    supervision_heads,
    ticket_heads,
)
from rexian.domain.chain_check import Damage, check_stream


@dataclass
class VerifyReport:
    streams: int = 0
    events: int = 0
    damages: list[Damage] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.damages

    def damaged_streams(self) -> list[str]:
        return sorted({damage.stream for damage in self.damages})


def verify_database(engine: Engine) -> VerifyReport:
    report = VerifyReport()
    with engine.connect() as connection:
        heads = ticket_heads(connection)
        seen = set()
        for stream, records in iter_event_streams(connection, "events"):
            seen.add(stream)
            report.streams += 1
            report.events += len(records)
            if stream not in heads:
                report.damages.append(Damage(stream, "orphan", None, "事件所属的工单记录不存在（事件被插入或工单被删除）"))
            report.damages += check_stream(stream, records, heads.get(stream))
        for stream in sorted(set(heads) - seen):
            last_seq, _ = heads[stream]
            report.damages.append(Damage(stream, "deleted", 1, f"工单记录显示共有{last_seq}条事件，日志中一条也没有"))
        for stream, records in iter_event_streams(connection, "org_events"):
            report.streams += 1
            report.events += len(records)
            report.damages += check_stream(f"组织机构({stream})", records)
        _verify_supervision(connection, report)
    return report


def _verify_supervision(connection, report: VerifyReport) -> None:
    """The supervisor's desk streams (clues, orders, bulletins, finding decisions): chained like tickets,
    checked against the head their projection remembers."""
    heads = supervision_heads(connection)
    seen = set()
    for stream, records in iter_event_streams(connection, "supervision_events"):
        seen.add(stream)
        report.streams += 1
        report.events += len(records)
        name = f"监督({stream})"
        if stream not in heads:
            report.damages.append(Damage(name, "orphan", None, "事件所属的监督记录不存在（事件被插入或记录被删除）"))
        report.damages += check_stream(name, records, heads.get(stream))
    for stream in sorted(set(heads) - seen):
        report.damages.append(Damage(f"监督({stream})", "deleted", 1,
                                     f"监督记录显示共有{heads[stream][0]}条事件，日志中一条也没有"))
