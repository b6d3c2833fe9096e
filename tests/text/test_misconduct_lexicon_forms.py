"""Issue 18, seventeenth round (lexicon and stance): the acts told by their form rather than by one phrasing —
contempt in the official's own words, papers thrown at the citizen, threats that promise a consequence, a threat
with its condition; graft told by its parts (a sum or a named fee × the service withheld until paid, a pretext, no
receipt, a price for release said to the citizen, the giver's side of a bribe, a condition that names its
defaulters); and what the letter says of it (hearsay with its source, doubt said after the act, 「究竟是…还是」).
Each form has a firing case and a near miss, in sentences written for these tests (none copied from a letter)."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _hits(text: str) -> list[tuple[str, str, str]]:
    """(family, kind, act) of every finding and lead."""
    return [(h["family"], h["kind"], h["act"]) for h in detect_misconduct(text, include_leads=True)]


def _found(text: str, family: str) -> bool:
    return any(f == family and kind == "finding" for f, kind, _ in _hits(text))


def _kinds(text: str, family: str) -> set[str]:
    return {kind for f, kind, _ in _hits(text) if f == family}


# --- contempt in the official's own words ---------------------------------------------------------------------

def test_an_officer_who_tells_a_waiting_driver_that_only_he_is_in_a_hurry_is_hostile():
    assert _found("我问车管所窗口的民警还要等多久，他说：“就你事多，后面的人都在排队！”", "hostile_attitude")


def test_a_community_director_who_asks_who_the_caller_thinks_he_is_is_hostile():
    assert _found("社区主任听完就说：“你算老几，轮得到你来管？”", "hostile_attitude")


def test_a_petition_clerk_who_tells_the_caller_to_stop_talking_is_hostile():
    assert _found("信访办的接待干部说：“少跟我废话，材料放下走人。”", "hostile_attitude")


def test_the_same_retort_from_a_shopkeeper_is_no_finding():
    assert not _found("超市老板对我说：“就你事多。”", "hostile_attitude")


def test_a_noise_made_to_speak_a_retort_is_a_figure_of_speech():
    assert not _found("街道办管不了它，楼下风机的声音仿佛在说：你算老几？", "hostile_attitude")


# --- papers thrown at the citizen ------------------------------------------------------------------------------

def test_an_officer_who_slams_the_household_register_on_the_counter_is_hostile():
    assert _found("派出所户籍民警把户口本往柜台上一摔，说自己去复印。", "hostile_attitude")


def test_an_officer_who_throws_the_identity_card_back_is_hostile():
    assert _found("办证的民警接过身份证，直接扔回给我。", "hostile_attitude")


def test_rubbish_thrown_from_upstairs_is_no_contempt_of_a_servant():
    assert not _found("四楼的人经常往楼下扔生活垃圾，这次差点扔到我的头上，请单位领导管管。", "hostile_attitude")


def test_papers_lost_by_an_office_are_no_contempt():
    assert not _found("街道办的工作人员把我的材料丢了，让我重新交一份。", "hostile_attitude")


def test_papers_left_on_a_desk_for_days_are_a_matter_neglected_not_contempt():
    assert not _found("街道办的工作人员把我的材料扔在桌上好几天都没人看。", "hostile_attitude")


# --- threats that promise a consequence, and threats with their condition ----------------------------------

def test_a_village_secretary_who_tells_the_writer_to_watch_out_is_hostile():
    assert _found("村支书临走时指着我说：“你给我小心点！”", "hostile_attitude")


def test_a_village_head_who_promises_the_family_a_hard_life_is_hostile():
    assert _found("村主任当着大家的面说，再去镇上反映，就让我家日子不好过。", "hostile_attitude")


def test_a_hardship_caused_by_an_office_is_no_threat():
    assert not _found("拆迁办的做法让我们一家日子不好过。", "hostile_attitude")


def test_a_warning_to_take_care_on_a_wet_road_is_no_threat():
    assert not _found("下雨路滑，社区网格员提醒我们出门小心点。", "hostile_attitude")


def test_an_officer_who_says_withdraw_the_suit_or_be_locked_up_is_hostile():
    assert _found("民警对我说，不撤诉就把你关起来。", "hostile_attitude")


def test_a_notice_that_defaulters_face_enforcement_is_no_threat():
    assert not _found("社区贴出通知：逾期不缴纳的，将依法强制执行。", "hostile_attitude")


# --- graft told by its parts -----------------------------------------------------------------------------------

def test_a_levy_whose_defaulters_get_no_stamp_is_graft_even_when_the_condition_names_them():
    assert _found("村里的会计要每户交两百元修路钱，不交的不给盖章。", "graft")


def test_a_billed_fee_whose_defaulters_are_not_served_is_no_graft():
    assert not _found("办证要交十元工本费，不交的不给办。", "graft")


def test_a_stamp_given_only_after_a_sum_was_paid_is_graft():
    assert _found("镇计生办的工作人员要我交了八百元才给盖章。", "graft")


def test_a_toll_paid_before_the_barrier_opens_is_no_graft():
    assert not _found("高速出口的收费员说超载不免费，缴费十二元才能放行。", "graft")


def test_money_taken_under_the_name_of_a_rush_fee_is_graft():
    assert _found("派出所户籍室的民警说是加急费，收了我三百元。", "graft")


def test_a_schools_invented_fee_is_a_charging_dispute_not_graft():
    assert not _found("学校说是资料费，每个学生收了两百元。", "graft")


def test_money_taken_by_a_town_officer_without_a_receipt_is_graft():
    assert _found("镇上的城管队员收了我两百元，也没给收据。", "graft")


def test_a_taxi_driver_who_gives_no_receipt_is_no_graft():
    assert not _found("出租车司机多收了我二十元，也不给发票。", "graft")


def test_a_price_for_release_said_to_the_detained_is_graft():
    assert _found("办案的民警对我父亲说，拿三万块，你就可以回家。", "graft")


def test_a_fine_or_bail_paid_to_go_home_is_no_graft():
    assert not _found("民警说交五百元罚款就可以走了。", "graft")
    assert not _found("律师说交了保证金，你就可以回家等开庭。", "graft")


def test_money_given_to_a_village_head_by_a_buyer_is_his_graft():
    assert _found("买地的老板给村主任送了三万元。", "graft")


def test_money_given_to_ones_parents_is_no_bribe():
    assert not _found("过年时我给父母送了两千元。", "graft")


# --- what the letter says of the act -------------------------------------------------------------------------

def test_what_villagers_say_about_a_bribe_is_a_lead_to_verify():
    assert _kinds("听村里人说，村主任收了开发商的好处费。", "graft") == {"lead"}


def test_what_an_insider_is_said_to_have_revealed_is_a_lead_to_verify():
    assert _kinds("据知情人透露，村支书贪污了扶贫款。", "embezzlement") == {"lead"}


def test_an_embezzlement_the_writer_doubts_after_telling_it_is_a_lead():
    assert _kinds("村会计私吞了低保金，不知是真是假。", "embezzlement") == {"lead"}


def test_an_embezzlement_told_with_its_evidence_is_a_finding():
    assert _found("村会计私吞了低保金，我们有账本为证。", "embezzlement")


def test_a_request_to_find_out_which_of_two_happened_is_a_lead():
    assert _kinds("请查明究竟是城管打了摊主，还是摊主自己摔倒的。", "hostile_attitude") == {"lead"}


def test_a_beating_seen_by_the_writer_is_a_finding():
    assert _found("城管打了摊主，我们都看见了。", "hostile_attitude")


# --- more ordinary ways of telling force, contempt, cursing, threats and bribes ------------------------------

def test_an_enforcement_officer_who_shoved_the_writer_is_hostile():
    assert _found("城管推了我，我差点摔倒。", "hostile_attitude")


def test_a_farm_bulldozed_is_no_shove_of_a_person():
    assert not _found("镇政府没有贴通知，就来推了我们的鸡场。", "hostile_attitude")


def test_officers_who_seize_a_vendors_scales_are_hostile():
    assert _found("城管队员抢走了我的秤和三轮车。", "hostile_attitude")


def test_a_clerk_who_answers_with_open_contempt_is_hostile():
    assert _found("窗口的工作人员一脸不屑地说，这种事别来找我们。", "hostile_attitude")


def test_an_officer_who_curses_at_villagers_is_hostile_however_the_curse_is_told():
    assert _found("村主任指着我们骂道：“一群刁民”。", "hostile_attitude")
    assert _found("村会计骂得很难听。", "hostile_attitude")


def test_a_curse_aimed_at_us_is_not_read_as_our_own_attitude():
    assert _found("城管队员对着我们破口大骂。", "hostile_attitude")


def test_a_party_secretary_who_threatens_to_send_men_after_us_is_hostile():
    assert _found("村支书扬言找人收拾我们。", "hostile_attitude")


def test_a_shop_notice_that_offenders_bear_the_consequences_is_no_threat():
    assert not _found("本店违规经营者，后果自负。", "hostile_attitude")


def test_a_town_head_who_took_a_bosss_money_is_graft():
    assert _found("镇长收了老板的钱，就把地批给了他。", "graft")


def test_a_guess_among_other_reasons_is_a_lead():
    assert _kinds("这是镇长收了老板的钱还是什么原因，为什么一直不取缔？", "graft") == {"lead"}


def test_a_policewoman_named_as_fierce_is_hostile():
    assert _found("值班的女警很凶，让我出去等。", "hostile_attitude")


def test_an_officer_with_a_temper_is_hostile_but_the_writers_own_temper_is_not():
    assert _found("那位民警脾气很大，动不动就吼。", "hostile_attitude")
    assert not _found("我脾气不好，跟民警吵了几句。", "hostile_attitude")


def test_town_cadres_who_took_money_and_did_nothing_are_graft():
    assert _found("镇上的干部收了钱却不办事。", "graft")


def test_a_property_firm_that_took_fees_and_did_nothing_is_no_graft():
    assert not _found("物业公司收了钱却不办事。", "graft")


def test_a_village_accountant_who_paid_his_debts_with_poverty_funds_embezzled():
    assert _found("村会计把扶贫款拿去还自己的债。", "embezzlement")


def test_compensation_spent_on_a_village_road_is_no_embezzlement():
    assert not _found("村里把补偿款用于修路。", "embezzlement")


def test_a_reason_given_before_a_fee_was_paid_is_no_pretext():
    assert not _found("社保窗口说是系统问题，我们交了钱还是办不了。", "graft")
