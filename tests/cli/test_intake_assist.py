"""Intake help: routing suggestions and the same-matter warning, read-only."""

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from rexian.adapters import tables as t
from rexian.bootstrap import bootstrap, intake_assistant
from rexian.cli import main
from rexian.simulate import Simulation, write_database


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('assist') / 'city.db'}"
    app = bootstrap(url)
    write_database(Simulation(300, 5), app.engine)
    return app


def _a_ticket(app):
    with app.engine.connect() as connection:
        return connection.execute(select(t.tickets).where(t.tickets.c.address.is_not(None),
                                                          func.length(t.tickets.c.content) > 40)
                                  .order_by(t.tickets.c.ticket_id).limit(1)).one()._mapping


def test_the_same_complaint_again_days_later_is_shown_with_the_warning(city):
    earlier = _a_ticket(city)
    advice = intake_assistant(city).advise(earlier["content"], earlier["received_at"] + timedelta(days=3),
                                           title=earlier["title"], address=earlier["address"])
    assert earlier["ticket_id"] in [match["ticket_id"] for match in advice.same_matter]
    assert advice.warning == f"该地点近30天已有{len(advice.same_matter)}件同类诉求"
    assert len(advice.categories) == 3 and all(0 <= confidence <= 1 for _label, confidence in advice.categories)


def test_the_same_complaint_after_the_window_is_not_a_repeat(city):
    earlier = _a_ticket(city)
    advice = intake_assistant(city).advise(earlier["content"], earlier["received_at"] + timedelta(days=200),
                                           title=earlier["title"], address=earlier["address"])
    assert earlier["ticket_id"] not in [match["ticket_id"] for match in advice.same_matter]


def test_advice_writes_nothing(city):
    with city.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(t.events)).scalar()
    earlier = _a_ticket(city)
    intake_assistant(city).advise(earlier["content"], earlier["received_at"] + timedelta(days=1))
    with city.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.events)).scalar() == before


def test_the_assist_command_prints_the_suggestions_and_the_warning(city):
    earlier = _a_ticket(city)
    at = (earlier["received_at"] + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    result = CliRunner().invoke(main, ["assist", "--db", str(city.engine.url), "--content", earlier["content"],
                                       "--address", earlier["address"], "--at", at])
    assert result.exit_code == 0, result.output
    assert "建议分类" in result.output and "同类诉求" in result.output and earlier["ticket_id"] in result.output


def test_suggestions_use_the_citys_category_codes_and_unit_ids_with_the_names_a_user_reads(city):
    from rexian.adapters.tables import categories, units

    with city.engine.connect() as connection:
        category_names = dict(connection.execute(select(categories.c.code, categories.c.name)).all())
        unit_names = dict(connection.execute(select(units.c.unit_id, units.c.name)).all())
    advice = intake_assistant(city).advise("小区门口烧烤店油烟直排，熏得没法开窗", datetime(2025, 6, 1))
    code, unit = advice.categories[0][0], advice.lead_units[0][0]
    assert code == "0201" and category_names[code] == "油烟污染" and unit == "D02"
    assert advice.category_label(code) == f"0201 油烟污染（{category_names['02']}）"
    assert advice.unit_label(unit) == f"D02 {unit_names['D02']}"
    result = CliRunner().invoke(main, ["assist", "--db", str(city.engine.url), "--content", "小区门口烧烤店油烟直排",
                                       "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["categories"][0]["code"] == "0201" and shown["categories"][0]["name"] == "油烟污染"
    assert shown["categories"][0]["top_name"] == "环境保护"
    assert shown["lead_units"][0] == {"unit_id": "D02", "name": unit_names["D02"],
                                      "confidence": shown["lead_units"][0]["confidence"]}


def test_in_a_city_with_other_category_codes_suggestions_use_that_citys_codes_for_the_same_names(tmp_path):
    from rexian.demo.scripted import ORG_FILE
    from rexian.service.org_admin import apply_org_changes, read_org_file

    app = bootstrap(f"sqlite:///{tmp_path / 'scripted.db'}")
    apply_org_changes(app, None, read_org_file(ORG_FILE))  # 03 is 市场监管 here, 0301 食品安全; 0501 拖欠工资
    assistant = intake_assistant(app)
    food = assistant.advise("超市卖过期食品，吃了拉肚子", datetime(2025, 6, 1))
    assert food.categories[0][0] == "0301" and food.category_label("0301") == "0301 食品安全（市场监管）"
    assert food.lead_units[0][0] == "D03" and food.unit_label("D03") == "D03 市市场监督管理局"
    wages = assistant.advise("公司拖欠我们三个月工资，老板电话也不接", datetime(2025, 6, 1))
    assert wages.categories[0][0] == "0501" and wages.names["0501"] == "拖欠工资"
    # Only labels this organisation has are offered: the agent could not record any other.
    assert all(code in {"01", "0101", "0102", "02", "0201", "0202", "03", "0301", "0302", "04", "0401", "05", "0501",
                        "06", "0601", "0602"} for code, _ in food.categories + wages.categories)


@pytest.mark.parametrize("address, office", [
    ("西城区金桥街道柳营路12号院", "S05"),  # 西城区金桥街道办事处
    ("南山区翠屏街道人民街68号教师公寓", "S08"),  # 南山区翠屏街道办事处
    ("东湖区湖滨街道湖滨路8号", "S01"),  # 东湖区湖滨街道办事处; the model alone puts 东湖区望江街道 (S03) first
])
def test_a_street_matter_goes_to_the_street_office_the_address_names(city, address, office):
    advice = intake_assistant(city).advise("小区垃圾桶一个礼拜没人清运了，臭气熏天苍蝇乱飞", datetime(2025, 6, 1),
                                           address=address)
    assert advice.categories[0][0] == "0203"  # 垃圾清运, a street matter in the simulated city
    assert advice.lead_units[0][0] == office and len(advice.lead_units) <= 3


def test_a_department_matter_is_not_sent_to_the_street_office_of_its_address(city):
    advice = intake_assistant(city).advise("公司拖欠我们三个月工资，老板电话也不接", datetime(2025, 6, 1),
                                           address="西城区金桥街道柳营路12号院")
    assert advice.lead_units[0][0] == "D05"
