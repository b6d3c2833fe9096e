"""Detection of complaints that report misconduct by public servants.

Three families of the rule catalogue: hostile attitude (态度恶劣/冷硬横推), graft (吃拿卡要) and improper
banquets (违规吃喝). Phrases come from a YAML lexicon (data/misconduct.yaml, extended by the setting
`text_misconduct_lexicon`). A phrase mention is a report only when the sentence affirms it:

- negated shortly before, in the same clause (「没有收红包」「严禁收受红包」) -> not a report, unless a
  contrast word re-affirms it (「没帮忙反而骂人」) or the pattern is itself a negative demand
  (「不给好处费就不办」);
- negated shortly after, for gifts (「红包他没收」) -> not a report;
- said about the citizen (「工作人员说我态度不好」「我态度不好」) -> weakened;
- a question or a hypothetical (「办证需要送礼吗？」「如果态度不好可以投诉」) -> weakened;
- a public servant named in the sentence or the one before -> strengthened; some phrases (吃饭, 骂)
  count only then;
- done by someone who is not a public servant (医生, 护士, 司机, 老板, 物业… the lexicon's
  `non_public_actors`) -> not a report: the nearest person named before the phrase is its doer. For
  banquets the official is the guest, so a public servant anywhere in the sentence is enough;
- a phrase's own `requires` words must occur in its sentence, and its `cancels` words must not
  (「不交材料就不给办」 is a rule, not a demand; 「给老人送慰问品」 is not a gift to an official);
- reported speech: what someone says *about the citizen* (「他说我行贿」「工作人员说我态度不好」) is
  not a report about them; what an official is reported saying (「他说不给好处费就不办」) is.
Each hit carries its score and a Chinese explanation of how it was reached.

Who counts as a public servant follows the supervision law's reach (监察法第十五条): civil servants,
village and community cadres, staff of units that exercise public powers, and *managers* of public
hospitals and schools (院长, 校长) — not doctors, nurses, teachers, drivers or company staff, whose
conduct is a service complaint for their sector, not a finding against a public servant. Both lists are
configuration: a centre that supervises public hospitals moves 医生 into `actors` in its own file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rexian.text import config
from rexian.text.normalisation import normalise

FAMILIES = ("hostile_attitude", "graft", "improper_banquet")
DEFAULT_MIN_SCORE = 0.5
_NEGATION_REACH = 6  # characters between a negation cue and the phrase it denies
_ACTOR_REACH = 20  # characters before a needs_actor phrase within which the public servant must be named
_REQUIRES_REACH = 12  # characters before a phrase within which its `requires` words must occur
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,。！？!?；;：:\n]")
# 「工作人员说我态度不好」「我当时态度不好」: the attitude is the citizen's; 「对我们冷嘲热讽」 is not.
_ABOUT_CITIZEN = re.compile(r"(?:说|讲|称|认为|指责|怪|嫌|批评|埋怨)(?:我|我们|本人)(?:的)?$"
                            r"|(?:^|[^自对向给把让跟冲朝被骂打吼和与])我(?:们)?(?:当时|自己|本人|的)?$")
# A hostile verb directly followed by a public servant makes them its object (「谩骂工作人员」).
_ABUSE_VERB = re.compile(r"(?:骂|打|吓|威胁|推搡|讽刺|嘲笑|嘲讽|羞辱|侮辱|刁难)$")
_VICTIM_AFTER = re.compile(r"(?:了|过|着)?(?:该|这位|那位|现场|在场|的)?")
# 「他说我行贿」「指责我们骂人」: an accusation aimed at the citizen, for every family.
_ACCUSES_CITIZEN = re.compile(r"(?:说|讲|称|认为|指责|怪|诬陷|污蔑|举报|告)(?:我|我们|本人)(?:的|在|有|曾|当时)?$")
_AFTER_NEGATION = re.compile(r"^[^，。！？；]{0,5}?(?:没有|没|未|不|拒绝|拒|退回|退还)(?:收|要|拿|接受|接|去)")


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


@dataclass
class Lexicon:
    phrases: list[Phrase]
    family_names: dict[str, str]
    actors: re.Pattern
    negation: re.Pattern
    negation_exceptions: tuple[str, ...]
    contrast: re.Pattern
    hypothetical: re.Pattern
    people: re.Pattern  # public servants and non-public actors together (leftmost-longest)
    non_public: frozenset[str]
    actor_exceptions: re.Pattern | None = None  # salutations: 「尊敬的领导」 names nobody who did anything

    def without_salutations(self, text: str) -> str:
        """`text` with salutations blanked out (same length), for finding who is named."""
        if self.actor_exceptions is None:
            return text
        return self.actor_exceptions.sub(lambda match: "□" * len(match.group(0)), text)

    def is_public(self, word: str) -> bool:
        return word not in self.non_public


@dataclass
class MisconductHit:
    family: str
    score: float
    phrase: str
    span: tuple[int, int]
    explanation: str
    suppressed: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"family": self.family, "score": self.score, "phrase": self.phrase, "span": self.span,
                "explanation": self.explanation}


def _alternation(words) -> re.Pattern:
    ordered = sorted({word for word in words if word}, key=len, reverse=True)
    return re.compile("|".join(word if word.startswith("\\") else re.escape(word) for word in ordered))


def load_lexicon(extra: str | Path | None = None, *, use_settings: bool = True) -> Lexicon:
    """The packaged lexicon, plus `extra` (a YAML file), plus the configured file (`TextConfig`)."""
    import yaml

    documents = [yaml.safe_load(resources.files("rexian.text").joinpath("data/misconduct.yaml")
                                .read_text(encoding="utf-8"))]
    paths = [extra] if extra else []
    if use_settings:
        configured = config.current().misconduct_lexicon
        if configured:
            paths.append(configured)
    documents += [yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {} for path in paths]

    phrases: list[Phrase] = []
    names: dict[str, str] = {}
    lists: dict[str, list[str]] = {key: [] for key in
                                   ("actors", "non_public_actors", "actor_exceptions", "negation_cues",
                                    "negation_exceptions", "contrast_words", "hypothetical_cues")}
    for document in documents:
        for family, spec in (document.get("families") or {}).items():
            if family not in FAMILIES:
                raise ValueError(f"unknown misconduct family {family!r}; expected one of {FAMILIES}")
            names.setdefault(family, spec.get("name", family))
            for item in spec.get("phrases") or []:
                phrases.append(Phrase(family, re.compile(item["pattern"]), float(item.get("weight", 0.8)),
                                      item.get("label", item["pattern"]), bool(item.get("needs_actor")),
                                      bool(item.get("ignore_negation")), bool(item.get("ignore_hypothetical")),
                                      _alternation(item["requires"]) if item.get("requires") else None,
                                      _alternation(item["cancels"]) if item.get("cancels") else None,
                                      bool(item.get("needs_doer"))))
        for key in lists:
            words = [str(word) for word in document.get(key) or []]
            # A later file moves a word between the two lists of people (a centre supervising public
            # hospitals lists 医生 under `actors`).
            other = {"actors": "non_public_actors", "non_public_actors": "actors"}.get(key)
            if other:
                lists[other] = [word for word in lists[other] if word not in words]
            lists[key] += words
    non_public = frozenset(lists["non_public_actors"])
    actors = lists["actors"]
    return Lexicon(phrases, names, _alternation(actors), _alternation(lists["negation_cues"]),
                   tuple(lists["negation_exceptions"]), _alternation(lists["contrast_words"]),
                   _alternation(lists["hypothetical_cues"]), _alternation(actors + sorted(non_public)), non_public,
                   _alternation(lists["actor_exceptions"]) if lists["actor_exceptions"] else None)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


def _bounds(text: str, position: int, boundary: re.Pattern) -> tuple[int, int]:
    start = 0
    for match in boundary.finditer(text, 0, position):
        start = match.end()
    following = boundary.search(text, position)
    return start, following.start() if following else len(text)


_NOT_GIVEN_TO = re.compile(r"(?:没有|没|未曾|未|从不|从没|从来没有?|不曾|不用|不必)(?:再)?(?:给|向|找)[^，。！？；]{0,10}(?:去|再)?$")


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


def detect_misconduct(text: str | None, *, lexicon: Lexicon | None = None, min_score: float = DEFAULT_MIN_SCORE,
                      include_suppressed: bool = False) -> list[dict]:
    """Misconduct reports in a complaint text: a list of {family, score, phrase, span, explanation}.

    Spans index the normalised text (`normalise(text)`), which keeps the length of ordinary Chinese text.
    With include_suppressed, mentions that were denied or too weak are returned too (score 0 or low,
    `suppressed: True`), to show why they did not count.
    """
    lexicon = lexicon or default_lexicon()
    text = normalise(text)
    if not text:
        return []
    best: dict[tuple[str, int], MisconductHit] = {}
    people_text = lexicon.without_salutations(text)
    for phrase in lexicon.phrases:
        for match in phrase.pattern.finditer(text):
            hit = _judge(text, match, phrase, lexicon, people_text)
            if hit is None:
                continue
            key = (hit.family, _bounds(text, match.start(), _SENTENCE_END)[0])
            # One hit per family and sentence: the strongest reading wins (a demand pattern beats the
            # negated bare noun inside it).
            if key not in best or (hit.score, not hit.suppressed) > (best[key].score, not best[key].suppressed):
                best[key] = hit
    hits = [hit for hit in best.values() if include_suppressed or (not hit.suppressed and hit.score >= min_score)]
    hits.sort(key=lambda hit: (-hit.score, hit.span))
    result = []
    for hit in hits:
        item = hit.as_dict()
        if include_suppressed:
            item["suppressed"] = hit.suppressed or hit.score < min_score
        result.append(item)
    return result


def _doer(text: str, match: re.Match, sentence_start: int, clause_end: int, previous_start: int,
          lexicon: Lexicon) -> str | None:
    """Who did what the phrase says: the person named nearest before it in its sentence, else right after
    it in its clause (「态度恶劣的医生」), else last in the sentence before."""
    before = list(lexicon.people.finditer(text, sentence_start, match.start()))
    if before:
        return before[-1].group(0)
    after = lexicon.people.search(text, match.end(), clause_end)
    if after:
        return after.group(0)
    earlier = list(lexicon.people.finditer(text, previous_start, sentence_start))
    return earlier[-1].group(0) if earlier else None


def _judge(text: str, match: re.Match, phrase: Phrase, lexicon: Lexicon, people_text: str) -> MisconductHit | None:
    """`people_text`: `text` with salutations blanked, where the people named are looked for."""
    sentence_start, sentence_end = _bounds(text, match.start(), _SENTENCE_END)
    clause_start, clause_end = _bounds(text, match.start(), _CLAUSE_END)
    sentence = text[sentence_start:sentence_end]
    previous_start = _bounds(text, max(sentence_start - 1, 0), _SENTENCE_END)[0] if sentence_start else sentence_start
    actor = lexicon.actors.search(people_text, previous_start, sentence_end)
    family_name = lexicon.family_names.get(phrase.family, phrase.family)
    quoted = match.group(0)
    notes: list[str] = []
    score = phrase.weight
    suppressed = False

    def dropped(reason: str) -> MisconductHit:
        return MisconductHit(phrase.family, 0.0, quoted, match.span(), f"「{quoted}」{reason}", suppressed=True)

    # Required words are looked for around the phrase, not anywhere in a long letter.
    if phrase.requires and not phrase.requires.search(
            text, max(sentence_start, match.start() - _REQUIRES_REACH), min(sentence_end, match.end() + 4)):
        return dropped(f"附近没有「{phrase.label}」必需的词（钱物、好处等），不计")
    cancelled = phrase.cancels.search(sentence) if phrase.cancels else None
    if cancelled:
        return dropped(f"所在句子有「{cancelled.group(0)}」，不是反映{family_name}")
    # Who did it. A banquet's official is the guest (「老板请书记吃饭」): a public servant anywhere in the
    # sentence will do. Otherwise the doer is the person named nearest the phrase.
    doer = _doer(people_text, match, sentence_start, clause_end, previous_start, lexicon)
    if phrase.family == "improper_banquet" and not phrase.needs_doer:
        public_here = lexicon.actors.search(people_text, sentence_start, sentence_end)
        if phrase.needs_actor and not public_here:
            return dropped("未指向公职人员，不计")
    else:
        # 「辱骂工作人员」「殴打民警」: the public servant is the one abused, not the abuser.
        victim = lexicon.actors.match(people_text, _VICTIM_AFTER.match(text, match.end()).end())
        if phrase.family == "hostile_attitude" and _ABUSE_VERB.search(quoted) and victim:
            return dropped(f"对象是公职人员「{victim.group(0)}」（被骂、被打的一方），不是反映{family_name}")
        if doer and not lexicon.is_public(doer):
            return dropped(f"是「{doer}」的行为，{doer}不属公职人员，不计为{family_name}")
        # Phrases that mean misconduct only when done by a public servant (骂, 殴打) need one named close
        # by: in the same clause, or shortly before in the same sentence — not anywhere in a long letter.
        near_actor = lexicon.actors.search(people_text, max(sentence_start, match.start() - _ACTOR_REACH), clause_end)
        if phrase.needs_actor and not near_actor:
            return dropped("未指向公职人员，不计")
    before = text[clause_start:match.start()]
    if not phrase.ignore_negation:
        cue = _negated_before(lexicon, before)
        if cue is None and _AFTER_NEGATION.search(text[match.end():clause_end]):
            cue = _AFTER_NEGATION.search(text[match.end():clause_end]).group(0)
        if cue:
            return dropped(f"被否定（「{cue}」），不是反映{family_name}")
        if _ACCUSES_CITIZEN.search(before[-8:]):
            score *= 0.3
            notes.append("转述的是对市民本人的指责，降低分值")
        elif phrase.family == "hostile_attitude" and _ABOUT_CITIZEN.search(before[-8:]):
            score *= 0.3
            notes.append("说的是市民本人，降低分值")
    if not phrase.ignore_hypothetical and lexicon.hypothetical.search(sentence):
        score *= 0.45
        notes.append("疑问或假设语气，降低分值")
    if actor:
        score = min(1.0, score + 0.1)
        named = doer if doer and lexicon.is_public(doer) and phrase.family != "improper_banquet" else actor.group(0)
        notes.append(f"提到公职人员「{named}」")
    explanation = f"{family_name}：命中「{quoted}」（{phrase.label}）" + ("；" + "；".join(notes) if notes else "")
    return MisconductHit(phrase.family, round(score, 3), quoted, match.span(), explanation, suppressed, notes)
