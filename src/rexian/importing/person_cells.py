"""A person as exports write them in one cell: 「王芳(0101)」「王芳（0101）」 — the name with the staff number (工号) in
brackets, which many Java platforms' exports and reports use for every operator column — or code first, 「0101王芳」
「0101-王芳」「[0101]王芳」「【0101】王芳」, as others (and many call-centre systems' agent columns) write it. The staff
number is the person's id (as a roster or a history line's pattern gives it): the same clerk written with and without
his name, or two clerks of one name, must not be one person or two by accident. A bracket holding anything but a code
(a unit, 「张三(市城管局)」), or a code before a unit's name (「12345热线中心」), leaves the cell as it is."""

from __future__ import annotations

import re

NAMED_CODE = re.compile(r"^\s*(?P<name>[^\s()（）]{1,20}?)\s*[（(]\s*(?P<code>[A-Za-z]{0,4}\d[A-Za-z0-9_-]{1,19})\s*[)）]\s*$")
# Code first: the code (bracketed, or followed by nothing, a dash, colon or space) and then a name of two to six
# Chinese characters (a middle dot allowed) that is not a unit's name nor a count or date (「2024年三月」).
CODE_NAMED = re.compile(r"^\s*(?:[\[【(（]\s*(?P<held>[A-Za-z]{0,4}\d[A-Za-z0-9_]{1,19})\s*[\]】)）]"
                        r"|(?P<code>[A-Za-z]{0,4}\d[A-Za-z0-9_]{1,19}))\s*[-－—_:：]?\s*"
                        r"(?![年月日号时分秒元个次件条])(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5})\s*$")
UNIT_NAME_END = re.compile(r"(中心|热线|平台|局|办|队|站|所|委|厅|处|科|室|组|部|院|街道|社区|公司|政府|大队|中队)$")


def person_id(text: str | None) -> str | None:
    """The staff number of 「姓名(工号)」 or 「工号姓名」, else the cell as written."""
    return person_of(text)[0]


def person_of(text: str | None) -> tuple[str | None, str | None]:
    """The staff number and the name of 「姓名(工号)」 or 「工号姓名」 (the name kept beside the id, as a mapped `actor_name` is, so
    pages and reports can say who 0101 is), else the cell as written and no name."""
    if not text:
        return text, None
    found = NAMED_CODE.match(text)
    if found:
        return found.group("code"), found.group("name")
    found = CODE_NAMED.match(text)
    if found and not UNIT_NAME_END.search(found.group("name")):
        return found.group("held") or found.group("code"), found.group("name")
    return text, None
