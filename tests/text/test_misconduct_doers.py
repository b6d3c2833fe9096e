"""Who did it: doers found across clauses, named by body, post and name, and classified as the Supervision
Law draws the line. Sentences written for these tests in the style of real letters."""

import pytest

from rexian.text.doers import NOT_PUBLIC, PUBLIC, UNCLEAR, classify
from rexian.text.mentions import find_mentions
from rexian.text.misconduct import detect_misconduct


def doer_of(text, family):
    hits = [hit for hit in detect_misconduct(text, include_suppressed=True) if hit["family"] == family]
    assert hits, text
    return hits[0]


@pytest.mark.parametrize("text, body, post, name", [
    ("我要投诉A5区政府计生办工作人员刘晓梅，百般刁难我", "A5区政府计生办", "工作人员", "刘晓梅"),
    ("遭遇县自然资源局批后监管科科长张强接访时态度恶劣", None, "科长", "张强"),
    ("窗口一位姓陈的工作人员态度恶劣，把我的材料扔了出来", None, "工作人员", "陈某"),
    ("西湖派出所的王警官当场对我恶语相向", "西湖派出所", "警官", "王某"),
])
def test_the_accused_is_named_by_body_post_and_name_as_the_letter_gives_them(text, body, post, name):
    hit = doer_of(text, "hostile_attitude")
    assert hit["kind"] == "finding"
    doer = hit["doer"]
    assert doer["post"] == post and doer["name"] == name and doer["status"] == PUBLIC
    if body:
        assert doer["body"] == body
    assert 0.5 < doer["confidence"] <= 1.0


def test_the_doer_is_linked_to_the_act_across_clauses_and_a_semicolon_does_not_cut_him_off():
    text = "社区的李主任上门核实情况；当着邻居的面，拍桌子骂我们是刁民"
    hit = doer_of(text, "hostile_attitude")
    assert hit["kind"] == "finding" and hit["doer"]["post"] == "主任" and hit["doer"]["name"] == "李某"


def test_a_company_named_earlier_is_not_the_doer_when_an_official_acts_later_in_the_sentence():
    text = "开发商一直拖着不交房，我们去住建局反映，住建局的工作人员态度恶劣，说爱找谁找谁"
    hit = doer_of(text, "hostile_attitude")
    assert hit["kind"] == "finding" and hit["doer"]["body"] == "住建局"


@pytest.mark.parametrize("text, doer", [
    ("物业公司的保安队长态度恶劣，还威胁业主", "保安队长"),
    ("驾校的校长态度恶劣，拒不退费", "驾校"),
    ("开发商的工作人员态度蛮横，说不签合同就没收定金", "开发商"),
    ("卖房的置业顾问收了我的红包却不办事", "置业顾问"),
])
def test_staff_of_companies_driving_schools_and_developers_are_not_public_servants(text, doer):
    hits = detect_misconduct(text, include_suppressed=True)
    assert hits and all(hit["kind"] == "none" for hit in hits)
    named = [(hit["doer"] or {}) for hit in hits]
    assert any(doer in (who.get("body") or "") + (who.get("post") or "") for who in named)
    assert any("不属公职人员" in hit["explanation"] for hit in hits)


def test_a_salutation_to_a_secretary_names_nobody_who_did_anything():
    assert detect_misconduct("书记您好，楼下饭店的老板态度很差，还骂人") == []


def test_a_hospital_director_is_a_public_servant_but_a_hospital_clerk_is_a_lead_to_verify():
    director = doer_of("市人民医院的院长收了医药代表的回扣", "graft")
    assert director["kind"] == "finding" and director["doer"]["status"] == PUBLIC
    clerk = doer_of("市人民医院收费窗口的工作人员态度恶劣，对我大吼大叫", "hostile_attitude")
    assert clerk["kind"] == "lead" and clerk["doer"]["status"] == UNCLEAR


def test_the_official_who_received_is_accused_not_the_boss_who_gave():
    hit = doer_of("网吧老板逢年过节就给镇派出所的刘所长送红包，所以一直没人来查", "graft")
    assert hit["kind"] == "finding" and hit["doer"]["post"] == "所长" and hit["doer"]["name"] == "刘某"


def test_a_pronoun_points_back_to_the_official_named_before_it():
    hit = doer_of("去年找过村里的赵书记，他收了我两千块钱才给盖章", "graft")
    assert hit["kind"] == "finding" and hit["doer"]["post"] == "书记"


def test_an_address_is_not_a_doer():
    # 「泉塘街道泉星小区」 says where, not who: the diners at a night stall are nobody's officials.
    assert detect_misconduct("家住泉塘街道泉星小区，楼下夜宵店的食客喝酒划拳到凌晨") == []


def test_mentions_read_bodies_posts_names_and_roles():
    mentions = find_mentions("群众反映老板向辖区派出所某民警塞红包")
    [police] = [m for m in mentions if m.post == "民警"]
    assert police.body == "辖区派出所" and police.role == "object"
    assert classify(police) == (PUBLIC, pytest.approx(0.9), "「民警」是公职人员")
    [boss] = [m for m in mentions if m.post == "老板"]
    assert classify(boss)[0] == NOT_PUBLIC


def test_when_it_happened_is_no_part_of_the_body_that_did_it():
    named = {text: [m.body for m in find_mentions(text) if m.body] for text in (
        "我去办事的时候市市场监督管理局的吴科长态度恶劣", "去年以后区城管局的人就不管了", "后来镇政府工作人员骂人")}
    assert list(named.values()) == [["市市场监督管理局"], ["区城管局"], ["镇政府"]]
    # near miss: a place name that merely begins like a day or a year keeps its name
    assert [m.body for m in find_mentions("日照市公安局民警打人") if m.body] == ["日照市公安局"]
