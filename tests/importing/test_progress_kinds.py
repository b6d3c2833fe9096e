"""A progress row's word says what kind of handling it records (ProgressNoted.kind): 现场核查 is a site check,
so a return after one is not a return without verification (BP-NO-VERIFY's near miss)."""

import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .conftest import FLOW_HEADER, FLOW_MAPPING, write_csv


def rows(ticket, check_word):
    steps = [("03/01/2025 09:00", "派单", "派单员李四", "市热线中心", "城管局", ""),
             ("03/01/2025 09:30", "签收", "经办人赵六", "城管局", "", ""),
             ("03/01/2025 10:00", check_word, "经办人赵六", "城管局", "", "到现场查看，占道摊位属市场管理范围"),
             ("03/01/2025 11:00", "申请退单", "经办人赵六", "城管局", "", "非本单位职责")]
    return [[ticket, at, word, who, unit, target, note, "市民甲", "占道"]
            for at, word, who, unit, target, note in steps if word]


def no_verify_tickets(tmp_path, mapping, check_words):
    flow = [row for n, word in enumerate(check_words) for row in rows(f"GD{n}", word)]
    path = write_csv(tmp_path / "flows.csv", FLOW_HEADER, flow, encoding="gbk")
    report, events, tickets = import_to_frames([path], mapping_from_dict(mapping))
    assert report.rows_rejected == 0
    findings = analyze(from_frames(events, tickets), load_config()).findings
    return events, sorted(t for f in findings if f.rule_id == "BP-NO-VERIFY" for t in f.ticket_ids)


def test_a_site_check_word_is_imported_as_a_site_visit_and_silences_the_return_without_verification(tmp_path):
    events, fired = no_verify_tickets(tmp_path, FLOW_MAPPING, ["现场核查", "办理过程", None])
    assert fired == ["GD1", "GD2"]  # a plain progress note and no step at all: no verification
    progress = events[events["action"] == "ProgressNoted"].set_index("ticket_id")["payload"]
    assert progress["GD0"]["kind"] == "site_visit" and "kind" not in progress["GD1"]


def test_the_mapping_names_its_own_site_check_word_and_a_kind_it_does_not_know_is_an_error(tmp_path):
    mapping = {**FLOW_MAPPING, "actions": {"踏勘": "ProgressNoted"}, "progress_kinds": {"踏勘": "现场核查"}}
    _, fired = no_verify_tickets(tmp_path, mapping, ["踏勘"])
    assert fired == []
    with pytest.raises(MappingError, match="不是办理记录类型"):
        mapping_from_dict({**FLOW_MAPPING, "progress_kinds": {"踏勘": "巡查"}})


def test_a_kind_column_is_read_through_the_same_words_and_an_unknown_word_stays_plain_progress_kept_as_written(tmp_path):
    header = FLOW_HEADER + ["记录类型"]
    flow = [row + [kind] for row, kind in zip(rows("GD0", "办理过程") + rows("GD1", "办理过程"),
                                                ["", "", "实地核查", "", "", "", "电话沟通", ""])]
    path = write_csv(tmp_path / "flows.csv", header, flow, encoding="gbk")
    mapping = mapping_from_dict({**FLOW_MAPPING, "action_fields": {"ProgressNoted": {"kind": "记录类型"}}})
    report, events, tickets = import_to_frames([path], mapping)
    progress = events[events["action"] == "ProgressNoted"].set_index("ticket_id")["payload"]
    assert progress["GD0"]["kind"] == "site_visit"
    assert (progress["GD1"]["kind"], progress["GD1"]["source_kind"]) == ("progress", "电话沟通")
