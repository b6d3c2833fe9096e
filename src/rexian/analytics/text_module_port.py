"""The text port answered by `rexian.text`: what the text rules use by default.

`rexian.text` speaks in its own terms (misconduct scores 0..1 with 0.5 as "reported"; reply relevance
None when there is no complaint); this adapter translates them into the port's contract, where a
misconduct score of 1.0 means "reported" and relevance is always a number.
"""

from __future__ import annotations

from functools import cached_property
from typing import Sequence

from rexian.analytics.text_port import Misconduct, ReplyScores

EXCERPT_REACH = 16  # characters of context either side of a misconduct phrase in the excerpt


class TextModulePort:
    """Lexicon-based misconduct detection and explainable reply scores from `rexian.text`."""

    def __init__(self, lexicon=None):
        self._lexicon = lexicon

    @cached_property
    def _misconduct(self):
        """`rexian.text.misconduct`, imported when a text is first read: an analysis whose citizens' words are
        all empty (an export without complaint texts) never loads the lexicons."""
        from rexian.text import misconduct

        return misconduct

    @property
    def _reported_at(self) -> float:
        # rexian.text reports a mention at or above this score; the port's contract puts that at 1.0.
        return self._misconduct.DEFAULT_MIN_SCORE

    def normalise(self, text: str) -> str:
        from rexian.text.normalisation import normalise

        return normalise(text or "")

    def detect_misconduct(self, text: str) -> list[Misconduct]:
        normalised = self.normalise(text)
        lexicon = self._lexicon or self._misconduct.default_lexicon()
        found: dict[str, Misconduct] = {}
        for hit in self._misconduct.detect_misconduct(text, lexicon=lexicon, include_leads=True):
            start, end = hit["span"]
            excerpt = normalised[max(0, start - EXCERPT_REACH): end + EXCERPT_REACH]
            score = round(hit["score"] / self._reported_at, 3)
            previous = found.get(hit["family"])
            # Several sentences may report the same family: keep the strongest, findings before leads, and of
            # equals the one naming the accused best (「执法人员索要好处费。…执法人员黄某…」: the second names 黄某).
            if previous is None or (hit["kind"] == "finding", score, _named(hit["doer"])) > (
                    previous.kind == "finding", previous.score, _named(previous.doer)):
                found[hit["family"]] = Misconduct(hit["family"], score, excerpt, hit["explanation"], hit["kind"],
                                                  hit["act"], hit["assertion"], hit["doer"], hit["sentence"])
        return list(found.values())

    def reply_scores(self, reply: str, complaint: str, other_replies_of_unit: Sequence[str],
                     title: str | None = None) -> ReplyScores:
        """`title`, when given, is the complaint's title: its words weigh double in relevance (a title such
        as 「关于新河路路灯照明的问题」 names the place and the matter)."""
        from rexian.text.replies import reply_scores

        scores = reply_scores(reply or "", complaint or None, title=title or None,
                              other_replies_of_unit=tuple(other_replies_of_unit))
        norm = self.normalise(reply)
        duplicates = sum(1 for other in other_replies_of_unit if self.normalise(other) == norm)
        reasons = [scores.evidence.get("boilerplate", {}).get("reason")]
        missing = scores.evidence.get("relevance", {}).get("missing_terms")
        if missing and scores.relevance is not None and scores.relevance < 0.3:
            reasons.append("未回应：" + "、".join(missing[:5]))
        relevance = 1.0 if scores.relevance is None else scores.relevance
        return ReplyScores(scores.boilerplate, relevance, duplicates, "；".join(r for r in reasons if r))

    def same_matter(self, a: str, b: str) -> float:
        from rexian.text.matter_pairs import same_matter

        return same_matter({"content": a}, {"content": b}, window_days=None).score


def _named(doer: dict | None) -> int:
    """How well a report names its accused: 2 a name (黄某), 1 a body or post only, 0 nobody."""
    doer = doer or {}
    return 2 if doer.get("name") else int(bool(doer.get("body") or doer.get("post")))
