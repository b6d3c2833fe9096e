"""Roles and units set directly in the organisation tables (issue 15, eighth round). Someone with write access to
the database but not the key grants a role in `people`, moves a handler, or deletes the newest organisation event
that took a role away. Before, such a role acted in the web and in commands until `verify` ran; now every way in
loads the organisation from its signed chain (adapters/org_trust.py): a row edited alone does not act, its person
is suspended until the rows agree again, and a chain that does not verify authorises nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from support.tampering import damaged, lift_triggers, sql
from support.workflow_steps import closure_requested, dispatched

from rexian.adapters.org_trust import OrgChainUntrusted
from rexian.adapters.repository import _CURRENT
from rexian.domain import commands as c
from rexian.domain.errors import NotAllowed
from rexian.service.hotline import Hotline
from rexian.service.org_admin import apply_org_changes
from rexian.service.verify import verify_database


def _fresh(app) -> Hotline:
    """Another process on the same database (a server started after the edit): nothing cached — neither the
    hotline's own organisation nor the process-wide one kept until the ORG chain grows (OrgRepository.current),
    which a new process starts without."""
    _CURRENT.pop(app.engine, None)
    return Hotline(app.engine, app.settings, app.deadlines, app.clock)


def _org_triggers_off(app) -> None:
    lift_triggers(app, "org_events")


def test_a_role_granted_in_the_people_table_does_not_act_and_its_holder_is_suspended(app):
    tid = closure_requested(app)
    sql(app, "UPDATE people SET roles = 'agent,reviewer' WHERE person_id = 'A01'")  # A01 never touched the ticket
    for hotline in (app, _fresh(app)):  # the running server's cached organisation, and a fresh one
        assert not hotline.organisation().person("A01").has_role("reviewer")
        request_id = hotline.ticket(tid).pending("closure").request_id
        with pytest.raises(NotAllowed):
            hotline.handle(c.ReviewClosure(actor_id="A01", ticket_id=tid, request_id=request_id, approve=True))
    assert not _fresh(app).organisation().person("A01").active
    assert "组织机构(ORG)" in damaged(verify_database(app.engine))


def test_a_handler_moved_to_another_unit_in_the_table_cannot_sign_for_there(app):
    tid = dispatched(app, lead="D03")
    sql(app, "UPDATE people SET unit_id = 'D03' WHERE person_id = 'H0201'")
    with pytest.raises(NotAllowed):
        _fresh(app).handle(c.SignFor(actor_id="H0201", ticket_id=tid))


def test_a_person_inserted_in_the_table_alone_acts_as_no_one(app):
    sql(app, "INSERT INTO people (person_id, name, unit_id, roles, active) VALUES ('X99', '冒名', 'C00', 'admin', ?)",
        True)
    org = _fresh(app).organisation()
    assert org.person("X99") is None or not org.person("X99").active
    with pytest.raises(NotAllowed):
        apply_org_changes(_fresh(app), "X99", [{"type": "person", "id": "X98", "name": "又一个", "unit": "C00",
                                                "roles": ["admin"]}])


def test_the_newest_revocation_deleted_from_the_chain_grants_nothing_back(app):
    """The admin takes the reviewer role from R01; the attacker deletes that event (the table still says revoked,
    or is put back too): the chain's replay would grant it again, so R01 is suspended instead."""
    apply_org_changes(app, "X01", [{"type": "person", "id": "R01", "name": "陈慧", "unit": "C00", "roles": ["visitor"]}])
    _org_triggers_off(app)
    sql(app, "DELETE FROM org_events WHERE id = (SELECT max(id) FROM org_events)")
    person = _fresh(app).organisation().person("R01")
    assert not person.has_role("reviewer") and not person.active
    sql(app, "UPDATE people SET roles = 'reviewer' WHERE person_id = 'R01'")  # the table put back to match
    assert _fresh(app).organisation().person("R01").has_role("reviewer")  # the residual: the tail of the log …
    assert "事件日志" in damaged(verify_database(app.engine))  # … which verify names by the log gap


def test_an_organisation_event_rewritten_authorises_nothing(app):
    _org_triggers_off(app)
    sql(app, "UPDATE org_events SET payload = replace(payload, '\"handler\"', '\"handler,reviewer\"') "
             "WHERE seq = (SELECT max(seq) FROM org_events WHERE action = 'PersonSaved')")
    with pytest.raises(OrgChainUntrusted) as refused:
        _fresh(app).organisation()
    assert "组织机构日志未通过服务器签名校验" in refused.value.message


def test_the_admin_saving_the_person_again_lifts_the_suspension(app):
    sql(app, "UPDATE people SET roles = 'handler,admin' WHERE person_id = 'H0201'")
    assert not _fresh(app).organisation().person("H0201").active
    apply_org_changes(app, "X01", [{"type": "person", "id": "H0201", "name": "吴敏", "unit": "D02",
                                    "roles": ["handler"]}])
    person = _fresh(app).organisation().person("H0201")
    assert person.active and person.roles == frozenset({"handler"})
    assert verify_database(app.engine).intact


# --- repairing a suspended person (issue 15, ninth round) ------------------------------------------------------
def test_a_suspended_person_is_put_back_by_org_repair_which_verify_names_and_which_is_audited(app, tmp_path):
    """Before, the only way back was for an administrator to save the person again by hand."""
    from click.testing import CliRunner

    from rexian.cli import main

    sql(app, "UPDATE people SET roles = 'agent,reviewer', phone = '13900000000' WHERE person_id = 'A01'")
    sql(app, "INSERT INTO people (person_id, name, unit_id, roles, active) VALUES ('X99', '冒名', 'C00', 'admin', ?)",
        True)
    sql(app, "DELETE FROM catalogue WHERE category = (SELECT min(category) FROM catalogue)")
    assert not _fresh(app).organisation().person("A01").active
    said = " ".join(damage.describe() for damage in verify_database(app.engine).damages)
    assert "rexian org repair A01" in said and "rexian org repair X99" in said, said
    url = app.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["org", "repair", "--db", url, "A01", "X99"])
    assert result.exit_code == 0, result.output
    assert "people A01：roles 已按日志恢复" in result.output and "people X99" in result.output
    org = _fresh(app).organisation()
    assert org.person("A01").active and not org.person("A01").has_role("reviewer")
    assert org.person("A01").phone == "13900000000"  # the staff member's own phone is not the chain's to undo
    assert org.person("X99") is None
    assert app.organisation().person("A01").active  # the running process takes it up too (the chain grew)
    assert "catalogue" in " ".join(d.describe() for d in verify_database(app.engine).damages)  # not asked for
    result = CliRunner().invoke(main, ["org", "repair", "--db", url])
    assert result.exit_code == 0 and "catalogue" in result.output, result.output
    report = verify_database(app.engine)
    assert report.intact, report.lines()
    from support.tampering import one_value

    assert one_value(app, "SELECT count(*) FROM audit_log WHERE action = 'org_repaired'") == 2
    again = CliRunner().invoke(main, ["org", "repair", "--db", url])
    assert again.exit_code == 0 and "无需恢复" in again.output


def test_org_repair_refuses_when_the_chain_itself_fails_its_check(app):
    from click.testing import CliRunner

    from rexian.cli import main

    _org_triggers_off(app)
    sql(app, "UPDATE org_events SET payload = replace(payload, 'reviewer', 'admin') WHERE action = 'PersonSaved'")
    sql(app, "UPDATE people SET roles = 'agent' WHERE person_id = 'A01'")
    before = sql(app, "SELECT person_id, roles FROM people ORDER BY person_id")
    result = CliRunner().invoke(main, ["org", "repair", "--db", app.engine.url.render_as_string(hide_password=False)])
    assert result.exit_code != 0 and "组织机构日志未通过服务器签名校验" in result.output, result.output
    assert sql(app, "SELECT person_id, roles FROM people ORDER BY person_id") == before


def test_the_admin_page_puts_a_suspended_handler_back_and_only_an_admin_may(make_app, tmp_path):
    from fastapi.testclient import TestClient

    from rexian.web.app import create_app
    from rexian.web.auth import Accounts
    from tests.web.conftest import form_post, sign_in

    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    Accounts(app.engine, app.settings, app.clock).add_sharing_password(app.organisation(), ["X01", "H0201"],
                                                                      "secret-pass-1")
    sql(app, "UPDATE people SET unit_id = 'D03' WHERE person_id = 'H0201'")
    web = create_app(_fresh(app))  # a server started after the edit
    with TestClient(web, raise_server_exceptions=False) as admin, \
            TestClient(web, raise_server_exceptions=False) as handler:
        sign_in(handler, "H0201")
        assert handler.get("/tickets", follow_redirects=False).status_code != 200  # suspended: acts as no one
        assert sign_in(admin, "X01").status_code == 303
        assert "按组织机构日志恢复" in admin.get("/admin").text
        assert form_post(handler, "/admin/org/repair").status_code in (303, 403)  # not an admin: nothing done
        assert not _fresh(app).organisation().person("H0201").active
        done = form_post(admin, "/admin/org/repair")
        assert done.status_code == 303 and "people+H0201" in done.headers["location"], done.headers
        assert handler.get("/tickets", follow_redirects=False).status_code == 200  # the chain grew: reloaded
    assert verify_database(app.engine).intact
