"""A file is stored once per content, under the ticket that first uploaded it: another unit's ticket citing the
same bytes opens it from its own page, and nobody opens it through a ticket that does not cite it."""

import hashlib

from support.workflow_steps import contacted

PHOTO = b"\x89PNG\r\n\x1a\n the same site photo twice"


def _closure_citing(hotline, lead, handler):
    from sqlalchemy import insert

    from rexian.adapters import tables as t
    from rexian.domain import commands as c

    tid, sha = contacted(hotline, lead=lead, handler=handler), hashlib.sha256(PHOTO).hexdigest()
    with hotline.engine.begin() as connection:  # stored once, as the upload does (web/pages.py)
        if not connection.exec_driver_sql("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).first():
            connection.execute(insert(t.attachments).values(
                sha256=sha, ticket_id=tid, name="photo.png", content_type="image/png", size=len(PHOTO), data=PHOTO,
                uploaded_by=handler, uploaded_at=hotline.clock()))
    hotline.handle(c.RequestClosure(actor_id=handler, ticket_id=tid, reply="经现场检查，已加装油烟净化器。",
                                    evidence=(c.Evidence(kind="photo", summary="photo.png", ref=f"sha256:{sha}"),)))
    return tid, sha


def test_a_second_unit_citing_the_same_file_downloads_it_from_its_own_ticket(hotline, client_for):
    first, sha = _closure_citing(hotline, "D02", "H0201")
    second, _ = _closure_citing(hotline, "D01", "H0101")
    other = client_for("H0101")
    assert other.get(f"/files/{sha}").status_code == 404  # stored under the first unit's ticket
    page = other.get(f"/tickets/{second}")
    assert f"/files/{sha}?ticket={second}" in page.text
    response = other.get(f"/files/{sha}?ticket={second}")
    assert response.status_code == 200 and response.content == PHOTO
    assert client_for("H0201").get(f"/files/{sha}").content == PHOTO


def test_a_ticket_that_does_not_cite_the_file_does_not_open_it(hotline, client_for):
    _, sha = _closure_citing(hotline, "D02", "H0201")
    own = contacted(hotline, lead="D01", handler="H0101")  # the handler's own ticket, citing nothing
    assert client_for("H0101").get(f"/files/{sha}?ticket={own}").status_code == 404
    assert client_for("H0101").get(f"/files/{sha}?ticket=RX00000000000000").status_code == 404
