"""Scoring the replies units write to citizens: boilerplate, specificity, relevance (答非所问).

A reply is read sentence by sentence. *Formula* sentences carry no information: greetings
(「网友：您好！」), receipt (「留言已收悉」), thanks, 「高度重视」, 「现回复如下」, sign-off dates. What remains is
the *substance*. Three scores in [0, 1], each with the evidence behind it:

- boilerplate: 1 when there is no substance at all, or when the substance is (nearly) the same as a
  known non-answer (data/non_answers.txt) or as the same unit's reply to a different matter;
- specificity: does the substance say what was done (actions), when (dates/times), by whom
  (organisations/staff), with what result, or on which basis (a regulation, a figure, a phone number)?
- relevance: do the complaint's key terms (places, objects, problems) come back in the substance?
  Term overlap weighted towards the title, blended with a character-bigram cosine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rexian.text.normalisation import normalise

_SENTENCES = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
# Sentences (or leading pieces) that say nothing about the matter.
_FORMULA = re.compile(
    r"^(?:[“\"]?[^，。：:]{0,24}[”\"]?(?:网友|网民|市民|同志|朋友|先生|女士)[^，。：:]{0,6}[:：，,]?"
    r"|(?:网友|网民|网名)[“\"]?[^，。：:”\"]{0,24}[”\"]?[:：，,]?)?"
    r"(?:尊敬的|亲爱的)?(?:网友|网民|市民|市民朋友|网民朋友)?(?:同志)?[:：，,\s]*(?:您好|你好)?[!！，,：:。\s]*$"
    r"|已收悉|已获悉|已阅悉|已阅|收悉|已收到|已知悉|高度重视|非常重视|十分重视|现(?:将|就)?[^。]{0,20}(?:回复|答复)如下"
    r"|感谢(?:您|你)|谢谢|敬请谅解|祝您|欢迎(?:继续)?监督|请耐心等待|给您带来不便|专此回复|特此回复"
    r"|已(?:转交|转|交由|交)[^。]{0,12}(?:部门|单位)[^。]{0,12}(?:处理|处置|办理|核处|研究)"
    r"|如有(?:相关|回复|进展|情况)[^。]{0,20}(?:反馈|告知|回复)|已进行过回复|已(?:记录|登记)"
)
_DATE_ONLY = re.compile(r"^\s*(?:\d{4}[年./-]\d{1,2}(?:[月./-]\d{1,2}日?)?|\d{4}\.\d{1,2}\.\d{1,2}|\d+\.\d+)\s*[。.]?\s*$")

_WHEN = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?|底|初|内|上半年|下半年)?|\d{1,2}月\d{1,2}日|\d{1,2}[:：]\d{2}|\d{1,2}(?:点|时)(?:\d{1,2}分)?"
                   r"|(?:今年|去年|明年|本月|上月|下月|近日|当天|次日|随即|当日|第一时间|年底|年初|上半年|下半年)"
                   r"|\d+(?:个)?(?:工作日|日|天|周|个月)内")
_ORG_SUFFIX = ("委员会|街道办事处|街道办|办事处|管委会|村委会|居委会|派出所|执法局|分局|局|街道|社区|大队|中队|支队|中心|公司|医院|学校"
               "|政府|河长办|城管委|卫健委|发改委|执法队|工作组|调查组|专班|检测站|管理处|管理所|供电所|卫生院|法院|检察院")
# An organisation name: a few name characters (no function words) before an organisation suffix, or the
# unit speaking of itself (我局, 我街道); staff roles count as "who" too.
_WHO = re.compile(rf"(?:[A-Z]\d*|[^\W\d_的了在向和与你您他她是有为将对把被从经由及并已于到给让使等个这那因所可以其该要请就也都还又按])"
                  rf"{{1,8}}?(?:{_ORG_SUFFIX})|我(?:局|办|委|院|校|司|街道|镇|乡|单位|中心|所|队)"
                  r"|执法人员|工作人员|网格员|民警|交警|城管队员|负责人|技术人员|施工人员|保洁员|[\u4e00-\u9fff]{1,3}(?:局长|主任|书记|队长|所长)")
_ACTION = re.compile(r"现场(?:查看|调查|核实|勘查|检查|处置|监测|办公)|实地(?:查看|调查|核实|走访)|调查核实|核查|走访|约谈|责令|下达"
                     r"|整改|清理|清运|疏通|拆除|维修|修复|更换|安装|铺设|补栽|处罚|罚款|查处|立案|取缔|暂扣|没收|制止|劝离"
                     r"|监测|检测|巡查|督促|协调|联系(?:了)?(?:您|你|当事人|业主|投诉人)|电话联系|回访|召开|组织|开展|封堵|关停|停业|约见|答复")
_RESULT = re.compile(r"已(?:经)?(?:完成|恢复|整改|拆除|疏通|清理|修复|解决|到位|办结|发放|补发|退还|退款|更换|安装|开通|停止|关停|取缔"
                     r"|处理完毕|落实|通车|竣工|立案)|(?:整改|处理|维修|清理)(?:完毕|到位|完成)|恢复正常|达标|不超标|超标"
                     r"|预计[^，。]{0,20}(?:完成|完工|通车|开工|交付|到位)|计划[^，。]{0,20}(?:完成|完工|实施)|罚款\d|\d+(?:元|万元|台|辆|处|户|人|平方米|米|吨|分贝|dB)"
                     r"|不属实|属实|情况不符|暂无[^，。]{0,8}计划|尚无[^，。]{0,8}计划|不予|不宜|不符合|符合条件|正在(?:施工|建设|办理|推进|实施)")
# A cited rule answers a consultation; a referral number alone is a weak answer.
_BASIS = re.compile(r"《[^》]{2,40}》|第[一二三四五六七八九十百\d]+条|〔\d{4}〕|\[\d{4}\]|﹝\d{4}﹞|\d+号文")
_REFERRAL = re.compile(r"\(?\d{3,4}\)?-?\d{7,8}|\d{5}热线|12345|12315|12348|12358|12366|12333|建议您?(?:直接)?(?:拨打|致电|咨询|联系|向|到|登录)")
_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# What a unit says about itself and its procedure, in every reply whatever the matter: its own name
# (「经XX街道办事处核实」「我单位」), handover (「已转交」), the call back (「已电话告知来电人，来电人满意」) and
# bare claims of success (「问题已解决」「已处理完毕，申请办结」). None of it answers the complaint, so it
# counts neither as substance for boilerplate nor as overlap for relevance.
_UNIT = (rf"[^\W\d_的了在和与是有为将对把被从经由及并已于到给让使等这那所该就也都还又按]{{1,12}}?"
         rf"(?:{_ORG_SUFFIX}|办公室|集团)")
# The unit naming itself, not an organisation the reply is about: 「经XX大队核实」「XX局工作人员」「XX中心已安排」.
# 「我局立即交办给市人民医院，市人民医院组织人员到现场查看」 keeps the hospital: it is what was done.
_PROCEDURAL = re.compile(
    rf"经(?:过)?{_UNIT}|{_UNIT}(?=工作人员|已安排|已(?:经)?(?:处理|核实|核查|知晓|收悉|按)|高度重视|接到|收到|核实|核查)"
    r"|经(?:过)?(?:核实|核查|查实|查|了解|调查|研究|现场核实|处理)|我(?:单位|局|办|委|院|中心|所|队|街道|镇|乡|部门|科)"
    r"|本(?:单位|部门|机关)|(?:已|现)?(?:转交|转办|转至|转给|移交|转达|转)(?:给|至|到)?(?:相关|有关)?(?:部门|单位|科室)?"
    r"|(?:相关|有关)(?:部门|单位|人员|科室|职能部门)|工作人员|专人|(?:已于)?当日|电话(?:告知|联系|回复|回访)"
    r"|来电人|来电市民|市民|网友|当事人|(?:对处理结果)?表示(?:理解|满意|认可)|满意|认可|已?(?:知晓|知悉|收悉)"
    r"|申请办结|诉求已办结|已办结|办结|已安排(?:专人|人员|相关人员)?(?:处理|跟进|跟进处理|核实处理)?|已联系|已告知|已回复"
    r"|(?:现|目前)?(?:问题)?已(?:妥善|协调)?(?:解决|处理)(?:完毕)?|妥善解决|处理完毕|按(?:规定|程序|流程)(?:处理|办理)?"
    r"|(?:将|会)(?:尽快|及时|依法|按程序|认真)?(?:处理|办理|核实|答复|跟进)|正在(?:协调)?(?:处理|办理)(?:中)?|请耐心等待"
    r"|感谢(?:您|你)?(?:的)?(?:来电|支持|理解|监督)?|谢谢|相关|有关|问题|情况|您|你|反映")
_PROCEDURE_LEFT = re.compile(r"经(?:过)?(?:核实|核查|查实|查|了解|调查|处理)")
# Words so common in complaints and replies that sharing them says nothing about relevance.
_GENERIC_TERMS = frozenset("问题 情况 反映 相关 部门 工作 我们 你们 您好 网友 市民 回复 答复 处理 要求 希望 建议 请问 咨询 关于 "
                           "进行 没有 现在 目前 已经 一直 可以 是否 能否 什么 怎么 如何 为什么 时候 解决 有关 严重 影响 "
                           # how citizens ask, not what about: a reply's 「现场查看」「电话告知」 must not match them
                           "现场 看看 电话 来电 人称 问问 到底 几次 两次 之前 说法 管一管 尽快 彻底 重视 依法 麻烦 投诉 "
                           "处理结果 老样子 有没有 没人管 人管 回个 踢皮球 希望有关部门 有人 质疑 敬爱 尊敬".split())


# Words citizens and units use for the same thing: a reply saying 违章建筑 answers a complaint about 违建.
_BACK_REFERENCE = "(?:该|此|涉事|上述|所述|您反映的|你反映的)"
_SYNONYMS = {
    "违建": ("违章建筑", "违法建设", "违建"), "违章建筑": ("违建", "违法建设"), "上牌": ("号牌", "注册登记", "上牌"),
    "噪音": ("噪声",), "噪声": ("噪音",), "红绿灯": ("信号灯",), "信号灯": ("红绿灯",), "扰民": ("噪音", "噪声", "扰民"),
    "补课": ("补课", "培优"), "物业费": ("物业服务费",), "拖欠": ("欠薪", "工资", "拖欠"), "欠薪": ("拖欠", "工资"),
    "低保": ("最低生活保障",), "低保户": ("低保", "最低生活保障"), "年检": ("检验", "检测"), "乱停乱放": ("停车", "违停"),
    "油烟": ("油烟", "排烟", "净化装置", "净化器"),
}


@dataclass
class ReplyScores:
    boilerplate: float
    specificity: float
    relevance: float | None
    substance: str
    evidence: dict

    def as_dict(self) -> dict:
        return {"boilerplate": self.boilerplate, "specificity": self.specificity, "relevance": self.relevance,
                "substance": self.substance, "evidence": self.evidence}


@lru_cache(maxsize=1)
def known_non_answers() -> tuple[str, ...]:
    text = resources.files("rexian.text").joinpath("data/non_answers.txt").read_text(encoding="utf-8")
    return tuple(normalise(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _known_non_answer_index() -> tuple[tuple[str, ...], tuple[int, ...], dict[str, tuple[tuple[int, int], ...]]]:
    """The known non-answers' character bigrams, counted once: (texts, squared norms, bigram -> (text index,
    count)). A reply's cosine with every known non-answer is then one pass over the reply's own bigrams
    instead of one pass per known text (the counts are integers, so the result is exactly `cosine`'s)."""
    texts = known_non_answers()
    postings: dict[str, list[tuple[int, int]]] = {}
    norms = []
    for index, known in enumerate(texts):
        grams = char_ngrams(known)
        norms.append(sum(v * v for v in grams.values()))
        for gram, count in grams.items():
            postings.setdefault(gram, []).append((index, count))
    return texts, tuple(norms), {gram: tuple(entries) for gram, entries in postings.items()}


def _closest_non_answer(grams: Counter) -> tuple[float, str]:
    """(cosine, text) of the known non-answer closest to `grams`: the same pair as the largest
    `(cosine(grams, known_grams), known)`, ties included."""
    texts, norms, postings = _known_non_answer_index()
    if not texts:
        return 0.0, ""
    dots = [0] * len(texts)
    for gram, count in grams.items():
        for index, known_count in postings.get(gram, ()):
            dots[index] += count * known_count
    mine = sum(v * v for v in grams.values())
    similarities = [(dot / math.sqrt(mine * norm) if grams and norm else 0.0, text)
                    for dot, norm, text in zip(dots, norms, texts)]
    return max(similarities)


def split_substance(reply: str) -> tuple[str, list[str]]:
    """(the substantive part of a normalised reply, the formula sentences removed from it)."""
    substance, removed = _split_substance(reply)
    return substance, list(removed)


@lru_cache(maxsize=16384)
def _split_substance(reply: str) -> tuple[str, tuple[str, ...]]:
    # Remembered: scoring one reply splits it three times (boilerplate, specificity, relevance).
    kept, removed = [], []
    for sentence in _SENTENCES.findall(reply):
        pieces = re.split(r"(?<=[，,：:])", sentence)
        # A sentence is formula when its informative remainder is short once formula phrases are cut out.
        remainder = _FORMULA.sub("", sentence)
        if _DATE_ONLY.match(sentence) or len(_CHAR.findall(remainder)) <= 4 or (
                _FORMULA.search(sentence) and len(_CHAR.findall(sentence)) <= 30 and not _ACTION.search(remainder)):
            removed.append(sentence.strip())
        elif _FORMULA.search(pieces[0]) and len(pieces) > 1:
            # 「您好，经核实……」: drop only the leading formula piece.
            head = pieces[0]
            removed.append(head.strip())
            kept.append(sentence[len(head):])
        else:
            kept.append(sentence)
    return "".join(kept).strip(), tuple(removed)


def char_ngrams(text: str, n: int = 2) -> Counter:
    chars = "".join(_CHAR.findall(text))
    return Counter(chars[i:i + n] for i in range(max(len(chars) - n + 1, 0)))


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b.get(gram, 0) for gram, count in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def boilerplate_score(reply: str, other_replies: list[str] | tuple[str, ...] = ()) -> tuple[float, dict]:
    reply = normalise(reply)
    substance, removed = split_substance(reply)
    # Characters that say something about the matter: not formula, not the unit naming itself, not procedure.
    substance_chars = len(_CHAR.findall(informative_text(substance)))
    evidence: dict = {"formula_sentences": removed, "substance_chars": substance_chars}
    if substance_chars == 0:
        evidence["reason"] = ("除客套话外没有任何内容" if not _CHAR.search(substance)
                              else "只有单位自称和程序性用语（如「经核实」「已处理」），没有说明做了什么")
        return 1.0, evidence
    grams = char_ngrams(reply)
    best_known = _closest_non_answer(grams)
    evidence["closest_non_answer"] = {"text": best_known[1], "similarity": round(best_known[0], 3)}
    score = 0.0
    # Short substance: a reply with under ~20 informative characters cannot say what was done.
    if substance_chars < 20:
        score = max(score, 1.0 - substance_chars / 40)
        evidence["reason"] = f"实质内容只有{substance_chars}字"
    if best_known[0] >= 0.6:
        score = max(score, best_known[0])
        evidence["reason"] = f"与已知空话「{best_known[1]}」相似度{best_known[0]:.2f}"
    if other_replies and substance_chars >= 1:
        mine = char_ngrams(substance, 3)
        similarities = []
        for other in other_replies:
            other_substance = split_substance(normalise(other))[0]
            similarities.append((cosine(mine, char_ngrams(other_substance, 3)), other))
        top = max(similarities)
        evidence["closest_unit_reply"] = {"text": top[1][:120], "similarity": round(top[0], 3)}
        if top[0] >= 0.8:
            score = max(score, top[0])
            evidence["reason"] = f"与本单位对其他诉求的答复几乎相同（相似度{top[0]:.2f}）"
    return round(min(score, 1.0), 3), evidence


def specificity_score(reply: str) -> tuple[float, dict]:
    substance, _ = split_substance(normalise(reply))
    found = {
        "when": sorted(set(_WHEN.findall(substance))),
        "who": sorted({match.group(0) for match in _WHO.finditer(substance)})[:10],
        "what": sorted(set(_ACTION.findall(substance))),
        "result": sorted(set(_RESULT.findall(substance))),
        "basis": sorted(set(_BASIS.findall(substance))),
        "referral": sorted(set(_REFERRAL.findall(substance))),
    }
    # What was done and with what result matter most; a cited rule or a referral number (a consultation's
    # answer) is worth as much as an action.
    weights = {"when": 0.2, "who": 0.2, "what": 0.25, "result": 0.25, "basis": 0.35, "referral": 0.1}
    score = sum(weight for key, weight in weights.items() if found[key])
    if len(found["what"]) >= 3:
        score += 0.1
    return round(min(score, 1.0), 3), found


def key_terms(complaint: str, title: str | None = None, limit: int = 20) -> dict[str, float]:
    """Content words of a complaint with weights: title words count double, repeated words more."""
    return dict(_key_terms(complaint, title, limit))


@lru_cache(maxsize=65536)
def _key_terms(complaint: str, title: str | None, limit: int) -> tuple[tuple[str, float], ...]:
    # Remembered: every reply on a ticket (and both reply rules) asks for the same complaint's terms, and
    # segmenting is the costliest step of scoring a reply.
    from rexian.text.segmentation import content_words

    weights: Counter = Counter()
    for word in content_words(normalise(complaint)):
        if word not in _GENERIC_TERMS:
            weights[word] += 1.0
    for word in content_words(normalise(title or "")):
        if word not in _GENERIC_TERMS:
            weights[word] += 2.0
    return tuple(weights.most_common(limit))


def informative_text(substance: str) -> str:
    """The substance without the unit's self-naming, procedure words and dates: what is left says what was
    done about *this* matter (empty for 「经XX街道办事处核实，已处理。」)."""
    text = _PROCEDURAL.sub("", _WHEN.sub("", substance))
    return _PROCEDURE_LEFT.sub("", text)  # 「经XX大队核实」 reads 「经核实」 once the name is gone


def relevance_score(reply: str, complaint: str, title: str | None = None) -> tuple[float | None, dict]:
    substance = informative_text(split_substance(normalise(reply))[0])
    terms = key_terms(complaint, title)
    if not terms:
        return None, {"reason": "诉求没有可比对的关键词"}
    if not substance:
        return 0.0, {"matched_terms": [], "missing_terms": list(terms)[:10]}
    matched = [term for term in terms
               if term in substance or any(synonym in substance for synonym in _SYNONYMS.get(term, ()))]
    # Partial credit: a two-character piece of a longer term (「电梯」 for 「加装电梯」).
    partial = [term for term in terms if term not in matched and len(term) >= 3
               and any(term[i:i + 2] in substance for i in range(len(term) - 1))]
    # Partial credit too: the matter named back by its head (「烧烤店」 … 「该店」「此店」「涉事店」): a reply about
    # *this* shop that never repeats the complaint's words still answers it.
    partial += [term for term in terms if term not in matched and term not in partial and len(term) >= 2
                and re.search(f"{_BACK_REFERENCE}{re.escape(term[-1])}", substance)]
    covered = sum(terms[t] for t in matched) + 0.5 * sum(terms[t] for t in partial)
    overlap = covered / sum(terms.values())
    # The title names the matter in a few words: a reply that takes up the title's words answers it even
    # when the letter itself wanders (「…有人违建」 answered about 「该违章建筑」).
    title_terms = [term for term in key_terms("", title) if term in terms]
    if title_terms:
        title_covered = sum(1.0 if t in matched else 0.5 if t in partial else 0.0 for t in title_terms)
        overlap = max(overlap, 0.8 * title_covered / len(title_terms))
    text_cosine = cosine(char_ngrams(normalise((title or "") + complaint)), char_ngrams(substance))
    score = min(1.0, 0.75 * overlap + 0.25 * min(1.0, text_cosine * 2))
    return round(score, 3), {"matched_terms": matched, "partial_terms": partial,
                             "missing_terms": [t for t in terms if t not in matched and t not in partial][:10],
                             "term_overlap": round(overlap, 3), "char_cosine": round(text_cosine, 3)}


def reply_scores(reply: str, complaint: str | None = None, *, title: str | None = None,
                 other_replies_of_unit: list[str] | tuple[str, ...] = ()) -> ReplyScores:
    """Boilerplate, specificity and relevance of `reply` (to `complaint`), each with its evidence.

    `other_replies_of_unit`: the same unit's replies to *different* matters, to catch copy-paste replies.
    """
    normalised = normalise(reply)
    asks_how_to = bool(_HOW_TO.search(normalise((title or "") + (complaint or ""))))
    boilerplate, boilerplate_evidence = boilerplate_score(normalised, other_replies_of_unit)
    specificity, specificity_evidence = specificity_score(normalised)
    relevance, relevance_evidence = (relevance_score(normalised, complaint, title) if complaint or title
                                     else (None, {}))
    return ReplyScores(boilerplate, specificity, relevance, split_substance(normalised)[0],
                       {"boilerplate": boilerplate_evidence, "specificity": specificity_evidence,
                        "relevance": relevance_evidence, "asks_how_to": asks_how_to})


# Passing the matter on instead of answering it: to a department (「已转交相关部门调查处置」), or sending the
# citizen elsewhere (「建议您向B市自来水公司反馈」「请到残联具体咨询」「属经开区管理」).
_FORWARD = re.compile(
    r"(?:已|现|并)?(?:转交|转办|转至|转给|移交|交由|交办|转)(?:至|给|到)?[^。；]{0,20}?"
    r"(?:部门|单位|局|委|办|中心|政府|街道|学校|公司|所|处|科)"
    r"|建议(?:您|你)?(?:直接)?(?:拨打|致电|咨询|联系|向|到|登录|登陆)|请(?:您|你)?(?:直接)?(?:到|向|致电|咨询|登录|登陆|拨打)"
    r"|不属于[^。]{0,20}(?:管辖|职责|范围)|属[^。，]{0,16}管理")
# A citizen asking how or where to get something done (「社保卡怎么补办？」「公证如何办理？」) …
_HOW_TO = re.compile(r"(?:怎么|怎样|如何|哪里|哪儿|何处|去哪|在哪)[^。？?！!]{0,8}(?:办|申请|补|领|挂失|开具|登记|注册|缴)"
                     r"|(?:办理|申请|补办)(?:流程|手续|程序)|需要(?:准备|提供)?(?:什么|哪些)(?:材料|证件|手续)")
# … is answered by a reply that says where to do it (「请到当地县级公证处办理即可」「携带身份证到银行网点办理挂失」);
# sending them somewhere to *ask* (「请到残联咨询」「请致电…咨询」) answers nothing.
_WHERE_TO_DO = re.compile(r"(?:到|去|前往|在)[^。；，,]{1,24}?(?:办理|补办|申领|挂失|领取|开具|登记|缴纳)")
# A reply asking for the details the unit needs to act (「请提供小车车牌号码和联系方式，以便我们调查取证」) is an
# interim answer, neither off-topic nor a forward.
_ASKS_DETAILS = re.compile(r"请(?:您|你)?(?:进一步)?(?:提供|补充)[^。；]{0,30}?"
                           r"(?:号码|号牌|车牌|地址|地点|位置|时间|姓名|名称|信息|材料|证据|联系方式|具体)")
REPLY_KINDS = {"acknowledgement_only": "只有收悉、问候或日期，没有答复内容",
               "forward_only": "只说已转交（或请市民另找）某部门，没有办理结果",
               "boilerplate": "套话/空话答复",
               "off_topic": "答非所问"}


def reply_kind(scores: ReplyScores, reply: str, *, boilerplate_at: float = 0.7,
               relevance_below: float = 0.1) -> str | None:
    """Which kind of perfunctory reply this is (a key of REPLY_KINDS), or None when it answers.

    acknowledgement only: nothing but greeting, receipt, thanks or a date; forward only: the matter passed
    to (or the citizen sent to) another body, with no action, result or cited rule of its own; boilerplate: a
    known non-answer or the unit's copy-paste; off-topic: (almost) none of the complaint's terms. Saying where
    to get done what the citizen asked how to do, or asking for the details needed to act, is an answer.
    A reply that is merely short, or explains without an action (a consultation's answer), is not flagged:
    low specificity alone flagged many real answers on the Teddy replies."""
    found = scores.evidence.get("specificity", {})
    text = normalise(reply)
    asks_details = bool(_ASKS_DETAILS.search(text))
    says_something = (any(found.get(key) for key in ("what", "result", "basis")) or asks_details
                      or bool(scores.evidence.get("asks_how_to") and _WHERE_TO_DO.search(text)))
    if scores.evidence.get("boilerplate", {}).get("substance_chars", 1) == 0 and not _FORWARD.search(normalise(reply)):
        return "acknowledgement_only"
    if _FORWARD.search(normalise(reply)) and not says_something:
        return "forward_only"
    if scores.boilerplate >= boilerplate_at:
        return "boilerplate"
    if scores.relevance is not None and scores.relevance < relevance_below and not asks_details:
        return "off_topic"
    return None


def is_perfunctory(scores: ReplyScores, *, boilerplate_at: float = 0.7, relevance_below: float = 0.1,
                   reply: str | None = None) -> list[str]:
    """Reasons (Chinese) to flag a reply as perfunctory, the first naming its kind; empty when it is not.
    `reply`: the reply's text, to tell a forward from a non-answer (scores alone cannot)."""
    kind = reply_kind(scores, reply if reply is not None else scores.substance, boilerplate_at=boilerplate_at,
                      relevance_below=relevance_below)
    if kind is None:
        return []
    reasons = [REPLY_KINDS[kind]]
    if kind != "boilerplate" and scores.boilerplate >= boilerplate_at:
        reasons.append(REPLY_KINDS["boilerplate"])  # an acknowledgement or forward made of stock phrases
    return reasons
