"""The closure form's evidence field reads in Chinese in an English browser (a native file field says "Choose
Files / No file chosen" there): 「选择文件」 opens the browser's dialog, the chosen names are shown beside it, and the
field is still reached by keyboard."""

from web.conftest import hotline, web_app  # noqa: F401 - fixtures used below
from tests.web.test_browser import Person, browser, pytestmark, server  # noqa: F401 - fixtures and the marks


def test_the_evidence_field_is_labelled_in_chinese_and_names_the_chosen_files(server, browser, hotline, tmp_path):  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = hotline.handle(c.Intake(actor_id="A01", content="路灯不亮已经一周了", category="0201",
                                        caller_phone="13812345678")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=ticket_id))
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=ticket_id, method="phone", summary="已联系市民"))
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    handler = Person(browser, server, "H0201", locale="en-US")
    page = handler.open(f"/tickets/{ticket_id}")
    box = page.locator("#do-request_closure")
    box.evaluate("details => { details.open = true }")
    field = box.locator("label.file-pick")
    assert field.inner_text().split() == ["选择文件", "未选择文件"]
    assert "Choose" not in box.inner_text() and "No file" not in box.inner_text()
    box.locator("textarea[name=reply]").focus()
    page.keyboard.press("Tab")  # the next stop is the (unseen) file field, its 「选择文件」 outlined
    assert page.evaluate("document.activeElement.type") == "file"
    box.locator("input[type=file]").set_input_files([str(photo)])
    assert field.locator(".file-names").inner_text() == "已选择 1 个文件：现场照片.png"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    handler.close()
