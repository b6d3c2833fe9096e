"""Callers' and their relatives' details written into any text of a ticket — the complaint, a return's basis, an
evidence summary, the answer shown atop the ticket, a file's name — are masked for the roles that see masked data, on
every way out: the ticket page, the list and its search, the Excel export and the API."""

import io

import pytest

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below

SECRET_PHONE, SECRET_ID = "13987654321", "11010519491231002X"
SECRETS = (SECRET_PHONE, "李长海", "张记红", SECRET_ID)


def _ticket_full_of_personal_data(hotline) -> str:  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = hotline.handle(c.Intake(actor_id="A01", category="0201", caller_phone="13812345678",
                                        caller_name="王建国", address="东城区幸福路18号",
                                        content="我父亲李长海反映楼下饭店油烟，联系人王主任的女儿张记红")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02",
                              note=f"市民另留电话{SECRET_PHONE}"))
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=ticket_id))
    hotline.handle(c.RequestReturn(actor_id="H0201", ticket_id=ticket_id, reason="不属于本单位职责",
                                   basis=f"已电话联系{SECRET_PHONE}，市民身份证{SECRET_ID}"))
    request = hotline.ticket(ticket_id).pending("return")
    hotline.handle(c.EndorseRequest(actor_id="L0201", ticket_id=ticket_id, request_id=request.request_id))
    hotline.handle(c.ReviewReturn(actor_id="R01", ticket_id=ticket_id, request_id=request.request_id,
                                  approve=False, reason="属于本单位职责"))
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=ticket_id, method="phone",
                                   summary=f"按市民另留电话{SECRET_PHONE}联系，其女儿张记红接听"))
    hotline.handle(c.RequestClosure(actor_id="H0201", ticket_id=ticket_id,
                                    reply=f"已责令饭店加装油烟净化设备，经复查油烟已达标排放，已按{SECRET_PHONE}告知市民。",
                                    evidence=(c.Evidence(kind="contact", summary=f"电话{SECRET_PHONE}联系李长海"),)))
    return ticket_id


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for cell in row if cell is not None)


@pytest.mark.parametrize("reader", ["P01", "R01", "J01", "X01"])
def test_no_personal_data_written_into_a_tickets_texts_reaches_a_masked_role(reader, hotline, client_for):  # noqa: F811
    ticket_id = _ticket_full_of_personal_data(hotline)
    client = client_for(reader)
    shown = {
        "ticket page": client.get(f"/tickets/{ticket_id}").text,
        "list": client.get("/tickets").text,
        "search": client.get("/tickets?q=油烟").text,
        "export": _xlsx_text(client.get("/tickets/export.xlsx").content),
        "API ticket": client.get(f"/api/v1/tickets/{ticket_id}").text,
        "API list": client.get("/api/v1/tickets").text,
    }
    assert ticket_id in shown["ticket page"] or reader == "X01"
    leaks = {(where, secret) for where, text in shown.items() for secret in SECRETS if secret in text}
    assert not leaks


def test_the_handler_sees_what_was_written(hotline, client_for):  # noqa: F811
    ticket_id = _ticket_full_of_personal_data(hotline)
    page = client_for("H0201").get(f"/tickets/{ticket_id}").text
    assert all(secret in page for secret in SECRETS)


def test_an_uploaded_files_name_is_masked_for_masked_roles_as_its_evidence_summary_is(hotline, client_for):  # noqa: F811
    from support.workflow_steps import contacted
    from web.conftest import form_post

    ticket_id = contacted(hotline, lead="D02", handler="H0201")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    response = form_post(client_for("H0201"), f"/tickets/{ticket_id}/do/request_closure",
                         {"reply": "经现场检查，饭店已加装油烟净化器并复查达标。"},
                         files={"files": (f"李长海身份证{SECRET_ID}.png", png, "image/png")})
    assert response.status_code == 303 and "error=" not in response.headers["location"]
    for reader in ("P01", "R01", "J01"):
        client = client_for(reader)
        for shown in (client.get(f"/tickets/{ticket_id}").text, client.get(f"/api/v1/tickets/{ticket_id}").text):
            assert SECRET_ID not in shown and "110105********002X" in shown, reader
    assert SECRET_ID in client_for("H0201").get(f"/tickets/{ticket_id}").text
