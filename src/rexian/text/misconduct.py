"""Misconduct by public servants in citizens' own words, read as an inspection officer would.

Four families of the rule catalogue: hostile attitude (态度恶劣, incl. threats and intimidation), graft
(吃拿卡要, incl. bribery), embezzlement (侵占/贪污, misappropriation — its own kind) and improper banquets
(违规吃喝). For every mention of an act from the lexicon (data/misconduct.yaml, extended by the setting
`text_misconduct_lexicon`) three questions are answered, and each answer is shown:

- *the act*: which phrase, and its own conditions — a phrase's `requires` words must occur near it and its
  `cancels` words must not be in its sentence (「不交材料就不给办」 is a rule, not a demand);
- *who did it* (rexian.text.mentions, rexian.text.doers): the body, post and name the letter gives, linked to the act across
  clauses, classified public servant / not public / unclear. Not public -> set aside (a service complaint
  for its sector). Unclear -> a lead. A public servant who is the one abused (「辱骂工作人员」) is the victim;
  for graft and banquets the accused is the official who received, not the giver named next to the act;
- *what was said about it* (rexian.text.assertion, and the negation cues here): report, suspicion,
  question, supposition, denial, quoted rule, or an accusation aimed at the citizen. A denial is a cue
  shortly before the act in its clause (「没有收红包」「严禁收受红包」), unless a contrast re-affirms it
  (「没帮忙反而骂人」) or the phrase is itself a conditional demand or threat (「不给好处费就不办」).

Only reports about a public servant become *findings*; suspicions, questions, and reports whose doer is
unclear become *leads* (low confidence, for the officer to verify). Each hit carries the sentence, the act,
the doer (body, post, name), the assertion kind and a confidence (its score), with a Chinese explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rexian.text import config
from rexian.text.assertion import (
    DENIAL,
    KIND_ZH,
    PAST,
    QUESTION,
    REPORT,
    RULE,
    SUSPICION,
    Assertion,
    AssertionWords,
    build_assertion_words,
    judge_assertion,
)
from rexian.text.doer_words import DoerWords, build_words
from rexian.text.doers import (
    NOT_PUBLIC,
    PUBLIC,
    UNCLEAR,
    Doer,
    opens_without_subject,
    resolve_antecedent,
    resolve_doer,
    resolve_dropped_subject,
)
from rexian.text.mentions import find_mentions
from rexian.text.normalisation import normalise

FAMILIES = ("hostile_attitude", "graft", "embezzlement", "improper_banquet")
DEFAULT_MIN_SCORE = 0.5
FINDING, LEAD, NONE = "finding", "lead", "none"
_NEGATION_REACH = 6  # characters between a negation cue and the phrase it denies
_ACTOR_REACH = 20  # characters before a needs_actor phrase within which the public servant must be named
_PERSON_REACH = 6  # characters between a person and a person_before phrase (「警察却一直不理不睬」)
_REQUIRES_REACH = 12  # characters before a phrase within which its `requires` words must occur
# 「这些手续费由村委会的工作人员来收取，都是强制性质的，不交不给办理低保」: a condition with no object of its own
# (「不交不给办」) is about what the sentence said was demanded, however far back — a fee or a sum of money counts.
# 「每户交三百元……不交的不给盖章」: the condition may name its defaulters (不交的/不交的话/不交的人) — misc14b.
_BARE_CONDITION = re.compile(r"(?:不|没)(?:给|送|交|塞|拿)(?:的话|的人|的户|的)?(?:就|便|都|也)?(?:不|没法|别想|办不了|不给|不予)")
_MONEY = r"(?:钱|红包|好处|(?<![浪免白])费(?![劲力心时]))"
_MONEY_DEMANDED = re.compile(rf"(?:收|收取|交|缴|缴纳|要|索要)[^。！？]{{0,30}}?(?:{_MONEY}|\d+(?:\.\d+)?(?:元|块|万))"
                             rf"|{_MONEY}[^。！？]{{0,16}}?(?:收|收取|交|缴|要)")
# A fee or charge billed by rule (「需缴纳工本费10元，不交不给办」「不交物业费不给开门禁卡」) is no demand.
_BILLED_FEE = re.compile(r"工本费|社保|医保|保险费|学费|税|罚款|物业费|水费|电费|水电费|燃气费|停车费|押金|首付|房款|定金")
# Not 「；」: a semicolon does not cut the official off. A numbered item (「3、」「4.」「（2）」) starts a new
# sentence: 「……（本条）3、针对小区持不同意见的业主威胁恐吓」 is a new matter; 「1、2、3层」 is not an item.
_SENTENCE_END = re.compile(r"[。！？!?\n]|(?<![\d.A-Za-z])\d{1,2}(?:[、.．]|\s{2,})(?![\d、.．])|[（(]\d{1,2}[）)]")
_CLAUSE_END = re.compile(r"[，,。！？!?；;：:\n]")
# 「工作人员说我态度不好」「我当时态度不好」: the attitude is the citizen's; 「对我们冷嘲热讽」「叫我去告」 are not.
_ABOUT_CITIZEN = re.compile(r"(?:说|讲|称|认为|指责|怪|嫌|批评|埋怨)(?:我|我们|本人)(?:的)?$"
                            r"|(?:^|[^自对向给把让叫跟冲朝被骂打吼和与着])我(?:们)?(?:当时|自己|本人|的)?$")  # 着: 「对着我们」 (misc14b)
# A hostile verb directly followed by a public servant makes them its object (「谩骂工作人员」).
_ABUSE_VERB = re.compile(r"(?:骂|打|吓|威胁|推搡|讽刺|嘲笑|嘲讽|羞辱|侮辱|刁难|殴打|恐吓)$")
# 「然后被殴打」「遭到辱骂」: a passive marker right before the act, with no agent between.
_SUFFERED_BEFORE = re.compile(r"(?:被|遭|遭到|受到)(?:人|他人|别人)?(?:了|过)?$")
# 「他说我行贿」「指责我们骂人」: an accusation aimed at the citizen, for every family.
_ACCUSES_CITIZEN = re.compile(r"(?:说|讲|称|认为|指责|怪|诬陷|污蔑|举报|告)(?:我|我们|本人)(?:的|在|有|曾|当时)?$")
_AFTER_NEGATION = re.compile(r"^[^，。！？；]{0,5}?(?:没有|没|未|不|拒绝|拒|退回|退还)(?:收|要|拿|接受|接|去)")
# A denial before 「以……名义/手段/方式/借口」 reaches over the means to the act right after them.
_PASSIVE = re.compile(r"被|遭到|遭")
_DENIED_MEANS = re.compile(r"(没有|没|未曾|并未|从未|从没|从来没有?|不曾)以(?:(?!反而|却|但|竟|居然|甚至|可是|然而|以)[^。！？]){1,24}?"
                           r"(?:等)?(?:的)?(?:名义|手段|方式|借口|理由)(?:[^，。！？；]{1,4}[，、])?$")
_NOT_GIVEN_TO = re.compile(r"(?:没有|没|未曾|未|从不|从没|从来没有?|不曾|不用|不必)(?:再)?(?:给|向|找)[^，。！？；]{0,10}(?:去|再)?$")
# Village and community committees are their cadres: 「村委吞噬补偿款」 names the accused collectively.
_COLLECTIVE = re.compile(r"(?:村委会|村委|村部|村支部|居委会|社区|村组|组)$")
# Acts with public money or meals go on about the letter's subject when a sentence names nobody; a threat
# or a blow does not (「人身安全受到严重威胁」 is a danger, 「接到陈某电话恐吓」 names a private caller).
_TOPIC_FAMILIES = ("embezzlement", "improper_banquet")
_NOBODY_NAMED = ("citizen", "pronoun")  # mentions that name no other doer than the letter's subject
_PRONOUN = re.compile(r"他们|她们|他|她")
# 「开发商勾结村干部侵占集体土地」「伙同村干部侵吞补偿款」: with a public servant in league, the act is his too.
_COLLUDES = re.compile(r"勾结|伙同|串通|沆瀣一气|狼狈为奸")
_CONTINUES = re.compile(r"\s*(?:并且|而且|反而|甚至|却|还|更|又)")
# Before an act in a sentence that names nobody: the writer (「我一进门就…」) or a passive (「一进门就被门卫骂」) says the
# dropped subject is not the one of the sentence before.
_WRITER_OR_PASSIVE = re.compile(r"我|本人|被|遭|挨|让|叫|给|的")
_DROPPED_REACH = 8  # characters at most before the act in a sentence that drops its subject
# A conditional demand or threat carries its own negation (「不送烟就扣分」), so ordinary cues do not deny it; a
# denial of the condition as a cause does (「卫生院没有因为我们不送烟就扣分」).
_DENIES_CONDITION = re.compile(r"(?:没有|并没有|并未|从未|从来没有?|不是|并不是|并非|不会)(?:因为|由于)")
_LEGACY_PEOPLE_KEYS = {"actors": "public_posts", "non_public_actors": "private_people", "actor_exceptions": "salutations"}


@dataclass(frozen=True)
class Phrase:
    family: str
    pattern: re.Pattern
    weight: float
    label: str
    needs_actor: bool = False
    ignore_negation: bool = False
    ignore_hypothetical: bool = False
    requires: re.Pattern | None = None
    cancels: re.Pattern | None = None
    needs_doer: bool = False
    implies_public: bool = False
    person_before: bool = False


@dataclass
class Lexicon:
    phrases: list[Phrase]
    family_names: dict[str, str]
    negation: re.Pattern
    negation_exceptions: tuple[str, ...]
    contrast: re.Pattern
    doers: DoerWords
    assertion: AssertionWords


@dataclass
class MisconductHit:
    family: str
    score: float
    phrase: str
    span: tuple[int, int]
    explanation: str
    kind: str = FINDING  # finding | lead | none
    assertion: str = REPORT
    act: str = ""
    doer: Doer | None = None
    sentence: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"family": self.family, "score": self.score, "phrase": self.phrase, "span": self.span,
                "explanation": self.explanation, "kind": self.kind, "assertion": self.assertion,
                "assertion_zh": KIND_ZH.get(self.assertion, self.assertion), "act": self.act,
                "doer": self.doer.as_dict() if self.doer else None, "sentence": self.sentence}


def _alternation(words) -> re.Pattern:
    ordered = sorted({word for word in words if word}, key=len, reverse=True)
    return re.compile("|".join(word if word.startswith("\\") else re.escape(word) for word in ordered))


def load_lexicon(extra: str | Path | None = None, *, use_settings: bool = True) -> Lexicon:
    """The packaged lexicon (data/misconduct.yaml, data/doers.yaml), plus `extra` (a YAML file), plus the
    file the settings name. A user file may add phrases, cue words and a `doers:` section (the older keys
    `actors`, `non_public_actors` and `actor_exceptions` are read as public posts, private people and
    salutations)."""
    import yaml

    data = resources.files("rexian.text").joinpath("data")
    documents = [yaml.safe_load(data.joinpath(name).read_text(encoding="utf-8"))
                 for name in ("misconduct.yaml", "doers.yaml")]
    paths = [extra] if extra else []
    if use_settings:
        configured = config.current().misconduct_lexicon
        if configured:
            paths.append(configured)
    documents += [yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {} for path in paths]

    # Named pieces written once and used in many patterns as `{name}` (`{amount}`: 2000元, 两千元, 贰仟元, 1.5万).
    pieces = {name: str(value) for document in documents for name, value in (document.get("pieces") or {}).items()}

    def expand(pattern: str) -> str:
        for name, value in pieces.items():
            pattern = pattern.replace("{" + name + "}", f"(?:{value})")
        return pattern

    phrases: list[Phrase] = []
    names: dict[str, str] = {}
    lists: dict[str, list[str]] = {key: [] for key in ("negation_cues", "negation_exceptions", "contrast_words")}
    assertion: dict[str, list] = {}
    for document in documents:
        for family, spec in (document.get("families") or {}).items():
            if family not in FAMILIES:
                raise ValueError(f"unknown misconduct family {family!r}; expected one of {FAMILIES}")
            names.setdefault(family, spec.get("name", family))
            for item in spec.get("phrases") or []:
                phrases.append(Phrase(family, re.compile(expand(item["pattern"])), float(item.get("weight", 0.8)),
                                      item.get("label", item["pattern"]), bool(item.get("needs_actor")),
                                      bool(item.get("ignore_negation")), bool(item.get("ignore_hypothetical")),
                                      _alternation(item["requires"]) if item.get("requires") else None,
                                      _alternation(item["cancels"]) if item.get("cancels") else None,
                                      bool(item.get("needs_doer")), bool(item.get("implies_public")),
                                      bool(item.get("person_before"))))
        for key in lists:
            lists[key] += [str(word) for word in document.get(key) or []]
        for key, words in (document.get("assertion") or {}).items():
            assertion.setdefault(key, []).extend(words or [])
        legacy = {new: document[old] for old, new in _LEGACY_PEOPLE_KEYS.items() if document.get(old)}
        if legacy:
            document.setdefault("doers", {})
            for key, words in legacy.items():
                document["doers"][key] = list(document["doers"].get(key) or []) + list(words)
    return Lexicon(phrases, names, _alternation(lists["negation_cues"]), tuple(lists["negation_exceptions"]),
                   _alternation(lists["contrast_words"]), build_words(documents), build_assertion_words(assertion))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


def _bounds(text: str, position: int, boundary: re.Pattern) -> tuple[int, int]:
    start = 0
    for match in boundary.finditer(text, 0, position):
        start = match.end()
    following = boundary.search(text, position)
    return start, following.start() if following else len(text)


def _negated_before(lexicon: Lexicon, before: str) -> str | None:
    """The negation cue that denies a phrase preceded (within its clause) by `before`, if any."""
    # 「我们没有给相应的领导去送礼」: the denial sits before the person the gift was (not) for.
    given = _NOT_GIVEN_TO.search(before)
    if given and not lexicon.contrast.search(given.group(0)):
        return given.group(0)
    window = before[-(_NEGATION_REACH + 4):]
    for cue in reversed(list(lexicon.negation.finditer(window))):
        if len(window) - cue.end() > _NEGATION_REACH:
            break
        context = window[max(0, cue.start() - 2):cue.end() + 3]
        if any(exception in context and window.find(exception) <= cue.start() < window.find(exception) + len(exception)
               for exception in lexicon.negation_exceptions):
            continue
        if lexicon.contrast.search(window[cue.end():]):
            return None
        return cue.group(0)
    return None


_RANK = {FINDING: 2, LEAD: 1, NONE: 0}


def detect_misconduct(text: str | None, *, lexicon: Lexicon | None = None, min_score: float = DEFAULT_MIN_SCORE,
                      include_leads: bool = False, include_suppressed: bool = False) -> list[dict]:
    """Misconduct in a citizen's text: a list of hits {family, score, phrase, span, explanation, kind,
    assertion, act, doer, sentence}, strongest first.

    By default only *findings* (a report about a public servant, score at least `min_score`); with
    `include_leads` the leads too (suspicions, questions, unclear doers); with `include_suppressed` every
    mention, each with `suppressed: True` unless it is a finding, to show why it did not count. Spans index
    the normalised text (`normalise(text)`), which keeps the length of ordinary Chinese text.
    """
    lexicon = lexicon or default_lexicon()
    text = normalise(text)
    if not text:
        return []
    mentions = find_mentions(text, lexicon.doers)
    best: dict[tuple[str, int], MisconductHit] = {}
    for phrase in lexicon.phrases:
        for match in phrase.pattern.finditer(text):
            hit = _judge(text, match, phrase, lexicon, mentions, min_score)
            key = (hit.family, _bounds(text, match.start(), _SENTENCE_END)[0])
            # One hit per family and sentence: the strongest reading wins (a demand pattern beats the
            # negated bare noun inside it).
            if key not in best or (_RANK[hit.kind], hit.score) > (_RANK[best[key].kind], best[key].score):
                best[key] = hit
    wanted = {FINDING} | ({LEAD} if include_leads else set()) | ({LEAD, NONE} if include_suppressed else set())
    hits = sorted((hit for hit in best.values() if hit.kind in wanted), key=lambda hit: (-_RANK[hit.kind], -hit.score, hit.span))
    result = []
    for hit in hits:
        item = hit.as_dict()
        if include_suppressed:
            item["suppressed"] = hit.kind != FINDING
        result.append(item)
    return result


def _judge(text: str, match: re.Match, phrase: Phrase, lexicon: Lexicon, mentions: list, min_score: float) -> MisconductHit:
    sentence_start, sentence_end = _bounds(text, match.start(), _SENTENCE_END)
    clause_start, clause_end = _bounds(text, match.start(), _CLAUSE_END)
    previous_start = _bounds(text, max(sentence_start - 1, 0), _SENTENCE_END)[0] if sentence_start else sentence_start
    family_name = lexicon.family_names.get(phrase.family, phrase.family)
    quoted = match.group(0)
    sentence = text[sentence_start:sentence_end + 1].strip()

    def verdict(kind: str, score: float, reason: str, assertion: str = REPORT, doer: Doer | None = None,
                notes: list[str] | None = None) -> MisconductHit:
        return MisconductHit(phrase.family, round(score, 3), quoted, match.span(), reason, kind, assertion,
                             phrase.label, doer, sentence, notes or [])

    def dropped(reason: str, assertion: str = REPORT, doer: Doer | None = None) -> MisconductHit:
        return verdict(NONE, 0.0, f"「{quoted}」{reason}", assertion, doer)

    # The act's own conditions, looked for around the phrase, not anywhere in a long letter.
    if phrase.requires and not phrase.requires.search(
            text, max(sentence_start, match.start() - _REQUIRES_REACH), min(sentence_end, match.end() + 4)) \
            and not (_BARE_CONDITION.match(quoted) and _MONEY_DEMANDED.search(text, sentence_start, match.start())
                     and not _BILLED_FEE.search(text, sentence_start, match.start())):
        return dropped(f"附近没有「{phrase.label}」必需的词（钱物、好处等），不计")
    cancelled = phrase.cancels.search(sentence) if phrase.cancels else None
    if cancelled:
        return dropped(f"所在句子有「{cancelled.group(0)}」，不是反映{family_name}")

    # Who did it.
    banquet_guest = phrase.family == "improper_banquet" and not phrase.needs_doer
    doer, mention = resolve_doer(text, mentions, match.start(), match.end(), sentence_start, clause_end,
                                 previous_start, prefer_public=phrase.family in ("graft", "improper_banquet")
                                 or bool(_COLLUDES.search(text, sentence_start, match.start())),
                                 sentence_end=sentence_end, skip_speakers=phrase.family != "graft",
                                 reach=_ACTOR_REACH * 4 if phrase.needs_actor else None,
                                 addressed=not phrase.needs_actor)
    if banquet_guest and (doer is None or doer.status != PUBLIC):
        # A banquet's official is the guest (「老板请书记吃饭」): a public servant anywhere in the sentence.
        guests = [m for m in mentions if sentence_start <= m.start < sentence_end]
        for candidate in guests:
            found, _ = resolve_doer(text, [candidate], candidate.end, candidate.end, candidate.start, candidate.end,
                                    candidate.start)
            if found and found.status == PUBLIC:
                doer = found
                break
    if phrase.family == "hostile_attitude":
        passive = list(_PASSIVE.finditer(text, clause_start, match.start()))
        struck_by = [m for m in mentions if passive and passive[-1].end() <= m.start and m.end <= match.start()]
        if struck_by and struck_by[-1].post_kind in ("citizen", "private_person"):
            # 「村长被村民打了」: the one named after 被 struck; a citizen is not a public servant.
            return dropped(f"动手的是「{struck_by[-1].text}」（被字句的施事），不属公职人员，不计为{family_name}")
    if phrase.family == "hostile_attitude" and _ABUSE_VERB.search(quoted):
        victim = next((m for m in mentions if m.start >= match.end() and m.start - match.end() <= 4
                       and re.fullmatch(r"(?:了|过|着)?(?:该|这位|那位|现场|在场|的)?", text[match.end():m.start])), None)
        if victim is not None and victim.post_kind in ("public_post", "generic_post", "manager_post") and \
                victim.body_kind not in ("private_body",) and victim.post_kind != "private_person":
            return dropped(f"对象是公职人员「{victim.text}」（被骂、被打的一方），不是反映{family_name}", "victim")
        if doer is not None and doer.status == PUBLIC and _SUFFERED_BEFORE.search(text, clause_start, match.start()):
            # 「村长……面部先是遭到喷剂的喷射，然后被殴打」: with nobody named between 被 and the act, the one named
            # before is most often the one beaten, not the one beating; who did it is unsaid, so at most a lead
            # (「被城管殴打」 names the agent, and stays a report).
            doer = Doer(None, None, None, UNCLEAR, 0.3, f"「被……」句，打人、骂人者未点名（前文的「{doer.label}」多是被打的一方）")
    if phrase.needs_actor and doer is None and _PRONOUN.search(quoted):
        # 「叫我告到哪里他也不怕」: the pronoun inside the phrase points back to the one named before.
        doer, mention = resolve_antecedent(text, mentions, match.start())
    elif phrase.needs_actor and doer is None and sentence_start and _CONTINUES.match(text, sentence_start):
        # 「……是为懒政吗？并且……表示要处理本人」: a sentence opening with a connective goes on with the
        # subject of the one before.
        doer, mention = resolve_doer(text, mentions, match.start(), match.end(), previous_start, clause_end,
                                     previous_start, sentence_end=sentence_end, reach=_ACTOR_REACH * 6,
                                     addressed=False)
    elif phrase.needs_actor and doer is None and sentence_start \
            and not any(sentence_start <= m.start < match.start() for m in mentions) \
            and (match.start() - sentence_start <= _DROPPED_REACH
                 and not _WRITER_OR_PASSIVE.search(text, sentence_start, match.start())
                 # 「半夜时分往我们屋里扔石头」: after when and a preposition, 我 is what was acted on (doers.py)
                 or opens_without_subject(text, sentence_start) and not _PASSIVE.search(text, sentence_start, match.start())):
        # 「镇长李某带人来到我家。一进门就骂我们」: a sentence that drops its subject goes on with the one the sentence
        # before was about — its first person named as subject (not one acted on, not the writer). Only when the act
        # opens the sentence: a longer opening may hold a subject the word lists do not know (「身旁的病友骂我」).
        doer, mention = resolve_dropped_subject(text, mentions, previous_start, sentence_start)
    if doer is not None and doer.status == NOT_PUBLIC:
        return dropped(f"是「{doer.label}」的行为，{doer.label}不属公职人员，不计为{family_name}（{doer.how}）", doer=doer)
    if phrase.needs_actor and doer is None and phrase.family in _TOPIC_FAMILIES \
            and not any(sentence_start <= m.start and m.end <= match.start() and m.post_kind not in _NOBODY_NAMED
                        for m in mentions) \
            and not any(match.start() <= m.start < sentence_end and m.post_kind not in _NOBODY_NAMED + ("private_person",)
                        for m in mentions):
        # A sentence naming nobody at all goes on about whom the letter is about (「请彻查某村村委成员贪腐……
        # 巨额的餐费接待支出，其中不乏高档烟酒、洗脚城等违规费用」): the title's subject, at lower confidence.
        # The villagers who were short-changed, a 他们 pointing at nobody and the old people cheated after the act
        # name no one else (「发到农户手中的只有330元，……要上告他们，……蒙蔽欺骗农村的老大爷老太婆」).
        doer, mention = resolve_doer(text, mentions, match.start(), match.end(), sentence_start, clause_end,
                                     sentence_start, sentence_end=sentence_end, addressed=False, title_only=True)
    if doer is not None and doer.status == NOT_PUBLIC:
        return dropped(f"是「{doer.label}」的行为，{doer.label}不属公职人员，不计为{family_name}（{doer.how}）", doer=doer)
    if phrase.needs_actor and (doer is None or mention is None):
        return dropped("附近未指向任何人，不计", doer=doer)
    if phrase.person_before and not (mention is not None and mention.post and mention.post_kind != "pronoun"
                                     and 0 <= match.start() - mention.end <= _PERSON_REACH
                                     and not _CLAUSE_END.search(text, mention.end, match.start())):
        # 「警察不理不睬」 is a person turning from the citizen in front of him; 「街道不闻不问」 is a body's inaction.
        return dropped("前面紧挨着的不是点名的人（单位的不作为另计），不计", doer=doer)

    # What was said about it.
    before = text[clause_start:match.start()]
    # (misc14b: the people named as subjects, so that a suspicion cue's reach is judged clause by clause.)
    rule = judge_assertion(text, match.start(), match.end(), sentence_start, sentence_end, lexicon.assertion,
                           conditional=phrase.ignore_hypothetical,
                           subjects=tuple(m.start for m in mentions if m.role == "subject"))
    if rule.kind == RULE and not phrase.ignore_negation:
        return dropped(f"是引用的规定（「{rule.cue}」），不是反映{family_name}", RULE, doer)
    if rule.kind == PAST:
        return dropped(f"说的是已处理的旧案（「{rule.cue}」），不是新的反映", PAST, doer)
    # (looked for up to the phrase's end: 「没有因为我们不给红包就不给办」 is all one match of the demand pattern)
    told = text[clause_start:match.end()]
    denied_condition = _DENIES_CONDITION.search(told) if phrase.ignore_negation else None
    if denied_condition and not lexicon.contrast.search(told[denied_condition.end():].replace("就", "").replace("才", "")):
        return dropped(f"被否定（「{denied_condition.group(0)}」），不是反映{family_name}", DENIAL, doer)
    if not phrase.ignore_negation:
        cue = _negated_before(lexicon, before)
        means = _DENIED_MEANS.search(text, sentence_start, match.start())
        if cue is None and means:
            # 「…面前没有以捏造，造谣，诽谤罪等名义威胁，恐吓」: the denial governs the means named after it (commas
            # and all) and the act they lead to — what the writer asks the official to swear he did not do.
            cue = means.group(1)
        after_negation = _AFTER_NEGATION.search(text[match.end():clause_end])
        if cue is None and after_negation:
            cue = after_negation.group(0)
        if cue:
            return dropped(f"被否定（「{cue}」），不是反映{family_name}", DENIAL, doer)
    notes: list[str] = []
    score = phrase.weight
    if not phrase.ignore_negation and _ACCUSES_CITIZEN.search(before[-8:]):
        score *= 0.3
        notes.append("转述的是对市民本人的指责，降低分值")
        assertion = Assertion("about_citizen")
    elif phrase.family == "hostile_attitude" and not phrase.ignore_negation and _ABOUT_CITIZEN.search(before[-8:]):
        score *= 0.3
        notes.append("说的是市民本人，降低分值")
        assertion = Assertion("about_citizen")
    else:
        assertion = rule
        score *= assertion.factor
        if assertion.kind != REPORT:
            notes.append(f"{assertion.zh}（「{assertion.cue}」），降低分值")
        elif assertion.cue:
            notes.append(f"反问（「{assertion.cue}」）仍是陈述")

    # Findings need a public servant; an unnamed doer of an act that is itself a public function will do.
    # Embezzlement needs a person: 「教育局克扣工资」 may be the body's policy, who pocketed it is to verify.
    if doer is not None and doer.status == PUBLIC and phrase.family == "embezzlement" and not (doer.post or doer.name) \
            and not _COLLECTIVE.search(doer.body or ""):
        score *= 0.7
        notes.append(f"只说了单位「{doer.label}」，谁侵占待核实，作为线索")
        public = False
    elif doer is not None and doer.status == PUBLIC:
        if doer.post or doer.name:
            score = min(1.0, score + 0.1)
        notes.append(f"提到公职人员「{doer.label}」（{doer.how}）")
        public = True
    elif phrase.implies_public:
        score *= 0.9
        notes.append("行为人未点名，索要的是办事的好处，按经办的公职人员计" + (f"（{doer.how}）" if doer else ""))
        public = True
    else:
        score *= 0.7
        notes.append(f"行为人{('「' + doer.label + '」') if doer else '未点名'}身份不明，作为线索待核实"
                     + (f"（{doer.how}）" if doer else ""))
        public = False
    if assertion.kind == REPORT and public and score >= min_score:
        kind = FINDING
    elif assertion.kind in (REPORT, SUSPICION, QUESTION) and score > 0:
        kind = LEAD
    else:
        kind = NONE
    label = {FINDING: "", LEAD: "（线索）", NONE: "（不计）"}[kind]
    explanation = f"{family_name}{label}：命中「{quoted}」（{phrase.label}）" + ("；" + "；".join(notes) if notes else "")
    return verdict(kind, score, explanation, assertion.kind, doer, notes)
