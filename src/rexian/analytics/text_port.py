"""The text port: the only way the rules look at words.

The rules over text (perfunctory replies, hostile attitude, graft, banquets) call these three methods and
nothing else, so a better implementation (the `rexian.text` module: trained classifiers, segmentation)
can be plugged in by passing another object with the same methods to `run_rules(..., text=...)`.

    detect_misconduct(text) -> list[Misconduct]      what a citizen's words report (family, score, excerpt)
    reply_scores(reply, complaint, other_replies_of_unit) -> ReplyScores
    same_matter(a, b) -> float                        0..1, do two complaints describe the same matter
    normalise(text) -> str                            the form in which identical replies compare equal

`TextModulePort` (text_module_port.py) is the default: it answers through `rexian.text` (lexicons with
negation, reported speech and actor checks; known non-answers; term-weighted relevance).
`KeywordTextPort` is the simple fallback: keyword lists with a negation window, a list of boilerplate
phrases, and character-bigram overlap. Both are deterministic and need no model.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence


@dataclass(frozen=True)
class Misconduct:
    family: str       # hostile_attitude | graft | embezzlement | improper_banquet
    score: float      # >= 1.0 means "reported"; the rules compare with their `min_score`
    excerpt: str      # the words that show it
    explanation: str = ""  # why it counts (which phrase, which actor, what lowered the score)
    kind: str = "finding"  # finding | lead (a suspicion, a question or an unclear doer: for an officer to verify)
    act: str = ""     # what was done, in the lexicon's words (收送红包, 威胁恐吓 …)
    assertion: str = "report"  # report | suspicion | question (what the citizen said about it)
    doer: dict | None = None  # the accused as the text names them: body, post, name, status, confidence
    sentence: str = ""  # the sentence that says it


@dataclass(frozen=True)
class ReplyScores:
    boilerplate: float  # 0..1, share of the reply made of stock phrases
    relevance: float    # 0..1, how much of the complaint's content the reply addresses
    duplicates: int     # how many of the unit's other replies are the same text
    explanation: str = ""  # why (which stock phrases, which known non-answer, which complaint terms are missing)


class TextPort(Protocol):
    def detect_misconduct(self, text: str) -> list[Misconduct]: ...

    def reply_scores(self, reply: str, complaint: str, other_replies_of_unit: Sequence[str]) -> ReplyScores: ...

    def same_matter(self, a: str, b: str) -> float: ...

    def normalise(self, text: str) -> str: ...


def reply_scores_titled(port: TextPort, reply: str, complaint: str, other_replies_of_unit: Sequence[str],
                        title: str | None) -> ReplyScores:
    """The port's reply scores, with the complaint's title too when the port takes one (the text module's
    port does; the contract itself has only the content, so a port without `title` still works)."""
    if title and _takes_title(type(port)):
        return port.reply_scores(reply, complaint, other_replies_of_unit, title=title)
    return port.reply_scores(reply, complaint, other_replies_of_unit)


@lru_cache(maxsize=None)
def _takes_title(port_type: type) -> bool:
    # Once per port class: inspecting a signature for every reply would cost more than some ports' scoring.
    return "title" in inspect.signature(port_type.reply_scores).parameters


MISCONDUCT_WORDS = {
    "hostile_attitude": (
        "辱骂", "骂人", "骂我", "谩骂", "态度恶劣", "态度很差", "态度差", "态度蛮横", "嘲笑", "讥讽", "冷嘲热讽",
        "挖苦", "不耐烦", "挂我电话", "挂断电话", "摔门", "吼我", "大吼", "恐吓", "威胁我", "爱理不理", "刁难",
        "推来推去", "赶出来", "甩脸色", "冷硬横推",
    ),
    "graft": (
        "索要", "索贿", "要红包", "收红包", "红包", "好处费", "塞钱", "给钱才", "要钱才", "收了钱", "回扣",
        "吃拿卡要", "购物卡", "送礼才", "好处才", "打点", "辛苦费", "茶水费",
    ),
    "improper_banquet": (
        "宴请", "请吃饭", "吃请", "饭局", "喝酒", "酒席", "大吃大喝", "高档餐厅", "茅台", "公款吃喝",
        "请客吃饭", "吃吃喝喝", "接受吃请", "农家乐吃饭", "包厢",
    ),
}
NEGATIONS = ("没有", "没", "未", "不曾", "并未", "无", "从不", "不是")
BOILERPLATE_PHRASES = (
    "您的诉求已记录", "诉求已记录", "请耐心等待", "已转相关部门", "已转交相关部门", "相关部门处理", "我们将尽快处理",
    "将尽快处理", "已收悉", "正在处理中", "感谢您的来电", "感谢您的反映", "感谢您对我们工作的支持", "会加强管理",
    "加强管理", "已责成相关部门", "高度重视", "积极协调", "尽快解决", "依法依规处理", "持续关注", "已安排人员",
    "后续将", "进一步加强",
)
_PUNCTUATION = re.compile(r"[\s\u3000，。！？、；：“”‘’（）《》【】,.!?;:'\"()\[\]<>\-—…·~]+")
_DIGITS = re.compile(r"\d+")
# Bigrams that carry no matter (function words of complaints and replies).
_STOP_BIGRAMS = {"市民", "反映", "您的", "我们", "已经", "进行", "相关", "问题", "情况", "处理", "工作", "部门"}


class KeywordTextPort:
    """Keyword and overlap heuristics; good enough until `rexian.text` is plugged in."""

    def __init__(self, words: dict[str, Sequence[str]] | None = None,
                 boilerplate: Sequence[str] = BOILERPLATE_PHRASES, negation_window: int = 4):
        self.words = {family: tuple(ws) for family, ws in (words or MISCONDUCT_WORDS).items()}
        self.boilerplate = tuple(sorted(boilerplate, key=len, reverse=True))
        self.negation_window = negation_window

    def normalise(self, text: str) -> str:
        text = _PUNCTUATION.sub("", text or "")
        return _DIGITS.sub("#", text).lower()

    def detect_misconduct(self, text: str) -> list[Misconduct]:
        text = text or ""
        found = []
        for family, words in self.words.items():
            hits = [w for w in words if self._affirmed(text, w)]
            if hits:
                first = min(text.find(w) for w in hits)
                excerpt = text[max(0, first - 12): first + 24]
                found.append(Misconduct(family, float(len(hits)), excerpt))
        return found

    def _affirmed(self, text: str, word: str) -> bool:
        """The word occurs at least once without a negation just before it ("没有收红包" is not graft)."""
        start = text.find(word)
        while start >= 0:
            before = text[max(0, start - self.negation_window): start]
            if not any(neg in before for neg in NEGATIONS):
                return True
            start = text.find(word, start + 1)
        return False

    def reply_scores(self, reply: str, complaint: str, other_replies_of_unit: Sequence[str]) -> ReplyScores:
        norm = self.normalise(reply)
        covered = norm
        for phrase in self.boilerplate:
            covered = covered.replace(self.normalise(phrase), "")
        boilerplate = 1.0 - len(covered) / len(norm) if norm else 1.0
        wanted = _bigrams(self.normalise(complaint)) - _STOP_BIGRAMS
        relevance = len(wanted & _bigrams(norm)) / len(wanted) if wanted else 1.0
        duplicates = sum(1 for other in other_replies_of_unit if self.normalise(other) == norm)
        return ReplyScores(round(boilerplate, 4), round(relevance, 4), duplicates)

    def same_matter(self, a: str, b: str) -> float:
        x, y = _bigrams(self.normalise(a)) - _STOP_BIGRAMS, _bigrams(self.normalise(b)) - _STOP_BIGRAMS
        return len(x & y) / len(x | y) if x and y else 0.0


def _bigrams(text: str) -> set[str]:
    return {text[i: i + 2] for i in range(len(text) - 1)}


def default_text_port() -> TextPort:
    """The port the rules use unless given another: `rexian.text` behind the port's four methods."""
    from rexian.analytics.text_module_port import TextModulePort  # rexian.text loads jieba lazily

    return TextModulePort()


class RememberingPort:
    """A text port that remembers its answers: the port is deterministic, and the same words are judged by
    several rules (the three misconduct rules read the same citizens' words; PR-BOILERPLATE and PR-OFF-TOPIC
    score the same replies; every reply rule normalises the same texts) and, in real time, again on later
    events. One per analysis run (batch) or per evaluator (real time)."""

    def __init__(self, port: TextPort, size: int | None = 4096):
        self.port = port
        self.stored = None  # a StoredTextAnswers (stored_scores.py) when the answers outlive the run
        self._misconduct = lru_cache(size)(self._misconduct_once)
        self._scores = lru_cache(size)(self._scores_once)
        self._same = lru_cache(size)(port.same_matter)
        self.normalise = lru_cache(size)(self._normalise_once)

    def detect_misconduct(self, text: str) -> list[Misconduct]:
        return list(self._misconduct(text))

    def reply_scores(self, reply: str, complaint: str, other_replies_of_unit: Sequence[str],
                     title: str | None = None) -> ReplyScores:
        return self._scores(reply, complaint, tuple(other_replies_of_unit), title)

    def _misconduct_once(self, text: str) -> list[Misconduct]:
        if self.stored is None:
            return self.port.detect_misconduct(text)
        return self.stored.misconduct(text, lambda: self.port.detect_misconduct(text))

    def _normalise_once(self, text: str) -> str:
        if self.stored is None:
            return self.port.normalise(text)
        return self.stored.normalised(text, lambda: self.port.normalise(text))

    def _scores_once(self, reply: str, complaint: str, others: tuple[str, ...], title: str | None) -> ReplyScores:
        def judge() -> ReplyScores:
            return reply_scores_titled(self.port, reply, complaint, list(others), title)

        return judge() if self.stored is None else self.stored.reply_scores(reply, complaint, others, title, judge)

    def same_matter(self, a: str, b: str) -> float:
        return self._same(a, b)

    def __getattr__(self, name: str):
        return getattr(self.port, name)


def remembering(port: TextPort, size: int | None = 4096) -> RememberingPort:
    """`port` behind a memory (unchanged if it already has one)."""
    return port if isinstance(port, RememberingPort) else RememberingPort(port, size)
