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
# A suspicion cue in an earlier clause stops governing at a turn (「听说这里办事快，结果窗口的工作人员对我大吼大叫」
# 「我怀疑材料被弄丢了，去问的时候民警却骂了我一顿」「也许是我不懂规矩，民警竟然骂我」).
_TURN = re.compile(r"结果|却|但|可是|然而|没想到|谁知|不料|竟然|居然|确实|的确|实际上|事实上|反而")
_INTRODUCES = 3  # characters at most between a cue and the end of its clause for it to introduce what follows
_CLAUSE_OR_SENTENCE_END = re.compile(r"[，,；;：:。！？!?\n]")
# 「村主任不准我们上访，还辱骂、殴打村民」: what the servant went on to do is told, not forbidden.
_GOES_ON = re.compile(r"还|却|并且|而且|反而|竟|又|甚至|结果")
_LIST_HEAD = re.compile(r"(?:下列|以下|如下)(?:行为|情形|情况|事项|规定)?(?:之一)?[：:]")
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


def _reaches(text: str, cue_end: int, act_start: int, subjects: tuple[int, ...]) -> bool:
    """Whether a suspicion cue ending at `cue_end` governs the act at `act_start`, clause by clause. In the act's
    own clause it does. From an earlier clause it does when it introduces what follows (「听村里人说，村主任收了…」
    「据知情人透露，…」: the cue ends its clause), unless a turn comes between (结果, 却, 没想到, 竟然 …). A cue
    with a complement of its own (「我怀疑是系统问题，」) reaches on only into clauses that drop their subject
    (「怀疑村干部与开发商勾结，私分了补偿款」), not into one that names who acted (「…，工作人员态度非常恶劣」)."""
    marks = [m.start() for m in _CLAUSE_MARK.finditer(text, cue_end, act_start)]
    if not marks:
        return True
    if _TURN.search(text, marks[0], act_start):
        return False
    if marks[0] - cue_end <= _INTRODUCES:
        return True
    return not any(marks[-1] < start < act_start for start in subjects)


def _rule_over_list(text: str, act_start: int, sentence_start: int, words: AssertionWords) -> str | None:
    """The rule cue that governs the act as an item of the list of conduct it opens: within the clause, items
    joined by 、 (「严禁利用职务之便吃拿卡要、收受红包礼金、公款吃喝」), and through the sentence, items after
    a list head (「公务员不得有下列行为：贪污贿赂……；收受礼金；对群众态度蛮横」) — a statute copied, not a report."""
    clause_start = max([sentence_start] + [m.end() for m in _CLAUSE_MARK.finditer(text, sentence_start, act_start)])
    following = _CLAUSE_OR_SENTENCE_END.search(text, act_start)
    clause_end = following.start() if following else len(text)
    for cue in words.rule.finditer(text, clause_start, act_start):
        if "、" in text[cue.end():clause_end] and not _GOES_ON.search(text, cue.end(), act_start) \
                and not (cue.group(0) == "不得" and text[cue.end():cue.end() + 1] == "不"):
            return cue.group(0)
    for head in _LIST_HEAD.finditer(text, sentence_start, act_start):
        cue = words.rule.search(text, max(sentence_start, head.start() - 12), head.start())
        if cue:
            return cue.group(0)
    return None


def judge_assertion(text: str, act_start: int, act_end: int, sentence_start: int, sentence_end: int,
                    words: AssertionWords, *, conditional: bool = False, subjects: tuple[int, ...] = ()) -> Assertion:
    """How the sentence speaks of the act at text[act_start:act_end] (denials are judged by the caller,
    which knows the lexicon's negation cues). `conditional`: the phrase is itself a conditional demand or
    threat (「不给好处费就不办」), so 如果/吗 do not make it a supposition or a question. `subjects`: where the
    people named as doers start (a suspicion cue with a complement of its own does not reach a clause that
    names its own doer)."""
    sentence = text[sentence_start:sentence_end]
    before_start = max(sentence_start, act_start - _REACH)
    before = text[before_start:act_start]
    after = text[act_end:min(sentence_end + 1, act_end + 12)]
    rule = words.rule.search(text, max(sentence_start, act_start - 8), act_start)
    if rule and rule.group(0) == "不得" and text[rule.end():rule.end() + 1] == "不":
        rule = None  # 「不得不送礼」 is being forced to, not a rule
    if rule:
        return Assertion(RULE, rule.group(0))
    listed = _rule_over_list(text, act_start, sentence_start, words)
    if listed:
        return Assertion(RULE, listed)
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
        before_start = clause_start
        before = text[clause_start:act_start]
    suspicion = [cue for cue in words.suspicion.finditer(before)
                 if not (words.question.search(cue.group(0)) and _CLAUSE_MARK.search(before, cue.end()))
                 and not _judges_what_was_told(before, cue)
                 and _reaches(text, before_start + cue.end(), act_start, subjects)]
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
