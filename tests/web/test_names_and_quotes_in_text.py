"""One masking rule for the same words wherever they stand on a page, and the caller's name inside the words:
a reply that quotes the ticket's title reads as the title does (the place of the matter shown, the caller's
door hidden); the caller's known name and a name the caller gives as their own (我叫…, 姓名：…) are masked
for the roles that see the name field masked, while an official named in the complaint stays named."""

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below

ADDRESS = "东城区幸福路18号幸福小区"
TITLE = "关于幸福小区门口烧烤油烟的问题"


def _handled(hotline, **intake) -> str:  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = hotline.handle(c.Intake(actor_id="A01", category="0201", caller_phone="13812345678",
                                        address=ADDRESS, **intake)).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=ticket_id, lead_unit_id="D02"))
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=ticket_id))
    return ticket_id


def test_a_note_quoting_the_title_shows_the_estate_as_the_title_does_and_the_callers_own_words_still_hide_it(hotline, client_for):  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = _handled(hotline, title=TITLE, content="我住幸福小区，楼下烧烤油烟太大")
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=ticket_id, method="phone",
                                   summary="关于幸福小区门口烧烤油烟的问题，已与市民约定到幸福路18号查看"))
    for reader in ("P01", "R01", "J01"):
        page = client_for(reader).get(f"/tickets/{ticket_id}").text
        assert page.count("关于幸福小区门口烧烤油烟的问题") >= 2, reader  # the title and its quotation, alike
        assert "我住****，楼下烧烤油烟太大" in page, reader  # where the caller lives: hidden as before
        assert "到********查看" in page and "18号" not in page, reader  # the door, outside the quotation
    handler = client_for("H0201").get(f"/tickets/{ticket_id}").text
    assert "我住幸福小区" in handler and "到幸福路18号查看" in handler


def test_the_callers_name_inside_the_words_is_masked_for_masked_roles_and_an_official_named_stays(hotline, client_for):  # noqa: F811
    from rexian.domain import commands as c

    ticket_id = _handled(hotline, caller_name="王建国",
                         content="我叫王建国，门口烧烤油烟很大，街道办李强主任一直推诿。联系人：赵丽华")
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=ticket_id, method="phone",
                                   summary="已电话联系王建国，约定明天查看"))
    for reader in ("P01", "R01", "J01"):
        page = client_for(reader).get(f"/tickets/{ticket_id}").text
        assert "王建国" not in page and "赵丽华" not in page, reader
        assert "我叫王**" in page and "联系人：赵**" in page and "已电话联系王**" in page, reader
        assert "街道办李强主任一直推诿" in page, reader  # the official complained about is not the caller
        listed = client_for(reader).get("/tickets?queue=all&q=烧烤").text
        assert ticket_id in listed and "王建国" not in listed, reader
    for reader in ("A01", "H0201"):  # they talk to the caller: the name as given
        page = client_for(reader).get(f"/tickets/{ticket_id}").text
        assert "我叫王建国" in page and "联系人：赵丽华" in page and "已电话联系王建国" in page, reader


def test_a_quoted_title_hides_exactly_what_the_title_hides_even_a_short_numbered_part():
    from rexian.web.privacy import hide_addresses

    address, title = "新港区滨海街道建设大道457号绿城桂花园2期", "关于绿城桂花园2期电梯故障的问题"
    shown = hide_addresses({"title": title, "reply": "经现场核查，关于绿城桂花园2期电梯故障的问题已督促整改完毕",
                            "content": "我住绿城桂花园，电梯坏了"}, [address], [title])
    assert shown["title"] == "关于绿城桂花园****电梯故障的问题"
    assert shown["reply"] == "经现场核查，关于绿城桂花园****电梯故障的问题已督促整改完毕"
    assert shown["content"] == "我住****，电梯坏了"


def test_an_exported_findings_evidence_and_a_bulletins_quote_mask_a_self_introduced_name():
    from rexian.service.bulletin import BULLETIN_MASKED
    from rexian.text.masking import mask_personal_data
    from rexian.web.privacy import mask_finding

    finding = {"evidence": {"texts": ["市民说：我叫王建国，街道办李强主任推诿"], "values": {"n": 2}}}
    assert mask_finding(finding)["evidence"]["texts"] == ["市民说：我叫王**，街道办李强主任推诿"]
    assert mask_personal_data("姓名：赵丽华，电话13812345678", BULLETIN_MASKED) == "姓名：赵**，电话138****5678"


def test_a_relatives_name_the_caller_gives_is_masked_for_masked_roles_and_shown_to_those_who_call_back(hotline, client_for):  # noqa: F811
    ticket_id = _handled(hotline, content="我父亲张三摔伤住院，老伴王秀英一人在家，街道办李强主任说会来看看，"
                                          "家门口张三丰路的井盖一直没修")
    for reader in ("P01", "R01", "J01"):
        page = client_for(reader).get(f"/tickets/{ticket_id}").text
        assert "我父亲张*摔伤住院，老伴王**一人在家" in page, reader
        assert "王秀英" not in page and "张三摔伤" not in page, reader
        assert "李强主任" in page and "张三丰路" in page, reader  # an official and a road stay as written
    for reader in ("A01", "H0201"):
        assert "我父亲张三摔伤住院，老伴王秀英一人在家" in client_for(reader).get(f"/tickets/{ticket_id}").text, reader
