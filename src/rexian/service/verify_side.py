"""`verify`'s checks of the tables outside the ticket chains that a supervisor relies on (docs/trust.md): each is
a projection of a signed chain, so a row edited, inserted or deleted alone — a role granted, a handler moved to
another unit, a deadline lengthened, a clue's state or an order's due date rewritten, a dismissal's reason
changed — differs from the replay of its chain and is named.

- the organisation tables (units, people, categories, catalogue) against the replay of the ORG chain;
- each desk record (clue, supervision order, bulletin, a finding's decisions) against its stream's replay;
- each finding's decision in the findings store (status, by whom, when, why; contradiction) against the
  decision stream of that finding; a finding marked decided without one, or deleted with one, is named.
"""

from __future__ import annotations

from typing import Any

from rexian.adapters.upgrade_seal import UNVERIFIED, unverified_at
from rexian.adapters.audit import audit_digest
from rexian.adapters.findings import finding_stream
from rexian.adapters.keys import KeyRing
from rexian.adapters.log_reader import comparable, raw_rows
from rexian.adapters.org_trust import differing_columns, row_key, saved_rows
from rexian.domain.chain_check import Damage
from rexian.domain.eventlog import canonical_json

MAX_SHOWN = 4  # differing columns shown per row
MAX_LISTED = 1000  # unsigned records named one by one


def _repair_hint(table: str, key: tuple) -> str:
    """What `verify` tells the administrator to run for an organisation row that differs from the signed chain."""
    return f"；恢复：rexian org repair{' ' + str(key[0]) if table == 'people' else ''}（按组织机构日志恢复，记入审计日志）"


def organisation_damages(connection, stream_name: str, records: list[dict[str, Any]]) -> list[Damage]:
    """The organisation tables must be exactly the rows the ORG chain's last save of each key says (the web and
    the workflow already act on the chain's rows alone: adapters/org_trust.py)."""
    expected = saved_rows(records)
    damages = []
    for table, rows in expected.items():
        seen = set()
        for row in raw_rows(connection, table):
            key = row_key(table, row)
            seen.add(key)
            logged = rows.get(key)
            if logged is None:
                damages.append(Damage(stream_name, "projection", None,
                                      f"{table} {_shown(key)}：表中有此行，组织机构日志中没有（被直接插入）{_repair_hint(table, key)}"))
                continue
            differing = _described(row, logged, differing_columns(table, row, logged))
            if differing:
                damages.append(Damage(stream_name, "projection", None,
                                      f"{table} {_shown(key)}：{differing}（组织机构表被直接改动）{_repair_hint(table, key)}"))
        for key in sorted(set(rows) - seen, key=str):
            damages.append(Damage(stream_name, "projection", None,
                                  f"{table} {_shown(key)}：组织机构日志中有此行，表中没有（被直接删除）{_repair_hint(table, key)}"))
    return damages


def _shown(key: tuple) -> str:
    return "/".join(str(part) for part in key if part not in (None, ""))


def _differing(row: dict[str, Any], expected: dict[str, Any], names) -> str:
    return _described(row, expected, [name for name in sorted(names)
                                      if comparable(row.get(name)) != comparable(expected.get(name))])


def _described(row: dict[str, Any], expected: dict[str, Any], differing: list[str]) -> str:
    return "；".join(f"{name} 记录为{str(row.get(name))[:30]!r}，重放为{str(expected.get(name))[:30]!r}"
                    for name in differing[:MAX_SHOWN])


# --- the desk ------------------------------------------------------------------------------------------
_KIND_OF_FIRST = {"ClueOpened": "clue", "OrderIssued": "order", "BulletinDrafted": "bulletin",
                  "FindingConfirmed": "finding", "FindingDismissed": "finding", "FindingContradicted": "finding"}
_DECISIONS = ("FindingConfirmed", "FindingDismissed")
_PROJECTED = ("status", "title", "unit_id", "person_id", "officer_id", "batch", "due_at")


def desk_record_damages(name: str, stream: Any, records: list[dict[str, Any]], row: dict[str, Any]) -> list[Damage]:
    """A desk record row against the replay of its stream's events (records read and chain intact)."""
    from rexian.service.desk import replayed_projection

    kind = _KIND_OF_FIRST.get(records[0]["action"]) if records else None
    if kind == "finding":
        expected = finding_projection(row.get("title"), records)
        names = ("status", "title")  # unit and person are the finding's own, from the findings store
    else:
        try:
            expected = replayed_projection(kind, stream, records)
        except Exception as error:  # noqa: BLE001 - a stream the domain cannot replay is damage to name
            return [Damage(name, "projection", None, f"事件无法重放（{type(error).__name__}）")]
        if expected is None:
            return [Damage(name, "projection", None, f"首条事件{records[0]['action'] if records else ''}不是监督记录的开始")]
        names = _PROJECTED
    expected = {**expected, "kind": kind, "created_at": records[0]["at"], "updated_at": records[-1]["at"]}
    differing = _differing(row, expected, (*names, "kind", "created_at", "updated_at"))
    if row.get("state") != canonical_json(expected.get("state") or {}):
        differing = "；".join(part for part in (differing, "state（记录内容）与重放不符") if part)
    if not differing:
        return []
    return [Damage(name, "projection", None, f"{differing}（监督记录被直接改动）")]


def is_finding_stream(records: list[dict[str, Any]]) -> bool:
    return bool(records) and _KIND_OF_FIRST.get(records[0]["action"]) == "finding"


def finding_projection(key: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What a finding's decision stream says (adapters/findings.py writes the same): its status and state."""
    decided = [record for record in records if record["action"] in _DECISIONS]
    last = records[-1] if records else None
    state: dict[str, Any] = {"finding_key": key}
    if last is not None and last["action"] == "FindingContradicted":
        state["contradicted"] = last["payload"].get("reason")
    return {"status": decided[-1]["payload"].get("new_status") if decided else "new", "title": key, "state": state}


_FINDING_COLUMNS = ("finding_key", "status", "decided_by", "decided_at", "reason", "contradicted_at", "contradiction")


def findings_store_damages(connection, decisions: dict[Any, list[dict[str, Any]] | None],
                           keys_of_streams: dict[Any, Any]) -> list[Damage]:
    """Each finding's decision columns against its decision stream (`decisions`: stream → its records, None
    when the stream is damaged);
    a finding with a decision stream must still be in the store. `keys_of_streams`: stream → finding key its
    record names, for the findings deleted."""
    damages, seen = [], set()
    for row in raw_rows(connection, "findings", _FINDING_COLUMNS):
        key = row["finding_key"]
        stream = finding_stream(key) if isinstance(key, str) else None
        seen.add(stream)
        if stream in decisions and decisions[stream] is None:
            continue  # its decision stream is damaged, and named as such
        records = decisions.get(stream) or []
        decided = [record for record in records if record["action"] in _DECISIONS]
        contradicted = [record for record in records if record["action"] == "FindingContradicted"]
        last = decided[-1] if decided else None
        expected = {"status": last["payload"].get("new_status") if last else "new",
                    "decided_by": last and last.get("actor_id"), "decided_at": last and last["at"],
                    "reason": last and last["payload"].get("reason"),
                    "contradicted_at": contradicted[-1]["at"] if contradicted else None,
                    "contradiction": contradicted[-1]["payload"].get("reason") if contradicted else None}
        differing = _differing(row, expected, expected)
        if differing:
            damages.append(Damage(f"问题线索({key})", "projection", None,
                                  f"{differing}（问题线索的决定被直接改动，与监督日志中的决定不符）"))
    for stream in sorted(set(keys_of_streams) - seen, key=str):
        damages.append(Damage(f"问题线索({keys_of_streams[stream]})", "deleted", None,
                              "监督日志中有对该问题线索的决定，问题线索库中已没有它（被直接删除）"))
    return damages


def finding_state_damages(connection, changes, ring: KeyRing) -> list[Damage]:
    """Every finding as stored against its newest signed change (adapters/findings.py), whose digest covers the
    finding's whole state — rule, severity, tickets, unit, person, evidence, times, decision, contradiction: a
    finding edited, or put back from an older copy, differs; one inserted has no signed change; one deleted
    still has them. A change rewritten or inserted carries no valid MAC; one deleted leaves a gap in the global
    log sequence (the newest of all: a filed checkpoint)."""
    from rexian.adapters.findings import STATE, history_digest, state_digest

    damages: list[Damage] = []
    newest: dict[Any, Any] = {}
    for row in changes:
        log_seq, key = row.get("log_seq"), row.get("finding_key")
        problem = ring.problem(history_digest(log_seq, row), row.get("mac"), log_seq=log_seq) if log_seq is not None \
            else "没有日志序号（不是经由本系统写入的记录）"
        if problem:
            damages.append(Damage(f"问题线索({key})", "unsigned", None,
                                  f"问题线索的变更记录（id={row.get('id')}，{row.get('new_status')}）{problem}"))
        else:
            newest[key] = row.get("digest")
        if len(damages) > MAX_LISTED:
            damages.append(Damage("问题线索", "unsigned", None, f"签名无效的问题线索记录超过{MAX_LISTED}条，其余不再逐一列出"))
            return damages
    seen = set()
    for row in raw_rows(connection, "findings", STATE):
        key = row["finding_key"]
        seen.add(key)
        if key not in newest:
            damages.append(Damage(f"问题线索({key})", "inserted", None,
                                  "问题线索库中有此问题线索，却没有经服务器签名的发现记录（被直接插入）"))
        elif state_digest(row) != newest[key]:
            damages.append(Damage(f"问题线索({key})", "projection", None,
                                  "问题线索的内容（规则、严重程度、工单、单位、责任人、证据、时间或决定）与其最后一次经签名的"
                                  "变更记录不符（被直接改动，或旧记录被放回）"))
    for key in sorted(set(newest) - seen, key=str):
        damages.append(Damage(f"问题线索({key})", "deleted", None, "问题线索有经签名的发现记录，问题线索库中已没有它（被直接删除）"))
    return damages


def finding_count_damages(connection) -> list[Damage]:
    """The triage form's and the dashboard's counts per filter (`finding_counts`, kept in step with `findings` in
    each writing transaction) recounted from the findings themselves, which are signed (above): a count edited,
    inserted or deleted by SQL — a supervisor shown 0 new findings where there are 40 — is named."""
    from rexian.adapters.findings_tables import FACETS, count_all_sql

    recounted: dict[tuple[Any, Any], Any] = {}
    for facet in FACETS:
        for _, value, n in connection.exec_driver_sql(count_all_sql(facet)):
            recounted[(facet, value)] = n
    kept = {(row["facet"], row["value"]): row["n"] for row in raw_rows(connection, "finding_counts")}
    damages = []
    for key in sorted(set(recounted) | set(kept), key=str):
        stored, actual = kept.get(key, 0), recounted.get(key, 0)
        if comparable(stored) != actual:
            damages.append(Damage(f"筛选计数({key[0]}={key[1]})", "projection", None,
                                  f"计数表记录为{str(stored)[:30]!r}，按问题线索库重新计数为{actual}（计数被直接改动）"))
            if len(damages) >= MAX_LISTED:
                break
    return damages


# --- the audit log -------------------------------------------------------------------------------------
AUDIT_STREAM = "审计记录"


def audit_damages(rows, ring: KeyRing) -> list[Damage]:
    """Every audit record signed by the server over its log number and content: one rewritten (a reason, a
    person, a time) or inserted is named here; one deleted leaves a gap in the global log sequence."""
    damages = []
    for row in rows:
        log_seq = row.get("log_seq")
        problem = ring.problem(audit_digest(log_seq, row), row.get("mac"), log_seq=log_seq) if log_seq is not None \
            else "没有日志序号（不是经由本系统写入的审计记录）"
        if problem:
            who = f"id={row.get('id')}，{row.get('person_id')}，{row.get('action')}，工单{row.get('ticket_id') or '无'}"
            damages.append(Damage(f"{AUDIT_STREAM}({row.get('id')})", "unsigned", None, f"审计记录（{who}）{problem}"))
            if len(damages) > 1000:
                damages.append(Damage(AUDIT_STREAM, "unsigned", None, "签名无效的审计记录超过1000条，其余不再逐一列出"))
                break
    return damages


# --- evidence files ------------------------------------------------------------------------------------
EVIDENCE_PREFIX = "sha256:"


def evidence_refs(records: list[dict[str, Any]]) -> set[str]:
    """The evidence files a ticket's events cite (`"ref": "sha256:<hex>"` in a payload's `evidence`)."""
    refs = set()
    for record in records:
        evidence = record["payload"].get("evidence") if isinstance(record["payload"], dict) else None
        for item in evidence if isinstance(evidence, list) else ():
            ref = item.get("ref") if isinstance(item, dict) else None
            if isinstance(ref, str) and ref.startswith(EVIDENCE_PREFIX):
                refs.add(ref.removeprefix(EVIDENCE_PREFIX))
    return refs


def attachment_damages(connection, cited: dict[str, Any]) -> list[Damage]:
    """Every stored evidence file still hashes to the name the events cite it by (a photo swapped in its row
    is named), and every file an event cites is still stored (`cited`: sha256 → ticket). Read a few at a time."""
    import hashlib

    damages, stored = [], set()
    for values in connection.exec_driver_sql("SELECT sha256, ticket_id, data FROM attachments",
                                             execution_options={"stream_results": True, "yield_per": 20}):
        sha, ticket_id, data = values
        stored.add(sha)
        content = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else None
        if content is None or hashlib.sha256(content).hexdigest() != sha:
            damages.append(Damage(f"证据文件({str(sha)[:16]}…)", "altered", None,
                                  f"工单{ticket_id}的证据文件内容与其SHA-256不符（文件被替换或改动）"))
    for sha in sorted(set(cited) - stored):
        damages.append(Damage(str(cited[sha]), "deleted", None, f"事件引用的证据文件sha256:{sha[:16]}…已不存在（被删除）"))
    return damages


# --- sign-in material ----------------------------------------------------------------------------------
def credential_damages(connection, ring: KeyRing) -> list[Damage]:
    """Accounts' password hashes, sessions and API tokens signed by the server (adapters/credentials.py): one
    inserted or rewritten by SQL — a session or token for another person, a password hash of one's choosing —
    is named (the web already refuses it)."""
    from rexian.adapters import credentials

    damages = []
    for table, names in credentials.SIGNED.items():
        for row in raw_rows(connection, table, (*names, "mac")):
            problem = credentials.problem(ring, table, row)
            if problem:
                damages.append(Damage(f"登录凭据({table}:{str(row.get(names[0]))[:12]})", "unsigned", None,
                                      f"{table}中{row.get('person_id')}的记录{problem}（可用于冒名登录）"))
    return damages


def outbox_damages(connection, ring: KeyRing) -> list[Damage]:
    """Every outbox row (what dashboards and webhooks are sent) signed by the server: a row inserted or rewritten
    by SQL — a forged finding pushed to partners under the webhook secret — is named (the push already skips it).
    Rows since 0013_trust10 carry their own number (`outbox_seq`, under the MAC) from the counter `outbox`: a row
    deleted is a gap, the newest deleted a counter past the last number (both also gaps in the log sequence)."""
    from rexian.adapters.bookkeeping import is_number, sequence_breaks
    from rexian.adapters.desk_store import OUTBOX_COUNTER, OUTBOX_NUMBERED, outbox_problem
    from rexian.adapters.log_reader import counters

    damages, numbered = [], []
    unnumbered, first_unnumbered = 0, None
    for row in raw_rows(connection, "outbox", ("id", *OUTBOX_NUMBERED, "mac")):
        problem = outbox_problem(ring, row)
        if problem:
            damages.append(Damage(f"推送(outbox:{row.get('id')})", "unsigned", None,
                                  f"推送记录{str(row.get('key'))[:60]}{problem}（不会推送或发送）"))
        elif is_number(row.get("outbox_seq")):
            numbered.append(row)
        else:
            unnumbered += 1
            first_unnumbered = row.get("id") if first_unnumbered is None else first_unnumbered
    counter = counters(connection).get(OUTBOX_COUNTER)
    for brk in sequence_breaks(sorted(((row["outbox_seq"], row) for row in numbered), key=lambda pair: pair[0]),
                               counter):
        where = f"推送(outbox:{brk.at.get('id')})" if brk.at is not None else "推送(outbox)"
        if brk.kind == "deleted":
            damages.append(Damage(where, "deleted", None, f"推送记录第{brk.numbers}号缺失（被删除，其变更从未推送；"
                                                          f"位于推送记录{str(brk.at.get('key'))[:60]}之前）"))
        elif brk.kind == "inserted":
            damages.append(Damage(where, "inserted", None, f"推送记录第{brk.first}号出现不止一次（被复制插入）"))
        else:
            damages.append(Damage(where, "deleted", None, f"推送计数器已到第{brk.last}号，推送记录只到第{brk.first - 1}号"
                                                          f"（最新的{brk.count}条推送记录被删除，其变更从未推送）"))
    if unnumbered:
        damages.append(Damage("推送(outbox)", "unnumbered", None,
                              f"{unnumbered}条推送记录没有编号（0013_trust10之前写入，id {first_unnumbered}起）：其中被删除的"
                              f"无法检出；运行 rexian upgrade 为其编号"))
    return damages


def delivery_damages(connection, ring: KeyRing) -> list[Damage]:
    """The webhook bookkeeping (since 0014_trust11, adapters/bookkeeping.py): a cursor that fails its MAC (moved by
    SQL), a genuine outbox row whose delivery's state is not the server's (marked delivered though never sent, its
    endpoint or next attempt changed, inserted), and one with no delivery at all below its endpoint's cursor (the
    cursor moved past it, or its delivery deleted): each named with the row that was never sent."""
    from rexian.adapters.bookkeeping import delivery_problems

    bad_cursors, problems = delivery_problems(connection, ring)
    damages = [Damage(f"推送游标({str(endpoint)[:80]})", _signed_kind(problem), None,
                      f"推送游标{problem}（其后的记录可能被跳过）") for endpoint, problem in bad_cursors]
    damages += [Damage(f"推送投递({p.endpoint[:80]}:{p.outbox_id})",
                       _signed_kind(p.detail) if p.delivery_id is not None else "deleted",
                       None, f"推送记录第{p.outbox_seq}号（{p.outbox_key[:60]}）：{p.detail}") for p in problems]
    return damages


def _signed_kind(problem: str) -> str:
    """A bookkeeping row's MAC problem as a damage kind: marked by an upgrade that could not check it, or not the
    server's (adapters/upgrade_seal.py: the key ring words a mark's problem with UNVERIFIED)."""
    return "unverified" if UNVERIFIED in problem else "unsigned"


def idempotency_damages(connection, ring: KeyRing) -> list[Damage]:
    """Every idempotency record signed by the server (since 0014_trust11) over its log number (since 0015_trust11b): a
    stored result rewritten, or a record written ahead by SQL, would answer a retried request with a forged outcome
    (the handler refuses it); a record deleted is a gap in the log sequence (service/verify.py)."""
    from rexian.adapters.bookkeeping import idempotency_digest

    damages = []
    for row in raw_rows(connection, "idempotency", ("key", "command", "ticket_id", "result", "log_seq", "mac")):
        problem = ring.problem(idempotency_digest(row["key"], row["command"], row["ticket_id"], row["result"],
                                                  row["log_seq"]), row["mac"])
        if problem:
            damages.append(Damage(f"幂等记录({str(row['key'])[:80]})",
                                  "unverified" if unverified_at(row["mac"]) else "unsigned", None,
                                  f"幂等键的既有结果{problem}（重试的请求将被拒绝而非重放）"))
    return damages


RECORD_NAMES = {"calls": "话单", "agent_status": "坐席状态", "roster": "人员名册"}


def call_record_damages(connection, ring: KeyRing) -> list[Damage]:
    """The imported call-centre records the call-centre rules read (since 0017_trust11c, adapters/bookkeeping.py):
    per table, a row rewritten or inserted by SQL (its MAC fails), a row deleted (a gap in the table's numbers, or
    the counter past the last one) and rows from before the upgrade left unnumbered. Rows named one by one up to
    MAX_LISTED per table, then counted."""
    from rexian.adapters.bookkeeping import record_problems
    from rexian.domain import records

    damages = []
    for table in records.RECORD_TABLES:
        problems = record_problems(connection, ring, table)
        name = RECORD_NAMES.get(table, table)
        damages += [Damage(f"{name}({table}{':' + p.where if p.where else ''})", p.kind, None, f"{name}{p.detail}")
                    for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            damages.append(Damage(f"{name}({table})", "unsigned", None,
                                  f"另有{len(problems) - MAX_LISTED}处{name}记录问题未逐条列出"))
    return damages


def account_state_damages(connection) -> list[Damage]:
    """Each account's `state_seq` against the newest of its signed account-state audit records (a lock-out or
    failure count reset, a password put back), its `active` flag against the last enable/disable, every live API
    token against the account's last disabling (which revoked it) and against its own revocation (`token_revoked`),
    and every session against the sign-outs: an older genuine row put back — a disabled account active again, a
    revoked token un-revoked, a session that was signed out — is named. (Audit records forged or removed
    are named by `audit_damages` and the log sequence.)"""
    from sqlalchemy import text

    from rexian.adapters.audit import ACCOUNT_STATE

    from rexian.adapters.credentials import REVOKING, revoked_by

    last: dict[str, tuple[Any, str]] = {}  # person → (at, enable/disable), in log order
    disabled_at: dict[str, Any] = {}
    newest: dict[str, Any] = {}  # person → the log number of its newest account-state record
    revoking: dict[tuple[str, str], Any] = {}  # (table, person) → the newest record that ended what was issued before
    for values in connection.execute(text("SELECT person_id, at, reason, log_seq FROM audit_log WHERE action = :action "
                                          "ORDER BY log_seq"), {"action": ACCOUNT_STATE}):
        person, at, reason, log_seq = values
        newest[person] = log_seq
        revoking.update({(table, person): log_seq for table, reasons in REVOKING.items() if reason in reasons})
        if reason in ("enable", "disable"):
            last[person] = (at, reason)
            if reason == "disable":
                disabled_at[person] = at
    damages = []
    for values in connection.exec_driver_sql("SELECT person_id, active, state_seq FROM accounts"):
        person, active, state_seq = values
        if comparable(state_seq) != comparable(newest.get(person)):
            damages.append(Damage(f"登录凭据(accounts:{str(person)[:12]})", "projection", None,
                                  f"账号{person}的记录停在第{state_seq}号状态记录，审计日志中最新的是第{newest.get(person)}号"
                                  "（失败次数、锁定、启用或密码被直接改动，或旧记录被放回）"))
        if person in last and bool(active) != (last[person][1] == "enable"):
            state = "启用" if active else "停用"
            damages.append(Damage(f"登录凭据(accounts:{str(person)[:12]})", "projection", None,
                                  f"账号{person}现为{state}，与审计日志中{last[person][0]}的最后一次"
                                  f"{'启用' if last[person][1] == 'enable' else '停用'}不符（旧记录被放回？）"))
    for table in REVOKING:  # a session or token ended by a password change or a disabling, put back
        for token, person, issued_seq in connection.exec_driver_sql(
                f"SELECT token_hash, person_id, issued_seq FROM {table}"
                + (" WHERE revoked_at IS NULL" if table == "api_tokens" else "")):
            ended = revoked_by(table, comparable(issued_seq), revoking.get((table, person)))
            if ended:
                damages.append(Damage(f"登录凭据({table}:{str(token)[:12]})", "projection", None, f"{person}的{ended}"))
    from rexian.adapters.credentials import SIGNED_OUT, signed_out_problem, signed_out_reason

    signed_out = dict(connection.execute(text("SELECT reason, log_seq FROM audit_log WHERE action = :action"),
                                         {"action": SIGNED_OUT}).all())
    for token, person in connection.exec_driver_sql("SELECT token_hash, person_id FROM sessions"):
        ended = signed_out_problem(signed_out.get(signed_out_reason(str(token))))
        if ended:  # a session ended by signing out, put back
            damages.append(Damage(f"登录凭据(sessions:{str(token)[:12]})", "projection", None, f"{person}的{ended}"))
    from rexian.adapters.credentials import TOKEN_REVOKED, token_revoked_problem, token_revoked_reason

    revoked = dict(connection.execute(text("SELECT reason, log_seq FROM audit_log WHERE action = :action"),
                                      {"action": TOKEN_REVOKED}).all())
    for values in connection.exec_driver_sql("SELECT token_hash, person_id, created_at FROM api_tokens "
                                             "WHERE revoked_at IS NULL"):
        token, person, created = values
        ended = token_revoked_problem(revoked.get(token_revoked_reason(str(token))))
        if ended:  # a token revoked on the /tokens page or by the API, its `revoked_at` cleared by SQL
            damages.append(Damage(f"登录凭据(api_tokens:{str(token)[:12]})", "projection", None, f"{person}的{ended}"))
        if person in disabled_at and str(created) <= str(disabled_at[person]):
            damages.append(Damage(f"登录凭据(api_tokens:{str(token)[:12]})", "projection", None,
                                  f"{person}的API令牌签发于{created}，账号在{disabled_at[person]}停用时已撤销，"
                                  "现又有效（旧记录被放回）"))
    return damages
