"""Place keys: the named places a hotline text or address is about.

Same-matter linking needs to know that 「A3区梅溪湖看云路润芳园小区临街门面油烟扰民」 and 「润芳园小区楼下饭店
油烟」 are about the same place. We take the administrative prefix off (省/市/区/县/镇/乡/街道, and the
anonymised codes such as A市, A3区) and keep names that end in a place word (小区, 花园, 路, 村 ...), with
the bare name when the place word is a generic one (「润芳园小区」 -> 润芳园). A name is cut after
function characters, house numbers and administrative units inside it, so 「西城区金桥街道柳营路12号院」 gives
柳营路 (not 「西城区金桥」 + 「街道柳营路」) and 「临港路415号教师公寓」 gives 临港路, 教师公寓.
`address_parts` splits an address into district / street office / road / number / compound / building.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rexian.text.normalisation import normalise

# Anonymised or coded units (A市, A3区, K9县) anywhere; real names (岳麓区, 桂花坪街道) only at the start of
# a piece, and never the 区 of 小区 or the 市 of 超市.
_CODED_ADMIN = re.compile(r"[A-Z]\d{0,2}(?:省|市|区|县)")
# 区 after 小/社/园/景/校/厂/片/辖 is a compound, a campus or an area, not a district; 西城区 and 南山区 are
# districts (a leading 「主城区」 or 「偏远山区」 taken off loses no place name).
_DISTRICT = r"(?<!小|社|园|景|校|厂|片|辖|营)区"
_CITY = r"(?<!超|菜|门|城|夜|集)市(?!场|民|区)"
# An administrative unit inside a text (住在西城区金桥街道柳营路): two name characters and the unit word, not
# followed by another unit word (宁乡市 is one unit), not 小区街道 (a compound's streets).
_ADMIN_INSIDE = re.compile(rf"[\u4e00-\u9fff]{{2}}(?:(?<!区)街道|(?:省|{_CITY}|县|{_DISTRICT}|镇|乡)(?![市区县镇乡]))")
_LEADING_ADMIN = re.compile(rf"^[\u4e00-\u9fff]{{2,4}}?(?:省|{_CITY}|县|{_DISTRICT}|镇|乡|街道)"
                            r"(?=[\u4e00-\u9fffA-Za-z0-9])")
# Place words, longest first so 「花园小区」 is not cut at 「花园」.
_PLACE_WORDS = ("安置小区", "小区", "花园", "花苑", "家园", "新村", "公寓", "大厦", "广场", "市场", "华庭", "华府", "名邸", "雅苑",
                "山庄", "公馆", "庄园", "社区", "村", "大道", "大街", "路", "街", "巷", "公路", "高速", "隧道", "大桥", "桥",
                "学校", "小学", "中学", "幼儿园", "学院", "大学", "医院", "卫生院", "公园", "工业园", "园区", "网吧", "酒店", "宾馆",
                "车站", "地铁站", "公交站", "驾校", "超市", "商场", "公园", "苑", "府", "城", "湾", "园", "郡", "庭")
_GENERIC = {"小区", "社区", "安置小区"}
# Words that end in a place character without naming a place (绕路, 临街, 修路).
_NOT_PLACE_ENDINGS = ("绕路", "走路", "跑路", "修路", "道路", "过路", "带路", "让路", "出路", "思路", "线路", "套路", "迷路", "赶路", "上路",
                      "马路", "土路", "水泥路", "沥青路", "露宿街", "上街", "逛街", "沿街", "临街", "满街", "当街", "一条街",
                      "农村", "乡村", "本村", "全村", "进村", "出村", "该村", "我村", "回村", "下村", "村村", "进城", "出城",
                      "县城", "全城", "满城", "进园", "校园", "田园", "乐园", "家庭", "法庭", "门庭", "政府", "全湾")
_SINGLE_CHAR_WORDS = {"路", "街", "巷", "村", "苑", "府", "城", "湾", "园", "郡", "庭", "桥"}
_NAME = r"[\u4e00-\u9fffA-Za-z0-9]"
_STOP_CHARS = set("的了在和与是有为将对把被从由及并已于到给让使等个这那该我你他她们请问反映关于要求希望建议咨询投诉举报")
# 街 of 街道 is a street office, not a road (金桥街道柳营路 -> 柳营路).
_PLACE = re.compile(rf"({_NAME}{{2,10}}?)("
                    + "|".join("街(?!道)" if word == "街" else word for word in sorted(_PLACE_WORDS, key=len, reverse=True))
                    + ")")
# Where a name found before a place word is cut: after a function character, a house number (415号, 3期),
# or an administrative unit inside it (西城区, 金桥街道, 新河镇: two name characters and the unit word).
_NAME_CUT = re.compile(rf"[{''.join(sorted(_STOP_CHARS))}]|\d+[号栋幢期座楼]?|号"
                       rf"|(?<=[\u4e00-\u9fff]{{2}})(?:街道|[省县镇乡]|{_CITY}|{_DISTRICT})")
_PIECES = re.compile(r"[，。！？；：、,.!?;:（）()“”\"\s]+")
_TOO_GENERIC_NAME = {"这个", "我们", "本", "周边", "附近", "整个", "所在", "当地", "农村", "城市", "全市", "市区", "城区", "老旧",
                     "各个", "一个", "多个", "所有", "商品", "公共", "道路", "马路", "出租", "民办", "公办", "私立", "公立",
                     "配套", "乡镇", "村级", "新建", "这所", "那所", "一所", "各级", "小区配套", "学校", "周围", "周末",
                     "每天", "最近", "近期", "晚上", "早上", "凌晨"}


# Kinds of hospital a complaint names without naming one (「医保定点医院拒绝报销」 at any compound).
_KINDS_OF_PLACE = frozenset({"定点医院", "医保定点医院", "公立医院", "私立医院", "民营医院", "社区医院", "定点药店"})


@lru_cache(maxsize=1)
def _common_nouns() -> frozenset[str]:
    """Kinds of place (批发市场, 配套学校 ...) from the domain dictionary: not names of a place."""
    from rexian.text.segmentation import dictionary_words

    return frozenset(word for word, _, _ in dictionary_words()) | {"配套学校", "村里", "小区配套学校"} | _KINDS_OF_PLACE


def strip_admin(piece: str) -> str:
    """A piece of text without administrative prefixes (A市, A3区, 岳麓区, 桂花坪街道)."""
    piece = _CODED_ADMIN.sub(" ", piece).strip()
    while True:
        stripped = _LEADING_ADMIN.sub("", piece)
        if stripped == piece or len(stripped) < 3:
            return piece
        piece = stripped


def _cut_name(name: str) -> str:
    """The name after its last cut (「反映润芳园」 -> 润芳园, 「住在金桥街道柳营」 -> 柳营, 「415号教师」 -> 教师);
    a 和/与 that starts a two-character name stays (「与和平」 -> 和平, for 和平路)."""
    cuts = [match for match in _NAME_CUT.finditer(name)]
    if not cuts:
        return name
    last = cuts[-1]
    if last.group() in ("和", "与") and len(name) - last.start() == 2 and (len(cuts) == 1 or cuts[-2].end() == last.start()):
        return name[last.start():]
    return name[last.end():]


def place_keys(*texts: str | None, limit: int = 6, normalised: tuple[bool, ...] = ()) -> list[str]:
    """Named places mentioned in the texts (address first, then title, then content), most specific first.
    `normalised[i]` says text i is already normalised."""
    keys: list[str] = []
    for position, text in enumerate(texts):
        if not text or str(text) == "nan":
            continue
        text = str(text) if position < len(normalised) and normalised[position] else normalise(str(text))
        for piece in _PIECES.split(_ADMIN_INSIDE.sub(" ", _CODED_ADMIN.sub(" ", text))):
            for match in _PLACE.finditer(strip_admin(piece)):
                name, word = match.group(1), match.group(2)
                name = _cut_name(name)
                for generic in ("小区", "社区", "局", "公司"):  # 「电力局强占小区」: not a place name
                    name = name.rsplit(generic, 1)[-1]
                if len(name) < 2 or name in _TOO_GENERIC_NAME or name.isdigit():
                    continue
                key = name + word if word not in _GENERIC else name
                if key in _common_nouns() or name in _common_nouns() or name.startswith(("村里", "小区")):
                    continue
                if word in _SINGLE_CHAR_WORDS and (len(name) > 6 or key.endswith(_NOT_PLACE_ENDINGS)):
                    continue
                if key not in keys:
                    keys.append(key)
        if len(keys) >= limit:
            break
    return keys[:limit]


@dataclass(frozen=True)
class AddressParts:
    """An address split into its levels; a part that is not there is ''."""

    city: str = ""
    district: str = ""
    street_office: str = ""
    road: str = ""
    number: str = ""
    compound: str = ""
    building: str = ""


_ROAD_WORD = r"(?:大道|大街|路|街(?!道)|巷|弄|胡同|道)"
_ADDRESS = re.compile(
    r"^(?P<city>(?:[\u4e00-\u9fff]{2,7}?省)?(?:[\u4e00-\u9fff]{2,6}?" + _CITY + r"|[A-Z]\d{0,2}市))?"
    r"(?P<district>[\u4e00-\u9fff]{1,6}?(?:县|" + _DISTRICT + r")|[A-Z]\d{0,2}(?:区|县))?"
    r"(?P<street_office>[\u4e00-\u9fff]{2,6}?(?:(?<!区)街道|镇|乡))?"
    r"(?P<road>[\u4e00-\u9fff\d]{1,10}?" + _ROAD_WORD + r"(?:与[\u4e00-\u9fff\d]{1,10}?" + _ROAD_WORD
    + r"(?:交叉口|交汇处|路口|口)?)?)?"
    r"(?P<number>\d+(?:-\d+)?号(?:院)?)?"
    r"(?P<compound>.*?)"
    r"(?P<building>(?:(?:\d+|[A-Za-z])(?:期|区|号楼|栋|幢|座|单元|楼|层|室|号)|附近|旁边|门口|对面)*)$")


def address_parts(address: str | None) -> AddressParts:
    """「滨江市西城区金桥街道柳营路12号院3号楼」 -> city 滨江市, district 西城区, street office 金桥街道,
    road 柳营路, number 12号院, building 3号楼 (heuristic: an unusual address may land in `compound`)."""
    if not address or str(address) == "nan":
        return AddressParts()
    text = re.sub(r"\s+", "", normalise(str(address)))
    match = _ADDRESS.match(text)
    return AddressParts(**{name: value or "" for name, value in match.groupdict().items()}) if match else \
        AddressParts(compound=text)
