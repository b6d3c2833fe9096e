"""`rexian mapping check`: a dry run of a mapping over an export that says what the rules will lack on it —
rows read and rejected, events by kind, unmapped words, fields the rules need and do not get (with the rules
that therefore cannot fire), columns the mapping names that no file has, parts that made nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.history_cells import ATTACHMENTS, MARKED_REASON
from rexian.importing.mapping import Mapping


# What the rules need from imported events, and which rules go blind without it (docs/rules.md).
NEEDS = (
    ("actor_id", "事件没有操作人", ["BP-PINGPONG", "BP-CYCLE", "BP-RETURNS", "MS-VISIT-BY-HANDLER"],
     "推诿扯皮线索无法点名到人；回访人是否为承办人无法判断"),
    ("Dispatched", "没有派单事件", ["BP-PINGPONG", "BP-CYCLE", "FF-NO-FOLLOW-UP"], "无法看出工单在单位间流转"),
    ("ReturnRequested", "没有退单申请事件", ["BP-RETURNS", "BP-NO-VERIFY", "BP-REJECTED"], "退单类规则无法触发"),
    ("ClosureRequested", "没有办结申请事件", ["FC-NO-EVIDENCE", "FC-REJECTED-CLOSURES", "FC-INSTANT"],
     "虚假办结类规则无法触发"),
    ("Visited", "没有回访事件", ["FC-UNRESOLVED", "DS-UNSATISFIED", "MS-VISIT-NO-CALL", "MS-VISIT-BY-HANDLER",
                              "MS-SATISFIED-REPEAT"], "回访与满意度类规则无法触发"),
    ("reply", "没有答复文字", ["PR-BOILERPLATE", "PR-IDENTICAL", "PR-OFF-TOPIC"], "敷衍答复类规则无法触发"),
    ("target", "派单没有接收单位", ["RC-REPEAT", "HA-HOSTILE", "GR-GRAFT", "BP-PINGPONG"],
     "工单没有承办单位（lead_unit_id），线索无法点名单位（columns: {target_unit_id: 流向部门/承办单位列}）"),
    ("content", "没有诉求内容", ["PR-OFF-TOPIC", "HA-HOSTILE", "GR-GRAFT", "IB-BANQUET", "RC-REPEAT"],
     "文本类规则与重复投诉匹配缺少依据"),
    ("place", "既没有地址也没有来电人", ["RC-REPEAT", "FC-REPEAT-AFTER-CLOSE", "MS-SATISFIED-REPEAT"],
     "重复投诉无法按地点或来电人匹配"),
    ("due", "没有办理时限", ["DL-OVERDUE"], "超期规则无法判断（可映射时限列）"),
    ("visit_satisfaction", "回访事件没有满意度", ["DS-UNSATISFIED", "MS-SATISFIED-REPEAT"],
     "满意度类规则对该来源无法判断（action_fields: {Visited: {satisfaction: 回访结果列}}，或工单表的 visit_result）"),
    ("visit_resolved", "回访事件没有解决情况", ["FC-UNRESOLVED"],
     "回访未解决规则对该来源无法判断（action_fields: {Visited: {resolved: 是否解决列}}，或 visit_result: "
     "{satisfaction: 列, resolved: 列}）"),
    ("evidence", "办结申请没有佐证材料", ["FC-NO-EVIDENCE"],
     "无法判断是否无佐证办结，该来源的办结申请不作判断（action_fields: {ClosureRequested: {evidence: 附件列}} "
     "或 evidence_words）"),
    ("reason", "退单或延期申请没有理由", ["BP-RETURNS", "BP-NO-VERIFY"],
     "退单线索中看不到退单理由（action_fields: {ReturnRequested: {reason: 列}}）"),
)


def check(paths: list[Path], mapping: Mapping) -> tuple[Any, list[str]]:
    """Dry-run the mapping: the import report and the lines to print (nothing is written)."""
    from rexian.importing.pipeline import build

    report = build(paths, mapping)
    actions: Counter = Counter()
    present: set[str] = set()
    for history in report.histories.values():
        for draft in _with_moves(history.drafts, mapping):
            actions[draft.action] += 1
            present.add("Dispatched" if draft.action == "HandedOver" else draft.action)  # both move a ticket
            if draft.actor_id:
                present.add("actor_id")
            if draft.action in ("Replied", "ClosureRequested", "DirectlyClosed"):
                if draft.payload.get("reply") or draft.payload.get("answer"):
                    present.add("reply")
                elif draft.payload.get("note"):
                    present.add("reply_in_note")
            if draft.action == "Dispatched" and draft.target_unit_id:
                present.add("target")
            if draft.payload.get("due_at") or draft.payload.get("new_due_at"):
                present.add("due")
            if draft.action == "Visited":
                present |= {f"visit_{name}" for name in ("satisfaction", "resolved") if name in draft.payload}
            if draft.action == "ClosureRequested" and draft.payload.get("evidence"):
                present.add("evidence")
            if draft.action in ("ReturnRequested", "ExtensionRequested") and draft.payload.get("reason"):
                present.add("reason")
        intake = {**mapping.constants, **history.intake}
        if intake.get("content"):
            present.add("content")
        if intake.get("address") or intake.get("place_id") or intake.get("caller_id") or intake.get("caller_phone"):
            present.add("place")
    events = sum(actions.values())
    due_line = _deadline_share(report, mapping)
    if due_line:
        present.discard("due")
    lines = [(f"读入 {report.rows_in} 行：可导入 {report.rows_imported} 行，拒收 {report.rows_rejected} 行；"
              f"工单 {len(report.histories)} 件，事件 {events} 条（另加每件工单的受理事件）")]
    lines += [f"  {action}: {count}" for action, count in actions.most_common()]
    unknown = Counter(str(r.value) for r in report.rejects.rejects if r.reason.startswith("未知的动作词"))
    lines += [f"未映射的动作词「{word}」：{count} 行" for word, count in unknown.most_common()]
    other = Counter(r.reason.split("：")[0] for r in report.rejects.rejects if not r.reason.startswith("未知的动作词"))
    lines += [f"拒收原因「{reason}」：{count} 条" for reason, count in other.most_common()]
    if mapping.code_table is not None:
        lines += mapping.code_table.summary()
    if mapping.lookups:
        from rexian.importing.lookups import lookup_summary

        lines += lookup_summary(mapping.lookups)
    if actions["HandedOver"] and mapping.unit_tree is None:
        lines.append(f"转办/移交 {actions['HandedOver']} 条按平级转办（HandedOver）导入：映射没有 unit_tree，"
                     "无法区分其中下派给下级单位的（若导出含单位表，加 unit_tree：见 docs/importing.md「转办」）")
    elif mapping.unit_tree is not None:
        lines.append(f"单位表：{report.hand_overs_down} 条转办指向下级单位，按下派（Forwarded）导入；"
                     f"其余 {actions['HandedOver']} 条按平级转办（HandedOver）导入")
        flow_units = {unit for history in report.histories.values() for draft in history.drafts
                      for unit in (draft.actor_unit_id, draft.target_unit_id) if unit}
        if flow_units and report.tree_units and not flow_units & report.tree_units:
            lines.append(f"单位表中的 {len(report.tree_units)} 个单位与流转记录中的 {len(flow_units)} 个单位无一相同"
                         f"（如流转写「{sorted(flow_units)[0]}」，单位表写「{sorted(report.tree_units)[0]}」）：单位表没有"
                         "起作用，转办全部按平级导入——核对 unit_tree 的 unit 列是否与流转记录的单位写法一致")
    for need, lack, rules, effect in NEEDS:
        if actions["HandedOver"]:  # hand-overs are judged by BP-NO-VERIFY too
            rules = [rule for rule in rules if rule != "BP-NO-VERIFY"]
        if need == "reply" and need not in present and "reply_in_note" in present:
            lines.append("缺少：答复文字只在 note 中，不在 reply → 敷衍答复类规则读不到它（action_fields: "
                         "{ClosureRequested: {reply: 办理意见列}}、Replied 同理）（PR-BOILERPLATE, PR-IDENTICAL, PR-OFF-TOPIC）")
        elif need == "target" and "Dispatched" not in present:
            continue  # said already: no dispatch at all
        elif need == "due" and due_line:
            lines.append(due_line)
        elif need.startswith("visit_") and "Visited" not in present:
            continue  # said already: no visit at all
        elif need not in present and rules:
            lines.append(f"缺少：{lack} → {effect}（{', '.join(rules)}）")
    lines += _moves_lines(report, mapping, actions)
    lines += _record_lines(report, mapping, actions)
    lines += _unused_sections(report, mapping, actions)
    lines += _absent_columns(report, mapping)
    return report, lines


def _with_moves(drafts: list, mapping: Mapping) -> list:
    """A ticket's drafts with the moves `moves:` makes of its units (as sealing will: importing/unit_moves.py)."""
    if mapping.moves is None:
        return drafts
    from rexian.importing.unit_moves import apply_unit_moves

    return apply_unit_moves(sorted(drafts, key=lambda d: (d.at, d.order)), mapping.moves)


def _moves_lines(report, mapping: Mapping, actions: Counter) -> list[str]:
    """What `moves:` made, or — without it — a unit column whose value changes within tickets while no event
    moves them: the rules would then see no ticket pass between units."""
    if mapping.moves is not None:
        made = sum(1 for history in report.histories.values() for draft in _with_moves(history.drafts, mapping)
                   if draft.payload.get("moved_by") == "unit_column")
        return [f"moves：按「{mapping.moves.unit}」的变化补出 {made} 次单位间移交（{mapping.moves.action}，"
                f"日志本身没有记为移交事件的）；日志自己的移交事件记为离开的单位所为"]
    column = mapping.columns.get("actor_unit_id")
    if not column or mapping.columns.get("target_unit_id", column) != column:
        return []  # a platform's flow records: the acting unit and the receiving one are columns of their own
    unmoved = 0  # tickets with a unit acting on them that no move brought them to (the first one, as a rule)
    for history in report.histories.values():
        acting = {d.actor_unit_id for d in history.drafts if d.actor_unit_id and d.action not in ("Dispatched", "HandedOver")}
        reached = {d.target_unit_id for d in history.drafts if d.action in ("Dispatched", "HandedOver")}
        unmoved += bool(acting - reached)
    if not unmoved:
        return []
    return [f"「{column}」既是操作单位又是接收单位，{unmoved} 件工单里有单位办理了案件却没有任何派单或转办把案件交给它"
            f"（如案件在第一个单位开立）：若这一列写的是此刻持有案件的单位（事件日志的 org:group、Assignment Group），"
            f"写 moves: {{unit: {column}}}，每次单位变化才都读作移交（否则 BP-PINGPONG、BP-CYCLE 看不到 A→B→A）"]


def _named_columns(mapping: Mapping, used_sheets: set[str], where: str = "") -> Iterator[tuple[str, str]]:
    """(where in the mapping, source column) of every column the mapping reads (a ticket sheet's and those of the
    event sheets that made events among them)."""
    for name, column in mapping.columns.items():
        yield f"{where}columns.{name}", column
    for name, column in mapping.intake.items():
        yield f"{where}intake.{name}", column
    for event, fields in mapping.action_fields.items():
        for name, column in fields.items():
            yield f"{where}action_fields.{event}.{name}", column
    for column in mapping.payload_columns:
        yield f"{where}payload_columns", column
    sheet = mapping.ticket_sheet
    if sheet is not None:
        yield "ticket_sheet.ticket_id", sheet.ticket_id
        for name, column in sheet.intake.items():
            yield f"ticket_sheet.intake.{name}", column
        results = sheet.visit_result if isinstance(sheet.visit_result, dict) else {"": sheet.visit_result}
        for name, column in (("closed_at", sheet.closed_at), ("status", sheet.status), ("due_at", sheet.due_at),
                             *((f"visit_result{'.' + key if key else ''}", value) for key, value in results.items())):
            if column:
                yield f"ticket_sheet.{name}", column
    for position, section in enumerate(mapping.event_sheets, start=1):
        if section.name in used_sheets:
            yield from _named_columns(section.mapping, used_sheets, f"event_sheets 第 {position} 项 ")


def _absent_columns(report, mapping: Mapping) -> list[str]:
    """Columns the mapping names that no file read has: the fields they fill stay empty (a typo, or the wrong
    sheet), which the rules would otherwise take as 'not recorded'."""
    from rexian.importing.mapping import EVENT_SHEET_ACTION

    if not report.columns_seen:
        return []
    made = ({mapping.history.key(group) for group in (*mapping.history.groups, ATTACHMENTS)}
            if mapping.history is not None else set())
    if mapping.wide is not None:  # the groups' fields and stems are columns of the step rows, not of the file
        from rexian.importing.wide_groups import step_columns as group_columns

        made |= set(group_columns(mapping.wide).values()) | mapping.wide.stems() | {
            stem for column in report.columns_seen if (stem := _stem(column))}
    made |= {column for lookup in mapping.lookups for column in lookup.columns}  # checked against their tables
    used = {draft.payload.get("completed_from") or draft.payload.get("from_event_sheet")
            for history in report.histories.values() for draft in history.drafts}
    lines = [f"event_sheets 第 {position} 项（{sheet.name}）没有产生任何事件：工作表（文件）为空、名称不对，或所有行被拒收"
             for position, sheet in enumerate(mapping.event_sheets, start=1) if sheet.name not in used]
    absent = [(where, column) for where, column in _named_columns(mapping, used)
              if column not in report.columns_seen and column not in made and column != EVENT_SHEET_ACTION]
    return lines + [f"映射所指的列不存在：{where} →「{column}」不在读入的任何文件（工作表）中，该字段将为空（核对列名或工作表）"
                    for where, column in absent]


def _stem(column: str) -> str | None:
    from rexian.importing.wide_groups import numbered

    parts = numbered(column)
    return parts[0] if parts else None


def _unused_sections(report, mapping: Mapping, actions: Counter) -> list[str]:
    """Parts of the mapping that made nothing: unread visit cells, per-action fields of events no row makes,
    history lines joined to the step above."""
    from rexian.importing.flow import UNREAD_VISIT_REMARK
    from rexian.importing.json_documents import is_document_remark

    lines = []
    unread = sum(1 for note in report.rejects.notes if note.reason.endswith(UNREAD_VISIT_REMARK))
    if unread and actions["Visited"]:
        whole = unread >= actions["Visited"]
        lines.append(f"回访结果无法识别：{unread}/{actions['Visited']} 条回访" + (
            "（全部）→ 回访结果类规则对该来源无法判断（DS-UNSATISFIED, FC-UNRESOLVED, MS-SATISFIED-REPEAT）；"
            "请核对 action_fields.Visited 所指的列，或用 values 翻译其中的词" if whole else
            "，这些回访的结果记为未知（见拒收清单中的「提示」行）"))
    attachments = mapping.history.key(ATTACHMENTS) if mapping.history is not None else None
    for event in sorted(mapping.action_fields):
        if not actions[event] and set(mapping.action_fields[event].values()) - {attachments}:
            lines.append(f"action_fields.{event} 没有用上：本映射没有产生 {event} 事件"
                         + ("（tickets 模式只产生受理、派单、答复、办结）" if mapping.mode == "tickets" else ""))
    documents = [note for note in report.rejects.notes if note.row is None and is_document_remark(note.reason)]
    if documents:  # a page read without `json.records` (or with a path it lacks): nothing of it is a record
        lines.append(f"{documents[0].file}：{documents[0].reason.removeprefix('提示：')}"
                     + (f"（另有 {len(documents) - 1} 个文件同样）" if len(documents) > 1 else ""))
    zones = [note for note in report.rejects.notes if "不同时区的偏移" in note.reason]
    if zones:
        lines.append(f"{zones[0].file} 第 {zones[0].row} 行：{zones[0].reason.removeprefix('提示：')}")
    joined = [note for note in report.rejects.notes if "不是新的一步" in note.reason]
    if joined:
        lines.append(f"处理过程：{len(joined)} 件工单有不符合 history.line 的行，已并入上一步的说明（核对模式是否漏掉了步骤）")
    run_on = [note for note in report.rejects.notes if "同一行写了几步" in note.reason]
    if run_on:
        lines.append(f"处理过程：{len(run_on)} 件工单的某一步说明里还有带时间的下一步 → 同一行写了几步却只读作一步；"
                     "在 history 中写 separator（各步之间的分隔符：分号、序号 1. ①、箭头 →，如 '[；;]'）")
    if mapping.history is not None and mapping.history.chain is not None:
        chained = sum(1 for history in report.histories.values() if any(d.payload.get("undated") for d in history.drafts))
        dated = sum(1 for history in report.histories.values()
                    if any(d.payload.get("chain_time") == "written" for d in history.drafts))
        centre = "、".join(mapping.history.centre)
        lines.append(f"流转路径：{chained} 件工单的单位流转链读作{mapping.history.chain}（按链的顺序"
                     + (f"；从中心「{centre}」转出为派单、转回为退回" if centre else
                        "；未给出中心（history.centre），每个箭头都是单位之间的转办，导入数据库时以组织机构中的中心为准")
                     + f"）；{dated} 件的单位后写有时间（读作该单位转出的时间），其余流转记在前后一步或办结、受理时间；"
                     "链中没有各单位的办理动作和经办人（undated）→ 不据此判断 DL-IDLE、BP-NO-VERIFY、FF-NO-FOLLOW-UP，"
                     "推诿线索只点名到单位")
    marked = [reject for reject in report.rejects.rejects if reject.reason == MARKED_REASON]
    if marked:
        lines.append(f"处理过程：{len(marked)} 件工单的每一步前有序号、箭头或行首符号，未写 separator 而整件未导入；"
                     "在 history 中写 separator（rexian mapping suggest 会提出）")
    return lines


def _deadline_share(report, mapping: Mapping) -> str | None:
    """A line when deadlines reach fewer dispatched tickets than DL-OVERDUE needs to judge the source
    (its `judges_share`, analytics/judging.py): then the rule says it cannot judge rather than missing silently."""
    from rexian.analytics.registry import all_rules

    share = all_rules()["DL-OVERDUE"].judges_share
    if mapping.deadlines is not None or not share:
        return None  # computed for every dispatch (deadlines.handle_days / categories)
    dispatched = with_due = 0
    for history in report.histories.values():
        drafts = [d for d in history.drafts if d.action in ("Dispatched", "ExtensionApproved", "Reopened")]
        if drafts:
            dispatched += 1
            with_due += any(d.payload.get("due_at") or d.payload.get("new_due_at") for d in drafts)
    if not dispatched or with_due >= share * dispatched:
        return None
    return (f"缺少：只有 {with_due}/{dispatched} 件派单工单有办理时限 → 超期规则对该来源无法判断"
            f"（可映射时限列，或 deadlines.handle_days）（DL-OVERDUE）")


def _record_lines(report, mapping: Mapping, actions: Counter) -> list[str]:
    """What the call-centre rules get from the mapping's record sections."""
    lines = [f"{table} 表 {len(rows)} 行（{', '.join(sorted(mapping.records[table].mapping.columns))}）"
             for table, (rows, _origins) in report.records.items()]
    if actions["Visited"]:
        calls = report.records.get("calls")
        linked = calls and any(row.get("ticket_id") for row in calls[0])
        named = any(d.payload.get("call_id") for h in report.histories.values() for d in h.drafts
                    if d.action == "Visited")
        if calls is None:
            lines.append("缺少：没有通话记录（映射的 calls 段）→ 回访是否有通话支持无法判断（MS-VISIT-NO-CALL）")
        elif not linked and not named:
            lines.append("缺少：回访与通话记录之间没有关联（回访无 call_id，通话无关联工单号）→ 无法判断"
                         "（MS-VISIT-NO-CALL）")
        elif named:
            # A visit's call_id read from a column that is not the call's serial (a recording number …) matches
            # no call, and every such visit would be called unsupported.
            known = {str(row.get("call_id")) for row in calls[0] if row.get("call_id") is not None}
            cited = [str(d.payload["call_id"]) for h in report.histories.values() for d in h.drafts
                     if d.action == "Visited" and d.payload.get("call_id")]
            missing = sum(1 for call_id in cited if call_id not in known)
            if missing * 2 > len(cited):
                lines.append(f"回访的 call_id 有 {missing}/{len(cited)} 条在通话记录中找不到 → MS-VISIT-NO-CALL 会把这些"
                             f"回访都当作没有通话（核对 action_fields.Visited.call_id 所指的列是否为通话流水号）")
    return lines
