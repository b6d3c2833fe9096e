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


ORG_REPAIRED = "org_repaired"  # an audit record: organisation rows put back to what the signed chain says


def repair_rows(connection: Connection, at: Any, actor_id: str | None = None,
                people: Iterable[str] | None = None) -> list[str]:
    """Put the organisation tables back to the ORG chain's last save of each row (`people`: only these people's
    rows), in the caller's transaction, and say what was put back. Refused (OrgChainUntrusted) when the chain
    itself fails its check: then only a restore from a backup helps. A row the chain has is written as the chain
    logged it (a person's own phone kept) and logged again on the chain as saved by `actor_id`, so every process
    reloads the organisation and the person is no longer suspended; a row the chain never had is deleted. The
    whole repair is one audit record on the signed log (`org_repaired`, who and what). Nothing to repair: []."""
    from sqlalchemy import delete, insert, update

    from rexian.adapters import tables as t
    from rexian.adapters.audit import append_audit
    from rexian.adapters.repository import OrgRepository

    logged = saved_rows(signed_records(connection))
    wanted = None if people is None else {str(person) for person in people}
    repaired: list[str] = []
    records = []
    for name, rows in logged.items():
        if wanted is not None and name != "people":
            continue
        table = t.metadata.tables[name]
        stored = {row_key(name, row): row for row in raw_rows(connection, name)}
        for key in sorted(set(stored) | set(rows), key=str):
            if wanted is not None and key[0] not in wanted:
                continue
            row, chain = stored.get(key), rows.get(key)
            where = [table.c[column.name] == value for column, value in zip(table.primary_key.columns, key)]
            shown = "/".join(str(part) for part in key if part not in (None, ""))
            if chain is None:
                connection.execute(delete(table).where(*where))
                repaired.append(f"{name} {shown}：组织机构日志中没有此行，已删除")
                continue
            differing = differing_columns(name, row, chain) if row is not None else []
            if row is not None and not differing:
                continue
            values = {column.name: chain.get(column.name) for column in table.columns
                      if column.name not in NOT_LOGGED.get(name, ())}
            if row is None:
                connection.execute(insert(table).values(**values))
                repaired.append(f"{name} {shown}：表中被删除，已按日志恢复")
            else:
                connection.execute(update(table).where(*where).values(**values))
                repaired.append(f"{name} {shown}：{'、'.join(differing)} 已按日志恢复")
            records.append({"at": at, "action": SAVED[name], "actor_id": actor_id, "actor_unit_id": None,
                            "target_unit_id": chain.get("unit_id"), "payload": chain, "source": "rexian"})
    if repaired:
        OrgRepository(connection).log(records)
        append_audit(connection, [{"at": at, "person_id": actor_id or "rexian", "action": ORG_REPAIRED,
                                   "reason": "；".join(repaired)[:4000]}])
    return repaired
