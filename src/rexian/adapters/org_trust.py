"""The organisation as its signed chain says it (docs/trust.md). The tables `units`, `people`, `categories` and
`catalogue` are a projection of the ORG chain, whose events carry the server's MAC; someone with write access to
the database but not the key can edit a table row — grant a role, move a handler, re-parent a unit — but cannot
log the change. Every way that decides who may do what (the web's sessions and tokens, workflow commands, the
desk) loads the organisation through `OrgRepository.load`, which takes each row from the chain's last save of it
(the staff member's own phone, kept out of the chain as personal data, from the table) and suspends anyone
whose `people` row differs from the chain or exists in only one of them: such a person acts as no one until the
rows agree again (a newest revocation deleted from the chain leaves the table revoked, so a chain that lost its
tail cannot grant a role back either). A chain that does not verify (a row unreadable, rewritten, unsigned, out
of order) is refused whole: nothing is authorised on it until it is restored.

`verify` names the same differences (service/verify_side.py: organisation_damages)."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy.engine import Connection

from rexian.adapters.keys import event_digest, keyring_for
from rexian.adapters.log_reader import comparable, iter_raw_streams, raw_rows
from rexian.domain.chain_check import check_stream, read_event_row
from rexian.domain.errors import NotAllowed
from rexian.domain.eventlog import chain_hash
from rexian.domain.org_changes import NOT_LOGGED, SAVED

ORG_STREAM = "ORG"
_TABLE_OF = {action: table for table, action in SAVED.items()}


class OrgChainUntrusted(NotAllowed):
    def __init__(self, detail: str):
        super().__init__("org.untrusted", "组织机构日志未通过服务器签名校验（可能被篡改），在修复之前不能据此授权任何操作："
                                          f"{detail}；请运行 rexian verify，并从备份恢复")


def row_key(table: str, row: dict[str, Any]) -> tuple:
    from rexian.adapters.tables import metadata

    return tuple(row.get(column.name) for column in metadata.tables[table].primary_key.columns)


def saved_rows(records: Iterable[dict[str, Any]]) -> dict[str, dict[tuple, dict[str, Any]]]:
    """table → key → the row the chain's last save of that key logged."""
    expected: dict[str, dict[tuple, dict[str, Any]]] = {table: {} for table in SAVED}
    for record in records:
        table = _TABLE_OF.get(record["action"])
        if table is not None and isinstance(record["payload"], dict):
            expected[table][row_key(table, record["payload"])] = record["payload"]
    return expected


def differing_columns(table: str, row: dict[str, Any], logged: dict[str, Any]) -> list[str]:
    """The columns of a table row that differ from the chain's logged row (the columns kept out of it apart)."""
    names = set(row) - set(NOT_LOGGED.get(table, ()))
    return [name for name in sorted(names) if comparable(row.get(name)) != comparable(logged.get(name))]


def signed_records(connection: Connection) -> list[dict[str, Any]]:
    """The ORG chain's records, every one read, chained and signed by the server; OrgChainUntrusted otherwise."""
    ring = keyring_for(connection.engine)
    records = []
    for stream, rows in iter_raw_streams(connection, "org_events"):
        if stream != ORG_STREAM:
            continue
        for row in rows:
            record, problem = read_event_row(row)
            if record is None:
                raise OrgChainUntrusted(f"第{row.get('seq')}条事件无法读取（{problem}）")
            if chain_hash(record["prev_hash"], record) != record["hash"]:
                raise OrgChainUntrusted(f"第{record['seq']}条事件被改动")
            log_seq = row.get("log_seq")
            problem = ring.problem(event_digest(log_seq, record["hash"]), record.get("mac"), record["at"], log_seq) \
                if isinstance(log_seq, int) else "没有日志序号"
            if problem:
                raise OrgChainUntrusted(f"第{record['seq']}条事件{problem}")
            records.append(record)
        damages = check_stream(ORG_STREAM, records)
        if damages:
            raise OrgChainUntrusted(damages[0].describe())
    return records


def trusted_rows(connection: Connection) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """Each organisation table's rows as the chain logged them (a person's phone from the table), and the people
    suspended: those whose `people` row differs from the chain, or who are in only one of them."""
    logged = saved_rows(signed_records(connection))
    stored = {row["person_id"]: row for row in raw_rows(connection, "people")}
    suspended = {key[0] for key, row in logged["people"].items()
                 if key[0] not in stored or differing_columns("people", stored[key[0]], row)}
    suspended |= {str(person) for person in stored if (person,) not in logged["people"]}
    rows = {table: list(by_key.values()) for table, by_key in logged.items()}
    rows["people"] = [{**row, **{name: (stored.get(row["person_id"]) or {}).get(name)
                                 for name in NOT_LOGGED["people"]}} for row in rows["people"]]
    return rows, suspended
