"""Issue 18, sixteenth round: general causes read off external set 5 (released as development data) — rudeness
told by the manner of speaking (喝斥, 厉声, 没好气地说, a curse 叫嚣ed), a reception clerk (接待员) as staff of the
body named, a payment demanded to be let off (给他…就不开罚单), a suspicion cue carried through the list it
opens, and a clause opened by 这是不是 that names what the letter has just told. Each cause has a firing case and
a near miss, in sentences written for these tests (none copied from a letter)."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _hits(text: str) -> list[tuple[str, str, str]]:
    """(family, kind, who) of every finding and lead; who is the doer's body+post, empty when nobody was found."""
    return [(h["family"], h["kind"], "".join((h["doer"] or {}).get(k) or "" for k in ("body", "post")))
            for h in detect_misconduct(text, include_leads=True)]


def _findings(text: str, family: str) -> list[tuple[str, str, str]]:
    return [hit for hit in _hits(text) if hit[1] == "finding" and hit[0] == family]


# --- rudeness told by the manner of speaking ------------------------------------------------------------------

def test_a_clerk_who_shouts_at_a_caller_to_stand_back_is_hostile():
    assert _findings("办事大厅的工作人员大声喝斥我退到黄线外面去。", "hostile_attitude")


def test_an_officer_who_answers_sharply_is_hostile():
    assert _findings("我去派出所问进展，值班民警厉声说别在这里啰嗦。", "hostile_attitude")


def test_a_clerk_who_answers_in_a_huff_is_hostile():
    assert _findings("社保窗口的工作人员没好气地说：表格自己去网上下。", "hostile_attitude")


def test_a_huff_that_is_only_a_look_is_no_report_of_speech():
    assert _findings("社保窗口的工作人员一脸没好气的样子，我也能理解她们忙。", "hostile_attitude") == []


def test_a_deputy_director_who_yells_get_out_is_hostile():
    assert _findings("值班的李副主任叫嚣“滚出去，别在这闹”。", "hostile_attitude")


def test_a_neighbour_who_yells_get_out_is_no_official():
    assert _findings("隔壁的邻居叫嚣“滚出去，别在这闹”。", "hostile_attitude") == []


# --- a reception clerk is staff of the body named --------------------------------------------------------------

def test_a_reception_clerk_at_a_petition_bureau_is_a_public_doer():
    hits = _findings("我到市信访局反映情况，接待员很不耐烦地把材料推了回来。", "hostile_attitude")
    assert hits and "接待员" in hits[0][2]


def test_a_hotel_reception_clerk_is_no_public_doer():
    assert _findings("我们入住的宾馆前台接待员很不耐烦地把房卡推了回来。", "hostile_attitude") == []


# --- a payment demanded to be let off --------------------------------------------------------------------------

def test_an_officer_asking_for_a_sum_in_chinese_numerals_to_skip_the_ticket_is_graft():
    assert _findings("那个交警说给他三千块钱就不开罚单了。", "graft")


def test_a_friend_asking_for_money_to_fix_a_car_is_no_graft():
    assert _findings("我问修车的朋友，他说给他三千块钱就帮我修好。", "graft") == []



def test_the_same_bargain_broken_by_a_comma_is_graft():
    assert _findings("协管员说，给他两千块钱，就不开罚单了。", "graft")


def test_paying_a_stated_sum_before_leaving_is_no_graft_by_itself():
    # a lawful fine is paid and the driver let go in the same words
    assert _findings("交警说交两百元就可以走了。", "graft") == []

# --- a suspicion cue carries through its list ------------------------------------------------------------------

def test_a_suspected_list_leaves_its_last_item_a_suspicion():
    text = "原村会计赵某，涉嫌私自出租村里的集体土地、给亲戚虚报低保名额、挪用上级拨下的修路资金、私自收取卫生费等问题。"
    assert _findings(text, "graft") == []
    assert any(family == "graft" and kind == "lead" for family, kind, _ in _hits(text))


def test_a_plain_list_of_acts_is_still_a_report():
    assert _findings("村会计赵某私自出租村里的集体土地、给亲戚虚报低保名额、挪用上级拨下的修路资金、私自收取卫生费，群众意见很大。",
                     "graft")


# --- 这是不是… names what was just told ----------------------------------------------------------------------

def test_a_threat_named_by_this_is_it_not_stays_a_report():
    text = "村干部说不交罚款就让我家办不成事。这是不是拿他们手里的权力来威胁我，请领导评评理。"
    assert _findings(text, "hostile_attitude")


def test_not_knowing_whether_it_is_a_threat_stays_a_doubt():
    text = "村干部说不交罚款就让我家办不成事。不知道这是不是他们拿权力来威胁我。"
    assert _findings(text, "hostile_attitude") == []


# --- a name held open (不管你认为是…也好) ------------------------------------------------------------------------

def test_a_name_held_open_for_the_reader_is_no_report():
    text = "派出所的民警要我们再开一份证明。既然提出来了，不管你认为是刁难也好，死板也罢，都只能照办。"
    assert _findings(text, "hostile_attitude") == []


def test_obstruction_whatever_the_writer_explains_is_still_a_report():
    assert _findings("派出所的民警要我们再开一份证明，不管我怎么解释，他都是刁难我。", "hostile_attitude")
