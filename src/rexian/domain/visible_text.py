"""Names that read as what they are: no invisible or direction-changing characters.

A name is matched by eye in every picker, table and order. 「张\u200b三」 reads as 张三 but is another person;
U+202E (right-to-left override) turns the rest of a cell around. So a name (organisation, roster) that holds a
control character (Cc), a format character (Cf: zero-width space, joiner and non-joiner, word joiner, BOM, the
bidirectional embeddings, overrides, isolates and marks, soft hyphen …) or a line/paragraph separator is refused
where it enters, with the characters named. Citizens' own text is kept as written; the web isolates it when shown
(`direction_contained`, applied by the web to every value a page shows).
"""

from __future__ import annotations

import unicodedata
from typing import Any

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def hidden_characters(text: str) -> list[str]:
    """The invisible or direction-changing characters in `text`, each once, as U+XXXX (its name where known)."""
    if text.isprintable():  # the common case, at C speed: every Cc, Cf, Zl and Zp character is not printable
        return []
    found: dict[str, None] = {}
    for ch in text:
        if unicodedata.category(ch) in HIDDEN_CATEGORIES:
            name = unicodedata.name(ch, "")
            found[f"U+{ord(ch):04X}" + (f" {name}" if name else "")] = None
    return list(found)


def hidden_problem(value: Any, what: str) -> str | None:
    """Why `value` (a text, or a list of texts) cannot be a name or code, in Chinese; None when it can."""
    texts = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    hidden = [code for text in texts if isinstance(text, str) for code in hidden_characters(text)]
    if not hidden:
        return None
    return (f"{what}含有不可见或改变文字方向的字符（{'、'.join(dict.fromkeys(hidden))}）："
            "看起来相同的名称会被当作不同的人或单位，请删除这些字符")


# The explicit bidirectional formatting characters: what opens an embedding or override (closed by PDF) and what
# opens an isolate (closed by PDI, which also closes every embedding opened inside it).
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_POP_EMBEDDING = "\u202c"
_ISOLATES = frozenset("\u2066\u2067\u2068")
_POP_ISOLATE = "\u2069"
DIRECTION_CONTROLS = _EMBEDDINGS | _ISOLATES | {_POP_EMBEDDING, _POP_ISOLATE}


def direction_contained(text: str) -> str:
    """`text` with its direction controls balanced, so that it cannot turn around what is shown after it: a closer
    with nothing to close is dropped (it would close the page's own context), and every embedding, override or
    isolate left open is closed at the end. Text without such characters is returned as it is (the common case)."""
    if DIRECTION_CONTROLS.isdisjoint(text):
        return text
    kept: list[str] = []
    open_: list[str] = []  # "e" for an embedding or override, "i" for an isolate, innermost last
    for ch in text:
        if ch in _EMBEDDINGS:
            open_.append("e")
        elif ch in _ISOLATES:
            open_.append("i")
        elif ch == _POP_EMBEDDING:
            if not open_ or open_[-1] != "e":
                continue  # nothing of this text's own to close (a PDF never closes across an isolate)
            open_.pop()
        elif ch == _POP_ISOLATE:
            if "i" not in open_:
                continue
            while open_.pop() != "i":
                pass
        kept.append(ch)
    kept += [_POP_EMBEDDING if kind == "e" else _POP_ISOLATE for kind in reversed(open_)]
    return "".join(kept)
