"""`mapping suggest` for a flow history held in one cell (importing/history_cells.py): find the column whose
cells hold several lines each starting with a time, and build a `line` pattern from the lines it sees — the
action in brackets (「…【派发】王芳（中心）→城管局：…」), or space-separated parts whose position of the action
word is found by the vocabulary and whose unit is told from a person by the endings of unit names. A proposal
for a person to check with `rexian mapping check`, never applied silently."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable

from rexian.importing.history_cells import ARROW, BULLET, STEP_NUMBER, STEP_TIME
from rexian.importing.person_cells import person_of
from rexian.importing.values import as_text

# A step's time as platforms write it, with or without the year, in brackets or not.
TIME = STEP_TIME
OPEN, CLOSE = r"[\[【(（]", r"[\]】)）]"
TIME_PREFIX = re.compile(rf"^\s*{OPEN}?\s*(?P<at>{TIME})\s*{CLOSE}?\s*(?P<rest>.*)$")
BRACKETED = re.compile(r"^[【\[]([^】\]]+)[】\]]")
# Endings of unit names (局、中心、街道办 …): a part ending so is a unit, else a person.
UNIT_END = r"(?:局|委|办|厅|中心|街道|社区|公司|所|队|科|处|站|院|室|部|镇|乡|村|会|组|分局|热线)"
UNIT_WORD = re.compile(rf"(?:{UNIT_END}|[（(][^）)]*[）)])$")
AT_PART = rf"^\s*{OPEN}?\s*(?P<at>{TIME})\s*{CLOSE}?\s*"
BRACKET_LINE = (AT_PART + r"[【\[](?P<action>[^】\]]+)[】\]]\s*(?P<actor_id>[^：:→]*?)\s*"
                r"(?:[（(](?P<actor_unit_id>[^（）()]*)[）)])?\s*(?:(?:→|->)\s*(?P<target_unit_id>[^：:]+?))?\s*"
                r"(?:[：:]\s*(?P<note>.*))?$")
MIN_SHARE = 0.6
# A person written with a code in brackets (王芳（0101）, 张伟(1101)): the code identifies the person.
PERSON_CODE = re.compile(r"^[^（(\s]+[（(][A-Za-z0-9_-]+[）)]$")
# Labelled parts of a step (the label, and the lookahead that reads its value into a group of that name). The
# attachment part needs none: every step's 「附件：…」 is taken out of its note into `<cell>.附件` (history_cells.py).
LABELLED_PARTS = [
    (re.compile(r"延期至[：:]"), r"(?=(?:.*?延期至[：:]\s*(?P<延期至>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}[:：]\d{2})?))?)"),
    (re.compile(r"通话编号[：:]"), r"(?=(?:.*?通话编号[：:]\s*(?P<通话编号>[A-Za-z0-9_-]+))?)"),
]
# What each labelled part is for: (event, field) pairs of action_fields.
LABELLED_FIELDS = {"附件": [("ClosureRequested", "evidence"), ("ProgressNoted", "attachments")],
                   "延期至": [("ExtensionRequested", "requested_due_at"), ("ExtensionApproved", "new_due_at")],
                   "通话编号": [("Visited", "call_id")]}


# What may stand between the steps of one cell (importing/history_cells.py): (the separator before the time lookahead,
# how a note names it). The separator always ends in a lookahead on a step's time, so 「答复：1.已清理 2.已告知」 or
# 「市民→社区→物业」 in a note is never cut. A number or arrow takes a 「；」 or 「，」 before it with it.
SEPARATOR_SHAPES = [
    (r"[；;]", "分号"),
    (rf"[；;，,]?\s*{STEP_NUMBER}\s*", "序号（1. ① （1） 第1步）"),
    (rf"[；;，,]?\s*{ARROW}\s*", "箭头（→）"),
    (rf"{BULLET}\s*", "行首符号（· -）"),
]
DATED_TIME = r"(?=\s*[\[【(（]?\s*\d{4}\s*[-/.年])"  # proposed when the run-on steps carry their year
UNDATED_TIME = r"(?=\s*[\[【(（]?\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*[:：时点])"


def _filled_cells(header: str, rows: list[dict[str, Any]]) -> list[str]:
    return [as_text(row.get(header)) for row in rows if isinstance(row.get(header), str) and row.get(header).strip()]


def _splits_into_steps(cell: str, separator: re.Pattern) -> bool:
    """The separator cuts the cell somewhere and leaves two or more parts that start with a time."""
    if not any(separator.search(line) for line in cell.splitlines()):
        return False
    return sum(1 for piece in _steps_of(cell, separator.pattern) if TIME_PREFIX.match(piece)) >= 2


def history_separator(column: str, rows: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(a `separator`, how it reads) when the column's cells write several steps in one line — after 「；」, a number
    「2.」「②」「（2）」「第2步」 or an arrow 「→」 before a time — or a bullet 「·」 before each line's time; None when the
    steps are one a line with nothing before their time. Each shape that cuts a cell is one alternative of the
    separator, so a column whose cells are written in different shapes (most 「；」, some numbered) has each cell
    cut by the shape it has; proposed when the shapes together cut one cell in five. Every alternative ends in the
    same lookahead on a time, so no shape cuts a note where no step follows."""
    cells = _filled_cells(column, rows)
    found: list[tuple[str, str, int]] = []  # (the shape's lead, its name, cells it cuts)
    cut: set[int] = set()
    with_year = without = 0
    for lead, name in SEPARATOR_SHAPES:
        dated, undated = re.compile(lead + DATED_TIME), re.compile(lead + UNDATED_TIME)
        by_year = {index for index, cell in enumerate(cells) if _splits_into_steps(cell, dated)}
        by_day = {index for index, cell in enumerate(cells) if _splits_into_steps(cell, undated)}
        if by_year or by_day:
            found.append((lead, name, max(len(by_year), len(by_day))))
            cut |= by_year | by_day
            with_year, without = with_year + len(by_year), without + len(by_day)
    if not found or len(cut) * 5 < len(cells):
        return None
    time = DATED_TIME if with_year * 2 >= without else UNDATED_TIME
    if len(found) == 1:
        return found[0][0] + time, found[0][1]
    found.sort(key=lambda shape: -shape[2])  # named most-used first; the lookahead makes the order of no account
    return (f"(?:{'|'.join(lead for lead, _, _ in found)}){time}",
            "、".join(f"{name}（{count} 格）" for _, name, count in found) + "（各格按其写法拆分）")


UNIT = r"[^→\s(（]+(?:\s*[(（][^)）]*[)）])?"  # a unit, perhaps with its time in brackets after it
UNIT_CHAIN = re.compile(rf"^\s*{UNIT}(?:\s*{ARROW}\s*{UNIT})+\s*$")


def unit_chain_column(headers: list[str], rows: list[dict[str, Any]]) -> str | None:
    """A column whose cells are mostly a chain of units (「市12345中心→区住建局→街道办」): the path a ticket took, with
    no step's action (and no time before each step) — not a history `mapping suggest` can read as steps."""
    for header in headers:
        cells = _filled_cells(header, rows)
        if cells and sum(1 for cell in cells if UNIT_CHAIN.match(cell)) >= MIN_SHARE * len(cells):
            return header
    return None


def _steps_of(cell: str, separator: str | None) -> list[str]:
    from rexian.importing.history_cells import pieces

    compiled = re.compile(separator) if separator else None
    return [piece.strip() for _, piece in pieces(cell, compiled) if piece.strip()]


def history_column(headers: list[str], rows: list[dict[str, Any]]) -> str | None:
    """The column whose filled cells mostly hold two or more steps (lines, or parts of a line before a time)
    that start with a time."""
    best, best_share = None, 0.0
    for header in headers:
        cells = _filled_cells(header, rows)
        if not cells:
            continue
        shape = history_separator(header, rows)
        separator = shape[0] if shape else None
        multi = [steps for steps in (_steps_of(cell, separator) for cell in cells) if len(steps) >= 2]
        lines = [line for steps in multi for line in steps]
        timed = sum(1 for line in lines if TIME_PREFIX.match(line) and TIME_PREFIX.match(line).group("rest"))
        share = min(len(multi) / len(cells), timed / len(lines) if lines else 0.0)
        if share >= MIN_SHARE and share > best_share:
            best, best_share = header, share
    return best


def step_lines(column: str, rows: list[dict[str, Any]], separator: str | None = None) -> list[str]:
    return [line for row in rows if isinstance(row.get(column), str) for line in _steps_of(row[column], separator)]


def line_pattern(lines: list[str], is_action: Callable[[str], bool]) -> tuple[str | None, str]:
    """(a `line` pattern for these lines, or None; a note saying how it was found and how many lines it reads)."""
    rests = [match.group("rest") for match in map(TIME_PREFIX.match, lines) if match]
    if not rests:
        return None, "未能识别每一步的时间"
    if sum(1 for rest in rests if BRACKETED.match(rest)) >= MIN_SHARE * len(rests):
        pattern, how = BRACKET_LINE, "动作写在【】或[]中"
    else:
        pattern, how = _token_pattern(rests, is_action)
        if pattern is None:
            return None, how
    compiled = re.compile(pattern)
    read = sum(1 for line in lines if compiled.match(line))
    return pattern, f"{how}；该模式可读 {read}/{len(lines)} 行（其余行并入上一步的说明）"


def _token_pattern(rests: list[str], is_action: Callable[[str], bool]) -> tuple[str | None, str]:
    """Space-separated parts: the position holding action words in most lines is the action; the parts
    before it are the unit (a unit ending) and the person; a unit after it (after →/至 or not) the target."""
    split = [rest.split() for rest in rests]
    hits = Counter(position for parts in split for position, part in enumerate(parts[:4]) if is_action(part))
    if not hits:
        return None, "未能在各行中找到动作词：请自行写出 line 模式（见 docs/importing.md「处理过程在一个单元格中」）"
    position, count = hits.most_common(1)[0]
    if count < MIN_SHARE * len(split):
        return None, f"动作词的位置不一致（第 {position + 1} 段只占 {count}/{len(split)} 行）：请自行写出 line 模式"
    names, before = [], ""
    for index in range(position):
        column = [parts[index] for parts in split if len(parts) > position]
        if sum(1 for part in column if PERSON_CODE.match(part)) * 2 > len(column) and "actor_id" not in names:
            names.append("actor_id")  # 王芳（0101）: the code is the person (names repeat, codes do not),
            before += r"(?P<actor_name>[^（(\s]+)[（(](?P<actor_id>[^）)]+)[）)]\s+"  # the name kept beside it
            continue
        if sum(1 for part in column if person_of(part)[1]) * 2 > len(column) and "actor_id" not in names:
            names.append("actor_id")  # 0101王芳, [0101]王芳: the import reads the code as the person and keeps the
            before += r"(?P<actor_id>\S+)\s+"  # name beside it (person_cells), as for 王芳（0101）
            continue
        units = sum(1 for part in column if UNIT_WORD.search(part))
        name = "actor_unit_id" if units * 2 > len(column) else "actor_id"
        name = name if name not in names else f"part{index + 1}"
        names.append(name)
        before += rf"(?P<{name}>\S+)\s+"
    after = (rf"(?:\s+(?:→|->|至)?\s*(?P<target_unit_id>\S*{UNIT_END}))?(?:\s+(?P<note>.+))?$")
    return (AT_PART + labelled_parts(rests) + before + r"(?P<action>\S+)" + after,
            f"各部分以空格分隔，第 {position + 1} 段是动作")


def labelled_parts(rests: list[str]) -> str:
    """Lookaheads reading the labelled parts some steps carry after their note — 延期至：<time>, 通话编号：HF… — as
    columns of their own (`处理过程.延期至` …), wherever in the step they stand; the note keeps them too."""
    return "".join(lookahead for label, lookahead in LABELLED_PARTS if any(label.search(rest) for rest in rests))
