"""`mapping suggest` on a report-style sheet (报表式导出): each ticket's row (intake, deadline, status, visit result;
no action word) followed by its flow rows (an action word each; the ticket's cells blank, its number merged down).

The sheet is proposed as two parts of one workbook, as a two-sheet export would be: the flow rows as the flow
records, the ticket rows as the `ticket_sheet` naming the same sheet (importing/ticket_sheets.py reads a report
sheet's rows by whether they hold an action word). Each part keeps only the columns its rows fill, so the
ticket row's 承办单位 is not the dispatch's target and its 办理期限 is the ticket's deadline, not a dispatch column.
Also here: a call-record file is never the ticket sheet (it has a ticket column and no action word too)."""

from __future__ import annotations

import dataclasses
from typing import Any

from rexian.importing.header_words import match_headers
from rexian.importing.suggest_parts import Part
from rexian.importing.suggest_sheets import CALL_COLUMNS
from rexian.importing.suggest_words import INTAKE_SYNONYMS

TICKET_ROW_SHARE = 0.8  # a ticket column is filled on most ticket rows …
FLOW_ROW_SHARE = 0.05  # … and on (almost) no flow row


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _share(rows: list[dict[str, Any]], header: str) -> float:
    return sum(_filled(row.get(header)) for row in rows) / len(rows)


def split_report(part: Part) -> tuple[Part, Part] | None:
    """(ticket rows, flow rows) of a report-style part, or None when the part is not one."""
    ticket, action = part.ticket_column, part.action_column
    if not ticket or not action or part.json_rows is not None:
        return None
    ticket_rows = [row for row in part.rows if not _filled(row.get(action)) and _filled(row.get(ticket))]
    flow_rows = [row for row in part.rows if _filled(row.get(action))]
    if len(ticket_rows) < 2 or len(flow_rows) < 2:
        return None
    others = [header for header in part.headers if header not in (ticket, action)]
    flow_share = {header: _share(flow_rows, header) for header in others}
    own = [header for header in others if flow_share[header] <= FLOW_ROW_SHARE]
    if sum(_share(ticket_rows, header) >= TICKET_ROW_SHARE for header in own) < 2:
        return None
    ticket_headers = [ticket] + [header for header in own if _share(ticket_rows, header) > 0]
    flow_headers = [header for header in part.headers if header in (ticket, action) or flow_share.get(header, 0) > 0]
    return (dataclasses.replace(part, headers=ticket_headers, action_column=None,
                                rows=[{h: row.get(h) for h in ticket_headers} for row in ticket_rows]),
            dataclasses.replace(part, headers=flow_headers,
                                rows=[{h: row.get(h) for h in flow_headers} for row in flow_rows]))


def split_reports(parts: list[Part], notes: list[str]) -> list[Part]:
    """The parts with each report-style sheet (or file) split into its ticket rows and its flow rows."""
    out: list[Part] = []
    for part in parts:
        pair = split_report(part)
        if pair is None:
            out.append(part)
            continue
        out += pair
        where = f"工作表「{part.sheet}」" if part.sheet else f"文件 {part.path.name}"
        notes.append(f"{where}是报表式导出：每件工单一行工单信息（{len(pair[0].rows)} 行，无环节），其下是它的流转行"
                     f"（{len(pair[1].rows)} 行）——流转行作为流转记录，工单行作为同一工作表的 ticket_sheet"
                     "（docs/importing.md「报表式导出」）")
    return out


def is_call_records(part: Part) -> bool:
    """Call records (ring and hang-up times, a caller or an agent, no complaint text): never a ticket sheet."""
    columns = match_headers(part.headers, CALL_COLUMNS, set())
    return ({"ring_at", "end_at"} <= set(columns) and bool({"caller_phone", "agent_id"} & set(columns))
            and "content" not in match_headers(part.headers, {"content": INTAKE_SYNONYMS["content"]}, set()))
