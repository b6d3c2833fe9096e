"""What was said about an act: report, suspicion, question, supposition, denial, quoted rule, victim —
each kept apart; only reports become findings and suspicions become leads. Sentences written for these
tests in the style of real letters, each with a near miss."""

import pytest

from rexian.text.misconduct import detect_misconduct


def reading(text, family):
    hits = [hit for hit in detect_misconduct(text, include_suppressed=True) if hit["family"] == family]
    assert hits, text
    return hits[0]


@pytest.mark.parametrize("text, family", [
    ("我们有理由怀疑街道的王主任收了开发商的好处费", "graft"),
    ("不排除村支书把补偿款挪用了的可能", "embezzlement"),
    ("据说城管队长收了红包，所以一直不来查", "graft"),
    ("作为执法局人员你敢说不知道？怕是收了不少好处费吧？", "graft"),
    ("村会计是不是把低保金中饱私囊了？", "embezzlement"),
])
def test_a_suspicion_or_a_question_about_an_official_is_a_lead_not_a_finding(text, family):
    hit = reading(text, family)
    assert hit["kind"] == "lead" and hit["assertion"] in {"suspicion", "question"}
    assert detect_misconduct(text) == []


@pytest.mark.parametrize("text, family", [
    ("街道的王主任收了开发商的好处费", "graft"),
    ("村支书把补偿款挪用了，至今不公开账目", "embezzlement"),
])
def test_the_same_acts_said_as_fact_are_findings(text, family):
    hit = reading(text, family)
    assert hit["kind"] == "finding" and hit["assertion"] == "report"


def test_a_rhetorical_question_presupposes_the_act_and_is_a_report():
    hit = reading("村委会的刘主任凭什么侵占我们组的征地补偿款？", "embezzlement")
    assert hit["kind"] == "finding" and hit["assertion"] == "report"


def test_a_question_about_oversight_after_a_reported_act_does_not_weaken_the_act():
    hit = reading("所长收了网吧老板的红包，为什么没人管？", "graft")
    assert hit["kind"] == "finding"


@pytest.mark.parametrize("text", [
    "如果工作人员态度恶劣，可以拨打监督电话投诉",
    "万一科长收了红包，我们该怎么办",
    "希望窗口工作人员不要再刁难群众",
])
def test_a_supposition_is_neither_a_finding_nor_a_lead(text):
    assert detect_misconduct(text, include_leads=True) == []


@pytest.mark.parametrize("text", [
    "根据《公务员法》第五十九条，公务员不得索取、收受财物",
    "申请人以欺骗、贿赂等不正当手段取得许可证的，由原发证机关撤销许可",
    "医院墙上贴着严禁收受红包的标语",
])
def test_quoted_rules_and_statutes_are_not_reports(text):
    hits = detect_misconduct(text, include_suppressed=True)
    assert hits and all(hit["kind"] == "none" for hit in hits)


def test_a_quoted_demand_and_a_conditional_threat_are_not_read_as_negation():
    demand = reading("窗口的李科长说：“不给好处费就别想办。”", "graft")
    assert demand["kind"] == "finding"
    threat = reading("镇政府的工作人员威胁我，不签字就把房子强拆了", "hostile_attitude")
    assert threat["kind"] == "finding"


@pytest.mark.parametrize("text", [
    "社区工作人员没有为难我们，很快就办好了",
    "李所长从来不收红包，群众都说好",
    "村干部并未侵占补偿款，是银行还没到账",
])
def test_denials_a_few_characters_before_the_act_are_not_reports(text):
    assert detect_misconduct(text, include_leads=True) == []


def test_an_official_who_is_the_victim_is_not_reported():
    hit = reading("几个醉汉在派出所门口辱骂民警，还推搡协警", "hostile_attitude")
    assert hit["kind"] == "none"
    assert detect_misconduct("几个醉汉在派出所门口辱骂民警") == []


def test_what_an_official_said_about_the_citizen_is_not_a_report_against_the_official():
    hit = reading("城管队员说我态度恶劣，要没收我的三轮车", "hostile_attitude")
    assert hit["kind"] != "finding"


def test_every_hit_explains_the_sentence_the_act_the_doer_and_the_kind():
    [hit] = detect_misconduct("镇上的张镇长经常在农家乐吃喝，都是施工老板买单。")
    assert hit["family"] == "improper_banquet"
    assert hit["sentence"].startswith("镇上的张镇长") and hit["act"]
    assert hit["doer"]["post"] == "镇长" and hit["doer"]["name"] == "张某" and hit["assertion_zh"] == "陈述事实"


def test_a_case_already_punished_is_not_a_new_report():
    hit = reading("原县教育局局长在项目中收受礼品礼金，受到开除党籍处分", "graft")
    assert hit["kind"] == "none" and hit["assertion"] == "past_case"
    assert reading("县教育局局长在项目中收受礼品礼金", "graft")["kind"] == "finding"


def test_an_owners_committee_is_not_a_public_body():
    hits = detect_misconduct("业委会副主任收了物业公司的红包", include_suppressed=True)
    assert hits and hits[0]["kind"] == "none" and "不属公职人员" in hits[0]["explanation"]
    assert detect_misconduct("居委会副主任收了物业公司的红包")[0]["kind"] == "finding"
