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
from importlib import resources

PUBLIC, NOT_PUBLIC, UNCLEAR = "public", "not_public", "unclear"
STATUS_ZH = {PUBLIC: "公职人员", NOT_PUBLIC: "非公职人员", UNCLEAR: "身份不明"}
_LIST_KEYS = ("public_bodies", "public_services", "mixed_services", "state_enterprises", "private_bodies", "not_bodies", "not_posts",
              "public_posts", "manager_posts", "generic_posts", "private_people", "citizens", "pronouns", "object_markers",
              "passive_markers", "salutations")
# Characters that end the name of a body when reading backwards from its ending (「去住建局」 -> 住建局).
_NAME_STOP = set("，。！？；：、,.!?;:（）()“”\"' 的在到去找向对和与跟被把了是说给从由及或而且但还也就都我你他她它们该此这那其遇映诉报询往经□自本贵有")  # noqa: E501
_NAME_REACH = 10
_JOINERS = re.compile(r"^(?:的|里|之|中|内|这个|那个|这位|那位|一位|一名|一个|个|负责|某|那|这|一|位|名|两名|几名|多名|主要|分管|具体|相关|有关)*$")  # noqa: E501
_VERB_CHARS = set("在对说接是就还和与把被给向的了也都再又因称为到去来叫将让从跟不没打骂要收拿说讲")
_BOUNDARY = set("，。！？；：、,.!?;:（）() “”\"'")
# A person's name given by a surname: 「姓王的」「王姓」「王某」「王某某」.
_SURNAME_FORMS = (r"姓([{s}])的?$", r"([{s}])姓$", r"([{s}])(?:某某|某)$", r"([{s}])$")


@dataclass(frozen=True)
class DoerWords:
    words: dict[str, tuple[str, ...]]
    surnames: str
    scan: re.Pattern  # every body ending, post, private person and pronoun, longest first
    kinds: dict[str, str]  # word -> public_body | service | state | private_body | public_post | generic_post | ...
    not_bodies: re.Pattern
    not_posts: re.Pattern
    salutations: re.Pattern | None
    names_after: re.Pattern  # 「科长李建」: a surname and one or two characters after a post
    lone_names: re.Pattern  # 「李某」「张某某」 anywhere


def build_words(documents: list[dict]) -> DoerWords:
    lists: dict[str, list[str]] = {key: [] for key in _LIST_KEYS}
    surnames = ""
    for document in documents:
        section = (document or {}).get("doers") or {}
        for key in _LIST_KEYS:
            lists[key] += [str(word) for word in section.get(key) or []]
        surnames += str(section.get("surnames") or "")
        # A later file moves a word between the people lists (医生 into public_posts).
        for key, other in (("public_posts", "private_people"), ("private_people", "public_posts")):
            moved = {str(word) for word in section.get(key) or []}
            lists[other] = [word for word in lists[other] if word not in moved]
    kinds: dict[str, str] = {}
    # Later assignments win: a person word beats a body word of the same spelling (城管 the officer).
    for key, kind in (("public_bodies", "public_body"), ("public_services", "service"), ("mixed_services", "mixed"),
                      ("state_enterprises", "state"), ("private_bodies", "private_body"),
                      ("generic_posts", "generic_post"), ("manager_posts", "manager_post"),
                      ("private_people", "private_person"), ("citizens", "citizen"), ("public_posts", "public_post"),
                      ("pronouns", "pronoun")):
        for word in lists[key]:
            if key == "manager_posts" and kinds.get(word) == "public_post":
                continue
            kinds[word] = kind
    surnames = "".join(dict.fromkeys(surnames))
    return DoerWords(
        words={key: tuple(value) for key, value in lists.items()}, surnames=surnames,
        scan=_alternation(kinds), kinds=kinds, not_bodies=_alternation(lists["not_bodies"]),
        not_posts=_alternation(lists["not_posts"]),
        salutations=_alternation(lists["salutations"]) if lists["salutations"] else None,
        names_after=re.compile(rf"^[{surnames}](?:某某|某|[\u4e00-\u9fff]{{1,2}})"),  # 「胡某强占」: 胡某
        # 「李某」「张某某」; 「自称是姓王，说……」 (a person who gave only a surname, not 「我姓王」)
        lone_names=re.compile(rf"(?<![\u4e00-\u9fff])[{surnames}](?:某某|某)|(?<=[的位名个])[{surnames}](?:某某|某)"
                              rf"|(?<![我人])(?<=[是说称])姓[{surnames}](?=[，,。：:])"),
    )


def _alternation(words) -> re.Pattern:
    ordered = sorted({word for word in words if word}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in ordered))


@lru_cache(maxsize=1)
def default_words() -> DoerWords:
    import yaml

    text = resources.files("rexian.text").joinpath("data/doers.yaml").read_text(encoding="utf-8")
    return build_words([yaml.safe_load(text)])


@dataclass(frozen=True)
class Mention:
    """A body, a person, or both (「街道办事处的姓郭的工作人员」), as named at one place in the text."""

    start: int
    end: int
    body: str | None
    body_kind: str | None  # public_body | service | state | private_body
    post: str | None
    post_kind: str | None  # public_post | manager_post | generic_post | private_person | pronoun
    name: str | None
    role: str  # subject | object | agent (after 被/遭)

    @property
    def text(self) -> str:
        return "".join(part for part in (self.body, self.post) if part) + (f"（{self.name}）" if self.name else "")


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


def blank_salutations(text: str, words: DoerWords) -> str:
    """`text` with salutations blanked out (same length): 「尊敬的领导」 names nobody who did anything."""
    if words.salutations is None:
        return text
    return words.salutations.sub(lambda match: "□" * len(match.group(0)), text)


def find_mentions(text: str, words: DoerWords | None = None) -> list[Mention]:
    """Every body and person the text names, in order, with adjacent body and person joined."""
    words = words or default_words()
    text = blank_salutations(text, words)
    blocked = [match.span() for match in words.not_bodies.finditer(text)]
    not_posts = [match.span() for match in words.not_posts.finditer(text)]
    tokens = []
    for match in words.scan.finditer(text):
        kind = words.kinds[match.group(0)]
        if any(start <= match.start() < end for start, end in (blocked if kind in _BODY_KINDS else not_posts)):
            continue
        tokens.append((match.start(), match.end(), match.group(0), kind))
    for match in words.lone_names.finditer(text):
        tokens.append((match.start(), match.end(), match.group(0), "named"))
    tokens.sort()
    mentions: list[Mention] = []
    read_up_to = 0  # where the last word read ends: a body's name does not reach back over it
    for start, end, word, kind in tokens:
        if mentions and start < mentions[-1].end:
            continue
        previous = mentions[-1] if mentions else None
        between = text[previous.end:start] if previous else ""
        floor, read_up_to = read_up_to, max(read_up_to, end)
        if kind in _BODY_KINDS:
            # 「所有置业顾问无视政府规定」: the name of 政府 does not swallow the sales staff before it.
            body_start = _body_start(text, start, floor)
            body = text[body_start:end]
            if kind in ("private_body", "mixed", "service") and _UNNAMED.fullmatch(body, 0, len(body) - len(word)):
                # 「民爆器材有限公司……自公司成立以来」: a bare 「公司」 is the company named before;
                # 「A3区第三幼儿园……幼儿园收取介绍费」: a bare 「幼儿园」 is the kindergarten named before.
                named = [(m, m.body) for m in reversed(mentions) if m.body and m.body.endswith(word) and m.body != word]
                telling = [pair for pair in named if (_PUBLIC_NAME.search(pair[1]) and not _CLAIMED.search(pair[1]))
                           or _PRIVATE_NAME.search(pair[1])]
                if named:
                    earlier, earlier_body = (telling or named)[0]
                    if earlier.body_kind:
                        kind = earlier.body_kind
                        if kind == "mixed":
                            body = earlier_body
            if previous and previous.body and previous.post is None and between in ("", "的"):
                # 「A2区政府计生办」: two endings in a row are one body, the last one decides.
                mentions[-1] = Mention(previous.start, end, previous.body + between + word, kind, None, None, None,
                                       _role(text, previous.start, words, end))
            else:
                people = _PEOPLE_OF.match(text, end)
                if people:  # 「自考办的人」「镇里的那个人」
                    mentions.append(Mention(body_start, people.end(), body, kind, "人员", "generic_post", None,
                                            _role(text, body_start, words)))
                else:
                    mentions.append(Mention(body_start, end, body, kind, None, None, None,
                                            _role(text, body_start, words, end)))
            continue
        if kind == "citizen":
            if previous and previous.body and previous.post is None and _JOINERS.match(between):
                # 「大元社区居民苏健明」: the body is where the citizen lives, not someone who acts.
                mentions[-1] = Mention(previous.start, previous.end, previous.body, previous.body_kind, None, None,
                                       None, "home")
            named = words.names_after.match(_trim_name(text[end:end + 5]))
            if named and not _CITIZEN_NOT_NAMED.match(text, end):
                # 「村民黄涛跃」「居民苏健明」: a named citizen acts as a private person.
                mentions.append(Mention(start, end + len(named.group(0)), None, None, word, "private_person",
                                        named.group(0), _role(text, start, words, end, person=True)))
            else:
                mentions.append(Mention(start, end, None, None, word, kind, None, "citizen"))
            continue
        name, post_start = _name_before(text, start, words)
        name_after = None
        title = 0  # characters of a form of address after the name (「同志」)
        if kind == "named":
            name, post, post_kind = (word[1] + "某" if word.startswith("姓") else word), None, "generic_post"
        else:
            post, post_kind = word, kind
            if kind != "pronoun":
                after = words.names_after.match(_trim_name(text[end:end + 5]))
                if after and not name:
                    name_after = after.group(0)
                    if text.startswith("同志", end + len(name_after)):  # 「交警陈愈同志」: the address is part of it
                        title = 2
        if previous and previous.body and previous.post is None and _JOINERS.match(text[previous.end:post_start]):
            role = "subject" if previous.role == "place" else previous.role  # 「在派出所的民警」 acts
            mentions[-1] = Mention(previous.start, end + len(name_after or "") + title, previous.body, previous.body_kind,
                                   post, post_kind, name or name_after, role)
        else:
            mentions.append(Mention(post_start, end + len(name_after or "") + title, None, None, post, post_kind,
                                    name or name_after, _role(text, post_start, words, end, person=True)))
    return _structural_roles(text, _recalled_names(text, mentions, words))


def _recalled_names(text: str, mentions: list[Mention], words: DoerWords) -> list[Mention]:
    """Mentions plus every later use of a full name first given with a post (「办案民警毛骏……毛骏对到访的受害人
    冷眼相待」): the bare name is the same person, with the body and post given before. The name is looked for
    by its first two characters (surname and first given name), which a 3-character name also begins with."""
    known: dict[str, Mention] = {}
    for mention in mentions:
        if mention.name and "某" not in mention.name and len(mention.name) >= 2 and mention.post \
                and mention.post_kind not in ("pronoun", "citizen") and mention.name[1] not in _VERB_CHARS:
            known.setdefault(mention.name[:2], mention)
    if not known:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    recalled = []
    for key, first in known.items():
        for match in re.compile(re.escape(key)).finditer(text, first.end):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            recalled.append(Mention(match.start(), match.end(), first.body, first.body_kind, first.post, first.post_kind,
                                    first.name, _role(text, match.start(), words, match.end(), person=True)))
    return sorted(mentions + recalled, key=lambda m: m.start)


def _structural_roles(text: str, mentions: list[Mention]) -> list[Mention]:
    """Roles that need the whole clause: the ones a 「经…协调」 phrase names mediate; a body or person joined
    by 和/及/与/、 to an object or a mediator shares that role (「与社区及派出所关系好」); a post at the head of a
    letter or sentence followed by 「：」「，」 or a greeting is the one addressed (「胡华衡书记：」「尊敬的孔书记」
    「区长你好」)."""
    mediated = [match.span(1) for match in _MEDIATED.finditer(text)]
    result: list[Mention] = []
    for mention in mentions:
        role = mention.role
        if role in ("subject", "agent") and any(start <= mention.start < end for start, end in mediated):
            role = "object"
        if result and role == "subject" and result[-1].role == "object" and \
                _COORDINATED.fullmatch(text, result[-1].end, mention.start):
            role = "object"
        if mention.post and role in ("subject", "object") and _is_vocative(text, mention):
            role = "addressee"
        result.append(mention if role == mention.role else Mention(mention.start, mention.end, mention.body,
                                                                      mention.body_kind, mention.post, mention.post_kind,
                                                                      mention.name, role))
    return result


def _is_vocative(text: str, mention: Mention) -> bool:
    before = text[max(0, mention.start - 6):mention.start]
    if re.search(r"(?:尊敬|敬爱|亲爱)的$", before):
        return True
    return bool((mention.start == 0 or re.search(r"[。！？!?\n：:]\s*$", before)) and mention.body is None
                and re.match(r"\s*(?:[：:，,！!]|[您你]好|们好|好[，,！!：:])", text[mention.end:mention.end + 3]))


def _body_start(text: str, ending_start: int, floor: int = 0) -> int:
    start = ending_start
    while start > floor and ending_start - start < _NAME_REACH and text[start - 1] not in _NAME_STOP:
        start -= 1
    # 「对于小区物业这种…」: 对于 is "regarding", its 于 no part of the name (and what follows is the topic).
    if start < ending_start and text[start] == "于" and start and text[start - 1] == "对":
        start += 1
    # 「为何一中屡屡违规」: a question word or connective before a name is not part of it.
    lead = _NOT_NAME_START.match(text, start, ending_start)
    start = lead.end() if lead else start
    # 「一直没解决心里特别窝火请相关部门管一管」 (unpunctuated speech): a request inside the span ends what came
    # before it, so the body named after it is the one asked, not a name swallowing the sentence.
    requests = list(_REQUEST_INSIDE.finditer(text, start, ending_start))
    return requests[-1].end() if requests else start


def _trim_name(after: str) -> str:
    # 「科长李建接访」: a name stops at a verb or punctuation; 「交警陈愈同志」: at the form of address; at most three
    # characters.
    after = after.split("同志")[0][:3]
    for index, char in enumerate(after):
        if index >= 2 and (char in _VERB_CHARS or char in _BOUNDARY):
            return after[:index]
        if index >= 1 and char in _BOUNDARY:
            return after[:index]
    return after


def _name_before(text: str, post_start: int, words: DoerWords) -> tuple[str | None, int]:
    """A surname written just before a post (「王科长」「姓王的工作人员」「王姓工作人员」「李某主任」): the
    name (as 王某) and where the mention then starts."""
    before = text[max(0, post_start - 4):post_start]
    for form in _SURNAME_FORMS:
        match = re.search(form.format(s=words.surnames), before)
        if not match:
            continue
        surname = match.group(1)
        ahead = before[:match.start(1)]
        if ahead.endswith(_NOT_NAME_BEFORE):  # 「对方领导」 is the other side, not a Mr 方
            continue
        written = match.group(0)[match.group(0).find(surname):] if "姓" not in match.group(0) else None
        name = written.rstrip("的") if written and "某" in written else surname + "某"
        return name, post_start - (len(before) - (match.start() if "姓" in match.group(0) else match.start(1)))
    return None, post_start


# 「722学校校长」 (a date before a bare 学校): no name of its own, so the body is the one named before.
_UNNAMED = re.compile(r"[\d\s]*")
_NOT_NAME_BEFORE = ("对", "双", "各", "官", "甲", "乙", "地", "多")
_BODY_KINDS = ("public_body", "service", "mixed", "state", "private_body")
_NOT_NAME_START = re.compile("(?:" + "|".join((
    "恳请 请求 敬请 请 希望 要求 建议 呼吁 彻查 严查 查处 调查 督促 责令 关于 投诉 举报 反映 通过 经过 "
    "为何 为什么 难道 竟然 居然 然而 可是 但是 因为 如果 导致 致使 发现 得知 据说 听说 认为 相信 以为 无视 设立 开设 开办 "
    "创办 注册 贿赂 收买 买通 拉拢 假借 冒充 冒用 打着 授意 指使 唆使 配合 协助 帮助 勾结 伙同 串通").split()) + ")+")
_REQUEST_INSIDE = re.compile(r"恳请|请求|敬请|请|要求|希望(?!小学|中学|学校)")
# 「民办学校」「私立医院」 are private; 「公办幼儿园」 is public whatever its ending says.
_PRIVATE_NAME = re.compile(r"民办|私立|私人|私营")
# 「开发商承诺为公立性幼儿园」「号称公办」: a public name only promised or claimed says nothing.
_CLAIMED = re.compile(r"承诺|号称|声称|自称|说是|宣称|打着")
_PUBLIC_NAME = re.compile(r"公办|公立|机关|[区县市]第[一二三四五六七八九十\d]+|[区县市]实验")  # 「A3区第三幼儿园」


_ADDRESS_AFTER = re.compile(r"(?:办公室|大门|大厅|窗口前|小区|路|街(?!道)|号|栋|村(?!委|干部|支书|主任|会计|长)|组(?!长)|公园|广场|大道|片区|辖区|范围|附近|门口|"  # noqa: E501
                            r"对面|旁边|楼下|一带|段|新村|家园|花园|大厦|宿舍|安置|门面|周边|境内|管辖)")
# 「政府的廉租房」「学校的食堂」: a body owning a thing is not acting.
_POSSESSED = re.compile(r"的(?!人(?![民家])|行为|事|问题|情况|做法|态度|作风|工作人员|人员|领导|干部|负责人|职工|员工|同志|[一某]?[位名个]|[\u4e00-\u9fff]{0,3}(?:长|主任|书记|人员|干部|民警|警察))")  # noqa: E501
_PEOPLE_OF = re.compile(r"(?:里)?的(?:那个|这个|那些|这些|几个)?人(?![民员家])")
_PLACE_BEFORE = re.compile(r"(?:位于|住在|家住|地处|属于|属|在|去|到|来到|前往|找到|跑到|往|隶属|归)$")


_WITNESS = re.compile(r"当着[^，。！？；]{0,10}$")
# 「经社区，派出所多方协调未果」: the bodies a 「经…协调」 phrase names are mediators, not doers.
_MEDIATED = re.compile(r"(?:经过|经|通过)([^。！？；]{1,20}?)(?:多方|多次|屡次|反复|出面|介入)*(?:协调|调解|调处|沟通)")
# Joined by a conjunction, or written one after the other (「向香南郡社区A5区物管科也反映过」).
_COORDINATED = re.compile(r"\s*(?:、|和|及|与|以及|或|同|还有)?\s*")
# 「村民反映」「居民代表」: no name follows.
_CITIZEN_NOT_NAMED = re.compile(r"[\u4e00-\u9fff]?(?:反映|代表|们|群|组|小组|委员|自治|大会|会议)")
# 「政府规定」「教育局的文件」: the body qualifies a thing, it does not act.
_QUALIFIES = re.compile(r"(?:的)?(?:规定|政策|文件|公告|通知|批复|红头文件|精神|号召|标准|号文)")
# 「A市长盛庭岚小区」: a post read inside a place's name.
_PLACE_NAME_AFTER = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:小区|花园|大厦|广场|公寓|家园|新城|山庄|苑|大道|路|街(?!道))")


def _role(text: str, start: int, words: DoerWords, end: int | None = None, person: bool = False) -> str:
    """subject, object (「向民警反映」), agent (「被民警打」) or place (「A7县泉塘街道泉星小区」「去社保局」
    「院长办公室」)."""
    if end is not None and person and _ADDRESS_AFTER.match(text, end):
        return "place"
    if end is not None and person and text[start] in "市县区镇乡" and start and re.match(r"[A-Za-z0-9]", text[start - 1]) \
            and _PLACE_NAME_AFTER.match(text, end):
        return "place"
    if end is not None and not person and (_ADDRESS_AFTER.match(text, end) or _POSSESSED.match(text, end)
                                           or _QUALIFIES.match(text, end)
                                           or _PLACE_BEFORE.search(text[max(0, start - 4):start])):
        return "place"
    if person and end is not None and text.startswith("的面", end) and _WITNESS.search(text, max(0, start - 12), start):
        return "object"  # 「当着维稳领导的面殴打车主」: the official looks on
    before = text[max(0, start - 6):start]
    # 「授意相关人员」「纠集20多名闲散人员」「把我父亲拖上车」: what counts, qualifies or owns the person stands
    # between marker and person.
    before = re.sub(r"(?:的|该|那个|这个|这位|那位|一位|一名|一个|个|位|名|相关|有关|其他|其它|手下|下属|一些|几个|\d+多?"
                    r"|我们|我|他们|他|她们|她)+$",
                    "", text[max(0, start - 10):start])
    if before.endswith("对于"):  # 「对于小区物业这种推诿责任」: the topic, not an object
        return "subject"
    # 「纠集身着迷彩服的地痞流氓」: an object marker, then what describes the object, then the object.
    if text.endswith("的", 0, start):
        described = re.split(r"[，。！？；、,]", text[max(0, start - 14):start])[-1]
        for marker in words.words["object_markers"]:
            at = described.find(marker)
            if 0 <= at <= 2 and 2 <= len(described) - at - len(marker) <= 9:
                return "object"
    if any(before.endswith(marker) for marker in words.words["passive_markers"]):
        return "agent"
    if any(before.endswith(marker) for marker in words.words["object_markers"]):
        return "object"
    return "subject"


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
    if mention.post in _SOMEONE and mention.body is None:
        return UNCLEAR, 0.3, f"「{mention.post}」未说是谁"
    if body_kind in ("service", "mixed") and body and _PRIVATE_NAME.search(body):
        return NOT_PUBLIC, 0.85, f"「{body}」是民办或私立的{where}"
    if body_kind == "mixed" and body and _PUBLIC_NAME.search(body) and not _CLAIMED.search(body):
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
            status, confidence, reason = classify(described, _context_body(mentions, described))
            return Doer(described.body, described.post, described.name, status, confidence, f"同句：{reason}"), described
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
        spoken_to = [m for m in before if m.role in ("object", "place") and (m.post or m.body_kind == "public_body")]
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
        if antecedent is not None:
            how = f"「{chosen.post}」指前文的人"
            chosen = antecedent
    status, confidence, reason = classify(chosen, _context_body(mentions, chosen), by_hand=not addressed)
    if how == "来信标题":
        confidence -= 0.1
    return Doer(chosen.body, chosen.post, chosen.name, status, confidence, f"{how}：{reason}"), chosen


def _speaks(text: str, mention: Mention, act_start: int) -> bool:
    """「民警指认林某殴打」: the one who says or identifies, right after being named, is not the doer; a verb of
    saying further on (「小区物业这种推诿责任……先反映的情况如下：服务态度差」) does not make them a speaker."""
    said = _SPEAKER.search(text, mention.end, min(act_start, mention.end + 8))
    return bool(said) and not _CLAUSE_BREAK.search(text, mention.end, said.start())


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
    status, confidence, reason = classify(chosen, _context_body(mentions, chosen))
    return Doer(chosen.body, chosen.post, chosen.name, status, confidence, f"代词指前文的人：{reason}"), chosen


def _antecedent(text: str, mentions: list[Mention], position: int, pronoun: str | None,
                reach: int = 120, hops: int = 4, chained: bool = False) -> Mention | None:
    """Whom a pronoun at `position` points back to: the last person named within `reach` characters before it;
    for 他们/她们 a body too, even one only visited or called (「打住建委信访局的电话，可是他们说…」). A person
    who already acted on a 他/她 (「警官也多次警告他不要辱骂」) is not the 他 who does the next thing. With
    nobody named within reach, the same pronoun used before is the same person, followed back up to `hops`
    times (「该警员说……他说法律有规定……他说不出来……就说有事你去上诉」) — to a person who was the subject there,
    not one acted upon (「买通官员……他手下……他靠威胁私了」: the 他 is the one who bribed)."""
    plural = pronoun in ("他们", "她们")
    candidates = [m for m in mentions if m.end <= position and position - m.end <= reach
                  and m.post_kind not in ("pronoun", "citizen")
                  and ((m.post and m.role not in _ASIDE)
                       or (plural and m.body and m.post is None and m.role in ("subject", "place")))]
    for candidate in reversed(candidates):
        if chained and candidate.role != "subject":
            continue
        clause_end = _CLAUSE_BREAK.search(text, candidate.end)
        stop = min(position, clause_end.start() if clause_end else position)
        if not plural and _ACTS_ON_HIM.search(text, candidate.end, stop):
            continue
        return candidate
    same = [m for m in mentions if pronoun and m.post == pronoun and m.end <= position and position - m.end <= reach]
    if same and hops > 0:
        return _antecedent(text, mentions, same[-1].start, pronoun, reach, hops - 1, chained=True)
    return None


# 「警官也多次警告他」「民警制止了他」: the one named acted on 他, so the next 他 is someone else.
_ACTS_ON_HIM = re.compile(r"(?:警告|批评|教育|劝说|劝阻|劝|制止|训斥|呵斥|告诫|提醒|要求|通知|拘留|传唤|处罚|带走)了?[他她](?!们)")
_NOT_DOING = ("object", "place", "citizen", "home", "addressee")  # roles of people who are not the doer
_ASIDE = ("place", "home", "addressee")  # not even the receiving side
_CLAUSE_BREAK = re.compile(r"[，,。！？!?；;：:]")
_LETS = re.compile(r"放任|纵容|默许|任由|任凭|听任|包庇|袒护|允许")
# 「民警指认林某殴打」: the one who says or identifies is not the one who did it.
_SOMEONE = {"有人", "某些人", "一些人", "别人", "他人", "男子", "女子", "一男的", "男的", "女的", "该男子", "该女子", "男人",
            "女人", "那人", "一个人"}
_SPEAKER = re.compile(r"指认|声称|证实|控告|举报|反映|表示")


def _context_body(mentions: list[Mention], mention: Mention) -> Mention | None:
    """The body named most recently before a bodiless person (the letter's title counts)."""
    bodies = [m for m in mentions if m.body and m.end <= mention.start]
    return bodies[-1] if bodies else None


def _status_in(mention: Mention, mentions: list[Mention]) -> str:
    return classify(mention, _context_body(mentions, mention))[0]
