"""Issue 18, seventeenth round (lexicon and stance): what the letter says of the act, judged clause by clause.
A suspicion cue in an earlier clause stops at a turn (结果, 却, 没想到, 竟然) and, when it had a complement of its
own, at a clause that names who acted; a rule cue that opens a list of conduct (items joined by 、, or after
「下列行为：」) governs every item — a statute copied is no report. Firing cases and near misses, in sentences
written for these tests (none copied from a letter)."""

from __future__ import annotations

from rexian.text.misconduct import detect_misconduct


def _kinds(text: str, family: str) -> set[str]:
    return {h["kind"] for h in detect_misconduct(text, include_leads=True) if h["family"] == family}


def _findings(text: str) -> list[str]:
    return [h["family"] for h in detect_misconduct(text)]


# --- a suspicion's reach, clause by clause ---------------------------------------------------------------------

def test_hearsay_about_an_office_does_not_reach_past_the_turn_to_what_the_writer_met_there():
    assert _kinds("听说这里办事快，结果窗口的工作人员对我大吼大叫。", "hostile_attitude") == {"finding"}


def test_a_doubt_about_lost_papers_does_not_reach_the_officer_who_then_cursed_the_writer():
    assert _kinds("我怀疑材料被弄丢了，去问的时候民警却骂了我一顿。", "hostile_attitude") == {"finding"}


def test_a_guess_at_the_cause_does_not_reach_a_clause_that_names_who_was_rude():
    assert _kinds("我怀疑是系统出了问题，工作人员态度非常恶劣。", "hostile_attitude") == {"finding"}


def test_a_suspicion_goes_on_into_a_clause_that_drops_its_subject():
    assert _kinds("怀疑村干部与开发商勾结，私分了补偿款。", "embezzlement") == {"lead"}


def test_a_hearsay_cue_that_ends_its_clause_governs_the_report_after_it():
    assert _kinds("据村里人讲，镇长收了老板的红包。", "graft") == {"lead"}


# --- a rule over its list --------------------------------------------------------------------------------------

def test_a_copied_ban_on_a_list_of_conduct_reports_none_of_its_items():
    assert _findings("八项规定严禁党员干部利用职务之便吃拿卡要、收受红包礼金、公款吃喝、打击报复群众。") == []


def test_the_items_after_a_statutes_list_head_are_rules_not_reports():
    assert _findings("公务员法规定，公务员不得有下列行为：贪污贿赂，利用职务之便谋取私利；收受礼金；对群众态度蛮横。") == []


def test_what_a_village_head_went_on_to_do_after_forbidding_a_petition_is_reported():
    assert "hostile_attitude" in _findings("村主任不准我们上访还辱骂、殴打村民。")


def test_a_ban_in_one_clause_does_not_make_a_list_of_acts_in_the_next_a_rule():
    assert "hostile_attitude" in _findings("村主任不准我们拍照、录音，辱骂、殴打前来反映问题的村民。")
