"""Issue 18, doer resolution as a small discourse model: a description (「一位女士」「女孩」) stands for the public
servant the letter was just dealing with unless someone else is named in between; a pronoun agrees in gender and
passes over the writer's family when they only come along; where a thing merely lies (「户口落在大学」) is not
where the writer was served. Each cause has a firing case and a near miss, in sentences written for these tests."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _hits(text: str) -> list[tuple[str, str, str, str]]:
    """(family, kind, who, status) of every finding and lead; who is the doer's body+post."""
    return [(h["family"], h["kind"], "".join((h["doer"] or {}).get(k) or "" for k in ("body", "post")),
             (h["doer"] or {}).get("status") or "")
            for h in detect_misconduct(text, include_leads=True)]


def _findings(text: str) -> list[tuple[str, str, str, str]]:
    return [hit for hit in _hits(text) if hit[1] == "finding"]


# --- a description stands for the servant the scene was about ---------------------------------------------------

def test_a_woman_described_right_after_the_window_clerk_is_that_clerk():
    text = ("我到区政务中心办营业执照，跟窗口工作人员说明了情况。一位年轻的女士头也不抬，没好气地说：“材料不全，"
            "不能办。”")
    assert [(family, status) for family, _, _, status in _findings(text)] == [("hostile_attitude", "public")]


def test_the_evidence_of_the_link_is_in_the_explanation():
    text = "我去派出所办户口，跟民警说明来意。一个小伙子不耐烦地说：“没空，明天再来。”"
    hit = detect_misconduct(text)[0]
    assert hit["doer"]["post"] == "民警" and "「小伙子」即上文的「民警」" in hit["doer"]["how"]


def test_a_description_after_a_private_party_named_in_between_stays_unclear():
    text = ("我去派出所办户口，民警让我先填表。大厅里一个卖保险的老板过来搭讪，旁边一位女士没好气地说：“别挡着，"
            "往后站。”")
    assert _findings(text) == []


def test_a_description_with_only_an_office_before_it_stays_unclear():
    hits = _hits("我们去街道办反映噪音问题，一名男子没好气地说不归他们管。")
    assert hits and all(kind == "lead" and status == "unclear" for _, kind, _, status in hits)


def test_descriptions_one_after_another_are_one_person_and_that_person_is_the_clerk():
    text = ("我到政务服务中心咨询，接待的是一个年轻的工作人员，小姑娘说要盖公章。我说没有公章，女孩没好气地说："
            "“那我怎么给你办？”")
    assert [(family, status) for family, _, _, status in _findings(text)] == [("hostile_attitude", "public")]


def test_a_description_the_official_sent_for_in_his_own_clause_acts_at_his_command():
    hit = detect_misconduct("村主任就叫了一个穿黑衣服的小伙子很粗暴地把我推倒在地。")[0]
    assert hit["doer"]["status"] == "public" and "「小伙子」是「主任」叫来的人" in hit["doer"]["how"]


def test_a_description_merely_next_to_an_official_in_his_clause_is_someone_else():
    hits = _hits("民警和一名男子在门口说话，男子没好气地说：“你挡道了。”")
    assert hits and all(kind == "lead" and status == "unclear" for _, kind, _, status in hits)


# --- a pronoun: gender, and the writer's family coming along ------------------------------------------------------

def test_she_is_the_clerk_not_the_mother_the_writer_pushed_to_her_desk():
    text = "我推着轮椅上的母亲到信访局接待室，女接待员让我们进去。我把母亲推到她的桌边，她大声呵斥我们站远一点。"
    assert ("hostile_attitude", "finding", "接待员", "public") in _findings(text)


def test_she_is_the_mother_when_the_mother_takes_the_stage():
    text = "我推着轮椅上的母亲到信访局接待室，女接待员让我们等着。母亲急了，她大声呵斥我不该带她来这里受气。"
    assert _findings(text) == []


def test_she_does_not_point_to_the_husband_named_closer():
    text = "我和老公去公安局换证，一位女民警接待我们。老公问她为什么不能办，她很不耐烦，把材料扔了回来。"
    assert ("hostile_attitude", "finding", "民警", "public") in _findings(text)


def test_he_still_points_to_the_husband_when_the_husband_acts():
    text = "我和老公去公安局换证，一位女民警接待我们。老公等急了，他很不耐烦，和旁边的人吵了起来。"
    assert _findings(text) == []


def test_a_pronoun_passes_over_the_son_the_writer_asks_about():
    text = "我带儿子到派出所户政室，一位民警在玩手机。我问：“我想咨询一下我的儿子办身份证的事。”他极不耐烦地说去别处办。"
    assert ("hostile_attitude", "finding", "民警", "public") in _findings(text)


def test_another_persons_son_is_no_family_of_the_writer_and_is_followed_as_before():
    text = "村干部来我家闹事，村干部的儿子也跟来了，他极不耐烦地踢翻了我家的凳子。"
    assert all(who != "村干部" for _, _, who, _ in _findings(text))


# --- where something lies is not where the writer was served ----------------------------------------------------

def test_the_clerk_belongs_to_the_office_visited_not_the_university_the_registration_lies_in():
    text = "我去公安局换身份证，我的户口落在大学。工作人员态度恶劣，把材料扔了出来。"
    assert ("hostile_attitude", "finding", "工作人员", "public") in _findings(text)


def test_a_clerk_with_only_the_place_one_lives_in_before_still_belongs_to_it():
    assert ("hostile_attitude", "finding", "工作人员", "public") in _findings("我家住在幸福社区，工作人员上门时态度恶劣。")


# --- a group, and 人家 -----------------------------------------------------------------------------------------------

def test_they_who_broke_in_are_a_group_with_officials_in_it_named_just_before_hired_thugs():
    text = "那天晚上来了一百多个镇政府工作人员，还有三十多个社会上的混混，他们撬坏我家大门，闯进屋里。"
    hit = detect_misconduct(text)[0]
    assert hit["family"] == "hostile_attitude" and hit["doer"]["post"] == "工作人员" and hit["doer"]["status"] == "public"
    assert "与「混混」一伙" in hit["doer"]["how"]


def test_they_after_thugs_alone_stay_private():
    assert _findings("那天晚上来了三十多个社会上的混混，他们撬坏我家大门，闯进屋里。") == []


def test_they_after_thugs_named_in_a_new_clause_after_the_officials_are_the_thugs():
    text = "镇政府工作人员上午来过。晚上又来了三十多个混混，他们撬坏我家大门，闯进屋里。"
    assert _findings(text) == []


def test_renjia_the_others_is_nobody_the_official_named_before():
    text = "原村长当年死活不给邻村换地，人家邻村现在给你穿小鞋，也是你活该。"
    assert _findings(text) == []


def test_an_official_who_makes_trouble_himself_is_still_the_doer():
    text = "原村长当年死活不给邻村换地，现在他又处处给我们穿小鞋。"
    assert ("hostile_attitude", "finding", "村长", "public") in _findings(text)


# --- quoted words are another level of the letter ---------------------------------------------------------------

def test_he_is_the_officer_not_the_shopkeeper_the_writer_spoke_of_in_a_quote():
    text = "我到派出所找民警，我说：“楼下饭店的老板占了我的车位。”他很不耐烦，把我推了出去。"
    assert ("hostile_attitude", "finding", "民警", "public") in _findings(text)


def test_he_is_the_shopkeeper_when_the_letter_itself_tells_of_him():
    text = "我到派出所找民警反映，楼下饭店的老板跟了进来，他很不耐烦，把我推了出去。"
    assert _findings(text) == []


# --- the one who answered the phone ------------------------------------------------------------------------------

def test_she_who_answered_the_office_the_writer_phoned_is_its_staff():
    text = "我给街道办打电话问办证要带什么。“带身份证。”“还要别的吗？”“你怎么这么多事！”她非常不耐烦地挂了电话。"
    hit = detect_misconduct(text)[0]
    assert hit["doer"]["status"] == "public" and "接电话的人" in hit["doer"]["how"]


def test_another_office_named_in_the_conversation_does_not_interrupt_the_call():
    text = "我给派出所打电话。“本子是另外一个派出所发的。”“那你带来再说！”她非常不耐烦地挂了电话。"
    assert [(family, status) for family, _, _, status in _findings(text)] == [("hostile_attitude", "public")]


def test_after_the_call_someone_else_named_is_whom_he_means():
    text = "我给街道办打电话反映，街道办让我找物业，物业经理上门来了，他很不耐烦，骂我多事。"
    assert _findings(text) == []


def test_she_met_at_an_office_the_writer_visited_stays_unclear():
    hits = _hits("我去街道办问办证要带什么，她非常不耐烦，把我赶了出来。")
    assert hits and all(kind == "lead" and status == "unclear" for _, kind, _, status in hits)


# --- a sentence that opens with when and goes straight on with what was done ------------------------------------

def test_a_sentence_opening_with_the_time_and_a_preposition_goes_on_with_the_officials_before():
    text = "拆迁组的人着急了，开始行动了。半夜时分往我们屋里扔鞭炮、扔石头砸玻璃，把老人吓得不敢睡觉。"
    assert [(family, status) for family, _, _, status in _findings(text)] == [("hostile_attitude", "public")]


def test_a_sentence_opening_with_the_time_and_someone_the_lists_do_not_know_stays_theirs():
    assert _findings("拆迁组的人着急了，开始行动了。半夜时分楼上那家人往我们屋里扔石头砸玻璃。") == []
