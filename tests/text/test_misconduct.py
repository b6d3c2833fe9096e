import pytest

from rexian.text.misconduct import detect_misconduct, load_lexicon


def families(text):
    return {hit["family"] for hit in detect_misconduct(text)}


REPORTS = [
    # hostile attitude
    ("窗口工作人员态度恶劣，对我大吼大叫", "hostile_attitude"),
    ("社区主任服务态度极差，问他什么都说不知道", "hostile_attitude"),
    ("办事大厅的工作人员态度很差，还骂我是刁民", "hostile_attitude"),
    ("城管执法人员当众辱骂摊主，还推搡老人", "hostile_attitude"),
    ("派出所民警对我们冷嘲热讽，说我们没文化", "hostile_attitude"),
    ("去社保局咨询，经办人爱理不理，一直玩手机", "hostile_attitude"),
    ("村干部故意刁难，材料齐全也不给盖章", "hostile_attitude"),
    ("那个科长拍桌子呵斥我，叫保安把我赶出来", "hostile_attitude"),
    ("门难进、脸难看、事难办，这就是我们街道办的作风", "hostile_attitude"),
    ("工作人员没有帮忙，反而骂人", "hostile_attitude"),
    # graft
    ("他说不给好处费就不办", "graft"),
    ("村支书说不送点东西这个证就别想办下来", "graft"),
    ("办理房产证时，工作人员暗示要给红包才给办", "graft"),
    ("经办人收了我500元红包才给我盖章", "graft"),
    ("村干部要了我2000元才给盖章", "graft"),
    ("医院院长收红包，不给红包就不安排床位", "graft"),
    ("市场监管局来检查的冯科长说交五百块就不罚了，不给就天天来查", "graft"),
    ("交警支队的孙科长说想快点办就得请他吃顿饭，不然就一直拖着", "graft"),
    ("办手续的时候街道的王科长让我们送两条烟才给盖章", "graft"),
    ("村会计说没有红包就别想办", "graft"),
    ("社区主任向我们索要好处费", "graft"),
    ("镇里的干部吃拿卡要，办个证要跑十几趟还得打点", "graft"),
    ("我们给了钱才给办低保，这是公开的秘密", "graft"),
    ("低保名额被村干部克扣，钱都进了自己口袋", "embezzlement"),  # its own kind since issue 18
    ("如果不交茶水费就不给你办", "graft"),
    ("我不得不给村干部送礼", "graft"),
    # improper banquets
    ("社区书记经常被物业公司请去吃饭", "improper_banquet"),
    ("开发商老板宴请规划局的领导，在高档酒店大吃大喝", "improper_banquet"),
    ("有人看见城管队长和商户老板在饭店喝酒", "improper_banquet"),
    ("镇长接受施工方的吃请，工程质量没人管", "improper_banquet"),
    ("村干部用公款吃喝，账目不公开", "improper_banquet"),
    ("看到社区居委会的任书记和物业公司的人在饭店包厢吃饭，是物业老板买的单", "improper_banquet"),
    ("中秋节超市给街道办事处的姓郭的工作人员送购物卡和烟酒，难怪怎么投诉都没用", "improper_banquet"),
    ("城管队长天天被开发商请吃饭，还收了人家的礼品", "improper_banquet"),
    # hostile attitude, newer phrasings
    ("找到燃气集团，姓赵的工作人员把我晾在那一个小时不理", "hostile_attitude"),
    ("体育局的工作人员当着好多人的面讽刺我听不懂人话，把我材料扔了出来", "hostile_attitude"),
    ("通信管理办公室的杜主任最后说“有本事你去告”", "hostile_attitude"),
]

NEAR_MISSES = [
    "没有收红包",
    "工作人员态度很好，耐心给我解释",
    "工作人员说我态度不好",
    "我当时态度不好，向工作人员道歉",
    "请问办证需要送礼吗？",
    "医生从来没有收过红包，很感谢",
    "窗口工作人员拒收红包，值得表扬",
    "医院严禁收受红包",
    "春节社区给孤寡老人送礼品",
    "学校食堂吃饭太贵",
    "请问附近哪里可以吃饭",
    "政府发放消费红包，怎么领取？",
    "物业服务态度有待提高吗？",
    "希望工作人员态度好一点",
    "公司拖欠工资，老板不接电话",
    "邻居经常骂人，吵得我们睡不着",
    "小区门口饭店油烟扰民",
    "工作人员并没有刁难我，只是手续复杂",
    "工作人员没有骂人，也没有推搡",
    # not public servants: a service complaint for their sector, not a finding (监察法第十五条)
    "医院的医生收红包，不给红包就不安排手术",
    "护士对病人态度恶劣",
    "社区医院的医生态度很差，问两句就不耐烦",
    "坐公交的时候司机态度很差，车还没停稳就开门",
    "地铁站的安检员态度很差，对乘客大呼小叫",
    "跟团游被导游强制购物，不买就甩脸色",
    "我家老人在养老院被护工骂",
    "物业经理态度恶劣，还骂业主",
    # a rule, not a demand; welfare, not a gift to an official
    "不交材料就不给办，窗口说这是规定",
    "消防栓没有水，要是再不解决我就去市里反映，旁边饭店的出口也锁着",
    "春节社区书记给孤寡老人送慰问品和购物卡",
    # reported speech aimed at the citizen, and denials in reported speech
    "工作人员说我行贿，根本没有的事",
    "他说我骂人，其实我一句重话都没说",
    "工作人员说他们从来不收红包",
]


@pytest.mark.parametrize("text, family", REPORTS)
def test_reports_of_misconduct_are_found_in_the_right_family(text, family):
    assert family in families(text)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_denials_questions_praise_and_unrelated_words_are_not_reports(text):
    assert detect_misconduct(text) == []


def test_being_forced_to_give_a_gift_is_not_a_denial_but_an_unnamed_receiver_makes_it_a_lead():
    # 「不得不」 is not negation (and not a quoted rule); with nobody named, the officer gets a lead to verify.
    [hit] = detect_misconduct("我不得不给他送礼", include_leads=True)
    assert hit["family"] == "graft" and hit["kind"] == "lead" and hit["assertion"] == "report"
    assert detect_misconduct("我不得不给他送礼") == []


def test_a_hit_says_where_the_phrase_is_and_why_it_counts():
    text = "办事大厅工作人员态度恶劣"
    [hit] = detect_misconduct(text)
    start, end = hit["span"]
    assert text[start:end] == hit["phrase"] == "态度恶劣"
    assert "态度恶劣" in hit["explanation"] and "工作人员" in hit["explanation"]
    assert 0.5 <= hit["score"] <= 1.0


def test_a_denied_mention_is_explained_when_suppressed_hits_are_asked_for():
    [hit] = detect_misconduct("他们没有收红包", include_suppressed=True)
    assert hit["suppressed"] and hit["score"] == 0 and "没有" in hit["explanation"]


def test_a_question_weakens_a_mention_below_the_reporting_threshold_but_keeps_it_visible():
    [hit] = detect_misconduct("办证要送礼吗？", include_suppressed=True)
    assert hit["suppressed"] and 0 < hit["score"] < 0.5


def test_one_sentence_gives_one_hit_per_family_with_the_strongest_reading():
    hits = detect_misconduct("他说不给好处费就不办")
    assert len(hits) == 1 and hits[0]["phrase"] == "不给好处费就不办"


def test_traditional_characters_and_full_width_text_are_read_too():
    assert "graft" in families("工作人員收了紅包才給辦")


def test_users_extend_the_lexicon_with_their_own_yaml_file(tmp_path, monkeypatch, configured_text):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "families:\n  graft:\n    phrases:\n      - {pattern: '喝茶费', weight: 0.8, label: 喝茶费}\n"
        "actors: [片警]\n", encoding="utf-8")
    assert detect_misconduct("片警找我要喝茶费") == []
    lexicon = load_lexicon(extra, use_settings=False)
    [hit] = detect_misconduct("片警找我要喝茶费", lexicon=lexicon)
    assert hit["family"] == "graft" and "片警" in hit["explanation"]
    monkeypatch.setenv("REXIAN_TEXT_MISCONDUCT_LEXICON", str(extra))
    configured_text()
    assert detect_misconduct("片警找我要喝茶费", lexicon=load_lexicon())[0]["family"] == "graft"


def test_an_unknown_family_in_a_user_lexicon_is_refused(tmp_path):
    extra = tmp_path / "bad.yaml"
    extra.write_text("families:\n  bribery:\n    phrases: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bribery"):
        load_lexicon(extra, use_settings=False)


def test_misconduct_by_a_doctor_is_set_aside_and_the_explanation_names_the_doer():
    [hit] = detect_misconduct("医生暗示要红包才安排手术", include_suppressed=True)
    assert hit["suppressed"] and hit["score"] == 0 and "医生" in hit["explanation"] and "不属公职人员" in hit["explanation"]


def test_the_nearest_person_is_the_doer_so_a_clerk_after_a_doctor_is_still_reported():
    hits = detect_misconduct("医生态度一般，后来去医保局窗口，工作人员态度恶劣还骂我")
    assert [hit["family"] for hit in hits] == ["hostile_attitude"] and "工作人员" in hits[0]["explanation"]


def test_an_official_dined_by_a_boss_is_a_banquet_even_though_the_boss_is_named_last():
    assert families("城管队长经常被饭店老板请去喝酒") == {"improper_banquet"}
    assert families("饭店老板经常请朋友去喝酒") == set()


def test_a_centre_that_supervises_public_hospitals_moves_doctors_into_the_actors(tmp_path):
    extra = tmp_path / "hospitals.yaml"
    extra.write_text("actors: [医生]\n", encoding="utf-8")
    lexicon = load_lexicon(extra, use_settings=False)
    assert detect_misconduct("医生暗示要红包才安排手术") == []
    [hit] = detect_misconduct("医生暗示要红包才安排手术", lexicon=lexicon)
    assert hit["family"] == "graft" and "医生" in hit["explanation"]


def test_a_condition_without_money_or_gifts_is_a_rule_and_says_so():
    [hit] = detect_misconduct("不交身份证复印件就不给办", include_suppressed=True)
    assert hit["suppressed"] and "钱物" in hit["explanation"]
    assert families("不交两千块钱就不给办") == {"graft"}


def test_reported_speech_of_a_demand_is_graft_and_an_accusation_against_the_citizen_is_not():
    assert families("他说不给好处费就不办") == {"graft"}
    assert families("村主任说我们不送点东西就别想办下来") == {"graft"}
    [hit] = detect_misconduct("工作人员说我行贿", include_suppressed=True)
    assert hit["suppressed"] and "指责" in hit["explanation"]


def test_negated_new_phrasings_are_not_reports():
    assert detect_misconduct("街道的王科长没有收我们的购物卡，也没有让我们送烟") == []
    assert detect_misconduct("工作人员并没有把我晾在那里，很快就办好了") == []


def test_the_simulator_writes_misconduct_by_public_servants_only_in_its_labelled_abuse_reports():
    from rexian.simulate.phrases import PROBLEMS
    from rexian.simulate.texts import BANQUET, GRAFT, HOSTILE

    unlabelled = [problem.format(place="新河路", shop="老街火锅", time="半夜", dur="三天")
                  for problems, _done in PROBLEMS.values() for problem in problems]
    assert [text for text in unlabelled if detect_misconduct(text)] == []
    for family, templates in (("hostile_attitude", HOSTILE), ("graft", GRAFT), ("improper_banquet", BANQUET)):
        for template in templates:
            for who in ("姓王的工作人员", "李科长", "张书记"):
                text = template.format(unit="东湖区东园街道办事处", who=who, shop="老街火锅")
                assert families(text) == {family}, text


def test_a_salutation_to_the_leaders_does_not_make_diners_at_a_barbecue_into_officials():
    # Teddy 235595 / 285540: letters addressed 「尊敬的领导」 about noisy drinkers at night stalls.
    assert detect_misconduct("尊敬的领导：小区附近夜宵摊较多，经常有人晚上喝酒闹事，恳请领导重视") == []
    assert families("尊敬的领导：社区书记经常在夜宵摊喝酒，还让商户买单") == {"improper_banquet"}


def test_a_citizen_saying_they_did_not_bribe_anyone_is_a_denial_even_with_the_official_in_between():
    # Teddy 277136: 「我们没有给相应的领导去送礼……所以，只能在此哀嚎」
    assert detect_misconduct("可能是我们错了，我们没有给相应的领导去送礼，所以只能在此哀嚎") == []
    assert families("我们没有办法，只好给相应的领导去送礼") == {"graft"}


def test_bank_staff_sellers_and_companies_are_not_public_servants():
    assert detect_misconduct("去银行网点询问，银行工作人员态度不好") == []
    assert detect_misconduct("卖家在评价后面追加说我问她索要钱财") == []
    assert detect_misconduct("光曙职校被东富公司百般刁难") == []
    assert families("去社保窗口询问，工作人员态度不好") == {"hostile_attitude"}


def test_diners_drinking_at_a_night_stall_are_not_a_banquet_even_when_the_letter_names_the_city_inspectors():
    # Teddy 285540: 「食客喝酒猜拳，大声喧哗，影响市容，城管…」
    assert detect_misconduct("店外摆上餐桌，食客喝酒猜拳，大声喧哗，城管也不来管") == []
    assert families("城管队长经常在这家店喝酒，从来不管占道经营") == {"improper_banquet"}


def test_filial_piety_is_not_a_bribe_and_a_driving_school_is_not_a_public_servant():
    assert detect_misconduct("领导你们也是为人父母，也要孝敬爹娘") == []
    assert detect_misconduct("打电话给该驾校，一直踢皮球，而且态度恶劣") == []


def test_on_a_simulated_city_every_labelled_report_is_found_and_nothing_else(tmp_path):
    from rexian.simulate import Simulation
    from rexian.simulate.output import write_files
    from rexian.text.evaluation import misconduct_against_truth

    write_files(Simulation(2000, 11), tmp_path / "city")
    result = misconduct_against_truth(tmp_path / "city")
    for family, measured in result.items():
        assert measured["true"] >= 5, family
        assert measured["precision"] >= 0.85 and measured["recall"] >= 0.85, (family, measured)


def test_on_real_letters_developers_and_property_companies_are_set_aside_and_banquet_hits_name_officials(teddy_dir):
    from rexian.text.evaluation import misconduct_on_teddy

    result = misconduct_on_teddy(teddy_dir / "messages_with_votes.xlsx")
    assert result["messages"] == 4326
    assert result["set_aside_non_public"]["hostile_attitude"] >= 50
    banquets = [row for row in result["rows"] if row["family"] == "improper_banquet"]
    assert banquets and all("提到公职人员" in row["explanation"] for row in banquets)
    assert not any("喝酒" in row["explanation"] for row in banquets)  # the night-stall diners


def test_a_public_servant_who_is_abused_is_not_reported_for_abuse():
    # Teddy 257797: a group refusing to show ID 「谩骂工作人员」.
    assert detect_misconduct("以曾强为首的数人拒绝出示证件，还谩骂工作人员") == []
    assert families("工作人员谩骂群众") == {"hostile_attitude"}
    assert families("派出所民警殴打了我父亲") == {"hostile_attitude"}


def test_water_supply_is_not_tribute_and_a_hotel_security_chief_is_not_a_public_servant():
    assert detect_misconduct("3楼以上自来水基本上供水不足，书记也不管") == []
    assert detect_misconduct("我无故遭到酒店保安队长的殴打") == []
    assert detect_misconduct("争论过程中遭物业工作人员辱骂") == []


@pytest.mark.parametrize("text, family", [
    ("派出所的民警对我冷冰冰的，问什么都不回答", "hostile_attitude"),
    ("科长暗示我得给点好处才能批下来", "graft"),
    ("执法队的人收了摊主的钱就不管了", "graft"),
    ("街道的李科长收了开发商两条中华烟", "improper_banquet"),
])
def test_phrasings_beyond_the_simulators_templates_are_found(text, family):
    assert family in families(text)


@pytest.mark.parametrize("text", [
    "民警没有对我冷冰冰的，很耐心",
    "执法队的人没有收摊主的钱",
    "李科长当场退回了开发商送的两条中华烟",
    "小卖部老板收了钱就不管售后了",
])
def test_their_denials_and_non_public_doers_are_not(text):
    assert detect_misconduct(text) == []
