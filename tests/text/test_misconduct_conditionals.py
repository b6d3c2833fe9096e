"""Demands and threats told as conditions, sums asked per head, and the citizen asking where public money went
(issue 18, tenth round). The seventh set's miss, read as a pattern: a health centre that scored village
doctors lower when no cigarettes came (「考核打分没烟少打分」) — a demand in the official's lever, not in the words
索要 or 红包. With it, the other conditional forms citizens write: a threat in the official's own words
addressed to the citizen (「你们再闹就把你们抓起来」) and a fee asked of each household before a service
(「收了我们每户500元才给办低保」). Each has a report in the style of real letters and near misses (a private doer,
a fear, a lawful notice, an ordinary fee). Sentences written for these tests, the first after the set's letter."""

import pytest

from rexian.text.doers import PUBLIC
from rexian.text.misconduct import detect_misconduct


def hit_of(text, act):
    return next((h for h in detect_misconduct(text, include_suppressed=True) if h["act"] == act), None)


def findings(text, family):
    return [h for h in detect_misconduct(text) if h["family"] == family]


# (family, pattern label, reports that must be findings, near misses that must not be findings)
PATTERNS = [
    ("graft", "条件式索要（没好处就扣分）",
     ["乡卫生院每年考核村卫生室，考核打分没烟少打分，还扣了我们的补贴。",
      "镇里来验收的干部明说了，不送烟就扣分。"],
     ["公司年底考核，不送礼就扣分。",                                  # a private doer
      "没钱就少买点吧，考核的事以后再说。",                           # no lever, no gift
      "卫生院没有因为我们不送烟就扣分，是我们自己资料不全。",          # the act denied
      "窗口的科长并没有因为我们不给红包就不给办，是材料不全。"]),
    ("hostile_attitude", "条件式威胁（再…就抓你）",
     ["社区主任王某某对我们说：你们再闹就把你们抓起来。",
      "去年镇里的干部上门，说你再去告就停你家的低保。"],
     ["我怕再上访就会被抓起来。",                                      # the citizen's fear, no one speaking
      "派出所通告：再次违规者将依法拘留。",                            # a notice
      "小区保安说你们再闹就把你们抓起来。"]),                          # a private doer
    ("graft", "收钱办事",
     ["社区干部私下收了我们每户500元才给办低保。"],
     ["物业收了我们每户500元才给换水表。",                             # a private doer
      "社区通知每户交500元卫生费，开了收据。"]),                       # an ordinary fee
]


@pytest.mark.parametrize("family,label,reports,near_misses", PATTERNS, ids=[row[1] for row in PATTERNS])
def test_each_conditional_form_finds_its_reports_and_sets_its_near_misses_aside(family, label, reports, near_misses):
    for report in reports:
        hit = hit_of(report, label)
        assert hit is not None and hit["kind"] == "finding", (report, hit and hit["explanation"])
        assert hit["family"] == family
        assert hit["doer"] is None or hit["doer"]["status"] == PUBLIC
    for near_miss in near_misses:
        assert not findings(near_miss, family), (near_miss, findings(near_miss, family))


def test_the_citizen_asking_where_public_money_went_is_a_lead_for_the_officer_not_a_finding():
    for question in ("学校安装空调的钱去了哪里？", "这笔扶贫款到底落入了哪些人的腰包？",
                     "村里收的租金去哪了，从来没有公开过。", "休耕补贴其它地方都是七百，我想问一下还有五百哪去了？"):
        hits = detect_misconduct(question, include_leads=True)
        assert [h["kind"] for h in hits if h["family"] == "embezzlement"] == ["lead"], (question, hits)
        assert not findings(question, "embezzlement")
    # a private company's money is no public fund: not even a lead
    for near_miss in ("我在理财平台投资的钱去了哪里？", "开发商收的购房款去哪了？", "二楼哪去了？我们找不到办事窗口。"):
        assert not [h for h in detect_misconduct(near_miss, include_leads=True) if h["family"] == "embezzlement"]


def test_a_sum_asked_of_each_household_is_a_sum():
    from rexian.text.misconduct import default_lexicon

    lexicon = default_lexicon()
    demand = next(p for p in lexicon.phrases if p.label == "收钱办事")
    for text in ("收了我们每户500元才", "收了我们人均两百元才", "收了我们2000元才"):
        assert demand.pattern.search(text), text
