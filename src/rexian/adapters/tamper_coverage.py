"""How tampering with each table of the schema is caught — the one declaration (docs/trust.md shows it, written from
here: `PYTHONPATH=src python -m rexian.adapters.tamper_coverage`).

The threat (docs/trust.md): someone with write access to the database but not the server's key file. Every table
the migrations create is in exactly one of four classes, and a guard test (`tests/hostile/test_tamper_coverage.py`)
fails when the migrated schema, on SQLite or PostgreSQL, has a table that is not declared here — so a new table must
be classified before it is merged — and when docs/trust.md's table differs from what `markdown()` writes.

- SIGNED: the rows carry a hash chain and/or the server's MAC (often a number on the global log sequence too);
  `how` names the `rexian verify` check that names a row inserted, rewritten or deleted.
- DERIVED: a projection of signed rows; `verify` compares it with what the signed rows say (and where a repair
  exists, it rebuilds it from them).
- UNTRUSTED: nothing is decided on it; `how` says why a forged value cannot act.
- GAP: not covered yet — a row changed by SQL can change what the product does, and nothing names it.
"""

from __future__ import annotations

from dataclasses import dataclass

SIGNED, DERIVED, UNTRUSTED, GAP = "signed", "derived", "untrusted", "gap"
CLASS_NAMES = {SIGNED: "链/签名（verify 核验）", DERIVED: "由签名记录推出（verify 比对）",
               UNTRUSTED: "不可信，但从不据以决定", GAP: "未覆盖（缺口）"}


@dataclass(frozen=True)
class Coverage:
    table: str  # a table's name; ending in `*`: every table whose name starts with what comes before it
    kind: str
    how: str  # the verify check (SIGNED, DERIVED), the reason nothing acts on it (UNTRUSTED), or the gap (GAP)

    def covers(self, name: str) -> bool:
        if self.table.endswith("*"):
            return name.startswith(self.table[:-1])
        return name == self.table


COVERAGE: tuple[Coverage, ...] = (
    # --- the log itself
    Coverage("events", SIGNED, "hash chain per ticket, the server's MAC over hash, log number and (since "
                               "0018_trust12) the request an idempotent command was sent with, the global log "
                               "sequence without gaps, checkpoints (被篡改/被删除/被插入/顺序被调换, 签名无效, 事件日志)"),
    Coverage("org_events", SIGNED, "the organisation chain `ORG`: as for `events`"),
    Coverage("supervision_events", SIGNED, "the desk's streams: as for `events`"),
    Coverage("audit_log", SIGNED, "numbered on the global log sequence and signed (审计记录 签名无效; a deletion is a "
                                  "gap in the log sequence)"),
    Coverage("finding_events", SIGNED, "each change of a finding numbered on the log sequence and signed, carrying "
                                       "the digest of the finding's state after it (问题线索)"),
    Coverage("import_manifests", SIGNED, "numbered, chained to their predecessor's MAC and signed; the tickets they "
                                         "list must still have their events (导入清单)"),
    Coverage("checkpoints", SIGNED, "signed digests of the log, compared with the copies filed elsewhere "
                                    "(`verify --checkpoints`, 与检查点不符)"),
    Coverage("outbox", SIGNED, "the server's MAC over key, topic, ref, payload, time and both numbers; numbered on "
                               "the log sequence and its own `outbox_seq`; digested by checkpoints (推送)"),
    # --- signed bookkeeping and sign-in material
    Coverage("webhook_deliveries", SIGNED, "MAC over the outbox row's key, endpoint, status and next attempt; a "
                                           "missing delivery below a cursor named (推送投递). `attempts`, "
                                           "`last_error`, `delivered_at` unsigned: shown only"),
    Coverage("webhook_cursors", SIGNED, "MAC over endpoint and position (推送游标); a forged cursor is reset to 0"),
    Coverage("idempotency", SIGNED, "MAC over key, command fingerprint, ticket, result and its number on the global "
                                    "log sequence (幂等记录 签名无效; refused, not replayed); a record deleted is a gap "
                                    "in the log sequence (since 0015_trust11b), its retry answered from the events "
                                    "that carry its key under their MAC (since 0018_trust12); digested by checkpoints "
                                    "(since 0018_trust12)"),
    Coverage("accounts", SIGNED, "MAC over password hash, active, failures, lock and `state_seq`, compared with the "
                                 "account's newest state audit record (登录凭据)"),
    Coverage("sessions", SIGNED, "MAC over token hash, person, expiry and `issued_seq`; a signed-out session put "
                                 "back is named by its sign-out record (登录凭据)"),
    Coverage("api_tokens", SIGNED, "MAC over token hash, person and `issued_seq`; a token issued before the "
                                   "account's last disabling is refused, and one revoked on its own (/tokens, the "
                                   "API) is named by its `token_revoked` record when `revoked_at` is cleared (登录凭据)"),
    Coverage("portal_codes", SIGNED, "`code_hash` is the server's MAC of ticket and code. `rating` (ratings from "
                                     "before `CitizenRated` events) unsigned: can only refuse a rating, counts in "
                                     "no figure"),
    Coverage("attachments", SIGNED, "content-addressed: the events cite the file's sha256, which `verify` and the "
                                    "download recompute (证据文件). Name and type: shown only, served as a download"),
    Coverage("calls", SIGNED, "imported call-centre records the call-centre rules read: the server's MAC over the "
                              "row's columns, import run and `record_seq` (its number, counter `records:calls`); a "
                              "row rewritten or inserted fails it, a row deleted is a gap (话单; since 0017_trust11c, "
                              "rows from before it marked 升级前未能核实 until re-imported unchanged, since trust12); "
                              "digested by checkpoints (since "
                              "0018_trust12)"),
    Coverage("agent_status", SIGNED, "as `calls` (坐席状态, counter `records:agent_status`)"),
    Coverage("roster", SIGNED, "as `calls` (人员名册, counter `records:roster`)"),
    # --- projections of the signed rows
    Coverage("tickets", DERIVED, "replayed from the ticket's events (工单记录与事件不符) and `head_mac` over its "
                                 "chain head (链头签名无效)"),
    Coverage("units", DERIVED, "the `ORG` chain's last save of each row (组织机构); acting code reads the chain, "
                               "not the table; `rexian org repair` rebuilds it"),
    Coverage("people", DERIVED, "as `units`; the staff member's own `phone` is not chained: shown on /admin only, "
                                "never used to authorise, route or contact"),
    Coverage("categories", DERIVED, "as `units`"),
    Coverage("catalogue", DERIVED, "as `units`"),
    Coverage("calendar_days", DERIVED, "the `ORG` chain's working-day changes; deadlines take the chain's days; "
                                       "`rexian org repair` rebuilds it"),
    Coverage("supervision_records", DERIVED, "replayed from the desk's streams (监督)"),
    Coverage("findings", DERIVED, "each finding must equal the state its newest signed change digests, its decision "
                                  "its decision stream (问题线索)"),
    Coverage("finding_counts", DERIVED, "recounted from the findings (筛选计数)"),
    Coverage("personal_data", DERIVED, "the intake's salted digest on the chain, the `PersonalDataErased` events and "
                                       "the erasure ledger beside the key file; `phone_key` recomputed (个人信息)"),
    Coverage("counters", DERIVED, "the log counter against the last log number, the day counters against the "
                                  "tickets numbered, the outbox counter against the last outbox row (事件日志, "
                                  "整张工单缺失, 推送)"),
    # --- read, but never for a decision
    Coverage("webhook_attempts", UNTRUSTED, "the delivery log's text, shown to the administrator; the dispatcher "
                                            "decides on the signed delivery"),
    Coverage("imports", UNTRUSTED, "run statistics, lease and input file names, shown (`rexian imports`, a "
                                   "manifest's files); what an import writes is decided by the tickets' chains and "
                                   "the signed manifests"),
    Coverage("ticket_words*", UNTRUSTED, "SQLite's word index (FTS5 tables, their shadow tables and the numbers "
                                         "table): only narrows the list's word search, which then applies scope and "
                                         "LIKE over the ticket's own text; a forged row can only hide a ticket from "
                                         "word search"),
    Coverage("alembic_version", UNTRUSTED, "the schema's revision, read by `rexian upgrade` only; whoever can write "
                                           "it can change the schema itself, and `verify` checks the rows"),
    Coverage("sqlite_sequence", UNTRUSTED, "SQLite's next AUTOINCREMENT ids: no check gives an id meaning (events "
                                           "are placed by `log_seq`, outbox rows by `outbox_seq`, a delivery's MAC "
                                           "covers its outbox row's key)"),
)


def coverage_of(name: str) -> Coverage | None:
    """The one declaration that covers this table, None when it is not classified."""
    found = [entry for entry in COVERAGE if entry.covers(name)]
    return found[0] if len(found) == 1 else None


def markdown() -> str:
    """docs/trust.md's table, written from COVERAGE (the test keeps the doc and this declaration in step)."""
    lines = ["| table | class | how tampering is caught (or why it need not be, or the gap) |", "|---|---|---|"]
    order = {SIGNED: 0, DERIVED: 1, UNTRUSTED: 2, GAP: 3}
    for entry in sorted(COVERAGE, key=lambda entry: order[entry.kind]):
        lines.append(f"| `{entry.table}` | {entry.kind} · {CLASS_NAMES[entry.kind]} | {entry.how} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
