"""Word segmentation: jieba plus the hotline domain dictionary (data/hotline_dict.txt).

jieba is initialised lazily on first use (building its prefix dictionary takes about a second) and
never at import. It caches the built dictionary in a file; we point that cache at a writable
directory (setting `text_cache_dir`, else this user's own directory in the system temporary directory) so the
package works from a read-only install, and jieba itself silently carries on without a cache when the write fails.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from importlib import resources
from pathlib import Path

from rexian.text import config

_LOCK = threading.Lock()
_TOKENIZER = None

# Words that carry no content in a hotline text (besides punctuation and single function characters).
STOP_WORDS = frozenset(
    "的 了 和 是 在 有 也 都 就 还 又 被 把 给 对 与 及 或 等 这 那 这个 那个 这些 那些 我 我们 你 你们 您 他 她 它 他们 "
    "自己 什么 怎么 如何 为什么 是否 能否 可以 可否 请问 请 希望 要求 建议 反映 问题 情况 有关 相关 关于 一个 一些 已经 "
    "非常 十分 特别 严重 进行 没有 不 没 很 太 吗 呢 吧 啊 呀 哦 嘛 么 网友 您好 你好 谢谢 感谢 现在 目前 一直 还是 "
    "但是 而且 因为 所以 如果 就是 这样 那样 之后 以后 以前 时候 领导 政府 部门 市民 老百姓 群众 大家 本人 我家".split()
)


def dictionary_words() -> list[tuple[str, int | None, str | None]]:
    """(word, frequency, tag) of the packaged hotline dictionary."""
    text = resources.files("rexian.text").joinpath("data/hotline_dict.txt").read_text(encoding="utf-8")
    return _parse_dict(text)


def _parse_dict(text: str) -> list[tuple[str, int | None, str | None]]:
    entries = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


def _cache_dir() -> str:
    """The configured directory, else this user's own directory under the system temporary directory. Not the
    temporary directory itself: jieba loads `jieba.cache` there with `marshal` whoever wrote it, and in a shared
    /tmp any local user could have left one first (a dictionary of their making: other words, other findings)."""
    configured = config.current().cache_dir
    if configured:
        return str(configured)
    import os

    private = Path(tempfile.gettempdir()) / f"rexian-text-{os.geteuid() if hasattr(os, 'geteuid') else 0}"
    try:
        private.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(private)
        if hasattr(os, "geteuid") and (info.st_uid != os.geteuid() or info.st_mode & 0o077 or private.is_symlink()):
            raise PermissionError(private)  # made (or replaced) by someone else: not ours to read from
    except OSError:
        return tempfile.mkdtemp(prefix="rexian-text-")  # a fresh private one: the dictionary is built (≈1 s)
    return str(private)


def tokenizer():
    """The shared jieba tokenizer with the domain dictionary loaded (built on first call)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.tmp_dir = _cache_dir()
                made.initialize()
                for word, freq, tag in dictionary_words():
                    made.add_word(word, freq, tag)
                user_dict = config.current().user_dict
                if user_dict:
                    for word, freq, tag in _parse_dict(Path(user_dict).read_text(encoding="utf-8")):
                        made.add_word(word, freq, tag)
                _TOKENIZER = made
    return _TOKENIZER


def segment(text: str) -> list[str]:
    """Words of `text` (precise mode, HMM on for unknown words), whitespace dropped."""
    return [word for word in tokenizer().lcut(text or "") if word.strip()]


def content_words(text: str) -> list[str]:
    """Words that carry content: no stop words, punctuation, bare numbers or single characters."""
    return [word for word in segment(text)
            if len(word) > 1 and word not in STOP_WORDS and not _is_symbol_or_number(word)]


def _is_symbol_or_number(word: str) -> bool:
    return not any(char.isalpha() for char in word)
