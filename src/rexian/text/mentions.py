"""Every body and person a letter names (「A2区政府计生办」「科长李建」「王科长」「他」), where, and in what
role in its clause: the one acting, the one acted on (「向民警反映」), the agent after 被, a place (「去社保局」),
the one addressed (「尊敬的孔书记」). Read once per letter; `rexian.text.doers` decides who did an act."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rexian.text.doer_words import DoerWords, default_words

# Characters that end the name of a body when reading backwards from its ending (「去住建局」 -> 住建局).
_NAME_STOP = set("，。！？；：、,.!?;:（）()“”\"' 的在到去找向对和与跟被把了是说给从由及或而且但还也就都我你他她它们该此这那其遇映诉报询往经□自本贵有至改")  # noqa: E501
_NAME_REACH = 10
_TRAPS = {"设局", "做局", "布了局", "设了局"}
_JOINERS = re.compile(r"^(?:的|里|之|中|内|这个|那个|这位|那位|一位|一名|一个|个|负责|某|那|这|一|位|名|两名|几名|多名|主要|分管|具体|相关|有关)*$")  # noqa: E501
_VERB_CHARS = set("在对说接是就还和与把被给向的了也都再又因称为到去来叫将让从跟不没打骂要收拿说讲")
_BOUNDARY = set("，。！？；：、,.!?;:（）() “”\"'")
# 「办案民警毛浚却对…」「警官毛浚时…」: adverbs and 时 end a name of three characters.
_NAME_NEVER_ENDS = set("却时也都才便又并仍竟")
# Words that begin with a surname but are verbs or adverbs: 「工作人员严查」「领导高度重视」.
_WORD_NOT_NAME = re.compile(r"严[查惩肃格厉重加禁办]|高度|高层|方面|方式|方便|万一|于是")
# A person's name given by a surname: 「姓王的」「王姓」「王某」「王某某」.
_SURNAME_FORMS = (r"姓([{s}])的?$", r"([{s}])姓$", r"([{s}])(?:某某|某)$", r"([{s}])$")

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
    role: str  # subject | object | agent (after 被/遭) | witness (「当着…的面」「在…面前」) | place | home | addressee | citizen

    @property
    def text(self) -> str:
        return "".join(part for part in (self.body, self.post) if part) + (f"（{self.name}）" if self.name else "")



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
            body_start = _body_start(text, start, floor, word)
            body = text[body_start:end]
            if body in _TRAPS:
                continue  # 「设局打击报复」: laying a trap, not a bureau (建设局 is one: its name is longer)
            if kind in ("private_body", "mixed", "service") and _UNNAMED.fullmatch(body, 0, len(body) - len(word)):
                # 「民爆器材有限公司……自公司成立以来」: a bare 「公司」 is the company named before;
                # 「A3区第三幼儿园……幼儿园收取介绍费」: a bare 「幼儿园」 is the kindergarten named before.
                named = [(m, m.body) for m in reversed(mentions) if m.body and m.body.endswith(word) and m.body != word]
                telling = [pair for pair in named if (PUBLIC_NAME.search(pair[1]) and not CLAIMED.search(pair[1]))
                           or PRIVATE_NAME.search(pair[1])]
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
            if kind in ("public_post", "manager_post") and not name and any(
                    m.post_kind == "private_person" and m.post and m.post != word and m.post.startswith(word)
                    and m.body is None for m in mentions):
                # 「一位主任医生……给主任一万块钱红包」: a bare 主任 after a 主任医生 is that physician, by title.
                post_kind = "private_person"
            if kind != "pronoun":
                after = words.names_after.match(_trim_name(text[end:end + 5]))
                if after and not name:
                    name_after = after.group(0)
                    if text.startswith("同志", end + len(name_after)):  # 「交警陈愈同志」: the address is part of it
                        title = 2
                elif kind != "generic_post" and text.startswith("同志", end):
                    # 「这位交警同志存在…恐吓威胁」: a form of address after a post is no second person; the post stays.
                    title = 2
        if previous and previous.body and previous.post is None and _JOINERS.match(text[previous.end:post_start]):
            role = "subject" if previous.role == "place" else previous.role  # 「在派出所的民警」 acts
            joined_end = end + len(name_after or "") + title
            if text.startswith("面前", joined_end) and _BEFORE_WHOM.search(text, max(0, previous.start - 14), previous.start):
                role = "witness"  # 「在G1区纪委姓赵的工作人员面前」
            elif (text.startswith("的面", joined_end) or text.startswith("面", joined_end)
                  and not _FACE_WORD.match(text, joined_end)) and _WITNESS.search(text, max(0, previous.start - 12),
                                                                                 previous.start):
                role = "witness"  # 「当着派出所民警的面」
            mentions[-1] = Mention(previous.start, joined_end, previous.body, previous.body_kind,
                                   post, post_kind, name or name_after, role)
        else:
            mentions.append(Mention(post_start, end + len(name_after or "") + title, None, None, post, post_kind,
                                    name or name_after, _role(text, post_start, words, end, person=True)))
    return _structural_roles(text, _recalled_names(text, _same_name_as_before(mentions), words))


def _same_name_as_before(mentions: list[Mention]) -> list[Mention]:
    """A name alone (「廖某强行冲入我家」) is the person first given by that name with a post or a body
    (「其母亲廖某」「派出所民警张某」): the same body and post, so the same standing."""
    known: dict[str, Mention] = {}
    result = []
    for mention in mentions:
        if mention.name and mention.post is None and mention.body is None and mention.name in known:
            first = known[mention.name]
            mention = Mention(mention.start, mention.end, first.body, first.body_kind, first.post, first.post_kind,
                              mention.name, mention.role)
        elif mention.name and (mention.post or mention.body) and mention.post_kind not in ("pronoun", "citizen"):
            known.setdefault(mention.name, mention)
        result.append(mention)
    return result


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
        if result and role == "subject" and result[-1].role in ("object", "witness") and \
                _COORDINATED.fullmatch(text, result[-1].end, mention.start):
            role = result[-1].role
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
    # 「我问：“同志，我想咨询一下”」: an address opening a quote is the writer speaking to someone, who did nothing.
    return bool((mention.start == 0 or re.search(r"(?:^|[。！？!?\n：:])\s*[“\"「‘]?\s*$", before)) and mention.body is None
                and re.match(r"\s*(?:[：:，,！!]|[您你]好|们好|好[，,！!：:])", text[mention.end:mention.end + 3]))


def _body_start(text: str, ending_start: int, floor: int = 0, ending: str = "") -> int:
    start = ending_start
    while start > floor and ending_start - start < _NAME_REACH and (
            text[start - 1] not in _NAME_STOP or _STOP_BEGINS_NAME.match(text, start - 1)):
        start -= 1
    # 「此后检察院开了听证会」: 后 after a stop is "after", no part of the name.
    if start < ending_start and text[start] == "后" and start and text[start - 1] in "此之以然随最过":
        start += 1
    # 「和其余村委干部」: 余 after 其 is "the rest of", no part of the name.
    if start < ending_start and text[start] == "余" and start and text[start - 1] == "其":
        start += 1
    # 「对于小区物业这种…」: 对于 is "regarding", its 于 no part of the name (and what follows is the topic).
    if start < ending_start and text[start] == "于" and start and text[start - 1] == "对":
        start += 1
    # 「为何一中屡屡违规」: a question word or connective before a name is not part of it.
    lead = _NOT_NAME_START.match(text, start)
    start = min(lead.end(), ending_start) if lead else start
    # 「一直没解决心里特别窝火请相关部门管一管」 (unpunctuated speech): a request inside the span ends what came
    # before it, so the body named after it is the one asked, not a name swallowing the sentence.
    requests = list(_REQUEST_INSIDE.finditer(text, start, ending_start))
    start = requests[-1].end() if requests else start
    # 「回家后A3区政府」「强烈质疑A5区交警大队」: a coded place name (the letters' own anonymised form) begins the
    # name; whatever the reading back took before it is the sentence, not the body.
    place = _PLACE_CODE.search(text, start, ending_start)
    if place and place.start() > start:
        start = place.start()
        lead = _NOT_NAME_START.match(text, start)
        start = min(lead.end(), ending_start) if lead else start
    # 「从事公共卫生工作政府补贴」「农田休耕政府补贴」: before a bare 政府 only a place name (ending in 省/市/县/区/
    # 镇/乡/村/街道) or a short name of its own (「金刚政府」) is the government's name.
    if ending in _BARE_GOVERNMENT and start < ending_start:
        prefix = text[start:ending_start]
        if not (_ADMINISTRATIVE_END.search(prefix) or (len(prefix) == 2 and (start == floor or start == 0
                                                                           or text[start - 1] in _NAME_STOP))):
            start = ending_start
    return start


def _trim_name(after: str) -> str:
    # 「科长李建接访」: a name stops at a verb or punctuation; 「交警陈愈同志」: at the form of address; at most three
    # characters.
    after = after.split("同志")[0][:3]
    if _WORD_NOT_NAME.match(after):  # 「对…政府工作人员严查」: a verb that begins with a surname is no name
        return ""
    for index, char in enumerate(after):
        if index >= 2 and (char in _VERB_CHARS or char in _BOUNDARY or char in _NAME_NEVER_ENDS):
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
        if ahead[-1:] and ahead[-1] in _WORD_WITH_SURNAME.get(surname, ""):  # 「历任村干部」: no Mr 任
            continue
        written = match.group(0)[match.group(0).find(surname):] if "姓" not in match.group(0) else None
        name = written.rstrip("的") if written and "某" in written else surname + "某"
        return name, post_start - (len(before) - (match.start() if "姓" in match.group(0) else match.start(1)))
    return None, post_start


# 「722学校校长」 (a date before a bare 学校): no name of its own, so the body is the one named before.
_UNNAMED = re.compile(r"[\d\s]*")
# A surname that here ends a word with the character before it: 「历任村干部」「现任书记」「时任主任」.
_WORD_WITH_SURNAME = {"任": "历现前新继时上兼担就留调离出连首", "高": "最提崇"}
_NOT_NAME_BEFORE = ("对", "双", "各", "官", "甲", "乙", "地", "多")
_BODY_KINDS = ("public_body", "service", "mixed", "state", "private_body")
# 「自然资源局」「自来水公司」「自考办」「经开区」「经侦大队」: a stop character that here begins the name; 和 inside
# a department's standard name (「人力资源和社会保障局」「住房和城乡建设局」「发展和改革委员会」).
_STOP_BEGINS_NAME = re.compile(r"自(?:然资源|来水|考|治区|贸区)|经(?:开区|侦|济|信|管)"
                               r"|和(?:社会保障|城乡建设|规划|改革|信息化|旅游|计划生育)")
_PLACE_CODE = re.compile(r"(?:[\u4e00-\u9fff]{2}省)?[A-Z]\d{0,2}[省市县区州]")
_BARE_GOVERNMENT = ("政府", "人民政府")
_ADMINISTRATIVE_END = re.compile(r"(?:[省市县区州镇乡村]|街道|办事处)$")
_NOT_NAME_START = re.compile("(?:" + "|".join(sorted((
    "恳请 请求 敬请 请 希望 要求 建议 呼吁 彻查 严查 查处 调查 督促 责令 关于 投诉 举报 反映 通过 经过 "
    "为何 为什么 难道 竟然 居然 然而 可是 但是 因为 如果 导致 致使 发现 得知 据说 听说 认为 相信 以为 无视 设立 开设 开办 "
    "创办 注册 贿赂 收买 买通 拉拢 假借 冒充 冒用 打着 授意 指使 唆使 配合 协助 帮助 勾结 伙同 串通 "
    # 「办事的时候市场监管局…」「去年以后区城管局…」: when it happened is no part of who did it.
    "时候 后来 当时 那时 此时 目前 现在 如今 最近 近日 近期 今天 昨天 前天 今年 去年 前年 "
    # 「作为执法局人员」「以政府行为为由」「因医保关系」「时任物管办主任」「明知…指挥部」「套取水务局下拨的资金」
    # 「可以查阅…派出所」「只能上法院」「很多学校」: a preposition, a verb or a quantity before a name.
    "作为 以 因 时任 现任 前任 原任 曾任 明知 强烈 质疑 套取 骗取 查阅 可以 只能 只好 只得 维护 很多 许多 不少 所有 等 "
    # 「村民聚集坦头镇人民政府」「围堵镇政府」: where people gathered is no part of the name.
    "聚集 聚在 围堵 围攻 "
    # 「当着派出所民警的面」: before whom, no part of the name.
    "当着 "
    "回家后 随后 然后 事后 以来 以后 之后 以前 之前").split()
    # 「2015年2月集体资产管理委员会」「自2007年以来各区交警大队」「6所学校」: a date or a count is no part of it.
    + [r"[年月日号天]?(?:以后|之后|以来|以前|之前)", r"\d+(?:[年月日号元所个家名]|万元)", r"[—\-~～]+",
       # 「那个城管队长」「这位村委会干部」: the classifier after 那/这/一/该 is no part of the name.
       r"(?<=[那这一该每某哪])[个位名]", r"[一两几][个位名]",
       r"(?:送|接|带)(?:孩子|小孩)?上(?=幼儿园|小学|中学|学校|医院|法院)", r"上(?=幼儿园|小学|中学|学校|医院|法院)"],
    key=len, reverse=True)) + ")+")
_REQUEST_INSIDE = re.compile(r"恳请|请求|敬请|请|要求|希望(?!小学|中学|学校)")
# 「民办学校」「私立医院」 are private; 「公办幼儿园」 is public whatever its ending says.
PRIVATE_NAME = re.compile(r"民办|私立|私人|私营")
# 「开发商承诺为公立性幼儿园」「号称公办」: a public name only promised or claimed says nothing.
CLAIMED = re.compile(r"承诺|号称|声称|自称|说是|宣称|打着")
PUBLIC_NAME = re.compile(r"公办|公立|机关|[区县市]第[一二三四五六七八九十\d]+|[区县市]实验")  # 「A3区第三幼儿园」


_FACING = re.compile(r"(?:冲着|朝着|对着|把)(?!.*(?:冲着|朝着|对着|把))")
_ADDRESS_AFTER = re.compile(r"(?:办公室|大门|大厅|窗口前|小区|路|街(?!道)|号|栋|村(?!委|干部|支书|主任|会计|长)|组(?!长)|公园|广场|大道|片区|辖区|范围|附近|门口|"  # noqa: E501
                            r"对面|旁边|楼下|一带|段|新村|家园|花园|大厦|宿舍|安置|门面|周边|境内|管辖)")
# 「政府的廉租房」「学校的食堂」: a body owning a thing is not acting.
_POSSESSED = re.compile(r"的(?!人(?![民家])|行为|事|问题|情况|做法|态度|作风|工作人员|人员|领导|干部|负责人|职工|员工|同志|[一某]?[位名个]|[\u4e00-\u9fff]{0,3}(?:长|主任|书记|人员|干部|民警|警察))")  # noqa: E501
_PEOPLE_OF = re.compile(r"(?:里)?的(?:那个|这个|那些|这些|几个)?人(?![民员家])")
_PLACE_BEFORE = re.compile(r"(?:位于|住在|家住|地处|属于|属|在|去|到|来到|前往|找到|跑到|往|隶属|归|至|上)$")


# 「当着维稳领导的面」「当警察面」 (not 当地, 应当, 当时 …)
_WITNESS = re.compile(r"(?<![相应担正妥恰不适])当(?![地时天场事然初年中前作成日晚即今下选班家面])着?[^，。！？；]{0,10}$")
_FACE_WORD = re.compile(r"面(?:对|前|临|貌|子|积|上|向|谈|试|包|条|粉)")
_BEFORE_WHOM = re.compile(r"(?:在|当着|到)[^，。！？；]{0,12}$")
# 「经社区，派出所多方协调未果」: the bodies a 「经…协调」 phrase names are mediators, not doers.
_MEDIATED = re.compile(r"(?:经过|经|通过)([^。！？；]{1,20}?)(?:多方|多次|屡次|反复|出面|介入)*(?:协调|调解|调处|沟通)")
# Joined by a conjunction, or written one after the other (「向香南郡社区A5区物管科也反映过」).
_COORDINATED = re.compile(r"\s*(?:、|和|及|与|以及|或|同|还有)?\s*")
# 「村民反映」「居民代表」: no name follows.
_CITIZEN_NOT_NAMED = re.compile(r"[\u4e00-\u9fff]?(?:反映|代表|们|群|组|小组|委员|自治|大会|会议)")
# 「政府规定」「教育局的文件」: the body qualifies a thing, it does not act.
_QUALIFIES = re.compile(r"(?:的)?(?:规定|政策|文件|公告|通知|批复|红头文件|精神|号召|标准|号文|关系)")
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
    if person and end is not None and (text.startswith("的面", end) or text.startswith("面", end) and not _FACE_WORD.match(text, end)) \
            and _WITNESS.search(text, max(0, start - 12), start):
        return "witness"  # 「当着维稳领导的面殴打车主」: the official looks on
    if end is not None and text.startswith("面前", end) and _BEFORE_WHOM.search(text, max(0, start - 14), start):
        return "witness"  # 「在纪委姓赵的工作人员面前，嚣张跋扈地表示」: the one before whom it was said looks on
    if person and re.search(r"(?:我|我们|本人)(?:是|为|作为)[“\"']?$", text[max(0, start - 5):start]):
        return "citizen"  # 「拿我是“公职人员”为由」: what the writer is, not someone who acts
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
        # 「那位女警突然冲着坐在照相机前的大叔吼了起来」「几个城管把卖水果的阿姨押着」: the one faced (冲着/朝着/
        # 对着) or taken hold of (把) stands after the doer, anywhere in the clause.
        facing = _FACING.search(described)
        if facing and 2 <= len(described) - facing.end() <= 9:
            return "object"
    if any(before.endswith(marker) for marker in words.words["passive_markers"]):
        return "agent"
    if any(before.endswith(marker) for marker in words.words["object_markers"]):
        return "object"
    return "subject"

