"""Issue 18, round 13: the known leftovers of the whole-corpus reading and the misses of the third set of
letters from elsewhere, each with real-style sentences and near misses."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _hits(text: str, leads: bool = True) -> list[tuple[str, str, str]]:
    """(family, kind, who) of every hit; who is the doer's body+post, empty when nobody was found."""
    return [(h["family"], h["kind"], "".join((h["doer"] or {}).get(k) or "" for k in ("body", "post")))
            for h in detect_misconduct(text, include_leads=leads)]


def _findings(text: str) -> list[tuple[str, str, str]]:
    return [hit for hit in _hits(text) if hit[1] == "finding"]


def test_a_denial_before_the_means_named_covers_the_threat_they_lead_to():
    # Letter 188560: the writer asks the official to swear he did *not* threaten; no threat is reported.
    text = "请他以党性和职务发誓，在区纪委姓赵的工作人员面前没有以捏造，造谣，诽谤罪等名义威胁，恐吓追究我的法律责任。"
    assert _findings(text) == []


def test_a_threat_after_a_contrast_with_a_denied_means_is_still_a_threat():
    assert ("hostile_attitude", "finding", "城管") in _findings("城管没有以罚款的名义吓唬我们，却以扣车的名义威胁我们。")
    assert ("hostile_attitude", "finding", "拆迁办") in _findings("拆迁办以断水断电的手段威胁我们，没有以合法的方式协商。")


def test_the_official_before_whom_something_was_said_is_a_witness_not_the_doer():
    assert _findings("他用同样的手段，在区纪委姓赵的工作人员面前，嚣张跋扈地表示将保留证据。") == []
    # The real case of a labelled set: 「在领导面前唯唯诺诺，在职工面前嚣张」 is no official's rudeness.
    assert _findings("还是个两面人：在领导面前唯唯诺诺，在职工面前嚣张，说话难听。") == []


def test_an_official_who_is_rude_in_front_of_the_writer_is_still_the_doer():
    assert ("hostile_attitude", "finding", "纪委工作人员") in _findings("纪委工作人员在我们面前嚣张跋扈，拍桌子骂人。")


def test_a_trap_laid_is_not_a_bureau():
    hits = _hits("他们认为是苏晖伪造证据被举报，设局打击报复他们。")
    assert all(who != "设局" for _, _, who in hits)


def test_what_a_vacant_flat_is_to_be_turned_into_is_no_body_that_acts():
    # Letter 204686: the developer hits the owners' child, not 「空置房改幼儿园」.
    text = ("但三次协商结果都不尽人意，中建信和地产不断推卸责任，拒绝业主所提的现有空置房改幼儿园等相关方案，"
            "甚至动手打维权业主小孩。")
    assert _hits(text) == []


def test_a_property_firm_called_answers_for_itself():
    assert _hits("小孩被困70分钟无人理睬，打电话给物业，态度还恶劣。") == []


def test_a_street_office_called_is_still_the_one_who_answered():
    assert any(who == "街道办" for _, _, who in _hits("打电话给街道办，态度还恶劣。"))


def test_an_old_neighbour_is_a_private_person():
    text = "每栋楼楼下的公共区域已被居住在一楼的老奶奶全部霸占，想要解锁还要专门在楼下等她，她态度还十分恶劣。"
    assert _hits(text) == []


def test_a_blow_by_the_official_named_after_bei_is_a_report():
    assert ("hostile_attitude", "finding", "城管") in _findings("早市上有個賣菜的被城管打了，就因為不肯買他們的袋子。")


def test_a_blow_by_a_villager_a_greeting_and_a_beating_before_a_policeman_are_not():
    assert _findings("村长被村民打了，派出所不管。") == []
    assert _hits("我被街道办打了招呼，说明天再来。") == []
    assert all(who != "警察" for _, _, who in _hits("本人丈夫被人当警察面打成重伤二级，全程开启执法记录仪有视频为证。"))


def test_pressure_put_on_the_writer_to_sign_is_intimidation():
    assert ("hostile_attitude", "finding", "青山街道") in _findings("青山街道以停发工资施压逼签拆迁协议")


def test_the_writer_called_a_public_servant_is_not_the_one_who_pressed_him():
    text = "这几年，有关人员一直拿我是“公职人员”为由，找我谈话，对我施压，要我带头签字。"
    assert all(who != "公职人员" for _, _, who in _hits(text))
    assert _hits("我们希望政府对开发商施压，早日交房。") == []


def test_a_bare_official_is_a_public_servant():
    text = "县城里的官天天都在饭店吃喝，他们用公款互相请客，什么名目都能拿来吃喝。"
    assert any(family == "improper_banquet" and kind == "finding" for family, kind, _ in _hits(text))


def test_words_with_guan_in_them_name_no_official():
    assert _hits("我去官网查了，没有公示，打官司又打不起，律师态度恶劣。") == []


def test_they_said_of_two_cadres_paragraph_after_paragraph_are_still_the_cadres():
    gap = "，这件事拖了好几年，反映了很多次，一直没有任何结果，大家都很无奈，只能一等再等，等来的却总是一句研究研究"
    text = ("石桥村支书王某和村主任赵某，身为一村之父母官，本应为民办事。第一，低保名额由他们来定" + gap
            + "。第二，补助款也是他们在发" + gap + "。第三，修路的钱他们说了算" + gap + "。第四，账目他们从不公开" + gap
            + "。第五，一问起来，他们就推说不知道" + gap
            + "。第六，开会也是他们一句话" + gap + "。第七，项目全由他们拍板" + gap
            + "。最后，他们采取威胁恐吓的手段，让老人们有苦不敢说。")
    assert any(family == "hostile_attitude" and kind == "finding" for family, kind, _ in _hits(text))
