"""Evidence uploads on 申请办结: the type is judged by the content as well as by what the browser declares, and a
file is stored only when the closure request citing it is accepted (in the same transaction)."""

import hashlib

from sqlalchemy import func, select
from support.workflow_steps import contacted

from rexian.adapters import tables as t
from tests.web.conftest import form_post

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
REPLY = "经现场检查，饭店已加装油烟净化器并复查达标。"


def _stored(hotline) -> tuple[int, int]:
    with hotline.engine.connect() as connection:
        return (connection.execute(select(func.count()).select_from(t.attachments)).scalar_one(),
                connection.execute(select(func.count()).select_from(t.events)).scalar_one())


def _request_closure(client, ticket_id, reply, name, data, content_type):
    return form_post(client, f"/tickets/{ticket_id}/do/request_closure", {"reply": reply},
                     files={"files": (name, data, content_type)})


def test_a_page_or_a_program_declared_as_a_photo_is_refused_and_nothing_is_stored(hotline, client_for):
    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    handler, before = client_for("H0201"), _stored(hotline)
    for name, data, declared in (("现场.png", b"<html><script>alert(1)</script></html>", "image/png"),
                                 ("现场.jpg", b"MZ\x90\0" + b"\0" * 60, "image/jpeg"),
                                 ("说明.pdf", PNG, "application/pdf")):
        response = _request_closure(handler, ticket_id, REPLY, name, data, declared)
        assert response.status_code == 422 and "内容与类型不符" in response.text, (name, response.text[:300])
    assert _stored(hotline) == before
    assert hotline.ticket(ticket_id).status == "handling"


def test_a_refused_closure_request_stores_none_of_its_files(hotline, client_for):
    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    handler, before = client_for("H0201"), _stored(hotline)
    response = _request_closure(handler, ticket_id, "好", "现场.png", PNG, "image/png")  # a reply far too short
    assert response.status_code == 303 and "error=" in response.headers["location"]
    assert _stored(hotline) == before


def test_an_accepted_closure_request_stores_its_photo_under_the_hash_its_event_cites(hotline, client_for):
    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    response = _request_closure(client_for("H0201"), ticket_id, REPLY, "现场.png", PNG, "image/png")
    assert response.status_code == 303 and "error=" not in response.headers["location"]
    sha = hashlib.sha256(PNG).hexdigest()
    cited = [e for e in hotline.events(ticket_id) if e["action"] == "ClosureRequested"][0]["payload"]["evidence"]
    assert f"sha256:{sha}" in [item["ref"] for item in cited]
    with hotline.engine.connect() as connection:
        assert connection.execute(select(t.attachments.c.data).where(t.attachments.c.sha256 == sha)).scalar_one() == PNG
