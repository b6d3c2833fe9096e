"""`rexian verify`: everything someone with write access to the database but not the server's key could
have changed, named ticket by ticket (docs/trust.md).

- every row is read as stored, however malformed, and a row that is not an event is named, not raised on;
- each stream's hash chain (altered, deleted, inserted, reordered events; the head the ticket row keeps);
- each event's MAC by the server's key (an event inserted with a correct chain but without the key);
- each ticket row against the replay of its events (status, content, unit, deadline edited in the row);
- ticket numbers handed out by the day's counter that have no ticket (a whole ticket deleted);
- each ticket row's head MAC (a chain truncated with the row's head rewritten to match);
- the signed import manifests: every imported ticket still there with at least the events it was stored with;
- the global log sequence across every event table (covered by each event's MAC): no gaps, no repeats, and
  ending where its counter says — events removed anywhere but the newest tail of the whole log;
- the organisation tables, the desk's records and the findings' decisions against the replay of their chains
  (service/verify_side.py); every audit record's MAC (its number is in the global log sequence); every evidence file against the hash
  its events cite it by; the sign-in material's MACs (adapters/credentials.py);
- the signed checkpoints, recomputed over the whole log and compared with their filed copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters.repository import ORG_STREAM
from rexian.adapters.keys import LOG_COUNTER, KeyRing, event_digest, head_digest, keyring_for
from rexian.adapters.log_reader import (
    RECORDS,
    comparable,
    counters,
    iter_log_sequence,
    iter_raw_audit,
    iter_raw_finding_changes,
    iter_raw_streams,
    raw_rows,
    raw_ticket_rows,
)
from rexian.adapters.manifests import FIRST_PREVIOUS, iter_raw_manifests, manifest_document
from rexian.adapters.personal import iter_raw_held
from rexian.adapters.projection import projection_of
from rexian.domain.chain_check import Damage, check_stream, read_event_row
from rexian.domain.model import Ticket
from rexian.service.checkpoints import CheckpointProblem, check_checkpoints, read_filed
from rexian.service.hotline import TICKET_COUNTER, is_workflow_number, ticket_number
from rexian.service.verify_side import (
    account_state_damages,
    attachment_damages,
    audit_damages,
    call_record_damages,
    credential_damages,
    delivery_damages,
    desk_record_damages,
    evidence_refs,
    finding_count_damages,
    finding_state_damages,
    findings_store_damages,
    idempotency_damages,
    is_finding_stream,
    organisation_damages,
    outbox_damages,
)

MAX_DAILY_TICKETS = 999_999  # six digits of the ticket number
MAX_LISTED = 1000  # missing numbers of one day named one by one; more are named as one damage

# Projection columns that are bookkeeping of the row itself, not state derived from the events.
_NOT_DERIVED = {"updated_at", "version"}


@dataclass
class VerifyReport:
    streams: int = 0
    events: int = 0
    tickets: int = 0
    checkpoints: int = 0
    damages: list[Damage] = field(default_factory=list)
    checkpoint_problems: list[CheckpointProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.damages and not self.checkpoint_problems

    def damaged_streams(self) -> list[str]:
        return sorted({str(damage.stream) for damage in self.damages})

    def lines(self) -> list[str]:
        return [damage.describe() for damage in self.damages] + [p.describe() for p in self.checkpoint_problems]


def verify_database(engine: Engine, keyring: KeyRing | None = None,
                    filed_checkpoints: Iterable[Path] = ()) -> VerifyReport:
    ring = keyring or keyring_for(engine)
    report = VerifyReport()
    filed, report.checkpoint_problems = read_filed(filed_checkpoints)
    with reading(engine) as connection:
        ticket_rows = {}
        for row in raw_ticket_rows(connection):
            ticket_rows[row["ticket_id"]] = row
        report.tickets = len(ticket_rows)
        held = {row[0]: row[1:] for row in iter_raw_held(connection)}
        manifested = _manifested_heads(connection, ring, report)
        seen = set()
        cited: dict[str, Any] = {}
        for stream, rows in iter_raw_streams(connection, "events"):
            seen.add(stream)
            report.streams += 1
            report.events += len(rows)
            records = _check_rows(stream, rows, ring, report)
            report.damages += _personal_damages(stream, records, held.get(stream), stream in manifested, ring.pseudonym)
            if stream in manifested:
                report.damages += _manifest_damages(stream, records, *manifested[stream])
            cited.update(dict.fromkeys(evidence_refs(records), stream))
            row = ticket_rows.get(stream)
            if row is None:
                report.damages.append(Damage(stream, "orphan", None, "事件所属的工单记录不存在（事件被插入或工单被删除）"))
                continue
            head = _head(row)
            problem = ring.problem(head_digest(stream, row.get("last_seq"), row.get("head_hash")), row.get("head_mac"))
            if problem:
                report.damages.append(Damage(stream, "unsigned", None, f"工单记录的链头（事件条数与末条哈希）{problem}"
                                                                       f"（事件被截断、工单记录被改写以相符）"))
            stream_damages = check_stream(stream, records, head)
            report.damages += stream_damages
            if not stream_damages and len(records) == len(rows):
                report.damages += _projection_damages(stream, records, row)
        for stream in sorted(set(ticket_rows) - seen, key=str):
            last_seq = ticket_rows[stream].get("last_seq")
            report.damages.append(Damage(stream, "deleted", 1, f"工单记录显示共有{last_seq}条事件，日志中一条也没有"))
        counted = counters(connection)
        report.damages += _numbering_gaps(counted, set(ticket_rows) | seen)
        for stream in sorted(set(manifested) - seen - set(ticket_rows), key=str):
            count, _, number = manifested[stream]
            report.damages.append(Damage(stream, "missing", None, f"导入清单第{number}批记录了该工单（{count}条事件），"
                                                                  f"但工单及其事件都不存在（整张导入工单被删除）"))
        for stream, rows in iter_raw_streams(connection, "org_events"):
            report.streams += 1
            report.events += len(rows)
            records = _check_rows(f"组织机构({stream})", rows, ring, report)
            stream_damages = check_stream(f"组织机构({stream})", records)
            report.damages += stream_damages
            if stream == ORG_STREAM and not stream_damages and len(records) == len(rows):
                report.damages += organisation_damages(connection, f"组织机构({stream})", records)
        _verify_supervision(connection, ring, report)
        report.damages += audit_damages(iter_raw_audit(connection), ring)
        report.damages += finding_state_damages(connection, iter_raw_finding_changes(connection), ring)
        if not any(str(damage.stream).startswith("问题线索(") for damage in report.damages):
            # the counts are recounted from the findings: findings named as damaged already explain any difference
            report.damages += finding_count_damages(connection)
        report.damages += attachment_damages(connection, cited)
        report.damages += credential_damages(connection, ring)
        report.damages += account_state_damages(connection)
        report.damages += outbox_damages(connection, ring)
        report.damages += delivery_damages(connection, ring)
        report.damages += idempotency_damages(connection, ring)
        report.damages += call_record_damages(connection, ring)
        report.damages += erasure_damages(connection, held, ring)
        report.damages += _log_sequence_damages(iter_log_sequence(connection), counted.get(LOG_COUNTER))
        report.checkpoints, problems = check_checkpoints(connection, ring, filed)
        report.checkpoint_problems += problems
    return report


def _check_rows(stream: Any, rows: list[dict[str, Any]], ring: KeyRing, report: VerifyReport) -> list[dict]:
    """The stream's readable rows as records; unreadable and unauthenticated rows reported."""
    from rexian.domain.eventlog import chain_hash

    records = []
    for row in rows:
        record, problem = read_event_row(row)
        if record is None:
            seq = row.get("seq") if isinstance(row.get("seq"), int) else None
            report.damages.append(Damage(stream, "malformed", seq, f"事件行（id={row.get('id')}）{problem}"))
            continue
        records.append(record)
        if chain_hash(record["prev_hash"], record) == record["hash"]:  # altered rows are reported by the chain
            log_seq = row.get("log_seq")
            problem = ring.problem(event_digest(log_seq, record["hash"], record.get("request_key"),
                                                record.get("request_command")), record.get("mac"), record["at"], log_seq) \
                if _is_count(log_seq) else "没有日志序号（不是经由本系统写入的事件）"
            if problem:
                report.damages.append(Damage(stream, "unsigned", record["seq"], problem))
    return records


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


LOG = "事件日志"
_TABLE_NAMES = {"events": "工单{}", "org_events": "组织机构({})", "supervision_events": "监督({})",
                "audit_log": "审计记录（工单{}）", "finding_events": "问题线索({})的记录", "outbox": "推送记录({})",
                "idempotency": "幂等记录({})"}


def _log_sequence_damages(entries: Iterable[tuple], counter: Any) -> list[Damage]:
    """The global log sequence must run 1, 2, 3 … to its counter: a gap is events removed (a ticket's newest
    events with an older genuine ticket row put back, whole tickets, a whole import with its manifest); a
    number twice is a row copied in. Each event's MAC covers its number, so none can be renumbered to close a
    gap. Rows without a readable number are named by the signature check. At most MAX_LISTED gaps are listed."""
    damages: list[Damage] = []
    expected, before = 1, "日志开头"
    for log_seq, table, stream, seq in entries:
        if not _is_count(log_seq):
            continue
        here = f"{_TABLE_NAMES.get(table, '{}').format(stream if stream is not None else '无')}" \
               f"{'' if table == 'idempotency' else f'id={seq}' if table in RECORDS or table == 'outbox' else f'第{seq}条'}"
        if log_seq < expected:
            damages.append(Damage(LOG, "inserted", None, f"日志序号{log_seq}出现不止一次（{here}；事件被复制插入）"))
        elif log_seq > expected:
            damages.append(Damage(LOG, "deleted", None,
                                  f"日志序号{expected}–{log_seq - 1}缺失（{log_seq - expected}条事件被删除，位于"
                                  f"{before}之后、{here}之前：整张工单、工单最新的事件、整批导入被删除，或幂等记录被删除——"
                                  f"其请求重试时按其事件所记的请求作答；升级到0018_trust12之前已被删除的，重试会再执行一次）"))
        expected, before = max(expected, log_seq + 1), here
        if len(damages) > MAX_LISTED:
            damages.append(Damage(LOG, "deleted", None, f"日志序号的缺口或重复超过{MAX_LISTED}处，其余不再逐一列出"))
            return damages
    last = expected - 1
    if _is_count(counter) and counter > last:
        damages.append(Damage(LOG, "deleted", None, f"日志序号计数器已到{counter}，日志只到{last}"
                                                    f"（最新的{counter - last}条事件被删除）"))
    elif counter is not None and counter != last and (last or counter):
        damages.append(Damage(LOG, "altered", None, f"日志序号计数器为{str(counter)[:30]!r}，日志到{last}（计数器被改动）"))
    return damages


ERASURES = "擦除清单"


def erasure_damages(connection, held: dict[Any, tuple[Any, Any, Any]], ring: KeyRing) -> list[Damage]:
    """Every ticket the erasure ledger beside the key file lists (the same ticket: its first event's hash)
    must hold no caller details: details there again are a database restored from before the erasure (or
    written back by hand)."""
    from rexian.adapters.erasures import came_back, read_ledger

    erased, problems = read_ledger(ring)
    damages = [Damage(ERASURES, "unsigned", None, problem) for problem in problems]
    held_again = [ticket_id for ticket_id in sorted(erased) if held.get(ticket_id, (None, None, None))[1] is not None]
    for ticket_id in came_back(connection, erased, held_again):
        damages.append(Damage(ticket_id, "personal", None, f"来电人个人信息已于{erased[ticket_id][1]}删除（擦除清单），"
                                                          "数据库中却又有了（从删除之前的备份恢复？运行 rexian personal-data "
                                                          "erase 再次删除）"))
    return damages


def _personal_damages(stream: Any, records: list[dict[str, Any]], held: tuple[Any, Any, Any, Any] | None,
                      imported: bool, pseudonym: Any = None) -> list[Damage]:
    """Held caller details must be exactly what the chained intake's salted digest covers — and held, or erased,
    as the ticket's own chain says: details held again after its `PersonalDataErased` event (put back from an older
    copy by SQL: no key is needed for that, nor the erasure ledger to see it), and details gone, or marked erased,
    without that event (evidence removed with no audited erasure), are named; so is a held row whose `phone_key` is
    not the keyed pseudonym (`pseudonym`) of the phone it holds (emptied or changed: search by phone and the intake's
    caller history would no longer find the ticket). `held`: (salt, data, erased_at, phone_key),
    None when the ticket has no row; `imported`: the ticket came whole from an import manifest, which may carry
    digests whose details were never held here (another Rexian's export)."""
    import json

    from rexian.domain.personal import personal_digest

    received = next((r for r in records if r["action"] == "TicketReceived"), None)
    if received is None:
        return []  # the unreadable or missing intake is already named
    expected = received["payload"].get("personal_digest")
    erased = any(record["action"] == "PersonalDataErased" for record in records)
    salt, data, erased_at, phone_key = held if held is not None else (None, None, None, None)
    if erased:
        if data is not None:
            return [Damage(stream, "personal", None, "工单日志记载来电人个人信息已删除，数据库中却又有了（被放回）")]
        return []
    if held is None and (expected is None or imported or received.get("source") != "rexian"):
        return []  # nothing was ever held apart for this ticket here
    if held is None or (data is None and erased_at is not None):
        return [Damage(stream, "personal", None, "来电人个人信息不在了，工单日志中却没有删除个人信息的事件"
                                                 "（被直接删除，未经审计）")]
    try:
        actual = personal_digest(salt, json.loads(data)) if isinstance(salt, str) and isinstance(data, str) else None
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past Python's limit (trust13)
        actual = None
    if expected is None or actual != expected:
        return [Damage(stream, "personal", None, "个人信息存储中的来电人信息与受理事件中的摘要不符（被改动或被替换）")]
    details = json.loads(data)
    phone = details.get("caller_phone") if isinstance(details, dict) else None
    if pseudonym is not None and phone_key != (pseudonym(str(phone)) if phone else None):
        return [Damage(stream, "personal", None, "个人信息存储中的电话索引（phone_key）与所存电话不符（被清空或改动：按电话"
                                                 "查询和受理时的来电历史将找不到此工单）")]
    return []


def _manifested_heads(connection, ring: KeyRing, report: VerifyReport) -> dict[Any, tuple[int, str, int]]:
    """Per imported ticket, the longest (event count, head hash, manifest number) a signed manifest records;
    the manifests themselves checked: signed by the server, numbered without gaps, each naming its predecessor."""
    import json

    heads: dict[Any, tuple[int, str, int]] = {}
    expected_number, previous = 1, FIRST_PREVIOUS
    for number, source, tickets, previous_mac, mac in iter_raw_manifests(connection):
        name = f"导入清单({number})"
        if number != expected_number or previous_mac != previous:
            report.damages.append(Damage(name, "deleted", None, f"导入清单应为第{expected_number}批、接续前一批的签名，"
                                                                f"实际不符（清单被删除、插入或调换）"))
        expected_number, previous = (number + 1 if isinstance(number, int) else expected_number), mac
        problem = ring.document_problem(manifest_document(number, source, tickets, previous_mac), mac)
        if problem:
            report.damages.append(Damage(name, "unsigned", None, f"导入清单{problem}"))
            continue
        try:  # signed, hence written by Rexian; read defensively all the same
            listed = [(ticket_id, int(count), str(head)) for ticket_id, (count, head) in json.loads(tickets).items()]
        except (ValueError, TypeError, AttributeError):
            report.damages.append(Damage(name, "malformed", None, "导入清单内容无法读取"))
            continue
        for ticket_id, count, head in listed:
            if ticket_id not in heads or count >= heads[ticket_id][0]:
                heads[ticket_id] = (count, head, number)
    return heads


def _manifest_damages(stream: Any, records: list[dict[str, Any]], count: int, head: str, number: int) -> list[Damage]:
    """An imported ticket keeps at least the events its manifest recorded, the last of them with that hash."""
    at = records[count - 1] if 0 < count <= len(records) and records[count - 1]["seq"] == count else \
        next((record for record in records if record["seq"] == count), None)
    if at is not None and at["hash"] == head:
        return []
    return [Damage(stream, "deleted", count, f"导入清单第{number}批记录该工单有{count}条事件，日志中第{count}条"
                                             f"{'不存在' if at is None else '与清单不符'}（导入的事件被删除或改写）")]


def _head(row: dict[str, Any]) -> tuple[int, str] | None:
    last_seq, head_hash = row.get("last_seq"), row.get("head_hash")
    if isinstance(last_seq, int) and not isinstance(last_seq, bool):
        return last_seq, head_hash
    return None


def _projection_damages(stream: Any, records: list[dict[str, Any]], row: dict[str, Any]) -> list[Damage]:
    try:
        expected = projection_of(Ticket.replay(stream, records), row.get("updated_at"))
    except Exception as error:  # noqa: BLE001 - a log the domain cannot replay is damage to name, not a crash
        return [Damage(stream, "projection", None, f"事件无法重放（{type(error).__name__}）")]
    differing = [name for name, value in expected.items()
                 if name not in _NOT_DERIVED and comparable(value) != comparable(row.get(name))]
    if not differing:
        return []
    shown = "；".join(f"{name} 记录为{str(row.get(name))[:30]!r}，重放为{str(expected[name])[:30]!r}"
                     for name in differing[:4])
    return [Damage(stream, "projection", None, f"{shown}（工单记录被改动）")]


def _numbering_gaps(counters: dict[Any, Any], present: set) -> list[Damage]:
    """Workflow ticket numbers are handed out without gaps (the counter moves in the intake's transaction):
    a number below the day's counter with no ticket is a deleted ticket. Bounded work whatever a forged
    counter says: a day missing more than MAX_LISTED numbers is named once, not number by number."""
    damages = []
    per_day: dict[str, int] = {}
    for ticket_id in present:
        if is_workflow_number(ticket_id):
            per_day[ticket_id[2:10]] = per_day.get(ticket_id[2:10], 0) + 1
    for name, value in sorted(counters.items(), key=str):
        if not isinstance(name, str) or not name.startswith(TICKET_COUNTER):
            continue
        day = name.removeprefix(TICKET_COUNTER)
        if not isinstance(value, int) or not day.isdigit() or len(day) != 8:
            continue
        if value > MAX_DAILY_TICKETS or value - per_day.get(day, 0) > MAX_LISTED:
            damages.append(Damage(name, "missing", None, f"当日编号计数器为{value}，而当日工单只有{per_day.get(day, 0)}张"
                                                         f"（大量工单被删除或计数器被改动）"))
            continue
        for number in range(1, value + 1):
            ticket_id = ticket_number(day, number)
            if ticket_id not in present:
                damages.append(Damage(ticket_id, "missing", None,
                                      f"工单编号已于{day}分配（当日第{number}号），但工单及其事件都不存在（整张工单被删除）"))
    return damages


def _verify_supervision(connection, ring: KeyRing, report: VerifyReport) -> None:
    """The supervisor's desk streams (clues, orders, bulletins, finding decisions): chained like tickets,
    checked against the head their projection remembers."""
    record_rows = {row["stream_id"]: row for row in raw_rows(connection, "supervision_records")}
    heads = {stream: _head(row) for stream, row in record_rows.items()}
    for stream in sorted((stream for stream, head in heads.items() if head is None), key=str):
        # a count that is not a number (text or bytes written by SQL) stopped verify with a TypeError (trust13)
        report.damages.append(Damage(f"监督({stream})", "malformed", None,
                                     f"监督记录的链头（事件条数 {record_rows[stream].get('last_seq')!r}）无法读取"))
    seen = set()
    decisions: dict[Any, list[dict[str, Any]] | None] = {}
    for stream, rows in iter_raw_streams(connection, "supervision_events"):
        seen.add(stream)
        report.streams += 1
        report.events += len(rows)
        name = f"监督({stream})"
        records = _check_rows(name, rows, ring, report)
        if stream not in heads:
            report.damages.append(Damage(name, "orphan", None, "事件所属的监督记录不存在（事件被插入或记录被删除）"))
        stream_damages = check_stream(name, records, heads.get(stream))
        report.damages += stream_damages
        intact = not stream_damages and len(records) == len(rows) and stream in heads
        if record_rows.get(stream, {}).get("kind") == "finding" or is_finding_stream(records):
            decisions[stream] = records if intact else None
        if intact:
            report.damages += desk_record_damages(name, stream, records, record_rows[stream])
    for stream in sorted(set(heads) - seen):
        report.damages.append(Damage(f"监督({stream})", "deleted", 1,
                                     f"监督记录显示共有{(heads[stream] or ('?',))[0]}条事件，日志中一条也没有"))
    keys_of_streams = {stream: row.get("title") for stream, row in record_rows.items() if row.get("kind") == "finding"}
    report.damages += findings_store_damages(connection, decisions, keys_of_streams)
