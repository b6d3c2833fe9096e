"""`mapping suggest` for a file with one row per ticket and no action column: its flow history in one cell
(`history`: importing/suggest_history.py) or, without such a cell, a ticket list (`mode: tickets`)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rexian.importing.header_words import match_headers
from rexian.importing.history_cells import chain_units
from rexian.importing.mapping import Mapping, mapping_from_dict
from rexian.importing.suggest_fields import (kind_column, kind_values, labelled_fields, reply_and_deadline_fields,
                                             unused_columns)
from rexian.importing.suggest_parts import Part
from rexian.importing.suggest_words import (ACTION_FIELD_SYNONYMS, HEADER_SYNONYMS, INTAKE_SYNONYMS,
                                            TICKET_SHEET_SYNONYMS, date_formats, guess_action, propose_actions)
from rexian.importing.values import as_text
from rexian.importing.vocabulary import default_vocabulary


def history_part(parts: list[Part]) -> Part | None:
    """Of a several-part export with no flow records (no part has an action column), the ticket sheet whose flow
    history is held in one cell (处理过程), if any."""
    from rexian.importing.suggest_history import history_column

    if any(part.action_column for part in parts):
        return None
    return next((part for part in parts if part.is_ticket_sheet() and history_column(part.headers, part.rows)), None)


def one_row_per_ticket(part: Part, notes: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A file with one row per ticket and no action column: its flow history in one cell (`history`) when a
    column holds several timed lines, else a ticket list (`mode: tickets`)."""
    from rexian.importing.history_cells import step_columns
    from rexian.importing.suggest_history import (history_column, history_separator, line_pattern, step_lines,
                                                  unit_chain_column)

    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    if part.sheet:
        proposal["sheet"] = part.sheet
    column = history_column(part.headers, part.rows)
    taken = {part.ticket_column, column}
    # The reply column first: 答复内容 holds 内容 but is not the complaint.
    reply = match_headers(part.headers, {"reply": ("答复内容", "回复内容", "办理结果", "处理结果", "答复")}, taken)
    intake = match_headers(part.headers, INTAKE_SYNONYMS, taken)
    outcome = match_headers(part.headers, {k: v for k, v in TICKET_SHEET_SYNONYMS.items() if k != "visit_result"}, taken)
    visit = match_headers(part.headers, {"satisfaction": ACTION_FIELD_SYNONYMS["Visited.satisfaction"],
                                  "resolved": ACTION_FIELD_SYNONYMS["Visited.resolved"]}, taken)
    chain = unit_chain_column(part.headers, part.rows) if column is None else None
    if chain is not None:
        return chain_history(part, proposal, chain, reply, intake, outcome, visit, notes)
    if column is None:
        target = match_headers(part.headers, {"target_unit_id": HEADER_SYNONYMS["target_unit_id"]}, taken)
        proposal.update(mode="tickets", columns={"ticket_id": part.ticket_column,
                                                 "at": intake.pop("received_at", "?  # 受理时间列"), **target})
        if intake:
            proposal["intake"] = intake
        proposal["tickets"] = {**{k: v for k, v in outcome.items() if k in ("closed_at", "status")}, **reply}
        if "status" in outcome:
            values = Counter(as_text(row.get(outcome["status"])) for row in part.rows if row.get(outcome["status"]))
            proposal["closed_states"] = [f"?  # {outcome['status']} 中表示已办结的取值，现有：{'、'.join(values)}"]
        if "due_at" in outcome:
            proposal["action_fields"] = {"Dispatched": {"due_at": outcome["due_at"]}}
        notes.append("每行一件工单，没有动作列，也没有写满流转步骤的单元格：按工单台账（mode: tickets）读取——每件工单只有"
                     "受理、派单、答复、办结，没有经办人，推诿、回访类规则无法判断（docs/importing.md「Tickets mode」）")
        if visit:
            notes.append(f"回访列 {', '.join(visit.values())} 在 tickets 模式下不产生回访事件")
        unused_columns(part.headers, taken, notes)
        return proposal, notes
    shape = history_separator(column, part.rows)
    separator = shape[0] if shape else None
    lines = step_lines(column, part.rows, separator)
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    pattern, how = line_pattern(lines, lambda word: bool(guess_action(word, known) or known.action_for(word)))
    proposal["columns"] = {"ticket_id": part.ticket_column}
    kind = kind_column(part.headers, part.rows, taken | set(intake.values()) | set(outcome.values()))
    if kind:
        words = kind_values(kind, part.rows)
        if words:
            intake["kind"] = kind
            proposal["values"] = {"kind": words}
            notes.append(f"「{kind}」是诉求类型（{'、'.join(words)}）：作为受理的 kind；咨询、建议、表扬不算投诉，重复投诉类规则不计")
    if intake:
        proposal["intake"] = intake
    history: dict[str, Any] = {"column": column, "line": pattern or "?  # 每一步的正则模式，见 docs/importing.md"}
    if shape:
        history["separator"] = shape[0]
        notes.append(f"「{column}」的单元格在各步之前写{shape[1]}，其后是时间：separator 在此拆分并去掉它；"
                     "说明里其后不是时间的同样符号不拆")
    history.update(outcome)
    if visit:
        history["visit_result"] = visit
    proposal["history"] = history
    notes.append(f"「{column}」的单元格每行一步（处理过程）：按 history 拆为流转记录；{how}")
    if pattern:
        import re

        compiled = re.compile(pattern)
        steps = [found.groupdict() for found in map(compiled.match, lines) if found]
        times = [step["at"] for step in steps if step.get("at") and re.match(r"\s*\d{4}", step["at"])]
        formats = date_formats(times)
        if formats:
            proposal["date_formats"] = formats
        propose_actions(Counter(step["action"].strip() for step in steps if step.get("action")), proposal, notes)
        parts = step_columns(mapping_from_dict({"source": "x", "columns": {"ticket_id": "x"},
                                                "history": {"column": column, "line": pattern}}).history)
        visits = [step.get("note") or "" for step in steps if proposal["actions"].get(
            (step.get("action") or "").strip()) == "Visited"]
        reply_and_deadline_fields(proposal, parts.get("note"), notes, visits)
        labelled_fields(proposal, column, compiled, notes, lines)
        if "target_unit_id" not in parts:
            notes.append("模式中没有派单的目标单位（target_unit_id）：派单没有 lead_unit_id，规则无法点名单位")
    unused_columns(part.headers, (taken - set(reply.values())) | set(intake.values()) | set(outcome.values())
            | set(visit.values()), notes)
    return proposal, notes


CENTRE_NAME = re.compile(r"12345|热线|便民服务|市民服务中心|政务服务中心|市长信箱|指挥中心")


def chain_centre(column: str, rows: list[dict[str, Any]]) -> str | None:
    """The unit most sampled chains start with, proposed as the chain's centre when its name says it is the
    hotline centre (12345, 热线 …): the import itself never takes a chain's first unit for the centre unasked."""
    firsts = Counter(units[0] for row in rows if isinstance(row.get(column), str)
                     and (units := chain_units(row[column])))
    if not firsts:
        return None
    unit, count = firsts.most_common(1)[0]
    return unit if count * 2 > sum(firsts.values()) and CENTRE_NAME.search(unit) else None


def chain_history(part: Part, proposal: dict[str, Any], chain: str, reply: dict[str, str], intake: dict[str, str],
                  outcome: dict[str, str], visit: dict[str, str], notes: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A file with one row per ticket whose only flow is a chain of units (流转路径: 「市12345中心→区住建局→街道办」):
    `history: {column, chain: true, centre}` — arrows out of the centre dispatches, into it returns, the others
    sideways hand-overs, undated (importing/history_cells.py) — with the row's outcome columns and reply."""
    proposal["columns"] = {"ticket_id": part.ticket_column}
    taken = {part.ticket_column, chain, *reply.values(), *intake.values(), *outcome.values(), *visit.values()}
    kind = kind_column(part.headers, part.rows, set(taken))
    if kind:
        words = kind_values(kind, part.rows)
        if words:
            intake["kind"] = kind
            proposal["values"] = {"kind": words}
            taken.add(kind)
    if intake:
        proposal["intake"] = intake
    history: dict[str, Any] = {"column": chain, "chain": "HandedOver", **outcome}
    centre = chain_centre(chain, part.rows)
    if centre:
        history["centre"] = centre
    if reply:
        history["reply"] = reply["reply"]
    if visit:
        history["visit_result"] = visit
    proposal["history"] = history
    if "status" in outcome:
        values = Counter(as_text(row.get(outcome["status"])) for row in part.rows if row.get(outcome["status"]))
        proposal["closed_states"] = [f"?  # {outcome['status']} 中表示已办结的取值，现有：{'、'.join(values)}"]
    notes.append(f"「{chain}」是单位流转链（如「市12345中心→区住建局→街道办」）：按 history.chain 读取——每个箭头是前一单位向后一单位"
                 "的平级转办（HandedOver；若平台的流转是下派，改为 Forwarded），从中心（history.centre）出发的箭头是派单，回到中心的"
                 "是退回；单位后括号中的时间读作该单位转出的时间，没有时间的流转记在前一步（无则办结、受理）的时间，"
                 "都标为 undated（链中没有各单位的办理动作），依赖办理动作的规则不据此判断；没有经办人，推诿线索只点名到单位"
                 "（docs/importing.md「A chain of units in one cell」）")
    notes.append(f"已把「{centre}」作为中心（history.centre：多数流转链从它开始，名称也是热线中心的）：请核对；不是中心时删去，"
                 "否则其转出都读作派单、转回都读作退回" if centre else
                 "流转链的中心未知（多数链开头的单位名称不像热线中心）：若有中心，在 history.centre 写出它在链中的名称，"
                 "否则每个箭头都读作单位之间的转办，链的第一个单位也不当作中心")
    unused_columns(part.headers, taken, notes)
    return proposal, notes
