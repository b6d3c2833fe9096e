"""A caller's address written again inside the words — the complaint, a handler's note, a finding's evidence
(「就在幸福小区18号楼下」) — is hidden from the roles that see the address field masked, through the same
`privacy.disclose` that masks the field; the roles that go to the place read it whole."""

from datetime import datetime

from web.conftest import client_for, form_post, hotline, web_app  # noqa: F401 - fixtures used below

from desk.conftest import finding
from rexian.adapters.findings import FindingRepository
from rexian.web.privacy import address_parts, hide_addresses

ADDRESS = "东城区幸福路18号幸福小区"


def _filed(hotline) -> str:  # noqa: F811
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="幸福小区门口的烧烤摊油烟很大，就在幸福路18号楼下，电话13912345678",
                                      category="0201", caller_phone="13812345678", address=ADDRESS))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="D02"))
    hotline.handle(c.SignFor(actor_id="H0201", ticket_id=outcome.ticket_id))
    hotline.handle(c.RecordContact(actor_id="H0201", ticket_id=outcome.ticket_id, method="phone",
                                   summary="已与市民约定明天到幸福小区现场查看"))
    return outcome.ticket_id


def test_the_parts_of_an_address_that_the_mask_hides_are_hidden_inside_words_and_nothing_else():
    assert set(address_parts(ADDRESS)) >= {ADDRESS, "幸福小区", "18号"}
    assert "东城区" not in address_parts(ADDRESS)  # the district stays readable, as in the masked field
    shown = hide_addresses({"content": "幸福小区门口，幸福路18号楼下；隔壁的阳光小区也有", "n": 3}, [ADDRESS])
    assert shown == {"content": "****门口，********楼下；隔壁的阳光小区也有", "n": 3}
    assert hide_addresses("多福巷<script>", ["多福巷<script>alert(1)</script>"]) == "多福巷<script>"


def test_a_supervisor_and_a_reviewer_read_the_ticket_without_the_address_and_the_handler_with_it(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    for reader in ("J01", "R01", "P01"):
        page = client_for(reader).get(f"/tickets/{ticket_id}").text
        assert "幸福小区" not in page and "幸福路18号" not in page, reader
        assert "烧烤摊油烟" in page and "139****5678" in page and "13912345678" not in page, reader
    handler = client_for("H0201").get(f"/tickets/{ticket_id}").text
    assert "幸福小区门口的烧烤摊" in handler and "到幸福小区现场查看" in handler
    listed = client_for("J01").get("/tickets?queue=all").text
    assert ticket_id in listed and "幸福小区" not in listed


def test_a_findings_evidence_and_timeline_hide_the_address_until_the_supervisor_opens_the_ticket(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline)
    record = finding(ticket_id, rule_id="RC-REPEAT", family="repeat", seqs=(1,))
    record["evidence"]["texts"] = ["市民说：幸福小区门口又在烧烤"]
    record["evidence"]["values"] = {"place_key": ADDRESS, "tickets": 3, "category": "0201"}
    FindingRepository(hotline.engine).upsert([record], "batch", datetime(2026, 3, 2, 9))
    supervisor = client_for("J01")
    page = supervisor.get(f"/desk/finding?key=RC-REPEAT:{ticket_id}").text
    assert "幸福小区" not in page and "又在烧烤" in page
    assert "0201 油烟污染" in page  # the category by its name, not its code alone
    form_post(supervisor, f"/tickets/{ticket_id}/unmask", {"reason": "核查重复投诉所涉地点"})
    assert "幸福小区门口又在烧烤" in supervisor.get(f"/desk/finding?key=RC-REPEAT:{ticket_id}").text


def test_every_title_shows_the_place_of_its_matter_and_hides_only_the_callers_own_door(hotline, client_for):  # noqa: F811
    from rexian.domain import commands as c

    filed = {}
    for title, address in (("关于铁路新村维修基金的问题", "东城区景山街道吉祥胡同7号"),  # a place the caller does not live at
                           ("关于幸福小区门口烧烤油烟的问题", ADDRESS),  # the caller's own estate
                           ("关于幸福路18号楼下烧烤摊的问题", ADDRESS)):  # … and the caller's own door
        filed[title] = hotline.handle(c.Intake(actor_id="A01", title=title, content=f"{title}，幸福小区的居民都很困扰",
                                               category="0201", caller_phone="13812345678", address=address)).ticket_id
    for reader in ("P01", "R01", "J01"):  # the roles that see callers' details masked
        listed = client_for(reader).get("/tickets?queue=all").text
        assert "关于铁路新村维修基金的问题" in listed and "关于幸福小区门口烧烤油烟的问题" in listed, reader
        assert "关于幸福路****楼下烧烤摊的问题" in listed and "18号" not in listed, reader
        page = client_for(reader).get(f"/tickets/{filed['关于幸福小区门口烧烤油烟的问题']}").text
        assert "关于幸福小区门口烧烤油烟的问题" in page, reader
        assert "，****的居民都很困扰" in page, reader  # the caller's own words still hide where the caller lives
    handler_view = client_for("A01").get(f"/tickets/{filed['关于幸福路18号楼下烧烤摊的问题']}").text
    assert "关于幸福路18号楼下烧烤摊的问题" in handler_view
