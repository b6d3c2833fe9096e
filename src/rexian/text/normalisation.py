"""Text normalisation for Chinese hotline texts.

Citizens type on phones and PCs with every input method: full-width digits (１３８), traditional
characters (from Hong Kong / Taiwan input methods), ASCII punctuation between Chinese characters,
tabs, non-breaking and zero-width spaces pasted from web pages. Matching, routing and linking all work
on one canonical form produced here:

- full-width ASCII letters, digits and symbols -> half-width (ＡＢＣ１２３ -> ABC123);
- traditional -> simplified Chinese with OpenCC (offline, its dictionaries ship in the wheel);
- ASCII punctuation next to Chinese characters -> the Chinese form (, -> ，), 「」『』 -> “” ;
- every run of whitespace (tab, newline, U+3000, NBSP, zero-width) -> one space, or none between
  two Chinese characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width forms U+FF01..U+FF5E map to ASCII U+0021..U+007E; U+3000 is the ideographic space.
_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
# ...but keep the Chinese punctuation that Chinese text is written with: these are restored below.
_KEEP_FULL = "，。！？：；（）"
for _char in _KEEP_FULL:
    _FULL_TO_HALF.pop(ord(_char), None)

_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "“", "』": "”", "﹁": "“", "﹂": "”",
                         "〝": "“", "〞": "”", "＂": "\""})
# One scan each to find whether a text has anything to translate: `str.translate` with a mapping goes through
# the text a character at a time, the costliest step for the plain Chinese text most texts are.
_ANY_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_ANY_QUOTE = re.compile("[" + "".join(chr(code) for code in _QUOTES) + "]")
_ANY_ASCII_PUNCT = re.compile("[,!?:;()]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。！？：；（）“”、])\s+(?=[{_CJK}，。！？：；（）“”、])|"
                                rf"(?<=[{_CJK}])\s+(?=\S)|(?<=\S)\s+(?=[{_CJK}])")
_ASCII_TO_CN = {",": "，", "!": "！", "?": "？", ":": "：", ";": "；", "(": "（", ")": "）"}
_ASCII_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,!?:;()]|[,!?:;()](?=[{_CJK}])")
_CN_TO_ASCII_IN_NUMBERS = re.compile(r"(?<=\d)：(?=\d)")  # 14：30 is a time, not a colon in prose


@lru_cache(maxsize=1)
def _t2s_converter():
    # Imported lazily: OpenCC loads its dictionaries on construction (tens of milliseconds).
    import opencc

    return opencc.OpenCC("t2s")


def to_half_width(text: str) -> str:
    """Full-width ASCII letters, digits and symbols become half-width; Chinese punctuation stays."""
    return text.translate(_FULL_TO_HALF) if _ANY_FULL_WIDTH.search(text) else text


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s)."""
    if not text:
        return text
    return _t2s_converter().convert(text)


def normalise_punctuation(text: str) -> str:
    if _ANY_QUOTE.search(text):
        text = text.translate(_QUOTES)
    if _ANY_ASCII_PUNCT.search(text):
        text = _ASCII_PUNCT_NEAR_CJK.sub(lambda match: _ASCII_TO_CN[match.group(0)], text)
    return _CN_TO_ASCII_IN_NUMBERS.sub(":", text) if "：" in text else text


def normalise_whitespace(text: str) -> str:
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    # Every run of whitespace is one plain space now: a text without one has none to drop.
    return _SPACE_BETWEEN_CJK.sub("", text) if " " in text else text


def normalise(text: str | None, *, simplified: bool = True, lower: bool = False) -> str:
    """The canonical form of a hotline text (see module docstring). None -> ''."""
    if not text:
        return ""
    if isinstance(text, str):
        return _normalise_remembered(text, simplified, lower)
    return _normalise(str(text), simplified, lower)


@lru_cache(maxsize=65536)
def _normalise_remembered(text: str, simplified: bool, lower: bool) -> str:
    # Remembered: scoring one reply normalises the same reply and complaint several times over (each score,
    # each rule), and the conversion to simplified characters is the costly step.
    return _normalise(text, simplified, lower)


def _normalise(text: str, simplified: bool, lower: bool) -> str:
    text = to_half_width(text)
    if simplified:
        text = to_simplified(text)
    text = normalise_whitespace(normalise_punctuation(text))
    return text.lower() if lower else text
