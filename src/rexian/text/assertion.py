"""What was said about an act: reported as fact, suspected, asked, supposed, denied, or quoted from a rule.

An inspection officer reads 「科长收了红包」 as a report, 「怀疑科长收了红包」 and 「是否存在收受红包的问题？」 as
suspicions to verify, 「如果收红包就投诉」 as a supposition, 「没有收红包」 as a denial and 「严禁收受红包」
or a copied article of law as a rule — and keeps them apart. Only reports become findings; suspicions and
questions become low-confidence leads. A rhetorical question presupposes the act (「凭什么侵占农民的山林？」
「为什么要吞噬补偿款？」) and is a report, not a question and not a denial.

The cue words are data (the `assertion` section of data/misconduct.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORT, SUSPICION, QUESTION, HYPOTHESIS, DENIAL, RULE, PAST = ("report", "suspicion", "question", "hypothesis",
                                                             "denial", "rule", "past_case")
KIND_ZH = {REPORT: "陈述事实", SUSPICION: "怀疑/推测", QUESTION: "疑问", HYPOTHESIS: "假设", DENIAL: "否定",
           RULE: "引用规定", PAST: "已处理的旧案", "victim": "公职人员是受害方", "about_citizen": "说的是市民本人"}
# How much of a phrase's weight each kind keeps.
FACTOR = {REPORT: 1.0, SUSPICION: 0.55, QUESTION: 0.45, HYPOTHESIS: 0.3}
_REACH = 24  # characters before the act within which a suspicion or supposition cue governs it
_CLAUSE_MARK = re.compile(r"[，,；;：:]")
_OPENS_CLAUSE_WITH_THIS = re.compile(r"(?:^|[，,；;：:。！？!?])(?:难道)?这$")
_LAW_ARTICLE = re.compile(r"第[一二三四五六七八九十百零\d]+条|《[^》]{2,30}》|<<[^>]{2,30}>>")


@dataclass(frozen=True)
class AssertionWords:
    suspicion: re.Pattern
    suspicion_after: re.Pattern
    hypothesis: re.Pattern
    question: re.Pattern
    rhetorical: re.Pattern
    rule: re.Pattern
    past_case: re.Pattern


def build_assertion_words(section: dict) -> AssertionWords:
    def alternation(key):
        words = sorted({str(word) for word in section.get(key) or []}, key=len, reverse=True)
        return re.compile("|".join(word if word.startswith("\\") or "[" in word or "(?" in word else re.escape(word)
                                   for word in words) or "(?!)")

    return AssertionWords(alternation("suspicion_cues"), alternation("suspicion_after_cues"),
                          alternation("hypothetical_cues"), alternation("question_cues"),
                          alternation("rhetorical_cues"), alternation("rule_cues"), alternation("past_case_cues"))


@dataclass(frozen=True)
class Assertion:
    kind: str
    cue: str | None = None

    @property
    def factor(self) -> float:
        return FACTOR.get(self.kind, 0.0)

    @property
    def zh(self) -> str:
        return KIND_ZH[self.kind]


def _judges_what_was_told(before: str, cue: re.Match[str]) -> bool:
    """「这是不是拿权力来威胁我」: a clause opened by 这是不是 names what the letter has just told; it asks
    the reader to agree, not whether it happened (「不知道这是不是…」 still doubts)."""
    return cue.group(0) == "是不是" and _OPENS_CLAUSE_WITH_THIS.search(before[:cue.start()]) is not None


def judge_assertion(text: str, act_start: int, act_end: int, sentence_start: int, sentence_end: int,
                    words: AssertionWords, *, conditional: bool = False) -> Assertion:
    """How the sentence speaks of the act at text[act_start:act_end] (denials are judged by the caller,
    which knows the lexicon's negation cues). `conditional`: the phrase is itself a conditional demand or
    threat (「不给好处费就不办」), so 如果/吗 do not make it a supposition or a question."""
    sentence = text[sentence_start:sentence_end]
    before = text[max(sentence_start, act_start - _REACH):act_start]
    after = text[act_end:min(sentence_end + 1, act_end + 12)]
    rule = words.rule.search(text, max(sentence_start, act_start - 8), act_start)
    if rule and rule.group(0) == "不得" and text[rule.end():rule.end() + 1] == "不":
        rule = None  # 「不得不送礼」 is being forced to, not a rule
    if rule:
        return Assertion(RULE, rule.group(0))
    article = _LAW_ARTICLE.search(sentence)
    if article and re.search(r"不得|禁止|严禁|应当|予以|处以|的，由|无效", sentence):
        return Assertion(RULE, article.group(0))
    past = words.past_case.search(sentence)
    if past:  # 「原局长收受礼品礼金，受到开除党籍处分」: a case already handled is not a new report
        return Assertion(PAST, past.group(0))
    rhetorical = words.rhetorical.search(text, sentence_start, act_start)
    # A question mark ends the act's own clause, not a later one (「科长收了红包，为什么没人管？」 reports it).
    clause_end = next((i for i in range(act_end, min(sentence_end + 1, len(text))) if text[i] in "，,；;：:"), sentence_end)
    ends_as_question = bool(re.search(r"[？?]", text[act_end:clause_end + 1])) or bool(
        words.question.search(text[act_end:clause_end]))
    # A suspicion cue that is itself a question word (是否有, 是不是, 有没有) asks about its own clause only:
    # 「我也不清楚那个借条是否有效，……民警逼我签字」 doubts the IOU, not what the police did.
    # A cue before a list governs every item of it (「涉嫌私自买卖土地、非法建房出售、……私自收取卫生费等」),
    # however far the list runs, as long as no clause ends in between.
    clause_start = max([sentence_start] + [i + 1 for i in range(sentence_start, act_start) if text[i] in "，,；;：:"])
    if "、" in text[max(clause_start, act_start - _REACH):act_start] and act_start - clause_start > _REACH:
        before = text[clause_start:act_start]
    suspicion = [cue for cue in words.suspicion.finditer(before)
                 if not (words.question.search(cue.group(0)) and _CLAUSE_MARK.search(before, cue.end()))
                 and not _judges_what_was_told(before, cue)]
    if suspicion:
        return Assertion(SUSPICION, suspicion[-1].group(0))
    trailing = words.suspicion_after.search(after)
    if trailing:
        return Assertion(SUSPICION, trailing.group(0))
    if not conditional:
        clause_start = max([sentence_start] + [i + 1 for i in range(sentence_start, act_start) if text[i] in "，,；;：:"])
        supposed = list(words.hypothesis.finditer(text, clause_start, act_start))
        if supposed:
            return Assertion(HYPOTHESIS, supposed[-1].group(0))
    if ends_as_question and not conditional:
        if rhetorical:
            return Assertion(REPORT, rhetorical.group(0))
        return Assertion(QUESTION, "？")
    return Assertion(REPORT)
