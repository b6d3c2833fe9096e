"""Matching an export's headers to our fields by the words platforms use for them (`mapping suggest`).

Database dumps name their columns by the pinyin initials of those words (GDBH 工单编号, LZSJ 流转时间, CZRDM
操作人代码): each Chinese header word also matches its initials, alone or with a code suffix (DM 代码, BH 编号, MC
名称, ID). The initials come from the GB2312 order (its first level, the 3,755 common characters, is sorted by
pinyin), so no pinyin dictionary is needed; a word with a character outside that level has no initials."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# The first GB2312 code of each initial letter (啊 芭 擦 搭 蛾 发 噶 哈 击 喀 垃 妈 拿 哦 啪 期 然 撒 塌 挖 昔 压 匝).
_GB2312_STARTS = (0xB0A1, 0xB0C5, 0xB2C1, 0xB4EE, 0xB6EA, 0xB7A2, 0xB8C1, 0xB9FE, 0xBBF7, 0xBFA6, 0xC0AC, 0xC2E8,
                  0xC4C3, 0xC5B6, 0xC5BE, 0xC6DA, 0xC8BB, 0xC8F6, 0xCBFA, 0xCDDA, 0xCEF4, 0xD1B9, 0xD4D1)
_LETTERS = "abcdefghjklmnopqrstwxyz"
_GB2312_LEVEL1_END = 0xD7F9
CODE_SUFFIXES = ("dm", "bh", "mc", "id")  # 代码, 编号, 名称, id: 操作人代码 is CZRDM
NOT_LETTERS = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=4096)
def initials(word: str) -> str | None:
    """The pinyin initials of a Chinese word (工单编号 → gdbh), or None when it is not all common characters."""
    letters = []
    for char in word:
        try:
            code = int.from_bytes(char.encode("gb2312"), "big")
        except UnicodeEncodeError:
            return None
        if not _GB2312_STARTS[0] <= code <= _GB2312_LEVEL1_END:
            return None
        letters.append(_LETTERS[bisect_right(_GB2312_STARTS, code) - 1])
    return "".join(letters) or None


CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words_of(header: str) -> list[str]:
    """An English header's words, case-folded: split at separators and camelCase (flowList.operTime → flow, list,
    oper, time; RING_TIME_ → ring, time)."""
    return [word.casefold() for word in re.split(r"[^A-Za-z0-9]+", CAMEL_BOUNDARY.sub(" ", header)) if word]


def _whole_words(header: str, word: str) -> bool:
    """Whether an English word is one or more whole consecutive words of an English header (a plural `s` or a
    number after it allowed): `time` in operTime, `opertime` in flowList.operTime, `attachment` in attachments
    — never `action` in satisfaction; a word of one or two letters never (`id` is not agentId)."""
    wanted = NOT_LETTERS.sub("", word.casefold())
    if len(wanted) < 3:  # `id`, `no`: only the whole header (agentId is not a call's id)
        return False
    words = words_of(header)
    for start in range(len(words)):
        run = ""
        for end in range(start, len(words)):
            run += words[end]
            if run == wanted or (run.startswith(wanted) and re.fullmatch(r"e?s|\d+", run[len(wanted):])):
                return True
            if len(run) >= len(wanted):
                break
    return False


def _matches(header: str, word: str, exact: bool, original: str | None = None) -> bool:
    """Whether a (case-folded) header is the word: itself, or its initials with a code suffix; not exact: the
    word inside the header, or the initials (three letters or more) at the end of a short pinyin header
    (BLJZSJ 办理截止时间 for 截止时间, HFMYD for 满意度). An English word matches exactly whatever
    its separators (ring_time, RING_TIME_ and ringtime are one header), and a document's path (Flows.Flow.type,
    visitList.satisfaction) exactly by its last parts (`targetdept.deptid` in flowList.targetDept.deptId); not
    exactly, an English word only as whole words of the header (`original`, its spelling before case folding,
    tells camelCase words apart)."""
    if exact and "." in header:  # a document's path: its last parts (flowList.targetDept.deptId ends with deptid)
        parts = header.split(".")
        if any(_matches(".".join(parts[-count:]), word, True) for count in range(1, len(parts))):
            return True
    if not exact and word.isascii() and header.isascii():
        return _whole_words(original or header, word)
    if header == word if exact else word in header:
        return True
    if exact and word.isascii() and header.isascii() and NOT_LETTERS.sub("", word) \
            and NOT_LETTERS.sub("", header) == NOT_LETTERS.sub("", word):
        return True  # snake_case and dotted spellings of one word: ring_time, RING_TIME_, ringTime for ringtime
    short = initials(word)
    plain = NOT_LETTERS.sub("", header)
    if not short or not plain or not header.isascii():
        return False
    if exact:
        return plain == short or any(plain == short + suffix for suffix in CODE_SUFFIXES)
    return len(short) >= 3 and any(plain.endswith(short + suffix) and len(plain) - len(short + suffix) <= 4
                                   for suffix in ("", *CODE_SUFFIXES))


def match_headers(headers: list[str], synonyms: dict[str, tuple[str, ...]], taken: set[str]) -> dict[str, str]:
    """Field → header: an exact (case-folded) synonym first, else the longest synonym inside a header."""
    found: dict[str, str] = {}
    folded = {header: header.casefold().strip() for header in headers}
    for exact in (True, False):
        for name, words in synonyms.items():
            if name in found:
                continue
            for word in words:  # in order of preference
                hits = [h for h, f in folded.items() if h not in taken and _matches(f, word, exact, h)]
                if hits:
                    found[name] = hits[0]
                    taken.add(hits[0])
                    break
    return found


def names_part(name: str, word: str) -> bool:
    """Whether a sheet or file name says it holds `word` (回访, 延期 …): the word itself, or a pinyin token of the
    name starting with its initials (T_GD_HFJL: HFJL 回访记录)."""
    if word in name:
        return True
    short = initials(word)
    if not short:
        return False
    return any(token.startswith(short) and 3 <= len(token) <= 6 for token in re.split(r"[^a-z]+", name.casefold()))
