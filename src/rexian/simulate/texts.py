"""Citizens' words and officials' replies.

Complaints are assembled from parts (opener, problem, detail, emotion, history, demand, closer) and then
roughened the way transcribed calls are: missing punctuation, homophone typos, doubled words, spoken
fillers. Replies range from specific (what, when, who, result) through boilerplate to off-topic.
"""

from __future__ import annotations

import random
from datetime import datetime

from rexian.simulate.phrases import CONSULT_ANSWERS, CONSULT_QUESTIONS, DURATIONS, PROBLEMS, TIMES

OPENERS = ("", "", "", "你好，", "喂你好，", "我要投诉，", "我想反映个问题，", "您好，我是{place}的居民，",
           "麻烦记一下，", "我再反映一次，", "市民来电反映：", "来电人称：", "我是住在{place}的，")
DETAILS = ("", "", "住的都是老人孩子，", "我们这栋楼好多人都有意见，", "我家老人有心脏病受不了，",
           "孩子马上要中考了，", "我上夜班白天要睡觉，", "已经拍了照片和视频，", "邻居们都在群里骂，")
EMOTIONS = ("", "", "", "真的受不了了！", "太气人了！！", "到底有没有人管？", "这都什么事啊",
            "实在没办法了才打12345", "简直无法无天", "请你们一定要重视", "心里特别窝火")
HISTORY = ("", "", "", "之前打过两次电话了，说处理结果还是老样子。", "上次反映完说处理了，其实根本没人来过。",
           "找过物业找过社区都说不归他们管，", "已经反映{dur}了，一直没解决。", "打了好几次电话都是踢皮球。")
DEMANDS = ("希望尽快处理。", "请相关部门管一管。", "要求给个说法。", "希望有关部门来现场看看。", "请尽快解决。",
           "希望能彻底解决，不要敷衍。", "请督促整改。", "", "要求相关部门依法处理。", "希望给我们老百姓做主。")
STORY = ("我家住在{place}{building}栋{unit}单元，", "这个事情从{dur}前就开始了，", "我们好几户邻居一起去找过，",
         "物业说这不归他们管，让我们找社区，社区又说要找街道，", "前前后后打了不下五次电话，",
         "每次都说会处理，然后就没下文了，", "上个月还有人因为这个吵起来了，差点动手，",
         "我们也理解基层工作不容易，但是这么拖下去不是办法，", "我已经拍了视频，随时可以提供，",
         "家里老人八十多了，天天为这事睡不好觉，", "我们交了钱的，凭什么没人管？", "要是再不解决我就去市里反映，",
         "之前的工单号我都记着，", "我就想问问到底归谁管，")
CONSULT_OPENERS = ("", "", "你好，", "喂你好，", "您好，麻烦问一下，", "我想咨询个事，")
CLOSERS = ("", "", "谢谢。", "谢谢你们了", "麻烦了", "等你们回复", "处理完了给我回个电话")
TYPOS = (("反映", "反应"), ("已经", "以经"), ("在", "再"), ("的", "得"), ("物业", "物叶"), ("投诉", "头诉"),
         ("噪音", "燥音"), ("处理", "处里"), ("部门", "部们"), ("现在", "限在"), ("根本", "跟本"), ("按时", "安时"))
FILLERS = ("那个", "就是", "然后", "反正", "嗯", "就是说")

HOSTILE = ("打电话到{unit}，接电话的{who}态度非常恶劣，说“这事不归我们管，别再打了”就把电话挂了。",
           "去{unit}问情况，{who}不耐烦地骂我“你烦不烦”，还让我爱找谁找谁。",
           "{unit}的{who}当着好多人的面讽刺我听不懂人话，把我材料扔了出来。",
           "找到{unit}，{who}把我晾在那一个小时不理，最后说“有本事你去告”。")
GRAFT = ("{unit}的{who}暗示说要办下来得“意思意思”，让我准备两千块钱。",
         "{unit}来检查的{who}说交五百块就不罚了，不给就天天来查。",
         "办手续的时候{unit}的{who}让我们送两条烟才给盖章，这不是吃拿卡要吗？",
         "{unit}的{who}说想快点办就得请他吃顿饭，不然就一直拖着。")
BANQUET = ("{unit}的{who}经常被{shop}老板请去吃饭喝酒，所以{shop}的问题他从来不管。",
           "看到{unit}的{who}和物业公司的人在{shop}包厢吃饭，是物业老板买的单。",
           "中秋节{shop}给{unit}的{who}送购物卡和烟酒，难怪怎么投诉都没用。",
           "{unit}的{who}天天被开发商请吃饭，还收了人家的礼品，群众意见很大。")

BOILERPLATE = ("您的诉求已记录，请耐心等待。", "已收悉，我单位高度重视，将尽快处理。",
               "感谢您对我们工作的支持，相关问题正在协调处理中。", "您反映的问题我单位已知晓，将按程序办理。",
               "已转相关科室处理，请耐心等待。", "我单位已按规定处理，感谢来电。")


def complaint(rng: random.Random, leaf: str, place: str, shop: str, variant: int) -> str:
    """A citizen's complaint about one matter (`variant` picks the problem, so repeats of a matter agree)."""
    problems = PROBLEMS[leaf][0]
    problem = fill(problems[variant % len(problems)], rng, place, shop)
    style = rng.random()
    if style < 0.15:  # terse: only the core problem, often cut short
        text = problem.split("，")[0] if rng.random() < 0.5 else problem
        text = f"{place}{text}" if len(text) < 10 else text
    elif style > 0.8:  # long: a story with history, a second problem and demands
        story = rng.sample(STORY, rng.randint(3, 7))
        other = fill(problems[(variant + 1) % len(problems)], rng, place, shop)
        parts = [rng.choice(OPENERS), story[0], rng.choice(DETAILS), problem, "，", *story[1:3], "而且", other,
                 "，", *story[3:], rng.choice(HISTORY), rng.choice(EMOTIONS), *rng.sample(DEMANDS, 2),
                 rng.choice(CLOSERS)]
        text = fill("".join(parts), rng, place, shop)
    else:
        parts = [rng.choice(OPENERS), rng.choice(DETAILS) if style > 0.5 else "", problem, "，",
                 rng.choice(HISTORY), rng.choice(EMOTIONS), rng.choice(DEMANDS), rng.choice(CLOSERS)]
        text = fill("".join(parts), rng, place, shop)
    text = roughen(rng, text)[:300]
    return text if len(text) >= 10 else f"{place}这边{text}"


def abuse_report(rng: random.Random, family: str, unit_name: str, who: str, shop: str) -> str:
    templates = {"hostile_attitude": HOSTILE, "graft": GRAFT, "improper_banquet": BANQUET}[family]
    return rng.choice(templates).format(unit=unit_name, who=who, shop=shop)


def consultation(rng: random.Random, leaf_name: str) -> str:
    text = rng.choice(CONSULT_OPENERS) + rng.choice(CONSULT_QUESTIONS).format(leaf=leaf_name)
    return roughen(rng, text + rng.choice(("", "？", "，谢谢")))


def consult_answer(rng: random.Random, leaf_name: str) -> str:
    return rng.choice(CONSULT_ANSWERS).format(leaf=leaf_name)


def fill(text: str, rng: random.Random, place: str, shop: str) -> str:
    return text.format(place=place, shop=shop, time=rng.choice(TIMES), dur=rng.choice(DURATIONS),
                       building=rng.randint(1, 30), unit=rng.randint(1, 6))


def roughen(rng: random.Random, text: str) -> str:
    """Transcription noise: typos, dropped punctuation, spoken fillers, doubled words."""
    if rng.random() < 0.25:
        wrong, right = rng.choice(TYPOS)
        text = text.replace(wrong, right, 1)
    if rng.random() < 0.2:
        for mark in "，。":
            text = text.replace(mark, " " if rng.random() < 0.5 else "")
    if rng.random() < 0.15 and "，" in text:  # a spoken filler after a pause
        head, _, tail = text.partition("，")
        text = f"{head}，{rng.choice(FILLERS)}{tail}"
    if rng.random() < 0.08:
        text = text.replace("很", "很很", 1).replace("太", "太太", 1)
    return text.strip() or "有问题需要反映"


def title(leaf_name: str, place: str) -> str:
    return f"关于{place}{leaf_name}的问题"


def specific_reply(rng: random.Random, leaf: str, unit_name: str, handler: str, place: str, when: datetime) -> str:
    action = PROBLEMS[leaf][1]
    date = f"{when.month}月{when.day}日"
    result = rng.choice(("目前问题已整改到位", "经复查已恢复正常", "问题已解决", "后续将持续跟踪，防止反弹"))
    attitude = rng.choice(("认可", "满意", "对处理结果表示理解"))
    return (f"经核查，{date}{unit_name}工作人员{handler}到{place}现场查看，{action}。{result}。"
            f"已于当日电话告知来电人，来电人{attitude}。")


def boilerplate_reply(rng: random.Random) -> str:
    return rng.choice(BOILERPLATE)


def off_topic_reply(rng: random.Random, leaf: str, unit_name: str, handler: str, place: str, when: datetime) -> str:
    """A specific-looking reply about some other matter (答非所问)."""
    codes = sorted(PROBLEMS)
    other = codes[(codes.index(leaf) + rng.randint(3, len(codes) - 3)) % len(codes)]
    return specific_reply(rng, other, unit_name, handler, "辖区", when)


def fake_reply(rng: random.Random, leaf: str, unit_name: str) -> str:
    """What a fake closer writes: a claim of success with nothing checkable."""
    return rng.choice((f"经{unit_name}处理，问题已解决。", "已处理完毕，市民诉求已办结。",
                       f"{unit_name}已安排人员处理，现已解决，申请办结。", "已联系市民，问题已妥善解决。"))
