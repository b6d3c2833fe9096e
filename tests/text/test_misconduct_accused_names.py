"""The accused as an officer reads them in a hit's explanation: a body's name read back from its ending stops
where the name stops (not at a preposition, a verb, a date or the sentence before a coded place), a name
after a post stops where the name stops, and a name given once with a post keeps its bearer's standing.
Sentences written for these tests in the style of real letters; each has a near miss that must not change."""

import pytest

from rexian.text.doers import NOT_PUBLIC, PUBLIC
from rexian.text.mentions import find_mentions
from rexian.text.misconduct import detect_misconduct


def hit_of(text, family, **options):
    hits = [hit for hit in detect_misconduct(text, include_suppressed=True, **options) if hit["family"] == family]
    assert hits, text
    return hits[0]


def bodies(text):
    return [mention.body for mention in find_mentions(text) if mention.body]


@pytest.mark.parametrize("text, body", [
    # a date or count before the name
    ("2015年2月集体资产管理委员会主任王大明召集村民开会，以每亩20万元贱卖土地", "集体资产管理委员会"),
    ("要求公示自2016年以来各区交警大队申领的补贴", "各区交警大队"),
    ("2013年1月9日E7县鸭田镇计生办工作人员强行将村民带走", "E7县鸭田镇计生办"),
    # a preposition or verb before the name
    ("作为执法局人员你敢说不知道就同意审批", "执法局"),
    ("作为村支部书记不向村民解释，就大打出手", "村支部"),
    ("时任物管办主任杨平爱态度极其不好", "物管办"),
    ("虚报工程款，套取水务局下拨的奖补资金", "水务局"),
    ("可以查阅捞刀河派出所的出警记录", "捞刀河派出所"),
    ("此后检察院开了听证会", "检察院"),
    # a word ending in 局 that names no bureau, then the bureau
    ("电梯越修越故障的局面，请A7县住建局核查", "A7县住建局"),
    # the sentence before a coded place name
    ("再问就推说要等A9市政府的通知", "A9市政府"),
    ("回家后A3区政府打击报复我们", "A3区政府"),
    ("我强烈质疑A5区交警大队野蛮执法", "A5区交警大队"),
    # 自/经 that begin the name, not end the reading
    ("A7县自然资源局的科长接访态度恶劣", "A7县自然资源局"),
    ("经开区蓝天办的人长期索要香烟", "经开区蓝天办"),
    ("市人力资源和社会保障局的潘科长说想快点办就要表示一下", "市人力资源和社会保障局"),
    ("投诉市住房和城乡建设局工作人员", "市住房和城乡建设局"),
])
def test_a_body_is_named_as_the_letter_names_it_not_with_the_words_before_it(text, body):
    assert body in bodies(text)


@pytest.mark.parametrize("text, body", [
    # near misses: the reading back still takes what is part of the name
    ("A4区青竹湖镇广胜村村委成员贪腐集体财产", "A4区青竹湖镇广胜村村委"),
    ("举报A市A4区楚雅路拆迁办威胁恐吓老百姓", "A市A4区楚雅路拆迁办"),
    ("金刚政府某领导约他吃饭", "金刚政府"),
    ("果园镇政府每年收好处费", "果园镇政府"),
    ("后湖派出所的民警态度恶劣", "后湖派出所"),
    ("投诉自考办的工作人员", "自考办"),
    ("我和社区书记说了，书记当场骂人", "社区"),
])
def test_a_body_name_that_begins_with_a_place_or_a_name_word_keeps_it(text, body):
    assert body in bodies(text)


def test_a_situation_is_no_bureau():
    assert "局" not in bodies("小区电梯维保长期越修越故障的局面，涉嫌套取高额维修资金")
    assert "建设局" in bodies("我们多次找建设局反映")


def test_a_bare_government_that_qualifies_a_subsidy_is_not_named_after_the_work_before_it():
    text = "我乡的乡村医生从事公共卫生工作政府补贴的钱3年了，只发了一年"
    assert "政府" in bodies(text)
    assert not any(body.endswith("工作政府") for body in bodies(text))
    near_miss = "我们多次到A7县楚龙街道办事处反映，县政府补贴至今未发"
    assert "县政府" in bodies(near_miss)


@pytest.mark.parametrize("text, post, name", [
    ("办案民警毛浚却对到访的受害人冷眼相待", "办案民警", "毛浚"),
    ("警官毛浚时常在群里说风凉话，对受害人恶语相向", "警官", "毛浚"),
])
def test_a_name_after_a_post_ends_before_an_adverb(text, post, name):
    hit = hit_of(text, "hostile_attitude")
    assert hit["doer"]["post"] == post and hit["doer"]["name"] == name


def test_a_verb_that_begins_with_a_surname_is_no_name():
    text = "请求纪委对涉嫌贪污的政府工作人员严查"
    mention = next(m for m in find_mentions(text) if m.post == "政府工作人员")
    assert mention.name is None
    near_miss = "我要举报政府工作人员严明说要收好处费"
    mention = next(m for m in find_mentions(near_miss) if m.post == "政府工作人员")
    assert mention.name == "严明"


def test_a_post_held_in_turn_names_nobody_called_ren():
    text = "由于历任村干部的腐败行为，恶意侵吞集体经济资产"
    hit = hit_of(text, "embezzlement")
    assert hit["doer"]["post"] == "村干部" and hit["doer"]["name"] is None
    near_miss = "村里任村干部长期侵吞集体资产"  # 「任村干部」 after 里: a Mr 任 the village cadre
    assert hit_of(near_miss, "embezzlement")["doer"]["name"] == "任某"


def test_a_name_given_first_as_a_private_person_keeps_that_standing_later():
    text = ("邻居的母亲廖某经常半夜敲窗户，我们向物业、社区，派出所投诉，均无果。11月15日，廖某早上堵在我家门口，"
            "阻止我送孩子上幼儿园，并殴打我老公")
    hit = hit_of(text, "hostile_attitude")
    assert hit["kind"] != "finding"
    assert hit["doer"] is None or hit["doer"]["status"] == NOT_PUBLIC
    assert "幼儿园" not in [m.body for m in find_mentions(text) if m.role == "subject"]
    near_miss = "派出所民警廖某上门调查，我说明了情况。第二天，廖某当着邻居的面殴打我老公"
    hit = hit_of(near_miss, "hostile_attitude")
    assert hit["kind"] == "finding" and hit["doer"]["status"] == PUBLIC and hit["doer"]["name"] == "廖某"


def test_a_body_one_is_brought_to_is_where_it_happened_not_who_did_it():
    text = "被A市公安局A4区分局刑事拘留，带至A市第二看守所"
    prison = next(m for m in find_mentions(text) if m.body and m.body.endswith("看守所"))
    assert prison.body == "A市第二看守所" and prison.role == "place"


def test_a_hazard_that_threatens_residents_lives_is_no_threat_by_anyone():
    text = "小区通往路边的道路被封闭后，救护车找不到小区，造成人员伤亡，威胁居民生命安全"
    assert not [h for h in detect_misconduct(text, include_leads=True) if h["family"] == "hostile_attitude"]
    near_miss = "城管队员当场威胁我们，说再摆摊就没收三轮车"
    assert hit_of(near_miss, "hostile_attitude")["kind"] == "finding"


def test_drinking_in_a_noise_complaint_is_the_neighbours_not_an_officials_banquet():
    text = "夜宵摊每天开到凌晨，经常有人半夜喝酒闹事，严重影响居民休息"
    assert not [h for h in detect_misconduct(text, include_leads=True) if h["family"] == "improper_banquet"]
    near_miss = "村支书经常在村部喝酒，用的是集体的钱"
    assert [h for h in detect_misconduct(near_miss, include_leads=True) if h["family"] == "improper_banquet"]
