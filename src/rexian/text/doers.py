"""Who did it: the public bodies and people a citizen's letter names, and which of them did an act.

A letter names doers in many ways — a body (「A2区政府计生办」「西湖派出所」「住建局」), a post (科长, 民警,
办案人员), a post with a name (「科长李建」「王科长」「姓王的工作人员」「李某」), or a pronoun pointing back
(他, 对方). `find_mentions` reads them all once per letter; `resolve_doer` links an act (a phrase of the
misconduct lexicon) to its doer across the clauses of its sentence, else the sentence before, else the body
the letter is about.

Each doer is classified as the Supervision Law (监察法第十五条) draws the line:
- public (监察对象): civil servants and the staff of public bodies (局/委/办/所/院/中心 of government, courts,
  procuratorates, police stations, street offices, 居委/村委), and the *managers* of public schools,
  hospitals and state-owned enterprises (院长, 校长, 站长 …);
- not public: companies, property managers, developers, shops, and doctors, teachers, drivers …;
- unclear: a teacher-or-manager we cannot tell, the staff of a public hospital or state enterprise, a
  pronoun with nobody before it. Unclear stays visible as such (the hit becomes a lead, not a finding).

The words are data (`data/doers.yaml`); a user lexicon file can extend them with a `doers:` section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rexian.text.doer_words import default_words
from rexian.text.mentions import CLAIMED, PRIVATE_NAME, PUBLIC_NAME, Mention

PUBLIC, NOT_PUBLIC, UNCLEAR = "public", "not_public", "unclear"
STATUS_ZH = {PUBLIC: "公职人员", NOT_PUBLIC: "非公职人员", UNCLEAR: "身份不明"}


@dataclass(frozen=True)
class Doer:
    """Who did an act: what the letter says about them and whether they are a public servant."""

    body: str | None
    post: str | None
    name: str | None
    status: str  # public | not_public | unclear
    confidence: float  # how sure the identification is, 0..1
    how: str  # Chinese: how the doer was found and classified

    @property
    def label(self) -> str:
        who = "".join(part for part in (self.body, self.post) if part) or "（未点名）"
        return who + (f"（{self.name}）" if self.name else "")

    def as_dict(self) -> dict:
        return {"body": self.body, "post": self.post, "name": self.name, "status": self.status,
                "status_zh": STATUS_ZH[self.status], "confidence": round(self.confidence, 2), "how": self.how}



def classify(mention: Mention, context_body: Mention | None = None, by_hand: bool = False) -> tuple[str, float, str]:
    """(status, confidence, Chinese reason) of a mention; `context_body` is the body the letter was last
    about, for a bare 「工作人员」."""
    body_kind = mention.body_kind
    body = mention.body
    inherited = False
    if body_kind is None and mention.post_kind in ("generic_post", "manager_post") and context_body is not None:
        body_kind, body, inherited = context_body.body_kind, context_body.body, True
    post_kind = mention.post_kind
    named = 0.05 if mention.name else 0.0
    where = f"（按上文的「{body}」）" if inherited else ""
    if post_kind == "private_person":
        return NOT_PUBLIC, 0.9, f"「{mention.post}」不属监察对象"
    if post_kind == "pronoun":
        return UNCLEAR, 0.3, "代词，前文没有可指的人"
    if post_kind == "citizen":
        return NOT_PUBLIC, 0.8, f"「{mention.post}」是群众，不属监察对象"
    if _someone(mention.post) and mention.body is None:
        return UNCLEAR, 0.3, f"「{mention.post}」未说是谁"
    if body_kind in ("service", "mixed") and body and PRIVATE_NAME.search(body):
        return NOT_PUBLIC, 0.85, f"「{body}」是民办或私立的{where}"
    if body_kind == "mixed" and body and PUBLIC_NAME.search(body) and not CLAIMED.search(body):
        body_kind = "service"
    if body_kind == "mixed":
        return UNCLEAR, 0.4, f"「{body}」可能是民办的，是否属公办待核实{where}"
    if body_kind == "private_body":
        return NOT_PUBLIC, 0.85, f"「{body}」不是公共机构{where}"
    if post_kind == "public_post" and body_kind not in ("service", "state"):
        return PUBLIC, 0.9 + named, f"「{mention.post}」是公职人员"
    if body_kind == "public_body":
        return PUBLIC, (0.8 if inherited else 0.9) + named, f"「{body}」是公共机构{where}"
    if body_kind in ("service", "state"):
        sector = "公办学校、医院" if body_kind == "service" else "国有企业"
        if mention.post is None:
            if body_kind == "service" and not by_hand:
                return PUBLIC, 0.7, f"「{body}」作为单位的决定（{sector}的管理人员）{where}"
            return UNCLEAR, 0.5, f"「{body}」是{sector}，未说是管理人员还是一般工作人员{where}"
        if mention.post_kind in ("manager_post", "public_post"):
            return PUBLIC, 0.85 + named, f"{sector}的管理人员「{mention.post}」属监察对象{where}"
        return UNCLEAR, 0.5, f"{sector}的一般工作人员「{mention.post}」，是否属监察对象待核实{where}"
    if post_kind in ("generic_post", "manager_post"):
        if mention.post in ("工作人员", "领导", "负责人", "窗口", "经办人") or mention.name:
            # In a letter to the hotline an unnamed 「工作人员」 is most often the staff of the unit complained about.
            return PUBLIC, 0.7, f"「{mention.post or mention.name}」未说单位，按来信所投诉单位的人员推定"
        return UNCLEAR, 0.4, f"「{mention.post or mention.name}」未说是哪个单位的人"
    return UNCLEAR, 0.3, "身份不明"


def resolve_doer(text: str, mentions: list[Mention], act_start: int, act_end: int, sentence_start: int,
                 clause_end: int, previous_start: int, prefer_public: bool = False, sentence_end: int | None = None,
                 skip_speakers: bool = False, reach: int | None = None, addressed: bool = True,
                 title_only: bool = False) -> tuple[Doer | None, Mention | None]:
    """The doer of the act at text[act_start:act_end], and the mention it was read from.

    The nearest subject named before the act in its sentence (clauses and 「；」 do not cut it off); a
    pronoun points back to the person named before it; 「态度恶劣的医生」 names the doer after the act;
    failing these, the subject of the sentence before, then the letter's title (`title_only`: the title
    alone, for a sentence that names nobody). `prefer_public`: for graft and banquets the accused
    is the official who received, even when the giver is named closer (「老板向派出所民警塞红包」)."""
    sentence_end = len(text) if sentence_end is None else sentence_end
    if text.startswith("的", act_end) and act_end + 1 < len(text):
        # 「一惯嚣张跋扈的谭某」「态度恶劣的医生」: an act said of the person named right after it is theirs
        # (a person, not a thing: 「在群里骂我的社保断缴了」).
        described = next((m for m in mentions if m.start == act_end + 1 and m.post and m.role not in _NOT_DOING), None)
        if described is not None:
            return _judged(text, mentions, described, "同句"), described
        if text[act_end + 1] in default_words().surnames:  # a bare name the lists do not know: nobody to judge
            return None, None
    start = sentence_start if reach is None else max(sentence_start, act_start - reach)
    before = [] if title_only else [m for m in mentions if start <= m.start and m.end <= act_start]
    chosen = None
    if prefer_public:
        clause_start = max([sentence_start] + [i + 1 for i in range(sentence_start, act_start) if text[i] in "，,；;：:"])
        public = [m for m in before if m.start >= clause_start and m.role not in _ASIDE and _status_in(m, mentions) == PUBLIC
                  and (m.post or m.body_kind == "public_body")]
        if public:
            chosen = public[-1]
        else:
            after = [m for m in mentions if act_end <= m.start < clause_end and m.role not in _ASIDE
                     and _status_in(m, mentions) == PUBLIC and (m.post or m.body_kind == "public_body")]
            chosen = after[0] if after else None
    permitted = _permitted_agent(text, before, sentence_start, act_start)
    if permitted is not None:
        chosen = permitted
    if chosen is None:
        subjects = [m for m in before if m.role not in _NOT_DOING
                    and not (skip_speakers and _speaks(text, m, act_start))]
        chosen = subjects[-1] if subjects else None
    if chosen is None and addressed:
        # 「找村委会反映情况，回应态度恶劣」: with no subject named, the one addressed is the one who answered.
        # A shop or company called answers for itself too (「打电话给物业，态度还恶劣」: the property firm's staff).
        # Not for money or meals, whose accused is the official who received (「和开发商物业利益输送」), and not
        # for a place (「在长重机械厂对面……索贿」).
        spoken_to = [m for m in before if m.role in ("object", "place")
                     and (m.post or m.body_kind == "public_body"
                          or m.body_kind == "private_body" and m.role == "object" and not prefer_public)]
        chosen = spoken_to[-1] if spoken_to else None
    if chosen is None and not title_only:
        # 「态度恶劣的医生」; 「门难进、脸难看，这就是我们街道办的作风」
        after = [m for m in mentions if act_end <= m.start < sentence_end and m.role not in _NOT_DOING
                 and (m.start < clause_end and text[act_end:m.start].endswith("的") or text[m.end:m.end + 3].startswith("的作风"))]
        chosen = after[0] if after else None
    how = "同句"
    if chosen is None and reach is None and not title_only:
        earlier = [m for m in mentions if previous_start <= m.start and m.end <= sentence_start
                   and m.role not in _NOT_DOING]
        chosen = earlier[-1] if earlier else None
        how = "上一句"
    if chosen is None and reach is None:
        # The letter's title says whom it is about (「请彻查某村村委成员贪腐集体财产」).
        title_end = next((i for i, char in enumerate(text) if char in "。！？!?\n"), len(text))
        if title_end < sentence_start:
            subjects = [m for m in mentions if m.end <= title_end and m.role not in _NOT_DOING]
            chosen = subjects[0] if subjects else None
            how = "来信标题"
    if chosen is None:
        return None, None
    if chosen.post_kind == "pronoun":
        antecedent = _antecedent(text, mentions, chosen.start, chosen.post)
        if antecedent is not None and antecedent.post is None and chosen.post in ("他", "她"):
            how = f"「{chosen.post}」是接电话的人，即所打电话的「{antecedent.body}」的人员"
            chosen = antecedent
        elif antecedent is not None:
            company = _company_after(text, mentions, antecedent) if chosen.post in ("他们", "她们") else []
            how = f"「{chosen.post}」指前文的人" + (
                f"（与「{'」「'.join(m.text for m in company)}」一伙）" if company else "")
            chosen = antecedent
    return _judged(text, mentions, chosen, how, by_hand=not addressed, lower=0.1 if how == "来信标题" else 0.0), chosen


def _speaks(text: str, mention: Mention, act_start: int) -> bool:
    """「民警指认林某殴打」: the one who says or identifies, right after being named, is not the doer; a verb of
    saying further on (「小区物业这种推诿责任……先反映的情况如下：服务态度差」) does not make them a speaker, nor
    does the citizen's own (「村主任说我再去举报就给我穿小鞋」: the one reporting is 我)."""
    said = _SPEAKER.search(text, mention.end, min(act_start, mention.end + 8))
    return bool(said) and not _CLAUSE_BREAK.search(text, mention.end, said.start()) \
        and not _CITIZEN_SUBJECT.search(text, mention.end, said.start())


def _permitted_agent(text: str, before: list[Mention], sentence_start: int, act_start: int) -> Mention | None:
    """「所长默许、放任该村一村民黄某改变土地性质，违规侵占集体用地」: after a verb of letting (放任, 纵容,
    默许, 任由, 包庇), the one let is the agent of what follows; the official who let it is not its doer."""
    verbs = list(_LETS.finditer(text, max(sentence_start, act_start - 40), act_start))
    if not verbs:
        return None
    verb = verbs[-1]
    let = [m for m in before if 0 <= m.start - verb.end() <= 12 and m.post
           and not _CLAUSE_BREAK.search(text, verb.end(), m.start) and m.role in ("subject", "agent")]
    return let[0] if let else None


def resolve_antecedent(text: str, mentions: list[Mention], position: int,
                       reach: int = 120) -> tuple[Doer | None, Mention | None]:
    """The person a pronoun at `position` points back to across sentences (「咨询李校长……叫我告到哪里他也不怕」):
    the last person named within `reach` characters before it."""
    chosen = _antecedent(text, mentions, position, None, reach)
    if chosen is None:
        return None, None
    return _judged(text, mentions, chosen, "代词指前文的人"), chosen


def resolve_dropped_subject(text: str, mentions: list[Mention], previous_start: int,
                            sentence_start: int) -> tuple[Doer | None, Mention | None]:
    """The doer of a sentence that drops its subject: the first person the sentence before names as its subject
    (「镇长李某带人来到我家。一进门就骂我们」: the 镇长), a pronoun followed back; None when it names none."""
    subjects = [m for m in mentions if previous_start <= m.start and m.end <= sentence_start and m.role == "subject"
                and m.post and m.post_kind not in ("citizen",)]
    if not subjects:
        return None, None
    chosen = subjects[0]
    if chosen.post_kind == "pronoun":
        chosen = _antecedent(text, mentions, chosen.start, chosen.post)
        if chosen is None:
            return None, None
    return _judged(text, mentions, chosen, "本句省略主语，承上一句的主语", lower=0.1), chosen


def opens_without_subject(text: str, sentence_start: int) -> bool:
    """A sentence that opens with when it happened and goes straight on with a preposition or a verb has dropped its
    subject, however long the rest (「半夜时分往住户屋里扔炸药包、扔石头砸玻璃」「第二天一早又到我家……」): a subject
    would stand before the preposition. An opening with anything else (「身旁的病友骂我」) may hold a subject the
    word lists do not know."""
    return bool(_TIME_THEN_VERB.match(text, sentence_start))


def _antecedent(text: str, mentions: list[Mention], position: int, pronoun: str | None,
                reach: int = 120, hops: int = 8, chained: bool = False) -> Mention | None:
    """Whom a pronoun at `position` points back to: the last person named within `reach` characters before it;
    for 他们/她们 a body too, even one only visited or called (「打住建委信访局的电话，可是他们说…」). A person
    who already acted on a 他/她 (「警官也多次警告他不要辱骂」) is not the 他 who does the next thing. With
    nobody named within reach, the same pronoun used before is the same person, followed back up to `hops`
    times (「该警员说……他说法律有规定……他说不出来……就说有事你去上诉」; a village letter says 他们 of its
    two cadres paragraph after paragraph) — to a person who was the subject there,
    not one acted upon (「买通官员……他手下……他靠威胁私了」: the 他 is the one who bribed)."""
    plural = pronoun in ("他们", "她们")
    candidates = [m for m in mentions if m.end <= position and position - m.end <= reach
                  and m.post_kind not in ("pronoun", "citizen") and m.post != "人家"  # 人家 is itself a pronoun
                  and ((m.post and m.role not in _ASIDE)
                       or (plural and m.body and m.post is None and m.role in ("subject", "place")))]
    preferred, rest = _by_salience(text, mentions, candidates, pronoun, position)

    def first_fitting(pool: list[Mention]) -> Mention | None:
        for candidate in pool:
            if chained and candidate.role != "subject":
                continue
            clause_end = _CLAUSE_BREAK.search(text, candidate.end)
            stop = min(position, clause_end.start() if clause_end else position)
            if not plural and _ACTS_ON_HIM.search(text, candidate.end, stop):
                continue
            return candidate
        return None

    found = first_fitting(preferred)
    if found is not None:
        return _in_company(text, mentions, found) if plural else found
    same = [m for m in mentions if pronoun and m.post == pronoun and m.end <= position and position - m.end <= reach]
    if same and hops > 0:
        # The same pronoun before stands for someone who fits better than the writer's family named since
        # (「……离她远远的门口。接着，她开始“审问”我们」).
        found = _antecedent(text, mentions, same[-1].start, pronoun, reach, hops - 1, chained=True)
        if found is not None:
            return found
    found = first_fitting(rest)
    if found is not None or chained:
        return found
    # With no person named before, a shop or company the letter is about is whom 他 means (「水果店天天高音喇叭
    # 叫卖……他依仗本地人……还要打人」: the shopkeeper). Only a private one: a public body's 他 stays unclear, as
    # the letter does not say which of its staff acted.
    shops = [m for m in mentions if m.end <= position and position - m.end <= reach and m.post is None
             and m.body_kind == "private_body" and m.role == "subject"]
    if shops:
        return shops[-1]
    # 「我就给派出所打电话……她非常不耐烦地挂了电话」: the one who answers the number the writer called is that body's
    # staff, whatever body it is — unlike someone met at an office, who might be anyone there.
    return _called(text, mentions, position) if not plural else None


def _called(text: str, mentions: list[Mention], position: int) -> Mention | None:
    """The body the writer phoned last before `position`, with nobody named since (a quoted conversation may run
    long, hence the wider reach)."""
    here = _quote_at(text, position)
    before = [m for m in mentions if m.end <= position and position - m.end <= _CALL_REACH and m.post_kind != "pronoun"
              and _quote_at(text, m.start) in (None, here)]  # what the two said on the line names nobody new
    if not before or before[-1].post is not None or before[-1].body is None:
        return None
    body = before[-1]
    return body if _PHONED.search(text, max(0, body.start - 6), body.start) and _PHONED_AFTER.match(text, body.end) \
        or _DIALLED.search(text, max(0, body.start - 4), body.start) else None


# 「警官也多次警告他」「民警制止了他」: the one named acted on 他, so the next 他 is someone else.
_ACTS_ON_HIM = re.compile(r"(?:警告|批评|教育|劝说|劝阻|劝|制止|训斥|呵斥|告诫|提醒|要求|通知|拘留|传唤|处罚|带走)了?[他她](?!们)")
_NOT_DOING = ("object", "place", "citizen", "home", "addressee", "witness")  # roles of people who are not the doer
# Not even the receiving side, nor whom a later 他 points back to: 「当着村干部的面，他打了我」 — the cadre looked on,
# the 他 is someone the letter does not name.
_ASIDE = ("place", "home", "addressee", "witness")
_CLAUSE_BREAK = re.compile(r"[，,。！？!?；;：:]")
_LETS = re.compile(r"放任|纵容|默许|任由|任凭|听任|包庇|袒护|允许")
# 「民警指认林某殴打」: the one who says or identifies is not the one who did it.
# Besides the data's `person_nouns` (一位女士, 男子 …; doers.yaml), which `_someone` reads as well.
_SOMEONE = {"有人", "某些人", "一些人", "别人", "他人", "人家", "该男子", "该女子"}
_CITIZEN_SUBJECT = re.compile(r"我|本人")
_SPEAKER = re.compile(r"指认|声称|证实|控告|举报|反映|表示")


def _context_body(mentions: list[Mention], mention: Mention, text: str | None = None) -> Mention | None:
    """The body named most recently before a bodiless person (the letter's title counts); for 「该工作人员」
    「这位领导」, the body of the same post named with one before (「村委会工作人员……政府要求……该工作人员」: the
    village committee's, not the government the letter mentioned in between)."""
    bodies = [m for m in mentions if m.body and m.end <= mention.start]
    if text is not None and mention.post and _THIS_ONE.search(text, max(0, mention.start - 2), mention.start):
        same = [m for m in bodies if m.post == mention.post]
        if same:
            return same[-1]
    if text is not None:
        # 「去公安局换证……我的户口落在大学，我们告诉工作人员」: where something merely lies (落在/住在/位于 …) is not
        # where the writer is being served; it counts only when the letter names no other body.
        dealt_with = [m for m in bodies if not _LOCATED.search(text, max(0, m.start - 4), m.start)]
        bodies = dealt_with or bodies
    return bodies[-1] if bodies else None


_THIS_ONE = re.compile(r"(?:该|此|这位|那位|这个|那个|这名|那名)$")


def _status_in(mention: Mention, mentions: list[Mention], text: str | None = None) -> str:
    return classify(mention, _context_body(mentions, mention, text))[0]


# --- doer resolution as a small discourse model ------------------------------------------------------------
# A letter tells a scene: the writer goes somewhere or calls someone, a public servant deals with them, and later
# clauses refer to that servant by a pronoun (她) or by a description (「一位女士」「女孩」). Who those refer to is
# decided here by what the letter has put on stage, not by the nearest word: a description is the servant the
# letter was last dealing with, unless someone else (a private party, a fellow citizen, another unnamed person)
# was named in between; a pronoun agrees in gender and passes over the writer's own family when they only come
# along (「我把母亲的轮椅推到她的桌边」).

_COMMANDS = re.compile(r"叫|喊|找|带|派|让|指使|指派|安排|纠集|唆使|授意|雇")
# 「给派出所打电话」「打派出所的电话」「致电街道办」「拨打社区电话」
_PHONED = re.compile(r"(?:给|向|往|打)$")
_PHONED_AFTER = re.compile(r"(?:的)?(?:打(?:了|过)?(?:个|一个|几个|多次)?电话|(?:值班|办公)?电话|打去电话|去电)")
_DIALLED = re.compile(r"(?:致电|拨打|打通|电话打到|电话打给|打电话到|打电话给|打电话问)$")
_QUOTE = re.compile(r"“[^”]*(?:”|$)|「[^」]*(?:」|$)|\"[^\"]*(?:\"|$)")
# When, then a preposition or an adverb of going on: 「半夜时分往」「第二天一早又到」「当晚就把」「次日上午再次来到」.
_TIME_THEN_VERB = re.compile(
    r"\s*(?:半夜|深夜|凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|当晚|当天|当日|次日|第二天|第三天|隔天|后来|随后|接着|然后|之后|不久)"
    r"(?:时分|时候|一早|上午|下午|晚上|\d{1,2}点(?:多|左右|半)?(?:钟)?)?[，,]?\s*(?:就|又|再次|再|便|竟然|居然|还)?"
    r"(?:往|向|朝|到|来到|冲到|跑到|闯到|闯进|冲进|把|将|对|拿|用|带着|带人)")
_CALL_REACH = 600  # characters of a phone conversation after the call
_SCENE_REACH = 150  # characters back from a description to the servant it stands for
# Members of one group: 「200多个政府工作人员，还有60多个黑社会的人」「民警和协警」「还有三十多个社会上的混混」.
_JOINED = re.compile(r"(?:的人)?[，,]?\s*(?:、|和|及|与|以及|还有|加上|连同|同|跟)\s*"
                     r"[\d一二三四五六七八九十百千几多余个名位些]*(?:[^，,。！？!?；;]{1,8}的)?")
_LOCATED = re.compile(r"(?:[住落生居放存设位]在|位于|地处|坐落于|属于|隶属于?|归属于?)$")
_WRITER = re.compile(r"(?:我|我们|咱|咱们|本人)(?:的|家)?$")
_SOMEONE_ELSES = re.compile(r"(?:的|之|其|他|她|它)$")
_OPENS_CLAUSE = re.compile(r"\s*(?:我|我们|咱|咱们|本人)?(?:的|家)?")
_CLAUSE_OR_QUOTE = re.compile(r"[，,。！？!?；;：:“”\"「」‘’\n]")


def _someone(post: str | None) -> bool:
    """Someone the letter does not say who (「有人」「一名男子」「一位女士」)."""
    return bool(post) and (post in _SOMEONE or post in default_words().words["person_nouns"])


def _judged(text: str, mentions: list[Mention], chosen: Mention, how: str, by_hand: bool = False,
            lower: float = 0.0) -> Doer:
    """The Doer for the mention a resolution chose, with the evidence: a description stands for the servant the
    scene was about; anyone else is classified as named."""
    served_by, commanded = _served_by(text, mentions, chosen)
    if served_by is not None:
        merged = Mention(chosen.start, chosen.end, served_by.body, served_by.body_kind, served_by.post,
                         served_by.post_kind, served_by.name, chosen.role)
        status, confidence, reason = classify(merged, _context_body(mentions, served_by, text), by_hand=by_hand)
        link = (f"「{chosen.post}」是「{served_by.text}」叫来的人，按其指使计" if commanded
                else f"「{chosen.post}」即上文的「{served_by.text}」（其间没有提到别人）")
        return Doer(served_by.body, served_by.post, served_by.name, status, confidence - 0.1 - lower, f"{how}：{link}；{reason}")
    status, confidence, reason = classify(chosen, _context_body(mentions, chosen, text), by_hand=by_hand)
    return Doer(chosen.body, chosen.post, chosen.name, status, confidence - lower, f"{how}：{reason}")


def _served_by(text: str, mentions: list[Mention], mention: Mention) -> tuple[Mention | None, bool]:
    """For a description with no body or name (「一位女士」「女孩」「那位女士」): the public servant the letter was
    dealing with just before it was first described (「我们告诉工作人员要换证。一位女士眼睛抬也不抬」), and whether
    the description is rather someone that servant sent for in his own clause (「科长叫了个小伙子把我拖走」). Nobody
    when a private party, a citizen or another unnamed person comes in between (the description may be them), or
    when the last one named is not a public servant. A body alone is not enough: 「去街道办反映，一名男子……」 does
    not say he works there (as a pronoun with only an office before it stays unclear)."""
    person_nouns = default_words().words["person_nouns"]
    if mention.body is not None or mention.name or mention.post not in person_nouns:
        return None, False
    first = mention  # 「一位女士……那位女士」: the same person described again
    for earlier in reversed(mentions):
        if earlier.end <= first.start and first.start - earlier.end <= _SCENE_REACH and earlier.post == mention.post \
                and earlier.body is None and not earlier.name:
            first = earlier
    for earlier in reversed([m for m in mentions if m.end <= first.start and first.start - m.end <= _SCENE_REACH]):
        if earlier.post_kind == "pronoun" or earlier.role in ("addressee", "witness", "home"):
            continue
        if earlier.post in person_nouns and earlier.body is None and not earlier.name:
            # 「一个漂亮的工作人员，不料小姑娘竟说……女孩没好气地说」: descriptions one after another with nobody else
            # in between are one person, whoever the first stands for.
            return _served_by(text, mentions, earlier)
        if earlier.post_kind == "citizen" or _someone(earlier.post):
            return None, False
        if earlier.post_kind == "private_person":
            if _writers_kin(text, earlier, mentions):
                continue  # the writer's family came along: a stranger is never named by kinship
            return None, False
        if earlier.post is None:
            if earlier.body_kind == "private_body":
                return None, False
            continue
        if _status_in(earlier, mentions, text) == NOT_PUBLIC:
            return None, False
        if not _CLAUSE_BREAK.search(text, earlier.end, first.start):
            # One described in the servant's own clause is someone else: 「民警和一名男子」 says nothing of him, but
            # 「科长就叫了一个穿便衣的小伙子把我拖走」 is the servant's doing, like 「纠集」「指使」.
            return (earlier, True) if _COMMANDS.search(text, earlier.end, first.start) else (None, False)
        return earlier, False
    return None, False


def _writers_kin(text: str, mention: Mention, mentions: list[Mention]) -> bool:
    """「我母亲」「我的儿子」「老公」 (a bare kinship word in a letter is the writer's), not 「村干部的儿子」「他妻子」."""
    if mention.post not in default_words().words["kin"]:
        return False
    before = text[max(0, mention.start - 4):mention.start]
    if _WRITER.search(before):
        return True
    return not (_SOMEONE_ELSES.search(before) or any(m.end == mention.start for m in mentions))


def _gender(text: str, mention: Mention) -> str | None:
    words = default_words().words
    post = mention.post or ""
    marked = text[mention.start - 1] if mention.start else ""
    if post in words["female"] or post.startswith("女") or marked == "女":
        return "female"
    if post in words["male"] or post.startswith("男") or marked == "男":
        return "male"
    return None


def _in_company(text: str, mentions: list[Mention], last: Mention) -> Mention:
    """For 他们: the group the last one named belongs to, one after another with only a conjunction and a count
    between (「来了200多个政府工作人员，还有60多个黑社会的人，他们把我家包围起来」) — a public servant among them
    answers for what they did together."""
    group = [last]
    for earlier in reversed([m for m in mentions if m.end <= last.start and m.post_kind != "pronoun"]):
        if not _JOINED.fullmatch(text, earlier.end, group[-1].start):
            break
        group.append(earlier)
    public = [m for m in group if _status_in(m, mentions, text) == PUBLIC]
    return public[-1] if public and len(group) > 1 else last


def _company_after(text: str, mentions: list[Mention], member: Mention) -> list[Mention]:
    """Those named right after `member` as one group with it (「政府工作人员，还有60多个黑社会的人」)."""
    company = []
    for later in [m for m in mentions if m.start >= member.end and m.post_kind != "pronoun"]:
        if not _JOINED.fullmatch(text, (company[-1] if company else member).end, later.start):
            break
        company.append(later)
    return company


def _by_salience(text: str, mentions: list[Mention], candidates: list[Mention], pronoun: str | None,
                 position: int) -> tuple[list[Mention], list[Mention]]:
    """The candidates for a pronoun, nearest first, in two pools: those that agree in gender and are not the
    writer's family merely coming along (「当我把母亲的轮椅推到靠近她的桌边时」: not the mother) and are not named only
    inside someone's quoted words while the pronoun is outside them (「我问：“……我儿子……”他不耐烦」), and the rest,
    taken only when neither the first pool nor the same pronoun used before gives anyone — 她 never points to a
    man."""
    wanted = "female" if pronoun in ("她", "她们") else "male" if pronoun == "他" else None

    def companion(mention: Mention) -> bool:
        if not _writers_kin(text, mention, mentions):
            return False
        breaks = list(_CLAUSE_OR_QUOTE.finditer(text, 0, mention.start))
        clause_start = breaks[-1].end() if breaks else 0
        return not _OPENS_CLAUSE.fullmatch(text, clause_start, mention.start)  # 「母亲急了」「我母亲说」 take the stage

    here = _quote_at(text, position)

    def quoted_elsewhere(mention: Mention) -> bool:  # named inside someone's quoted words, the pronoun outside them
        quote = _quote_at(text, mention.start)
        return quote is not None and quote != here

    preferred, rest = [], []
    for candidate in reversed(candidates):
        gender = _gender(text, candidate)
        if wanted == "female" and gender == "male":
            continue
        dispreferred = (wanted and gender and gender != wanted) or companion(candidate) or quoted_elsewhere(candidate)
        (rest if dispreferred else preferred).append(candidate)
    return preferred, rest


def _quote_at(text: str, index: int) -> tuple[int, int] | None:
    """The quotation (「…」, “…”, "…") that holds text[index], if any, as (start, end)."""
    return next((span for span in _quotations(text) if span[0] <= index < span[1]), None)


@lru_cache(maxsize=4)
def _quotations(text: str) -> tuple[tuple[int, int], ...]:
    """Every quotation of a text, read once per letter (an opening mark without its closing runs to the end)."""
    return tuple(match.span() for match in _QUOTE.finditer(text))
