"""Finding and masking personal data inside free text: phone numbers, ID-card numbers, bank cards.

Citizens write their phone number, ID number or bank-card number into the complaint itself
(「我的卡号6222 0212 3456 7890 128，补贴一直没到」). Roles without need-to-know see those masked, and
exports mask them. To avoid masking ordinary numbers (amounts, order numbers, dates), a digit run is
only masked when it has the shape *and* the checksum of the kind:

- ID card (居民身份证, GB 11643): 17 digits + check character (ISO 7064 MOD 11-2), plausible birth date;
- bank card: 16-19 digits passing the Luhn check (spaces or hyphens between groups of 4 allowed);
- mobile phone: 11 digits starting 1[3-9]; landline: 0 + 2-3 digit area code + 7-8 digits (with an
  optional hyphen), optionally +86 / 86 before a mobile number.

Callers also write their own name into the words (「我叫王建国，住幸福小区」「姓名：李梅」). A name has no
checksum, so only what says it is the writer's own name is taken (kind `name`, `find_self_names`): a
self-introduction (我叫 / 我是 / 本人 / 我的名字是 + a common surname and one or two more characters, ending
where the name ends) or a label (姓名 / 联系人 / 来电人 / 反映人 / 投诉人 + colon). Anyone else named in a
complaint — the official complained about (「街道办李强主任推诿」) — is not the writer's personal data and stays.
A caller's name known from the ticket is masked wherever it occurs (`mask_names`). A masked name keeps its
surname (王**), as the name field does (`mask_name`).
"""

from __future__ import annotations

from collections.abc import Iterable
import re
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])")
# A house, building, unit or room number of an address (「解放路357号」「幸福小区3栋2单元501室」): the digits
# before 号/栋/幢/单元/室/户, with a road, estate or village word a few characters before them. Not a date
# (「11月18号」), a metro line (「3号线」) or a document (「5号文件」).
_ADDRESS_NUMBER = re.compile(r"(?<![0-9A-Za-z月日第])(\d{1,5}(?:-\d{1,4})?)"
                             r"(?=号(?!线|文|令|通知|公告|窗口|床)|栋|幢|号楼|单元|室|户)")
_ADDRESS_ANCHOR = re.compile(r"路|街|巷|弄|胡同|大道|小区|花园|家园|公寓|大厦|村|组|苑|园|里|社区|楼|栋|幢|单元|号")


@dataclass(frozen=True)
class PersonalDatum:
    kind: str  # phone / id_card / bank_card
    start: int
    end: int
    value: str


def id_card_is_valid(number: str) -> bool:
    """True for an 18-character resident ID with a correct check character and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


PERSONAL_KINDS = ("phone", "id_card", "bank_card", "address", "name")

# The common single and double surnames (together over 95% of the population): a self-introduction's name
# must start with one, so 「我是业主」「我是和平路居民」「本人向街道反映」 are not names.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
             "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
             "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
             "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
             "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
             "查麻苑迟邝")
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "夏侯", "长孙",
                    "宇文", "司徒", "轩辕", "端木", "独孤", "南宫", "西门", "百里")
# Characters that end a name rather than continue it (「我叫张伟住幸福小区」: the name is 张伟) — not 的: 「我是
# 和平里的居民」「我是张伟的家属」 do not name the writer …
_AFTER_NAME = "住在是电手现今昨联身和与于也已就从向对说反投称被"
# … and that continue a place or an organisation, or an address of respect, not a given name (「金桥路」「我是林业局
# 的」「王老」「王总」); characters common in given names are not among them (长 主 任 书 记 师 家 业 道 经 理 …): 「我父亲李
# 长海」「女儿张记红」 are names …
# 「本人王向您反映」: nor are pronouns and pointing words (您 你 他 她 我 们 此 其 该 这 那) ever part of a name.
_NOT_GIVEN_CHARS = _AFTER_NAME + "的局科处队站所部总老姨爷边时路街巷村区镇县市省楼栋号院店厂里您你他她它我们此其该这那"
# … while a title or kinship word after a surname says who someone is, not their name (「我是王局长的邻居」「李书记」
# 「张师傅」「刘主任」「本人刘洋家住东门」): a given name never begins with one of these words.
_TITLE_WORDS = ("局长", "主任", "主席", "主管", "书记", "支书", "师傅", "老师", "律师", "教师", "医师", "医生", "大夫",
                "经理", "先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大姐", "大哥", "老板", "校长", "院长", "社长",
                "行长", "班长", "组长", "厂长", "会长", "董事", "警官", "干部", "同志", "家住", "家属", "家人", "家里",
                "业主", "道路")
_GIVEN = rf"(?!{'|'.join(_TITLE_WORDS)}|[{_NOT_GIVEN_CHARS}])[\u4e00-\u9fff]"
# Words that begin with a surname yet say what someone is, does or has, not who (「我是党员」「我父亲和我住」「老伴高血压
# 住院」「我儿子高考」): never read as a name.
_NOT_A_NAME = ("和", "与", "向", "于", "从", "对", "在", "也", "就", "还", "都", "已", "党员", "高龄", "高考", "高烧",
               "高中", "高血压", "高温", "常年", "常住", "常说", "单独", "曾经", "明年", "明天", "周末", "白天", "陆续", "左腿",
               "左手", "左眼", "年纪", "年迈", "房屋", "房子", "房产")
# Some characters that end a name also begin given names (张向东 李和平 王现明): such a character is taken as the first
# of two given characters, never alone, and only when what follows the three ends the name as any name must end
# (「我叫张向东，」 but not 「本人张向街道反映」, whose 街 is no given name, nor 「我是刘向东路的」, going on after 东).
_ALSO_GIVEN = "向和现"
_NAME = (rf"(?!{'|'.join(_NOT_A_NAME)})(?:{'|'.join(_DOUBLE_SURNAMES)}|[{_SURNAMES}])"
         rf"(?:{_GIVEN}(?:{_GIVEN})?|[{_ALSO_GIVEN}]{_GIVEN})")
# What may follow a name: no more Chinese characters (punctuation, a digit, the end), or a character that
# starts the next clause (住, 电话, 家住 …; not 家 alone: 「我是金色家园的居民」).
_NAME_END = rf"(?=[^\u4e00-\u9fff]|$|[{_AFTER_NAME}]|家住)"
_SELF_NAMED = re.compile(rf"(?:我叫|我是|本人(?:是|叫)?|我的名字(?:是|叫)|名字叫)\s*({_NAME}){_NAME_END}")
_LABELLED_NAME = re.compile(r"(?:姓名|联系人|来电人|反映人|投诉人|诉求人)\s*[：:]\s*"
                            r"(?!匿名|不详|未知|保密|无)([\u4e00-\u9fff]{2,4}?)" + _NAME_END)
# A relative the writer names (「我父亲张三」「我爱人李某某」「老伴王秀英」「我母亲叫刘桂兰」) is personal data as the
# writer's own name is: it names the caller's family. Longest words first (外孙女 before 外孙); not 女儿 inside 妇女儿童.
_RELATIVES = sorted(("父亲", "母亲", "爸爸", "妈妈", "爱人", "丈夫", "妻子", "老公", "老婆", "老伴", "儿子", "女儿", "儿媳",
                     "女婿", "孙子", "孙女", "外孙", "外孙女", "哥哥", "姐姐", "弟弟", "妹妹", "爷爷", "奶奶", "外公",
                     "外婆", "姥姥", "姥爷", "公公", "婆婆", "岳父", "岳母", "家属", "亲属", "舅舅", "姑姑", "叔叔",
                     "侄子", "侄女"), key=len, reverse=True)
# After a relative's name the sentence goes on with what befell them more often than a writer's own (「我父亲张三摔伤」
# 「老伴王秀英一人在家」): these characters also end it.
_RELATIVE_NAME_END = rf"(?=[^\u4e00-\u9fff]|$|[{_AFTER_NAME}摔患病生因突得独一]|家住)"
_RELATIVE_NAMED = re.compile(rf"(?<!妇)(?:{'|'.join(_RELATIVES)})(?:叫|名叫|名字叫)?\s*({_NAME}){_RELATIVE_NAME_END}")


def find_self_names(text: str) -> list[re.Match]:
    """The writer's own name where the text introduces it, and a relative's the writer names (「我父亲张三」), as
    group 1 of each match, in order. An official named in a complaint is neither (「街道办李强主任推诿」)."""
    return sorted([*_SELF_NAMED.finditer(text), *_LABELLED_NAME.finditer(text), *_RELATIVE_NAMED.finditer(text)],
                  key=lambda match: match.start(1))


def mask_name(name: str | None) -> str | None:
    """王** — the surname stays, as callers are addressed (王先生), the given name does not."""
    if not name:
        return name
    keep = 2 if len(name) >= 3 and name[:2] in _DOUBLE_SURNAMES else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


# What exports write in the caller's name field when the caller gave none: words, not a name to look for.
NOT_NAMES = frozenset({"匿名", "匿名用户", "市民", "群众", "居民", "业主", "网友", "来电人", "不详", "未知", "无",
                       "先生", "女士", "保密"})


def names_pattern(names: Iterable[str | None]) -> re.Pattern | None:
    """What `mask_names` looks for, made once for many texts (a page's fields): these known names, longest first,
    without the placeholders written where no name was given (匿名, 市民 …); None when there is none."""
    found = sorted({name.strip() for name in names if name and len(name.strip()) >= 2
                    and name.strip() not in NOT_NAMES}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, found))) if found else None


def _masked_match(match: re.Match) -> str:
    return mask_name(match.group(0)) or ""


def mask_names(text: str | None, names: Iterable[str | None] | re.Pattern | None) -> str:
    """`text` with every occurrence of these known names (a caller's) masked as `mask_name` masks them (`names`: the
    names, or their `names_pattern`)."""
    if not text:
        return text or ""
    pattern = names if isinstance(names, re.Pattern) or names is None else names_pattern(names)
    return pattern.sub(_masked_match, text) if pattern is not None else text


def find_personal_data(text: str, kinds: tuple[str, ...] = PERSONAL_KINDS) -> list[PersonalDatum]:
    """Every phone, ID-card and bank-card number, address house number and self-introduced name in `text`, in
    order, without overlaps."""
    if not text:
        return []
    found: list[PersonalDatum] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, match: re.Match, group: int = 1) -> None:
        start, end = match.span(group)
        if free(start, end):
            taken.append((start, end))
            found.append(PersonalDatum(kind, start, end, match.group(group)))

    # Most specific first: an ID number is also a digit run a bank-card pattern could take.
    for match in _ID_CARD.finditer(text):
        if id_card_is_valid(match.group(1)):
            add("id_card", match)
    for match in _BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(1))
        if 16 <= len(digits) <= 19 and luhn_is_valid(digits):
            add("bank_card", match)
    for match in _MOBILE.finditer(text):
        add("phone", match, 0 if match.group(0).startswith(("+", "86")) else 1)
    for match in _LANDLINE.finditer(text):
        add("phone", match)
    for match in find_self_names(text) if "name" in kinds else ():
        add("name", match)
    # Looked for only when asked (the bulletin): every masked web field would pay for it otherwise.
    for match in _ADDRESS_NUMBER.finditer(text) if "address" in kinds else ():
        if _ADDRESS_ANCHOR.search(text[max(0, match.start() - 12):match.start()]):
            add("address", match)
    return sorted(found, key=lambda datum: datum.start)


def _mask_value(kind: str, value: str) -> str:
    if kind == "name":
        return mask_name(value) or value
    digits_at = [index for index, char in enumerate(value) if char.isalnum()]
    if kind == "phone":
        # 138****5678, 0731-****1234, +86 139****5678: the four digits before the last four.
        hidden = set(digits_at[-8:-4])
        return "".join("*" if index in hidden else char for index, char in enumerate(value))
    if kind == "address":  # the road or estate stays (where the matter is), the door does not
        return "".join("*" if char.isdigit() else char for char in value)
    if kind == "id_card":
        keep_head, keep_tail = 6, 4  # region code stays readable (where the citizen is registered)
    else:
        keep_head, keep_tail = 4, 4
    hidden = set(digits_at[keep_head:len(digits_at) - keep_tail])
    return "".join("*" if index in hidden else char for index, char in enumerate(value))


def mask_personal_data(text: str | None, kinds: tuple[str, ...] = ("phone", "id_card", "bank_card")) -> str:
    """`text` with the middle digits of every phone, ID-card and bank-card number replaced by '*'."""
    if not text:
        return text or ""
    pieces: list[str] = []
    cursor = 0
    for datum in find_personal_data(text, kinds):
        if datum.kind not in kinds:
            continue
        pieces.append(text[cursor:datum.start])
        pieces.append(_mask_value(datum.kind, datum.value))
        cursor = datum.end
    pieces.append(text[cursor:])
    return "".join(pieces)


QUOTE_MARGIN = 4  # characters beyond the words themselves that make a passage a quotation


def quoted_from(text: str, start: int, end: int, source: str, margin: int = QUOTE_MARGIN) -> bool:
    """True when `text[start:end]` lies inside a passage of `text` copied from `source` that is longer than it
    by at least `margin` characters (a reply quoting a ticket's title: 「您反映的幸福小区门口烧烤油烟问题」
    quotes 「关于幸福小区门口烧烤油烟的问题」 around 幸福小区; 「我住幸福小区」 does not)."""
    if not source or text[start:end] not in source:
        return False
    left, right = start, end
    while left > 0 and text[left - 1:right] in source:
        left -= 1
    while right < len(text) and text[left:right + 1] in source:
        right += 1
    return (right - left) - (end - start) >= margin
