"""The API fuzzed from its own OpenAPI description (schemathesis): no 500 and no traceback in any answer.
Bounded to a few examples per operation so that it stays quick in CI."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings


@pytest.fixture
def api_schema(web_app):
    return schemathesis.openapi.from_asgi("/api/openapi.json", web_app)


@pytest.fixture
def bearer(web_app):
    """Signed in as a dispatcher and as an agent in turn is not needed: one citywide writer reaches every
    operation's validation and workflow paths; role refusals are the permission matrix's job."""
    return {"Authorization": "Bearer " + web_app.state.web.accounts.issue_token("P01", "fuzz")}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_api_operation_answers_with_a_server_error_or_a_traceback(case, bearer):
    response = case.call(headers=dict(bearer))
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
        assert "application/problem+json" in str(content_type), (case.method, case.path, content_type)
