"""Hostility described as conduct, without the lexicon's words (issue 18, fifth round). The fourth set's
misses were coldness and obstruction told as what the official did: stopped taking the citizen's calls,
「民警都不予理睬」, 「他们高高在上」, a leader saying the owners 「背时」 (had it coming), staff who 「强行将村民带走
进行关押」, police who 「拒绝接收报案材料」. Each pattern has a report in the style of real letters and near
misses: a private doer, a denial, a suspicion, a question, the official as the one acted upon, and mere
slowness, which is not hostility. Sentences written for these tests."""

import pytest

from rexian.text.doers import NOT_PUBLIC, PUBLIC
from rexian.text.misconduct import detect_misconduct


def acts(text, kind="finding"):
    return {hit["act"] for hit in detect_misconduct(text, include_leads=True) if hit["kind"] == kind}


def hit_of(text, act):
    return next(h for h in detect_misconduct(text, include_suppressed=True) if h["act"] == act)


# (pattern label, a report that must be a finding, near misses that must not be one)
PATTERNS = [
    ("拒接电话躲避群众",
     "我多次到镇政府找林业站杨站长，他总是一拖再拖，前面打电话还会接，到后来连电话都不接了。",
     ["物业公司的管家一拖再拖，到后来连电话都不接了。",          # a private doer
      "派出所的民警并没有故意不接我的电话，是当时在出警。",       # a denial
      "不知道是不是站长故意不接电话？"]),                         # a question
    ("当面冷漠不理",
     "我们多次前往派出所问询案件进展，民警都不予理睬。",
     ["公房管理中心的工作人员对此不予理睬。",                     # said of a matter, not of the citizen
      "我们向街道办反映了三次，街道办不予理会。",                  # a body's inaction stays a lead
      "小区保安对我们的劝阻不予理睬。"]),                          # a private doer
    ("说群众活该",
     "区住建局三番五次要求封梯，更有领导说出购买了此楼的业主就是活该。",
     ["开发商的销售经理说买了这楼的业主活该倒霉。",
      "领导并没有说我们业主活该，只是说要按程序办。"]),
    ("强行带走关押",
     "镇计生办工作人员强行将村民夏某带走进行关押，锁门限制其自由。",
     ["几个社会人员强行将我父亲带走，我们马上报了警。",
      "我怀疑派出所是否非法拘禁了我的弟弟？"]),
    ("高高在上打官腔",
     "我们与经侦大队的大队长激烈争辩，但他们高高在上，不听我们的申辩。",
     ["这家酒店的经理高高在上，根本不把顾客当回事。"]),
    ("拒收材料拒之门外",
     "候家塘派出所办案警方一直拒绝接收报案材料、不和受害人沟通。",
     ["律师事务所拒绝接收我的材料，说不代理这类案件。",
      "派出所没有拒绝接收报案材料，只是让我们补充证据。"]),
    ("拒收材料拒之门外",
     "我们去信访局反映，信访局的工作人员连门都不让我们进。",
     ["小区物业门都不让我们进，说要业主卡。"]),
]


@pytest.mark.parametrize("label,report,near_misses", PATTERNS, ids=[row[0] + str(i) for i, row in enumerate(PATTERNS)])
def test_each_pattern_of_coldness_finds_its_report_and_sets_its_near_misses_aside(label, report, near_misses):
    hit = hit_of(report, label)
    assert hit["kind"] == "finding", hit["explanation"]
    assert hit["family"] == "hostile_attitude" and hit["doer"]["status"] == PUBLIC
    for near_miss in near_misses:
        assert label not in acts(near_miss), detect_misconduct(near_miss, include_suppressed=True)


def test_mere_slowness_is_not_hostility():
    # delay, buck-passing and a formal refusal are other rules (久拖不办, 推诿扯皮), not the official's attitude
    for text in ("杨站长说申请格式不对要求我回去重写，一拖再拖，到现在还没有办结。",
                 "我们的案子报到派出所一个多月，至今没有立案，也没有任何答复。",
                 "区住建局以不属于职责范围为由不予受理，又让我们去找街道。",
                 "社区和街道推来推去，问题一直没有解决。"):
        assert "hostile_attitude" not in {hit["family"] for hit in detect_misconduct(text)}, text


def test_a_private_doer_of_the_call_pattern_is_set_aside_with_the_reason():
    hit = hit_of("物业公司的管家到后来连电话都不接了。", "拒接电话躲避群众")
    assert hit["kind"] == "none" and hit["doer"]["status"] == NOT_PUBLIC


def test_the_citizen_hanging_up_is_no_report_about_the_clerk_but_being_cut_off_is():
    assert "拒接电话躲避群众" not in acts("我气得把电话挂了，工作人员后来又打过来解释。")
    assert "拒接电话躲避群众" not in acts("工作人员说完这些，我就把电话挂了。")
    # 「没说两句」「还没说完」 cut the citizen off; they deny nothing
    assert "拒接电话躲避群众" in acts("社区工作人员没说两句就挂了我的电话。")
    assert "拒接电话躲避群众" in acts("我还没说完，工商所的那个工作人员就把电话挂断了。")
    assert "拒接电话躲避群众" not in acts("派出所民警没有挂断我的电话。")


def test_a_body_named_after_a_request_in_unpunctuated_speech_is_the_one_asked_not_a_swallowed_sentence():
    from rexian.text.mentions import find_mentions

    text = "医生暗示要红包才安排手术一直没解决心里特别窝火请卫健委管一管"
    bodies = [(m.body, m.role) for m in find_mentions(text) if m.body]
    assert bodies == [("卫健委", "object")]
    assert [(m.body, m.role) for m in find_mentions("食堂的饭菜太差请学校管一管") if m.body] == [("学校", "object")]
    # a request at the start of the span was already no part of a name (「请市政府」); one inside it now ends it
    assert [m.body for m in find_mentions("菜价太高已经很久了请市场监管局查一查") if m.body] == ["市场监管局"]


def test_suspected_coercion_is_a_lead_not_a_finding():
    text = "听说社区工作人员强行把反对施工的业主带走了。"
    assert "强行带走关押" not in acts(text) and "强行带走关押" in acts(text, "lead")
