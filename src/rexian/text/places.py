"""Place keys: the named places a hotline text or address is about.

Same-matter linking needs to know that 「A3区梅溪湖看云路润芳园小区临街门面油烟扰民」 and 「润芳园小区楼下饭店
油烟」 are about the same place. We take the administrative prefix off (省/市/区/县/镇/乡/街道, and the
anonymised codes such as A市, A3区) and keep names that end in a place word (小区, 花园, 路, 村 ...), with
the bare name too when the place word is a generic one (「润芳园小区」 -> 润芳园小区, 润芳园).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rexian.text.normalisation import normalise

# Anonymised or coded units (A市, A3区, K9县) anywhere; real names (岳麓区, 桂花坪街道) only at the start of
# a piece, and never the 区 of 小区 or the 市 of 超市.
_CODED_ADMIN = re.compile(r"[A-Z]\d{0,2}(?:省|市|区|县)")
_LEADING_ADMIN = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:省|(?<!超|菜|门|城|夜|集)市(?!场|民|区)|县|(?<!小|社|园|景|校|厂|营|城|片|辖|山)区|镇|乡|街道)"
                            r"(?=[\u4e00-\u9fffA-Za-z0-9])")
# Place words, longest first so 「花园小区」 is not cut at 「花园」.
_PLACE_WORDS = ("安置小区", "小区", "花园", "花苑", "家园", "新村", "公寓", "大厦", "广场", "市场", "华庭", "华府", "名邸", "雅苑",
                "山庄", "公馆", "庄园", "社区", "村", "大道", "大街", "路", "街", "巷", "公路", "高速", "隧道", "大桥", "桥",
                "学校", "小学", "中学", "幼儿园", "学院", "大学", "医院", "卫生院", "公园", "工业园", "园区", "网吧", "酒店", "宾馆",
                "车站", "地铁站", "公交站", "驾校", "超市", "商场", "公园", "苑", "府", "城", "湾", "园", "郡", "庭")
_GENERIC = {"小区", "社区", "安置小区"}
# Words that end in a place character without naming a place (绕路, 临街, 修路).
_NOT_PLACE_ENDINGS = ("绕路", "走路", "修路", "道路", "过路", "带路", "让路", "出路", "思路", "线路", "套路", "迷路", "赶路", "上路",
                      "马路", "土路", "水泥路", "沥青路", "露宿街", "上街", "逛街", "沿街", "临街", "满街", "当街", "一条街",
                      "农村", "乡村", "本村", "全村", "进村", "出村", "该村", "我村", "回村", "下村", "村村", "进城", "出城",
                      "县城", "全城", "满城", "进园", "校园", "田园", "乐园", "家庭", "法庭", "门庭", "政府", "全湾")
_SINGLE_CHAR_WORDS = {"路", "街", "巷", "村", "苑", "府", "城", "湾", "园", "郡", "庭", "桥"}
_NAME = r"[\u4e00-\u9fffA-Za-z0-9]"
_STOP_CHARS = set("的了在和与是有为将对把被从由及并已于到给让使等个这那该我你他她们请问反映关于要求希望建议咨询投诉举报")
_PLACE = re.compile(rf"({_NAME}{{2,10}}?)({'|'.join(sorted(_PLACE_WORDS, key=len, reverse=True))})")
_PIECES = re.compile(r"[，。！？；：、,.!?;:（）()“”\"\s]+")
_TOO_GENERIC_NAME = {"这个", "我们", "本", "周边", "附近", "整个", "所在", "当地", "农村", "城市", "全市", "市区", "城区", "老旧",
                     "各个", "一个", "多个", "所有", "商品", "公共", "道路", "马路", "出租", "民办", "公办", "私立", "公立",
                     "配套", "乡镇", "村级", "新建", "这所", "那所", "一所", "各级", "小区配套", "学校", "周围", "周末",
                     "每天", "最近", "近期", "晚上", "早上", "凌晨"}


@lru_cache(maxsize=1)
def _common_nouns() -> frozenset[str]:
    """Kinds of place (批发市场, 配套学校 ...) from the domain dictionary: not names of a place."""
    from rexian.text.segmentation import dictionary_words

    return frozenset(word for word, _, _ in dictionary_words()) | {"配套学校", "村里", "小区配套学校"}


def strip_admin(piece: str) -> str:
    """A piece of text without administrative prefixes (A市, A3区, 岳麓区, 桂花坪街道)."""
    piece = _CODED_ADMIN.sub(" ", piece).strip()
    while True:
        stripped = _LEADING_ADMIN.sub("", piece)
        if stripped == piece or len(stripped) < 3:
            return piece
        piece = stripped


def place_keys(*texts: str | None, limit: int = 6, normalised: tuple[bool, ...] = ()) -> list[str]:
    """Named places mentioned in the texts (address first, then title, then content), most specific first.
    `normalised[i]` says text i is already normalised."""
    keys: list[str] = []
    for position, text in enumerate(texts):
        if not text or str(text) == "nan":
            continue
        text = str(text) if position < len(normalised) and normalised[position] else normalise(str(text))
        for piece in _PIECES.split(_CODED_ADMIN.sub(" ", text)):
            for match in _PLACE.finditer(strip_admin(piece)):
                name, word = match.group(1), match.group(2)
                # Cut the name after the last function character (「反映润芳园」 -> 润芳园).
                for index in range(len(name) - 1, -1, -1):
                    if name[index] in _STOP_CHARS:
                        name = name[index + 1:]
                        break
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
