"""The same finding reads the same in every run: a relational rule's several texts come from an unordered
aggregate, so their order is fixed when the finding is made; a text rule's texts keep their meaning's order
(the complaint, then the reply)."""

from datetime import datetime

from rexian.analytics.registry import all_rules, rows_to_findings

ROW = {"ticket_id": "T1", "seqs": [5, 3], "unit_id": "U1", "person_id": "P1", "bad_visits": 2}


def test_a_relational_rules_collected_texts_read_the_same_whatever_order_the_engine_returned_them():
    rule = all_rules()["FC-UNRESOLVED"]
    one, = rows_to_findings(rule, [{**ROW, "texts": ["已处理完毕", "经核实已解决"]}], {}, datetime(2026, 1, 1))
    two, = rows_to_findings(rule, [{**ROW, "texts": ["经核实已解决", "已处理完毕"]}], {}, datetime(2026, 1, 1))
    assert one.evidence == two.evidence and one.evidence["texts"] == sorted(["已处理完毕", "经核实已解决"])


def test_a_text_rules_texts_keep_their_order():
    rule = next(rule for rule in all_rules().values() if rule.kind == "text")
    found, = rows_to_findings(rule, [{**ROW, "texts": ["诉求：路灯不亮", "答复：已转交"]}], {}, datetime(2026, 1, 1))
    assert found.evidence["texts"] == ["诉求：路灯不亮", "答复：已转交"]
