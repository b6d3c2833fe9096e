"""Open311 GeoReport v2: services, service definition, create request, request list, one request; JSON and XML."""

import io
import json
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults
from xml.etree import ElementTree

import pytest

from rexian.bootstrap import bootstrap
from rexian.open311.georeport import GeoReport
from rexian.open311.wsgi import make_app
from rexian.service.org_admin import apply_org_changes, read_org_file

DEMO_ORG = Path(__file__).resolve().parents[2] / "src" / "rexian" / "demo" / "org.yaml"


@pytest.fixture
def app(tmp_path):
    hotline = bootstrap(f"sqlite:///{tmp_path / 'o.db'}")
    apply_org_changes(hotline, None, read_org_file(DEMO_ORG))
    return make_app(GeoReport(hotline, jurisdiction_id="city.example"))


def call(app, method, path, query=None, form=None):
    environ = {}
    setup_testing_defaults(environ)
    body = urlencode(form or {}).encode("utf-8")
    environ.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=urlencode(query or {}),
                   CONTENT_LENGTH=str(len(body)), CONTENT_TYPE="application/x-www-form-urlencoded")
    environ["wsgi.input"] = io.BytesIO(body)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    data = b"".join(app(environ, start_response)).decode("utf-8")
    return seen["status"], seen["headers"]["Content-Type"], data


NEW_REQUEST = {"service_code": "0202", "lat": "39.915", "long": "116.404", "address_string": "东城区多福巷 12 号",
               "description": "楼下酒吧每晚噪音到凌晨两点，影响休息", "first_name": "王", "phone": "13800000000"}


def test_the_service_list_is_the_category_tree_in_json_and_xml(app):
    status, kind, body = call(app, "GET", "/services.json")
    services = {s["service_code"]: s for s in json.loads(body)}
    assert status == 200 and kind.startswith("application/json")
    assert services["0202"]["service_name"] == "噪声扰民" and services["0202"]["group"] == "环境保护"
    status, kind, body = call(app, "GET", "/services.xml")
    root = ElementTree.fromstring(body)
    assert root.tag == "services" and "0202" in [s.findtext("service_code") for s in root.findall("service")]


def test_a_service_definition_exists_for_known_services_only(app):
    status, _, body = call(app, "GET", "/services/0202.json")
    assert status == 200 and json.loads(body) == {"service_code": "0202", "attributes": []}
    status, _, body = call(app, "GET", "/services/9999.xml")
    assert status == 404 and ElementTree.fromstring(body).find("error/code").text == "404"


def test_a_created_request_becomes_a_web_ticket_and_can_be_read_back(app):
    status, _, body = call(app, "POST", "/requests.json", form=NEW_REQUEST)
    assert status == 201
    request_id = json.loads(body)[0]["service_request_id"]
    status, _, body = call(app, "GET", f"/requests/{request_id}.json")
    found = json.loads(body)[0]
    assert status == 200 and found["status"] == "open" and found["service_code"] == "0202"
    assert found["lat"] == 39.915 and found["address"] == "东城区多福巷 12 号"
    assert found["requested_datetime"].endswith("+08:00")
    status, _, body = call(app, "GET", "/requests.xml", {"status": "open", "service_code": "0202"})
    ids = [r.findtext("service_request_id") for r in ElementTree.fromstring(body).findall("request")]
    assert ids == [request_id]
    status, _, body = call(app, "GET", "/requests.json", {"status": "closed"})
    assert json.loads(body) == []


def test_bad_requests_are_answered_with_georeport_errors(app):
    status, _, body = call(app, "POST", "/requests.json", form={**NEW_REQUEST, "service_code": "9999"})
    assert status == 400 and "9999" in json.loads(body)[0]["description"]
    no_place = {k: v for k, v in NEW_REQUEST.items() if k not in ("lat", "long", "address_string")}
    assert call(app, "POST", "/requests.json", form=no_place)[0] == 400
    assert call(app, "GET", "/requests/RX-NONE.json")[0] == 404
    assert call(app, "GET", "/services.json", {"jurisdiction_id": "elsewhere"})[0] == 404
    assert call(app, "DELETE", "/requests.json")[0] == 405
