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

from rexian.adapters.findings import finding_stream
from rexian.adapters.log_reader import comparable, raw_rows
from rexian.adapters.tables import metadata
from rexian.domain.chain_check import Damage
from rexian.domain.eventlog import canonical_json
from rexian.domain.org_changes import NOT_LOGGED, SAVED

MAX_SHOWN = 4  # differing columns shown per row


def organisation_damages(connection, stream_name: str, records: list[dict[str, Any]]) -> list[Damage]:
    """The organisation tables must be exactly the rows the ORG chain's last save of each key says."""
    table_of = {action: table for table, action in SAVED.items()}
    expected: dict[str, dict[tuple, dict[str, Any]]] = {table: {} for table in SAVED}
    for record in records:
        table = table_of.get(record["action"])
        if table is not None and isinstance(record["payload"], dict):
            expected[table][_key(table, record["payload"])] = record["payload"]
    damages = []
    for table, rows in expected.items():
        skipped = set(NOT_LOGGED.get(table, ()))
        seen = set()
        for row in raw_rows(connection, table):
            key = _key(table, row)
            seen.add(key)
            logged = rows.get(key)
            if logged is None:
                damages.append(Damage(stream_name, "projection", None,
                                      f"{table} {_shown(key)}：表中有此行，组织机构日志中没有（被直接插入）"))
                continue
            differing = _differing(row, logged, set(row) - skipped)
            if differing:
                damages.append(Damage(stream_name, "projection", None,
                                      f"{table} {_shown(key)}：{differing}（组织机构表被直接改动）"))
        for key in sorted(set(rows) - seen, key=str):
            damages.append(Damage(stream_name, "projection", None,
                                  f"{table} {_shown(key)}：组织机构日志中有此行，表中没有（被直接删除）"))
    return damages


def _key(table: str, row: dict[str, Any]) -> tuple:
    return tuple(row.get(column.name) for column in metadata.tables[table].primary_key.columns)


def _shown(key: tuple) -> str:
    return "/".join(str(part) for part in key if part not in (None, ""))


def _differing(row: dict[str, Any], expected: dict[str, Any], names) -> str:
    differing = [name for name in sorted(names) if comparable(row.get(name)) != comparable(expected.get(name))]
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
