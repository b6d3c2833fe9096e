"""Same-matter linking: are two tickets about the same matter (same place, same problem)?

Four signals, each explained in the result:
- text: cosine similarity of the two texts' most distinctive character bigrams (title counted twice);
  bigrams are weighted by rarity (IDF from the ticket collection when one is known — see
  matter_index — else a packaged list of bigrams too common in complaints to tell matters apart);
- place: a shared named place (places.place_keys: 润芳园小区, 竹安村, 蔡锷中路) in address, title or text;
- coordinates: within 200 m supports, more than 1 km apart rules out;
- time: more than `window_days` apart rules out; a different category weakens.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from rexian.text.normalisation import normalise
from rexian.text.places import _CODED_ADMIN, place_keys

TOP_TERMS = 16
SAME_THRESHOLD = 0.6
PLACE_BONUS = 0.25
PLACE_CONFLICT_PENALTY = 0.5
PLACE_UNKNOWN_PENALTY = 0.25
CATEGORY_PENALTY = 0.2
NEAR_METRES = 200
FAR_METRES = 1000
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_TEXT_CHARS = 300
# Bigrams in almost every complaint: they cannot tell one matter from another.
GENERIC_BIGRAMS = frozenset("""
问题 反映 情况 希望 相关 部门 政府 领导 请问 我们 你们 他们 没有 现在 目前 已经 一直 可以 是否 能否 什么 怎么 如何 为什么
时候 解决 处理 要求 建议 咨询 投诉 举报 关于 严重 影响 非常 居民 市民 业主 小区 社区 街道 工作 人员 有关 进行 存在 导致
这个 那个 一个 这样 但是 而且 因为 所以 如果 就是 还是 不是 不能 不到 不了 大家 群众 生活 出行 安全 隐患 尽快 及时 管理
单位 公司 规定 国家 相关 附近 周边 门口 旁边 地方 每天 晚上 早上 多次 几次 至今 仍然 依然 还是 希望 恳请 请求 谢谢 感谢
""".split())


@dataclass
class MatterFeatures:
    terms: dict[str, float]
    places: tuple[str, ...]
    at: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    category: str | None = None
    ticket_id: Any = None
    title_terms: dict[str, float] = field(default_factory=dict)


@dataclass
class SameMatterResult:
    same: bool
    score: float
    text_similarity: float
    shared_places: list[str]
    days_apart: float | None
    distance_m: float | None
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def matter_text(title: str | None, content: str | None) -> str:
    parts = [str(part) for part in (title, title, (content or "")[:_TEXT_CHARS] if content else None)
             if part and str(part) != "nan"]
    return "。".join(parts)


def bigrams(text: str, *, normalised: bool = False) -> list[str]:
    """Chinese character bigrams of a text, in order, within runs of Chinese characters."""
    text = _CODED_ADMIN.sub(" ", text if normalised else normalise(text))
    grams = []
    for run in _CJK_RUN.findall(text):
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def default_weight(gram: str) -> float:
    return 0.25 if gram in GENERIC_BIGRAMS else 1.0


def prepare(ticket: Mapping[str, Any] | Any) -> MatterFeatures:
    """The expensive, weight-independent part of the features: places and all problem bigrams (in
    `terms`, weight 1, in text order). Pure and picklable, so batches can prepare in parallel."""
    get = ticket.get if isinstance(ticket, Mapping) else (lambda name, default=None: getattr(ticket, name, default))
    title, content, address = get("title"), get("content"), get("address")
    if not title and not content:
        content = get("text")
    title = normalise(str(title)) if title and str(title) != "nan" else None
    content = normalise(str(content)[:_TEXT_CHARS]) if content and str(content) != "nan" else None
    places = tuple(place_keys(address, title, content, normalised=(False, True, True)))
    # The text signal is about the problem: the place has its own signal, and counting its name twice
    # would link different problems at one place.
    place_grams = {place[i:i + 2] for place in places for i in range(len(place) - 1)}
    grams = dict.fromkeys(gram for gram in bigrams(matter_text(title, content), normalised=True)
                          if gram not in place_grams)
    title_grams = dict.fromkeys(gram for gram in bigrams(title, normalised=True) if gram not in place_grams) \
        if title else {}
    return MatterFeatures(dict.fromkeys(grams, 1.0), places, _as_datetime(get("received_at") or get("at")),
                          _as_float(get("lon")), _as_float(get("lat")), _clean(get("category")), get("ticket_id"),
                          dict.fromkeys(title_grams, 1.0))


def weigh(prepared: MatterFeatures, weight=default_weight, top: int = TOP_TERMS) -> MatterFeatures:
    """Keep the `top` most distinctive bigrams of prepared features, weighted."""
    ranked = sorted(((gram, weight(gram)) for gram in prepared.terms), key=lambda item: -item[1])[:top]
    generic = getattr(weight, "generic_place", None)
    places = tuple(place for place in prepared.places if not generic(place)) if generic else prepared.places
    title_terms = {gram: weight(gram) for gram in list(prepared.title_terms)[:TOP_TERMS]}
    return MatterFeatures(dict(ranked), places, prepared.at, prepared.lon, prepared.lat, prepared.category,
                          prepared.ticket_id, title_terms)


def features(ticket: Mapping[str, Any] | Any, weight=default_weight, top: int = TOP_TERMS) -> MatterFeatures:
    """The linking features of a ticket (a mapping or an object with title/content/address/... fields)."""
    return weigh(prepare(ticket), weight, top)


def _clean(value):
    return None if value is None or str(value) in ("", "nan", "NaT", "None") else value


def _as_float(value) -> float | None:
    value = _clean(value)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _as_datetime(value) -> datetime | None:
    value = _clean(value)
    if value is None or isinstance(value, datetime):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    try:
        return datetime.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        return None


def text_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(a[gram] * b[gram] for gram in a.keys() & b.keys())
    return shared / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def judge(a: MatterFeatures, b: MatterFeatures, window_days: float | None = 30,
          threshold: float = SAME_THRESHOLD) -> SameMatterResult:
    """Combine text, place, coordinates, time and category into one decision with reasons."""
    metres = (distance_m(a.lon, a.lat, b.lon, b.lat)
              if a.lon is not None and a.lat is not None and b.lon is not None and b.lat is not None else None)
    days = abs((a.at - b.at).total_seconds()) / 86400 if a.at and b.at else None
    return decide(similarity_of(a, b), a.places, b.places, days, metres, a.category, b.category,
                  window_days, threshold)


def similarity_of(a: MatterFeatures, b: MatterFeatures) -> float:
    """Text similarity of the distinctive bigrams of the whole texts, or of the titles when these agree
    more (citizens often title one matter alike and then tell it in long, different letters), discounted
    because a title alone is short."""
    return combined_similarity(text_similarity(a.terms, b.terms), text_similarity(a.title_terms, b.title_terms))


TITLE_DISCOUNT = 0.8


def combined_similarity(body, title, maximum=max):
    """The text similarity from the body's and the title's cosines: floats, or numpy arrays of them with
    `maximum=numpy.maximum` (batch linking scores all of a ticket's candidates at once)."""
    return maximum(maximum(body, TITLE_DISCOUNT * title), (body + title) / 2)


def decide(similarity: float, places_a: tuple[str, ...], places_b: tuple[str, ...], days: float | None,
           metres: float | None, category_a, category_b, window_days: float | None = 30,
           threshold: float = SAME_THRESHOLD) -> SameMatterResult:
    """The decision from the measured signals (shared by the pair check and the index)."""
    shared = [place for place in places_a if place in places_b]
    if shared and places_a[0] not in places_b and places_b[0] not in places_a:
        # Each names a different main place; what they share is secondary (a road both are on).
        shared = []
    reasons: list[str] = [f"文本相似度{similarity:.2f}"]
    score = similarity
    if shared:
        score += PLACE_BONUS
        reasons.append(f"同一地点「{'、'.join(shared)}」")
    elif metres is not None and metres <= NEAR_METRES:
        score += PLACE_BONUS
        reasons.append(f"坐标相距{metres:.0f}米")
    elif places_a and places_b:
        # Both name their place and the names differ: the same complaint about two compounds.
        score -= PLACE_CONFLICT_PENALTY
        reasons.append(f"地点不同（{places_a[0]}/{places_b[0]}）")
    else:
        # Nothing confirms the place: the texts alone must be nearly the same.
        score -= PLACE_UNKNOWN_PENALTY
        reasons.append("地点无法确认")
    if category_a and category_b and category_a != category_b:
        score -= CATEGORY_PENALTY
        reasons.append(f"类别不同（{category_a}/{category_b}）")
    ruled_out = False
    if metres is not None and metres > FAR_METRES:
        ruled_out = True
        reasons.append(f"坐标相距{metres / 1000:.1f}公里，不是同一地点")
    if window_days is not None and days is not None and days > window_days:
        ruled_out = True
        reasons.append(f"相隔{days:.0f}天，超出{window_days:g}天时间窗口")
    score = max(0.0, min(1.0, score))
    return SameMatterResult(not ruled_out and score >= threshold, round(score, 3), round(similarity, 3), shared,
                            None if days is None else round(days, 2), None if metres is None else round(metres, 1),
                            reasons)


def same_matter(a, b, *, window_days: float | None = 30, threshold: float = SAME_THRESHOLD) -> SameMatterResult:
    """Whether tickets `a` and `b` (mappings or objects with title, content, address, lon, lat,
    received_at, category) are about the same matter, with the score and the reasons."""
    return judge(features(a), features(b), window_days, threshold)
