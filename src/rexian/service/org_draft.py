"""A draft organisation file read off an imported event log: the units and the people the export names, so
that the people of an imported platform can be given accounts (`rexian user add`) and sign in.

An export of another platform names units and people by whatever its columns hold — often their names
(市城市管理局, 张伟) — and the imported events carry exactly those strings. The draft therefore keeps them as
the ids: an account opened for `张伟` is the person the findings name, and a handler of `市城市管理局` sees the
tickets led by that unit. Everything else is a suggestion for a person to read before `rexian org load`:

- a unit's kind from its name (…街道办事处 street, …社区居委会 / …村委会 community, …区 district), and the
  unit whose people dispatch is the hotline centre;
- a unit's parent only where one unit alone forwarded work down to it and stands above it by kind (a
  sideways 转办 between peers gives none);
- a person's roles from what they did in the log (派单 → dispatcher, 审核 → reviewer, 回访 → visitor,
  签收/办理/申请 → handler, 单位负责人审批 → unit leader) — the centre's roles only to people of the centre, the
  units' roles only to people of the units, so a handler who recorded a follow-up call (an abuse the rules
  find) does not become a follow-up caller. What was left out is written as a comment beside the person.

A person an export writes as a staff number only (工号 1023) is named from the imported staff roster
(`roster:` section of the mapping) when there is one: the id stays the number the events carry, the name is
the roster's, so the desk and the findings show 张伟 rather than 1023. A person an export writes with the name
beside the code (王芳（0101）, 王芳(0101): the mapping's `actor_name` beside `actor_id`, which `mapping suggest`
proposes) keeps the code as the id and is named 王芳（0101）: the name the export wrote, with the code that tells
two 王芳 apart (the name most of their events carry, where it changed).

Supervisors and administrators are not in any export: the draft ends with commented lines to fill in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters import tables as t
from rexian.adapters.record_store import read_records
from rexian.domain.records import named, roster_names, written_names

# What a person's actions in the log suggest about their role (domain/vocabulary.py ACTIONS).
ROLE_OF_ACTION: dict[str, str] = {
    "TicketReceived": "agent", "DirectlyClosed": "agent",
    "Dispatched": "dispatcher", "Merged": "dispatcher",
    "ReturnApproved": "reviewer", "ReturnRejected": "reviewer", "ExtensionApproved": "reviewer",
    "ExtensionRejected": "reviewer", "ClosureApproved": "reviewer", "ClosureRejected": "reviewer",
    "Reopened": "reviewer",
    "Visited": "visitor",
    "RequestEndorsed": "unit_leader", "RequestDeclined": "unit_leader",
    "SignedFor": "handler", "Forwarded": "handler", "HandedOver": "handler", "ForwardReported": "handler",
    "ProgressNoted": "handler", "CitizenContacted": "handler", "ReturnRequested": "handler",
    "ExtensionRequested": "handler", "ClosureRequested": "handler", "Replied": "handler",
    "SupervisionResponded": "handler",
}
CENTRE_ROLES = frozenset({"agent", "dispatcher", "reviewer", "visitor"})
KIND_RANK = {"centre": 0, "department": 1, "district": 1, "street": 2, "community": 3, "other": 1}


def unit_kind(name: str) -> str:
    """The kind a unit's name suggests."""
    if name.endswith(("社区居委会", "居委会", "村委会", "社区", "村")):
        return "community"
    if name.endswith(("街道办事处", "街道", "镇人民政府", "镇政府", "乡人民政府", "乡政府", "镇", "乡")):
        return "street"
    if name.endswith(("区人民政府", "区政府", "县人民政府", "县政府", "区", "县")):
        return "district"
    return "department"


def draft_organisation(engine: Engine) -> dict[str, Any]:
    """{"units": [...], "people": [...], "notes": {person or unit id: why something was left out}} from the log."""
    e = t.events.c
    with reading(engine) as connection:
        acts = connection.execute(select(e.actor_id, e.actor_unit_id, e.action, func.count())
                                  .where(e.actor_id.is_not(None), e.actor_id != "")
                                  .group_by(e.actor_id, e.actor_unit_id, e.action)).all()
        moves = connection.execute(select(e.actor_unit_id, e.target_unit_id, e.action)
                                   .where(e.action.in_(("Dispatched", "Forwarded")),
                                          e.target_unit_id.is_not(None))).all()
        named = [value for (value,) in connection.execute(select(t.tickets.c.lead_unit_id).distinct())]
        named += [value for (value,) in connection.execute(select(t.tickets.c.first_unit_id).distinct())]
        named += [value for (value,) in connection.execute(select(e.actor_unit_id).distinct())]
        roster = read_records(connection, "roster")
        written = _written_names(connection)
    units = {unit for unit in named if unit}
    units |= {row.target_unit_id for row in moves if row.target_unit_id}
    centres = Counter(row.actor_unit_id for row in moves if row.action == "Dispatched" and row.actor_unit_id)
    centre = centres.most_common(1)[0][0] if centres else None
    kinds = {unit: "centre" if unit == centre else unit_kind(unit) for unit in units}
    notes: dict[str, str] = {}
    parents = _parents(moves, kinds, notes)

    done: dict[str, Counter] = defaultdict(Counter)  # person → roles suggested, with counts
    homes: dict[str, Counter] = defaultdict(Counter)  # person → units they acted for
    for row in acts:
        homes[row.actor_id][row.actor_unit_id] += row[3]
        if row.action in ROLE_OF_ACTION:
            done[row.actor_id][ROLE_OF_ACTION[row.action]] += row[3]
    names = {**written, **roster_names(roster)}  # the roster, where there is one, is the authority
    people = []
    for person in sorted(homes):
        home = homes[person].most_common(1)[0][0]
        if home is None:
            notes[person] = "日志中没有此人的单位，未列入"
            continue
        allowed = CENTRE_ROLES if home == centre else frozenset(ROLE_OF_ACTION.values()) - CENTRE_ROLES
        roles = sorted(role for role in done[person] if role in allowed)
        left = sorted(role for role in done[person] if role not in allowed)
        if left:
            notes[person] = f"日志中此人还做过{'、'.join(left)}的操作，未据此授予该角色"
        if len(homes[person]) > 1:
            others = "、".join(sorted(str(u) for u in homes[person] if u != home))
            notes[person] = (notes.get(person, "") + "；" if person in notes else "") + f"也曾以{others}的名义操作"
        people.append({"id": person, "name": names.get(person, person), "unit": home, "roles": roles or ["handler"]})
    ordered = sorted(units, key=lambda unit: (KIND_RANK.get(kinds[unit], 1), unit))
    return {"units": [{"id": unit, "name": unit, "kind": kinds[unit],
                       **({"parent": parents[unit]} if unit in parents else {})} for unit in ordered],
            "people": people, "notes": notes}


def _written_names(connection) -> dict[str, str]:
    """Person id → 「王芳（0101）」 from the names the imported events carry beside the code (payload `actor_name`)."""
    e = t.events.c
    names = written_names(connection.execute(select(e.actor_id, e.payload).where(
        e.actor_id.is_not(None), e.payload.contains('"actor_name"'))))
    return {actor: named(actor, names) for actor in names}


def _parents(moves, kinds: dict[str, str], notes: dict[str, str]) -> dict[str, str]:
    """A unit's parent where exactly one unit forwarded work down to it and ranks above it by kind."""
    senders: dict[str, set[str]] = defaultdict(set)
    for row in moves:
        if row.action == "Forwarded" and row.actor_unit_id and row.actor_unit_id != row.target_unit_id:
            senders[row.target_unit_id].add(row.actor_unit_id)
    parents = {}
    for unit, above in senders.items():
        higher = {s for s in above if KIND_RANK.get(kinds.get(s, "other"), 1) < KIND_RANK.get(kinds.get(unit, "other"), 1)}
        if len(higher) == 1:
            parents[unit] = higher.pop()
        elif len(higher) > 1:
            notes[unit] = f"由{'、'.join(sorted(higher))}下派过，上级单位未定，请填写 parent"
    return parents


def draft_yaml(draft: dict[str, Any]) -> str:
    """The draft as an organisation file (docs/organisation.md), with the notes as comments to read."""
    import json

    def flow(item: dict[str, Any]) -> str:  # one entry a line, as the organisation file's example
        return "{" + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in item.items()) + "}"

    notes = draft["notes"]
    lines = ["# 由 rexian org draft 根据导入的办理记录生成的组织文件草稿：请核对单位类型、上级单位和人员角色，",
             "# 补上监督员和管理员（导出数据里没有他们），再用 rexian org load 载入（docs/web.md「导入数据的库」）。",
             "units:"]
    for unit in draft["units"]:
        lines.append(f"  - {flow(unit)}" + (f"   # {notes[unit['id']]}" if unit["id"] in notes else ""))
    lines.append("people:")
    for person in draft["people"]:
        lines.append(f"  - {flow(person)}" + (f"   # {notes[person['id']]}" if person["id"] in notes else ""))
    lines += ["  # 监督员、管理员：单位可用上面已有的单位，或另加一个单位（如纪检监察组，kind: other）",
              "  # - {id: J01, name: 监督员姓名, unit: 纪检监察组, roles: [supervisor]}",
              "  # - {id: X01, name: 管理员姓名, unit: 热线中心单位编号, roles: [admin]}"]
    return "\n".join(lines) + "\n"
