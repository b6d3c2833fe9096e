"""The one vocabulary: tied to docs/events.md and docs/rules.md, and the reading of words users type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rexian.domain import vocabulary as v
from rexian.domain.errors import Conflict, DeadlinePassed, MissingField, NotAllowed, NotFound, WorkflowError, WrongState

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _events_page() -> str:
    return (DOCS / "events.md").read_text(encoding="utf-8")


def _actions_section() -> str:
    return _events_page().split("## Actions")[1].split("## Ticket states")[0]


def test_the_actions_table_of_events_md_is_the_vocabulary_word_for_word():
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", _actions_section(), flags=re.M)
    assert dict(rows) == v.ACTIONS
    assert [action for action, _ in rows] == list(v.ACTIONS)  # same order too


def test_the_actions_with_a_target_unit_are_those_events_md_gives_one():
    targeted = {action for action, target in re.findall(r"^\| `(\w+)` \|[^|]+\|[^|]+\| ([^|]+?) \|", _actions_section(),
                                                       flags=re.M) if target.strip() not in ("–", "-")}
    assert targeted == v.TARGETED_ACTIONS


def test_every_ticket_state_and_role_is_named_in_events_md_with_the_vocabulary_label():
    page = _events_page()
    states = dict(re.findall(r"`(\w+)`\s+\(([\u4e00-\u9fff]+)\)", page.split("## Ticket states")[1]))
    assert states == v.TICKET_STATES
    roles_line = page.split("Roles are those of MISSION.md:")[1].split(".\n")[0]
    assert dict(re.findall(r"`(\w+)`\s+\(([\u4e00-\u9fff]+)\)", roles_line)) == v.ROLES


def test_the_payload_choices_in_events_md_are_the_vocabulary_codes():
    page = _events_page()
    for field, table in (("channel", v.CHANNELS), ("urgency", v.URGENCIES), ("kind", v.TICKET_KINDS),
                         ("method", v.CONTACT_METHODS), ("satisfaction", v.SATISFACTION)):
        listed = [set(group.split("/")) for group in re.findall(rf"`{field}` \(([a-z_/]+)\)", page)]
        assert set(table) in listed, field


def test_docs_rules_md_names_every_family_and_rule_as_the_vocabulary_does():
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert dict((code, zh) for zh, code in re.findall(r"^## (.+) \(`(\w+)`\)$", page, flags=re.M)) == v.FAMILIES
    assert dict(re.findall(r"^### ([A-Z]+(?:-[A-Z]+)+) (.+)$", page, flags=re.M)) == {
        rule_id: entry.zh for rule_id, entry in v.RULES.items()}


def test_every_rule_belongs_to_a_known_family_and_every_family_has_a_rule():
    assert {entry.family for entry in v.RULES.values()} == set(v.FAMILIES)


@pytest.mark.parametrize("typed, code", [("满意", "satisfied"), ("基本满意", "basically_satisfied"),
                                         ("不满意", "unsatisfied"), ("satisfied", "satisfied"),
                                         ("非常满意", "satisfied")])
def test_the_chinese_satisfaction_words_are_read(typed, code):
    assert v.parse_choice("satisfaction", typed) == code


@pytest.mark.parametrize("typed, code", [("电话", "phone"), ("网站", "web"), ("微信", "wechat"), ("APP", "app"),
                                         ("app", "app"), ("邮件", "email"), ("公众号", "wechat")])
def test_the_chinese_channel_words_are_read(typed, code):
    assert v.parse_choice("channel", typed) == code


def test_an_unknown_word_is_an_error_listing_what_is_accepted():
    with pytest.raises(v.UnknownWord, match="满意度.*可选.*基本满意"):
        v.parse_choice("satisfaction", "还行吧")


@pytest.mark.parametrize("typed, value", [("是", True), ("否", False), ("解决", True), ("未解决", False),
                                          ("true", True), ("False", False), ("1", True), ("0", False)])
def test_yes_and_no_are_read_in_chinese_and_english(typed, value):
    assert v.parse_yes_no(typed) is value


@pytest.mark.parametrize("typed", ["", "x", "maybe", "可能", "yes please"])
def test_an_unrecognised_yes_no_is_an_error_never_a_silent_no(typed):
    with pytest.raises(v.UnknownWord):
        v.parse_yes_no(typed)


def test_every_refusal_kind_has_a_distinct_exit_code_and_an_http_error_status():
    kinds = {cls.kind for cls in (WorkflowError, NotAllowed, WrongState, MissingField, DeadlinePassed, NotFound,
                                  Conflict)}
    assert kinds | {"invalid"} == set(v.REFUSALS)
    codes = [r.exit_code for r in v.REFUSALS.values()]
    assert len(set(codes)) == len(codes) and 1 not in codes and 0 not in codes  # 1 means "check failed"
    assert all(400 <= r.http_status < 500 for r in v.REFUSALS.values())
    assert v.refusal("not_found").http_status == 404 and v.refusal("not_allowed").http_status == 403


def test_labels_show_an_unknown_code_as_it_is():
    assert v.label(v.FINDING_STATUSES, "new") == "待核查"
    assert v.label(v.FAMILIES, "no_such_family") == "no_such_family"
    assert v.rule_label("BP-PINGPONG") == "BP-PINGPONG 来回踢皮球(A→B→A)"
