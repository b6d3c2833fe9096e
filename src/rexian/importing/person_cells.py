"""A person as exports write them in one cell: 「王芳(0101)」「王芳（0101）」 — the name with the staff number (工号) in
brackets, which many Java platforms' exports and reports use for every operator column. The staff number is the
person's id (as a roster or a history line's pattern gives it): the same clerk written with and without his name, or
two clerks of one name, must not be one person or two by accident. A bracket holding anything but a code (a unit,
「张三(市城管局)」) leaves the cell as it is."""

from __future__ import annotations

import re

NAMED_CODE = re.compile(r"^\s*(?P<name>[^\s()（）]{1,20}?)\s*[（(]\s*(?P<code>[A-Za-z]{0,4}\d[A-Za-z0-9_-]{1,19})\s*[)）]\s*$")


def person_id(text: str | None) -> str | None:
    """The staff number of 「姓名(工号)」, else the cell as written."""
    return person_of(text)[0]


def person_of(text: str | None) -> tuple[str | None, str | None]:
    """The staff number and the name of 「姓名(工号)」 (the name kept beside the id, as a mapped `actor_name` is, so
    pages and reports can say who 0101 is), else the cell as written and no name."""
    if not text:
        return text, None
    found = NAMED_CODE.match(text)
    return (found.group("code"), found.group("name")) if found else (text, None)
