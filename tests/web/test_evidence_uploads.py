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


def test_a_photo_over_the_size_limit_is_refused_without_being_read_whole(hotline, client_for, monkeypatch):
    from starlette.datastructures import UploadFile

    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    limit = hotline.settings["web_upload_max_bytes"]
    asked: list = []
    read = UploadFile.read

    async def counting(self, size=-1):
        asked.append(size)
        return await read(self, size)
    monkeypatch.setattr(UploadFile, "read", counting)
    response = _request_closure(client_for("H0201"), ticket_id, REPLY, "现场.png", PNG + b"\0" * limit, "image/png")
    assert response.status_code == 422 and "文件过大" in response.text
    assert all(size != -1 for size in asked), asked  # never an unbounded read
    assert hotline.ticket(ticket_id).status == "handling"


def test_more_files_than_allowed_or_a_body_declared_too_large_are_refused_before_anything_is_stored(hotline, client_for):
    from rexian.web.access import MAX_UPLOAD_FILES

    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    handler, before = client_for("H0201"), _stored(hotline)
    files = [("files", (f"现场{n}.png", PNG + bytes([n]), "image/png")) for n in range(MAX_UPLOAD_FILES + 1)]
    response = form_post(handler, f"/tickets/{ticket_id}/do/request_closure", {"reply": REPLY}, files=files)
    assert response.status_code in (400, 422) and _stored(hotline) == before, response.text[:300]
    limit = hotline.settings["web_upload_max_bytes"]
    declared = handler.post(f"/tickets/{ticket_id}/do/request_closure", content=b"x",
                            headers={"content-type": "multipart/form-data; boundary=b",
                                     "content-length": str(MAX_UPLOAD_FILES * limit + 2_000_000)})
    assert declared.status_code == 422 and "提交的内容过大" in declared.text, declared.text[:300]
    assert _stored(hotline) == before


def test_a_files_name_keeps_no_path_and_no_direction_override(hotline, client_for):
    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    response = _request_closure(client_for("H0201"), ticket_id, REPLY, "..\\..\\照片\u202egnp.exe", PNG, "image/png")
    assert response.status_code == 303 and "error=" not in response.headers["location"]
    with hotline.engine.connect() as connection:
        assert connection.execute(select(t.attachments.c.name)).scalar_one() == "照片gnp.exe"
