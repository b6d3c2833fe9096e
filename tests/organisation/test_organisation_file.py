"""The organisation file loads all or nothing, reports every problem, and logs each change."""

import pytest
import yaml
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.bootstrap import bootstrap
from rexian.demo.scripted import ORG_FILE
from rexian.domain.errors import NotAllowed
from rexian.domain.org_changes import OrgProblems
from rexian.service.org_admin import apply_org_changes, read_org_file
from rexian.service.verify import verify_database


@pytest.fixture
def empty_app(db_url):
    return bootstrap(db_url)


def count(app, table):
    with app.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_demo_organisation_loads_with_its_hierarchy_and_catalogue(empty_app):
    apply_org_changes(empty_app, None, read_org_file(ORG_FILE))
    org = empty_app.organisation()
    assert org.ancestors("M01") == ["S01", "G01"]
    assert org.suggest_units("0601", area="110101").lead_unit_id == "S01"
    assert org.suggest_units("0601").lead_unit_id == "D01"
    assert org.deadline_days("0202") == (3, None)
    assert org.deadline_days("0201") == (5, None)  # inherited from 环境保护
    assert count(empty_app, t.org_events) == len(read_org_file(ORG_FILE))
    assert verify_database(empty_app.engine).intact


def test_a_file_with_problems_writes_nothing_and_lists_every_problem(empty_app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "units": [{"id": "C0", "name": "中心", "kind": "centre"},
                  {"id": "S1", "name": "街道", "kind": "street", "parent": "G9"},
                  {"id": "A", "name": "甲", "kind": "galaxy"}],
        "people": [{"id": "P1", "name": "张三", "unit": "C0", "roles": ["wizard"]}],
        "catalogue": [{"category": "99", "lead": "S1"}],
    }, allow_unicode=True), encoding="utf-8")
    with pytest.raises(OrgProblems) as raised:
        apply_org_changes(empty_app, None, read_org_file(bad))
    text = "\n".join(raised.value.problems)
    for expected in ("G9", "galaxy", "wizard", "分类99不存在"):
        assert expected in text
    assert count(empty_app, t.units) == 0 and count(empty_app, t.org_events) == 0


def test_a_cycle_in_the_unit_tree_is_refused(empty_app):
    changes = [{"type": "unit", "id": "A", "name": "甲", "kind": "street", "parent": "B"},
               {"type": "unit", "id": "B", "name": "乙", "kind": "street", "parent": "A"}]
    with pytest.raises(OrgProblems, match="成环"):
        apply_org_changes(empty_app, None, changes)


def test_once_people_exist_only_an_admin_may_change_the_organisation(empty_app):
    apply_org_changes(empty_app, None, read_org_file(ORG_FILE))
    change = [{"type": "unit", "id": "D09", "name": "市水务局", "kind": "department"}]
    with pytest.raises(NotAllowed):
        apply_org_changes(empty_app, "H0201", change)
    assert apply_org_changes(empty_app, "X01", change) == 1
    assert empty_app.organisation().unit("D09").name == "市水务局"


def test_loading_the_same_file_twice_changes_nothing_the_second_time(empty_app):
    apply_org_changes(empty_app, None, read_org_file(ORG_FILE))
    before = count(empty_app, t.org_events)
    assert apply_org_changes(empty_app, "X01", read_org_file(ORG_FILE)) == 0
    assert count(empty_app, t.org_events) == before
