"""Fixture logs for the call-centre rules and the text rules."""

from datetime import datetime

from tests.analytics.builder import Log

DAY = datetime(2026, 3, 2, 9)


def test_us_abandoned_fires_on_an_agent_who_lets_half_the_calls_ring_out():
    log = Log()
    log.ticket("T1")
    for i in range(12):
        log.call(f"c{i}", "ag1", DAY.replace(minute=i), wait_seconds=None if i % 2 else 5)
    [finding] = log.findings("US-ABANDONED")
    assert finding.agent_id == "ag1" and finding.ticket_ids == []
    assert finding.evidence["values"]["unanswered"] == 6


def test_us_abandoned_ignores_an_agent_who_misses_one_call_in_twelve():
    log = Log()
    log.ticket("T1")
    for i in range(12):
        log.call(f"c{i}", "ag1", DAY.replace(minute=i), wait_seconds=None if i == 0 else 5)
    assert log.findings("US-ABANDONED") == []


def test_us_fake_busy_fires_on_ninety_busy_minutes_without_a_call():
    log = Log()
    log.ticket("T1")
    log.seat("ag1", "busy", DAY, 90).call("c1", "ag2", DAY.replace(minute=10))
    [finding] = log.findings("US-FAKE-BUSY")
    assert finding.agent_id == "ag1" and finding.evidence["values"]["busy_minutes_without_calls"] == 90


def test_us_fake_busy_ignores_busy_time_spent_on_a_call():
    log = Log()
    log.ticket("T1")
    log.seat("ag1", "busy", DAY, 90).call("c1", "ag1", DAY.replace(minute=10), talk_minutes=60)
    assert log.findings("US-FAKE-BUSY") == []


def test_us_away_fires_on_a_two_hour_break_in_the_middle_of_the_day():
    log = Log()
    log.ticket("T1")
    log.seat("ag1", "idle", DAY, 60).seat("ag1", "break", DAY.replace(hour=10), 120).seat("ag1", "idle", DAY.replace(hour=12), 60)
    [finding] = log.findings("US-AWAY")
    assert finding.evidence["values"]["longest_away_minutes"] == 120


def test_us_away_ignores_going_offline_at_the_end_of_the_shift():
    log = Log()
    log.ticket("T1")
    log.seat("ag1", "idle", DAY, 60).seat("ag1", "break", DAY.replace(hour=10), 20).seat("ag1", "offline", DAY.replace(hour=18), 600)
    assert log.findings("US-AWAY") == []


def test_pr_boilerplate_fires_on_a_stock_reply():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").reply("U1", "您的诉求已记录，请耐心等待。")
    [finding] = log.findings("PR-BOILERPLATE")
    assert finding.person_id == "U1-h" and finding.evidence["texts"] == ["您的诉求已记录，请耐心等待。"]


def test_pr_boilerplate_ignores_a_specific_reply_that_uses_one_polite_phrase():
    log = Log()
    log.ticket("T1").dispatch("U1").sign("U1").reply(
        "U1", "感谢您的反映。3月3日城管队员到烧烤店现场检查，责令其加装隔音棚并于22点前停止营业，店主已签字承诺。")
    assert log.findings("PR-BOILERPLATE") == []


def test_pr_identical_fires_on_the_same_reply_to_three_different_matters():
    log = Log()
    reply = "已联系相关单位，问题已妥善处理完毕，请知悉。"
    for i, category in enumerate(["noise", "road", "water"]):
        log.ticket(f"T{i}", category=category).dispatch("U1").sign("U1").reply("U1", reply)
    [finding] = log.findings("PR-IDENTICAL")
    assert finding.ticket_ids == ["T0", "T1", "T2"] and finding.person_id == "U1-h"


def test_pr_identical_names_the_same_person_whatever_order_the_replies_come_in():
    # Two people give the same reply equally often: the one named must not depend on the join's row order.
    log = Log()
    reply = "已联系相关单位，问题已妥善处理完毕，请知悉。"
    for i, category in enumerate(["noise", "road", "water", "gas"]):
        log.ticket(f"T{i}", category=category).dispatch("U1").sign("U1").reply("U1", reply)
    for event in log.events:
        if event["action"] == "Replied":
            event["actor_id"] = "P-A" if event["ticket_id"] in ("T0", "T2") else "P-B"
    forward = log.findings("PR-IDENTICAL")
    log.events.reverse()
    backward = log.findings("PR-IDENTICAL")
    assert [f.person_id for f in forward] == [f.person_id for f in backward] == ["P-A"]


def test_pr_identical_ignores_the_same_reply_to_the_same_matter():
    log = Log()
    reply = "已联系相关单位，问题已妥善处理完毕，请知悉。"
    for i in range(3):
        log.ticket(f"T{i}").dispatch("U1").sign("U1").reply("U1", reply)
    assert log.findings("PR-IDENTICAL") == []


def test_pr_identical_counts_tickets_of_one_matter_once():
    # One detailed reply to three duplicate tickets of one matter and to one other matter: two matters.
    log = Log()
    reply = "已联系相关单位，问题已妥善处理完毕，请知悉。"
    for i, category in enumerate(["noise", "noise", "noise", "road"]):
        log.ticket(f"T{i}", category=category).dispatch("U1").sign("U1").reply("U1", reply)
    assert log.findings("PR-IDENTICAL") == []


def test_pr_off_topic_fires_on_a_reply_about_something_else():
    log = Log()
    log.ticket("T1", content="幸福小区3号楼下水道堵塞污水外溢，臭味严重").dispatch("U1").sign("U1").reply(
        "U1", "经核查，您反映的公交线路调整事宜由交通运输局统一规划，新线路将于下月开通运营。")
    [finding] = log.findings("PR-OFF-TOPIC")
    assert finding.evidence["values"]["relevance"] <= 0.05


def test_pr_off_topic_ignores_a_reply_that_addresses_the_complaint():
    log = Log()
    log.ticket("T1", content="幸福小区3号楼下水道堵塞污水外溢，臭味严重").dispatch("U1").sign("U1").reply(
        "U1", "3月3日排水公司到幸福小区3号楼疏通下水道，污水外溢已清理，现场已消毒。")
    assert log.findings("PR-OFF-TOPIC") == []


def test_ha_hostile_fires_on_a_citizen_reporting_being_scolded():
    log = Log()
    log.ticket("T1", content="去街道办事，工作人员态度恶劣，还辱骂我").dispatch("U1")
    [finding] = log.findings("HA-HOSTILE")
    assert finding.unit_id == "U1" and "辱骂" in finding.evidence["texts"][0]


def test_ha_hostile_ignores_praise_and_negated_words():
    log = Log()
    log.ticket("T1", content="表扬社区工作人员，从不态度差，服务热情").dispatch("U1")
    assert log.findings("HA-HOSTILE") == []


def test_gr_graft_fires_on_a_demand_for_a_red_envelope():
    log = Log()
    log.ticket("T1", content="办理营业执照时，窗口人员暗示要红包才给加快").dispatch("U1")
    [finding] = log.findings("GR-GRAFT")
    assert finding.severity in {"high", "medium"} and finding.ticket_ids == ["T1"]


def test_gr_graft_ignores_a_citizen_saying_no_money_was_taken():
    log = Log()
    log.ticket("T1", content="窗口人员办事规范，没有收红包，点赞").dispatch("U1")
    assert log.findings("GR-GRAFT") == []


def test_ib_banquet_fires_on_a_secretary_dined_by_a_property_company():
    log = Log()
    log.ticket("T1", content="社区书记经常接受物业公司宴请，在高档餐厅吃饭").dispatch("U1")
    assert [f.family for f in log.findings("IB-BANQUET")] == ["improper_banquet"]


def test_ib_banquet_ignores_a_complaint_about_a_restaurant_smell():
    log = Log()
    log.ticket("T1", content="楼下餐馆油烟太大，影响居民开窗").dispatch("U1")
    assert log.findings("IB-BANQUET") == []


def test_em_embezzle_fires_on_a_village_head_pocketing_compensation_and_names_him():
    log = Log()
    log.ticket("T1", content="村主任王某把我们组的征地补偿款中饱私囊，至今一分钱都没发").dispatch("U1")
    [finding] = log.findings("EM-EMBEZZLE")
    values = finding.evidence["values"]
    assert finding.family == "embezzlement" and values["accused_post"] == "主任" and values["accused_name"] == "王某"
    assert values["assertion"] == "report" and 0 < values["accused_confidence"] <= 1


def test_em_embezzle_ignores_a_suspicion_unless_leads_are_asked_for():
    log = Log()
    log.ticket("T1", content="怀疑村主任把征地补偿款中饱私囊了").dispatch("U1")
    assert log.findings("EM-EMBEZZLE") == []
    [lead] = log.findings("EM-EMBEZZLE", include_leads=True, lead_min_score=0.5)
    assert lead.severity == "low" and lead.evidence["values"]["kind"] == "线索"
    assert lead.evidence["values"]["assertion"] == "suspicion"


def test_gr_graft_fires_with_the_accused_official_not_the_briber_in_the_evidence():
    log = Log()
    log.ticket("T1", content="饭店老板经常向派出所的李警官塞红包，所以一直没人查").dispatch("U1")
    [finding] = log.findings("GR-GRAFT")
    assert "派出所" in finding.evidence["values"]["accused"] and finding.evidence["values"]["accused_name"] == "李某"


def test_gr_graft_names_the_accused_from_the_sentence_naming_them_when_an_earlier_one_repeats_the_act_unnamed():
    log = Log()
    log.ticket("T1", content="执法人员索要好处费。来电人反映市场监管局执法人员黄某检查时暗示要给好处费。").dispatch("U1")
    [finding] = log.findings("GR-GRAFT")
    values = finding.evidence["values"]
    assert (values["accused_name"], values["accused_body"]) == ("黄某", "市场监管局")
    assert "黄某" in finding.evidence["texts"][0]  # the sentence and the name come from the same report


def test_the_four_misconduct_rules_judge_each_citizens_words_once_and_each_keeps_its_own_family():
    from rexian.analytics.config import load_config
    from rexian.analytics.engine import run_rule
    from rexian.analytics.registry import all_rules
    from rexian.analytics.text_port import default_text_port

    class Counting:
        def __init__(self, port):
            self.port, self.judged = port, []

        def detect_misconduct(self, words):
            self.judged.append(words)
            return self.port.detect_misconduct(words)

        def __getattr__(self, name):
            return getattr(self.port, name)

    log = Log()
    log.ticket("T1", content="窗口人员暗示要红包才给加快，还辱骂我").dispatch("U1")
    log.ticket("T2", content="社区书记经常接受物业公司宴请，在高档餐厅吃饭").dispatch("U2")
    log.ticket("T3", content="路灯不亮，请尽快维修").dispatch("U3")
    port, data, config = Counting(default_text_port()), log.data(), load_config()
    # Rule by rule on the same tables, as the real-time evaluator runs them (no remembering port around).
    found = [finding for rule_id in ("HA-HOSTILE", "GR-GRAFT", "EM-EMBEZZLE", "IB-BANQUET")
             for finding in run_rule(all_rules()[rule_id], data, config, port)]

    assert sorted((f.rule_id, f.ticket_ids[0]) for f in found) == [
        ("GR-GRAFT", "T1"), ("HA-HOSTILE", "T1"), ("IB-BANQUET", "T2")]
    assert len(port.judged) == len(set(port.judged)) == 3  # each ticket's words once, not once per rule
