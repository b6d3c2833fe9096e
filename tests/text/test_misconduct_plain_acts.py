"""Issue 18, fifteenth round: general causes read off external set 4 (released as development data) — force told
in plain verbs (a kick that lands, a head pushed to the ground, a door prised open), a rude retort quoted back,
a hang-up heard as a dial tone, a levy whose defaulters get no papers, the one faced (冲着…) who is no doer, an
address opening a quote, a physician's title, an election's candidates, praise of the present against the past.
Each cause has a firing case and a near miss, in sentences written for these tests (none copied from a letter)."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _hits(text: str) -> list[tuple[str, str, str]]:
    """(family, kind, who) of every finding and lead; who is the doer's body+post, empty when nobody was found."""
    return [(h["family"], h["kind"], "".join((h["doer"] or {}).get(k) or "" for k in ("body", "post")))
            for h in detect_misconduct(text, include_leads=True)]


def _findings(text: str) -> list[tuple[str, str, str]]:
    return [hit for hit in _hits(text) if hit[1] == "finding"]


def _families(text: str) -> set[str]:
    return {family for family, _, _ in _findings(text)}


# --- force told in plain verbs ------------------------------------------------------------------------------

def test_an_officer_who_kicks_a_stall_over_is_hostile():
    assert "hostile_attitude" in _families("昨天下午两个城管来到菜市场，其中一个城管一脚踹翻了我的菜摊。")


def test_a_kick_that_lands_nowhere_is_a_figure_of_speech():
    # 「一脚踢了」: pushed aside, said of a policy toward retirees; no blow.
    assert _findings("对在职干部照顾周到，对退休干部就一脚踢了，没人过问。") == []


def test_kicks_counted_on_a_cart_are_force():
    assert "hostile_attitude" in _families("一名执法队员把三轮车拉走时，还往车上踢了两脚。")


def test_a_child_kicking_a_ball_is_no_officer_kicking():
    assert _findings("邻居家的小孩在楼道里踢了两脚皮球，吵得我睡不着。") == []


def test_an_officer_who_pushes_a_boys_head_to_the_ground_is_hostile():
    assert "hostile_attitude" in _families("一个综合执法队员按住那个男孩，把他的头往地上撞。")


def test_officials_who_prise_a_door_open_are_hostile():
    assert "hostile_attitude" in _families("镇政府工作人员半夜来到我家，撬坏了我家大门，闯了进来。")


def test_a_thief_who_prises_a_door_open_is_no_officials_conduct():
    assert _findings("上个月小偷撬坏了我家大门，偷走了一台电脑。") == []


def test_a_woman_marched_with_her_arms_twisted_is_force():
    assert "hostile_attitude" in _families("几个城管把卖水果的阿姨双手反剪押着，一路拖到了执法车上。")


# --- words -----------------------------------------------------------------------------------------------------

def test_a_rude_retort_quoted_back_is_hostile_though_it_is_a_question():
    # Only the retort itself: no word for rudeness in the sentence.
    text = "我把情况说完，值班民警回了一句：“这么小的事你也来报警？”"
    assert "hostile_attitude" in _families(text)


def test_a_mother_scolding_her_son_for_a_small_thing_is_no_officials_retort():
    assert _findings("我妈说：“这么小的事你也去找人家？”") == []


def test_a_hang_up_heard_as_a_dial_tone_after_an_officer_is_hostile():
    text = "我打电话给派出所，接电话的民警听我说了两句，电话那头就只剩下忙音。"
    assert "hostile_attitude" in _families(text)


def test_a_dial_tone_on_a_line_to_a_shop_is_no_officials_conduct():
    assert _findings("我打电话给那家装修公司的老板，电话那头只有忙音。") == []


def test_rudeness_of_speech_said_with_zhenshi_is_counted():
    assert "hostile_attitude" in _families("那个交警下车后，说话真是不客气，非说我们闯了红灯。")


def test_a_policy_said_to_be_unkind_is_still_no_rudeness():
    assert _findings("这个新规定真是不客气，小区的停车费一下子涨了一倍。") == []


# --- money -----------------------------------------------------------------------------------------------------

def test_a_levy_whose_defaulters_get_no_papers_is_a_demand():
    text = "村干部要每户出三千元修路，交不出钱的就要签字，以后村里不给办任何手续。"
    assert ("graft", "finding", "村干部") in _findings(text)


def test_defaulters_who_cannot_pay_rent_to_a_landlord_are_no_demand():
    assert _findings("房东说交不出房租的就不再续租，下个月搬走。") == []


# --- who did it ------------------------------------------------------------------------------------------------

def test_the_one_an_officer_faces_is_not_the_doer():
    # Before: 大叔, the nearest person before the act, was read as the one who shouted.
    text = "那位女警突然冲着坐在照相机前面的大叔吼了起来。"
    assert ("hostile_attitude", "finding", "女警") in _findings(text)


def test_a_man_who_shouts_facing_an_officer_is_still_a_private_person():
    assert _findings("那位大叔突然冲着坐在对面的民警吼了起来。") == []


def test_an_address_opening_a_quote_is_not_who_a_later_pronoun_means():
    text = "到了派出所，我问窗口的警察：“同志，我来办身份证。”他看了我一眼，极不耐烦。"
    assert ("hostile_attitude", "finding", "警察") in _findings(text)


def test_an_address_opening_a_quote_to_a_shopkeeper_leaves_the_pronoun_private():
    text = "到了小卖部，我问老板：“同志，有没有矿泉水？”他看了我一眼，极不耐烦。"
    assert _findings(text) == []


def test_a_bare_director_after_a_chief_physician_is_that_physician():
    text = "我托人找到一位主任医生。对方传话说，想排上手术，得给主任送五千元红包。"
    assert "graft" not in _families(text)


def test_a_bare_director_with_no_physician_named_is_still_an_official():
    text = "我去街道办盖章，对方传话说，想盖上章，得给主任送五千元红包。"
    assert "graft" in {family for family, _, _ in _hits(text)}


def test_gifts_given_to_win_a_village_election_are_no_graft_or_banquet():
    text = "村里有几个人为了当选村长，挨家挨户请客送礼，请村民吃喝。"
    assert _findings(text) == []


def test_gifts_taken_by_a_sitting_village_head_are_still_graft():
    assert "graft" in _families("村长逢年过节就收礼，不送礼的人家办事就难。")


# --- praise ----------------------------------------------------------------------------------------------------

def test_praise_of_a_hall_against_the_officials_of_the_past_reports_no_act():
    text = "这次去政务大厅办事，工作人员热情周到，不像以前的办事人员，去了总是爱搭不理的。"
    assert _findings(text) == []


def test_a_complaint_that_the_hall_is_not_as_good_as_before_still_counts():
    text = "现在的政务大厅不像以前那样方便了，窗口的工作人员对我们爱搭不理。"
    assert "hostile_attitude" in _families(text)
