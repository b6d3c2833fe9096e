"""The dashboard (/desk) is read by supervisors, reviewers and administrators, but only supervisors open the findings
list: the rankings' units, people and rule counts are links for a supervisor and plain words for the others, whose
links answered 403 (found walking the demo as R01 and X01). Every link the dashboard gives its reader opens."""

import re
from datetime import datetime

import pytest

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below
from desk.conftest import finding
from rexian.adapters.findings import FindingRepository


@pytest.fixture
def ranked(hotline):  # noqa: F811
    from rexian.bootstrap import desk_services

    FindingRepository(hotline.engine).upsert([finding("RX1", unit_id="D02", person_id="H0201"),
                                              finding("RX2", unit_id="D03", person_id="H0301")],
                                             "batch", datetime(2026, 3, 2, 9))
    desk_services(hotline).dashboard.refresh()


@pytest.mark.parametrize("person", ["J01", "R01", "X01"])
def test_every_link_of_the_dashboard_opens_for_its_reader(person, ranked, client_for):  # noqa: F811
    reader = client_for(person)
    page = reader.get("/desk").text
    assert "市生态环境局" in page  # the rankings are there for every reader
    links = sorted({href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)"', page)
                    if not href.startswith("/static/")})
    to_findings = [link for link in links if link.startswith("/desk/findings")]
    assert bool(to_findings) == (person == "J01")
    refused = [link for link in links if reader.get(link).status_code != 200]
    assert refused == []
