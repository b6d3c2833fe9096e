"""A fresh attacker's pass (trust14, issue 15): names that read as other names or turn the page around, the ticket
page's 「导入」 mark from a forged manifest, and the areas tests/hostile had not attacked yet (the desk, API tokens,
webhooks, `findings load`, backups, the analysis cache). docs/trust.md, "Attacked once more (trust14)"."""

from __future__ import annotations

import csv

import pytest
from support.tampering import damaged, lift_triggers, sql

from rexian.service.verify import verify_database
from tests.hostile.test_trust13_attacks import _a_confirmed_finding, _signed_in

# One of each kind the brief names: zero-width space, zero-width joiner, word joiner, BOM, an override, an isolate.
HIDDEN = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066"]


# --- names that read as other names, or turn the page around ---------------------------------------------------

@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda ch: f"U+{ord(ch):04X}")
def test_a_person_or_unit_named_with_an_invisible_or_direction_character_is_refused_and_nothing_written(app, hidden):
    """「张\u200b三」 read as 张三 in every picker (another person under the same name); U+202E flipped the rest of a
    table cell. Refused in Chinese, naming the character; the organisation is unchanged."""
    from rexian.domain.org_changes import OrgProblems
    from rexian.service.org_admin import apply_org_changes

    before = app.organisation()
    for change in ({"type": "person", "id": "H0299", "name": f"张{hidden}三", "unit": "D02", "roles": ["handler"]},
                   {"type": "unit", "id": f"D9{hidden}", "name": "新设科室", "kind": "department", "parent": "G01"}):
        with pytest.raises(OrgProblems, match=f"不可见或改变文字方向的字符（U\\+{ord(hidden):04X}"):
            apply_org_changes(app, "X01", [change])
    after = app.organisation()
    assert after.people.keys() == before.people.keys() and after.units.keys() == before.units.keys()
    assert verify_database(app.engine).intact


def test_names_without_such_characters_still_save_including_minority_names_and_full_width_punctuation(app):
    from rexian.service.org_admin import apply_org_changes

    changed = apply_org_changes(app, "X01", [
        {"type": "person", "id": "H0298", "name": "买买提·艾力", "unit": "D02", "roles": ["handler"]},
        {"type": "unit", "id": "D98", "name": "城管（执法）大队", "kind": "department", "parent": "G01"}])
    assert changed == 2 and app.organisation().person("H0298").name == "买买提·艾力"


def test_an_account_for_a_person_id_with_a_zero_width_space_is_refused_saying_why(app):
    from rexian.domain.errors import MissingField
    from rexian.web.auth import Accounts

    with pytest.raises(MissingField, match="不可见"):
        Accounts(app.engine, app.settings, app.clock).add(app.organisation(), "H0201\u200b", "secret-pass-1")


def _write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_an_organisation_file_row_with_a_hidden_character_is_rejected_and_the_rest_imported(make_app, tmp_path):
    """The import reports the row (file, row, column, reason) in its rejects file and goes on; it does not abort."""
    import yaml
    from click.testing import CliRunner

    from rexian.cli import main

    app = make_app(f"sqlite:///{tmp_path / 'org.db'}")
    people = _write_csv(tmp_path / "people.csv", ["工号", "姓名", "单位", "角色"], [
        ["H0297", "王\u200b芳", "D02", "handler"], ["H0296", "李\u202e四", "D02", "handler"],
        ["H0295", "赵六", "D02", "handler"]])
    mapping = tmp_path / "people.yaml"
    mapping.write_text(yaml.safe_dump({"source": "hr", "mode": "table", "table": "people", "columns": {
        "person_id": "工号", "name": "姓名", "unit_id": "单位", "roles": "角色"}}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--db", str(app.engine.url), "--as", "X01", "--mapping",
                                       str(mapping), "--rejects", str(tmp_path / "r.csv"), str(people)])
    assert result.exit_code != 0, result.output  # rows were rejected: the import says so by its exit code
    assert "变更 1 项" in result.output, result.output
    organisation = app.organisation()
    assert organisation.person("H0295") is not None
    assert organisation.person("H0297") is None and organisation.person("H0296") is None
    rejects = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert rejects.count("不可见或改变文字方向的字符") == 2 and "U+200B" in rejects and "U+202E" in rejects


def test_a_roster_row_with_a_hidden_character_is_rejected_and_the_rest_kept(tmp_path):
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import build

    path = _write_csv(tmp_path / "roster.csv", ["工号", "姓名", "单位", "职务"], [
        ["P1", "张\u2060三", "城管局", "局长"], ["P2", "李四", "城管局", "副局长"], ["P3\ufeff", "王五", "城管局", "科长"]])
    report = build([path], mapping_from_dict({"source": "hr", "mode": "table", "table": "roster", "columns": {
        "person_id": "工号", "name": "姓名", "unit_id": "单位", "position": "职务"}}))
    assert [row["person_id"] for row in report.table_rows] == ["P2"]
    assert {(r.row, r.column) for r in report.rejects.rejects} == {(2, "姓名"), (4, "工号")}
    assert all("不可见" in r.reason for r in report.rejects.rejects)


@pytest.mark.parametrize("text, shown", [
    ("噪音\u202e扰民", "噪音\u202e扰民\u202c"),                  # an override left open: closed where the value ends
    ("噪音\u2067扰民", "噪音\u2067扰民\u2069"),                  # an isolate left open
    ("噪音\u2069\u202c扰民", "噪音扰民"),                         # closers of the page's own context: dropped
    ("噪音\u202b扰\u202c民", "噪音\u202b扰\u202c民"),             # balanced: as written
    ("噪音\u200b扰民", "噪音\u200b扰民"),                         # no direction control: as written
])
def test_a_citizens_text_cannot_turn_the_rest_of_the_page_around(text, shown):
    from rexian.domain.visible_text import direction_contained

    assert direction_contained(text) == shown


@pytest.fixture
def visitor(make_app, tmp_path):
    from fastapi.testclient import TestClient

    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    Accounts(app.engine, app.settings, app.clock).add_sharing_password(app.organisation(), ["J01", "X01", "A01"],
                                                                       "secret-pass-1")
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        client.get("/login")
        client.hotline = app
        yield client


def test_a_right_to_left_override_in_a_citizens_complaint_is_closed_where_the_complaint_ends_on_the_page(visitor):
    """The citizen's words are kept as written (a complaint may quote such text); the page closes what the text
    left open, so the rest of the page (the table after it, the buttons) reads in its own direction."""
    from rexian.domain import commands as c

    app = visitor.hotline
    tid = app.handle(c.Intake(actor_id="A01", content="楼下噪音\u202e扰民严重\u2069", category="0101",
                              caller_phone="13800000001")).ticket_id
    assert app.ticket(tid).intake["content"] == "楼下噪音\u202e扰民严重\u2069"  # stored as written
    page = _signed_in(visitor, "A01").get(f"/tickets/{tid}").text
    assert "楼下噪音\u202e扰民严重\u202c" in page
    assert page.count("\u202e") == page.count("\u202c") and "\u2069" not in page


# --- the ticket page's 「导入」 mark from a manifest row written by SQL --------------------------------------------

def _forge_manifest(app, number, ticket_id, source="attacker"):
    import json

    tickets = json.dumps({ticket_id: [2, "0" * 64]}, separators=(",", ":"))
    sql(app, "INSERT INTO import_manifests (number, source, made_at, tickets, previous_mac, mac) "
             "VALUES (?, ?, '2026-03-02 00:00:00', ?, '-', 'k1:' || ?)", number, source, tickets, "0" * 32)


def test_a_manifest_row_inserted_by_sql_does_not_mark_a_workflow_ticket_imported_by_its_source(town):
    """Before: `imported_by` read manifests without their MAC, so the ticket page and `rexian show` called a
    workflow ticket imported by the attacker's source (its steps 「导入」, exempt from the workflow's checks)."""
    from rexian.adapters.manifests import ManifestRanges, imported_by

    app, numbers = town
    _forge_manifest(app, 1, numbers[0])
    with app.engine.connect() as connection:
        for ranges in (None, ManifestRanges()):
            batch = imported_by(connection, numbers[0], ranges)
            assert batch is not None and batch.signed is False and batch.source == "attacker"
    assert "unsigned" in damaged(verify_database(app.engine)).get("导入清单(1)", set())


def test_a_genuine_manifests_source_rewritten_by_sql_is_shown_forged_and_an_untouched_one_genuine(app, tmp_path):
    from rexian.adapters.manifests import ManifestRanges, imported_by
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database
    from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, write_csv

    rows = [[tid, "03/01/2025 09:00", "受理", "A01", "C00", "", "", "市民丙", "噪音"] for tid in ("GD101", "GD102")]
    import_to_database(app.engine, [write_csv(tmp_path / "f.csv", FLOW_HEADER, rows)],
                       mapping_from_dict({**FLOW_MAPPING, "source": "oldsys"}))
    with app.engine.connect() as connection:
        genuine = imported_by(connection, "GD101", ManifestRanges())
    assert genuine.signed and genuine.source == "oldsys" and genuine.made_at is not None
    lift_triggers(app, "import_manifests")
    sql(app, "UPDATE import_manifests SET source = 'attacker'")
    with app.engine.connect() as connection:
        for ranges in (None, ManifestRanges()):
            assert imported_by(connection, "GD102", ranges).signed is False


def test_the_ticket_page_shows_a_forged_manifest_as_forged_and_marks_no_step_imported(visitor):
    from rexian.domain import commands as c

    app = visitor.hotline
    tid = app.handle(c.Intake(actor_id="A01", content="小区门口路灯坏了一个月", category="0202")).ticket_id
    _forge_manifest(app, 1, tid)
    page = _signed_in(visitor, "A01").get(f"/tickets/{tid}")
    assert page.status_code == 200
    assert 'id="imported-forged"' in page.text and "签名无效的导入清单" in page.text
    assert 'class="mark imported"' not in page.text and 'id="imported"' not in page.text


# --- the analysis cache: a planted file must never run ----------------------------------------------------------

@pytest.mark.parametrize("opened", ["file writable by others", "directory writable by others"])
def test_remembered_sql_planted_where_another_user_could_write_is_never_executed(tmp_path, opened):
    """A remembered query is SQL DuckDB executes (which can read the key file and write any file the server can);
    its first line is an unkeyed sha256 anyone can compute. Before: a file planted with a right digest ran — here
    it wrote a file and hid a rule's findings, which the server would then have signed as its own analysis."""
    import rexian.analytics.remembered as remembered
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from tests.analytics.test_remembered_sql import _compared, _log, _tables

    config = load_config()
    data, compiled = _tables(_log(), tmp_path / "cache")
    cold = _compared(analyze(data, config, compiled=compiled))
    assert any("BP-CYCLE" in finding for finding in cold[0])
    (path,) = compiled.directory.glob("BP-CYCLE-*.sql")
    original = path.read_text(encoding="utf-8").partition("\n")[2]
    marker = tmp_path / "written-by-planted-sql.csv"
    sql = f"COPY (SELECT 1 AS x) TO '{marker}'; SELECT * FROM ({original}) AS kept WHERE false"
    path.write_text(f"{remembered._HEADER}{remembered._digest(sql)}\n{sql}", encoding="utf-8")
    if opened.startswith("file"):
        path.chmod(0o666)
    else:
        compiled.directory.chmod(0o777)

    with pytest.warns(UserWarning, match="可能不是本系统写入的"):
        data, compiled = _tables(_log(), tmp_path / "cache")
        warm = _compared(analyze(data, config, compiled=compiled))
    assert not marker.exists()
    assert warm[0] == cold[0]  # the rule's findings, compiled again


def test_a_rule_catalogue_naming_code_outside_the_analytics_is_not_read(tmp_path, monkeypatch):
    """The kept rule catalogue names, per rule, the module and function a warm process calls: one naming another
    module (`os`, anything importable) is refused as a whole, and the rules are declared by their own modules."""
    import json

    from rexian.analytics import registry

    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [], "intermediates": {"tk": "os"}}), encoding="utf-8")
    monkeypatch.setattr(registry, "_catalogue_path", lambda: path)
    with pytest.warns(UserWarning, match="不属于 rexian.analytics"):
        assert registry._read_catalogue() is False


def test_a_segmentation_dictionary_planted_in_the_shared_temporary_directory_is_not_loaded(tmp_path, monkeypatch):
    """jieba loads `jieba.cache` from its directory with `marshal`, whoever wrote it; the default was the system's
    shared temporary directory, where any local user could leave one first (here: 「小区路灯坏了」 one word, so the
    text rules read other words). Now this user's own directory there, made private."""
    import marshal
    import tempfile

    from rexian.text import config, segmentation

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(segmentation, "_TOKENIZER", None)
    monkeypatch.setattr(config, "current", lambda: config.TextConfig())
    planted = "小区路灯坏了"
    frequencies = {planted[:end]: 0 for end in range(1, len(planted))} | {planted: 10 ** 9}
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps((frequencies, 10 ** 9)))
    assert segmentation.segment(planted) != [planted]
    monkeypatch.setattr(segmentation, "_TOKENIZER", None)
    assert segmentation._cache_dir() == segmentation._cache_dir()  # the same private directory every time


# --- webhooks ------------------------------------------------------------------------------------------------

def test_a_webhook_request_captured_and_sent_again_later_is_refused_by_the_receivers_check():
    """The receiver's check (`verify_signature`, documented for partners) took any genuine signature whatever its
    age: a request captured on the way could be sent again a year later. And a non-ASCII header was a TypeError."""
    from rexian.service.push import sign, verify_signature

    body = b'{"id":"finding:BP-RETURNS:RX1","topic":"finding.confirmed"}'
    sent_at = 1_772_400_000
    signature = sign("partner-secret", str(sent_at), body)
    assert verify_signature("partner-secret", str(sent_at), body, signature, now=sent_at + 2)
    assert not verify_signature("partner-secret", str(sent_at), body, signature, now=sent_at + 600)
    assert not verify_signature("partner-secret", str(sent_at), body, "sha256=é", now=sent_at)
    assert not verify_signature("partner-secret", "１７７２４００", body, signature, now=sent_at)


# --- API tokens (held: kept so they stay held) -------------------------------------------------------------------

def test_an_api_token_acts_with_its_holders_roles_of_now_and_a_revoked_one_is_refused_when_replayed(visitor):
    """A token carries no roles of its own: the organisation chain's roles of the moment decide (a role taken
    away takes it from every token at once), and a revoked token sent again is refused."""
    from rexian.service.org_admin import apply_org_changes
    from rexian.web.auth import Accounts, digest

    app = visitor.hotline
    accounts = Accounts(app.engine, app.settings, app.clock)
    token = accounts.issue_token("X01", "对接系统")
    bearer = {"Authorization": f"Bearer {token}"}
    assert visitor.get("/api/v1/audit", headers=bearer).status_code == 200
    apply_org_changes(app, "X01", [{"type": "person", "id": "J01", "name": "周正", "unit": "C00",
                                    "roles": ["supervisor", "admin"]},
                                   {"type": "person", "id": "X01", "name": "管理员", "unit": "C00", "roles": ["agent"]}])
    assert visitor.get("/api/v1/audit", headers=bearer).status_code == 403
    assert visitor.get("/api/v1/me", headers=bearer).json()["roles"] == ["agent"]
    accounts.revoke_token(digest(token), "J01")
    assert visitor.get("/api/v1/me", headers=bearer).status_code == 401


# --- `rexian findings load` of a hostile file (Spark's output, edited) --------------------------------------------

_FINDING = {"finding_key": "BP-RETURNS:RX1", "rule_id": "BP-RETURNS", "family": "buck_passing", "severity": "medium",
            "ticket_ids": ["RX1"], "evidence": {"events": [], "texts": [], "values": {}, "thresholds": {}},
            "detected_at": "2026-03-02T09:00:00"}


def _nested(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _hostile_line(kind: str) -> str:
    import json

    if kind == "deep line":
        return "[" * 100_000
    if kind == "deep evidence":
        return json.dumps({**_FINDING, "evidence": {**_FINDING["evidence"], "values": {"x": _nested(200)}}})
    if kind == "NaN":
        return json.dumps({**_FINDING, "evidence": {"values": {"r": float("nan")}}})  # json writes NaN
    return json.dumps({**_FINDING, "person_name": {"a": 1}})


@pytest.mark.parametrize("kind, problem", [("deep line", "不是JSON"), ("deep evidence", "嵌套超过"),
                                           ("NaN", "非有限数"), ("name an object", "person_name")])
def test_a_findings_file_nested_past_the_limit_or_holding_what_no_analysis_writes_is_refused_whole(tmp_path, kind,
                                                                                                   problem):
    """Before: a line nested past Python's limit stopped `findings load` with a RecursionError traceback; evidence
    nested hundreds deep, NaN (which PostgreSQL's JSON refuses mid-load) or an object for a name were stored."""
    import json

    from rexian.analytics.findings_files import FindingsFileError, read_findings_any

    path = tmp_path / "findings.jsonl"
    path.write_text(json.dumps(_FINDING) + "\n" + _hostile_line(kind) + "\n", encoding="utf-8")
    with pytest.raises(FindingsFileError, match=problem):
        read_findings_any(path)


# --- the supervisor's desk ----------------------------------------------------------------------------------------

def _a_filed_case(app):
    desk = _a_confirmed_finding(app)
    clue_id = desk.open_clue("J01", ["BP-RETURNS:RX1"], "推诿扯皮")
    desk.file_case(clue_id, "J01", "初核属实")
    return desk, clue_id


def test_an_outcome_or_clue_against_a_unit_or_person_nobody_knows_is_refused_and_nothing_written(app):
    """Before: 「诫勉谈话」 recorded against P404 (a mistyped number) stood on the signed chain against nobody; a clue
    could be opened for a unit that does not exist. Refused in Chinese; the people and units the organisation or
    the clue's findings name (an imported log's staff among them) are still taken."""
    from rexian.domain.errors import MissingField

    desk, clue_id = _a_filed_case(app)
    with pytest.raises(MissingField, match="人员P404"):
        desk.record_outcome(clue_id, "J01", "admonition", person_id="P404", note="诫勉谈话")
    with pytest.raises(MissingField, match="单位ZZZ"):
        desk.record_outcome(clue_id, "J01", "notice", unit_id="ZZZ")
    with pytest.raises(MissingField, match="单位ZZZ、人员P404"):
        desk.open_clue("J01", ["BP-RETURNS:RX1"], "另一条线索", unit_id="ZZZ", person_id="P404")
    assert desk.clue(clue_id)["outcomes"] == []
    desk.record_outcome(clue_id, "J01", "admonition", person_id="H0301", note="对协办单位承办人诫勉谈话")
    desk.record_outcome(clue_id, "J01", "notice")
    assert [(o["person_id"], o["unit_id"]) for o in desk.clue(clue_id)["outcomes"]] == [("H0301", "D02"),
                                                                                      ("H0201", "D02")]
    assert verify_database(app.engine).intact


def test_a_desk_text_of_megabytes_is_refused_before_it_reaches_the_chain(app):
    """Before: the service stored a 10 MB verification note (only the web form's body limit bounded it): on the chain,
    in every replay of the clue and every push of its change."""
    from rexian.domain.errors import MissingField

    desk, clue_id = _a_filed_case(app)
    for write in (lambda text: desk.note_verification(clue_id, "J01", text),
                  lambda text: desk.record_outcome(clue_id, "J01", "notice", note=text)):
        with pytest.raises(MissingField, match="文字过长"):
            write("核" * 10_000_000)
    desk.note_verification(clue_id, "J01", "核" * 20_000)  # ten pages still go in
    assert [e["action"] for e in desk.clue(clue_id)["events"]][-1] == "VerificationNoted"


def test_a_desk_streams_events_reordered_or_one_forged_by_sql_are_named(app):
    """Held (kept so it stays held): the desk's streams are hash-chained and signed like a ticket's."""
    desk, clue_id = _a_filed_case(app)
    lift_triggers(app, "supervision_events")
    for statement in ("UPDATE supervision_events SET seq = -1 WHERE ticket_id = ? AND seq = 1",
                      "UPDATE supervision_events SET seq = 1 WHERE ticket_id = ? AND seq = 2",
                      "UPDATE supervision_events SET seq = 2 WHERE ticket_id = ? AND seq = -1"):
        sql(app, statement, clue_id)
    named = damaged(verify_database(app.engine))
    assert clue_id in named or any(clue_id in key for key in named), named


# --- backups restored over a newer database -----------------------------------------------------------------------

def test_a_backup_restored_over_a_newer_database_is_refused_unless_the_newer_records_are_given_up(make_app, tmp_path):
    """Before: `restore --force` of yesterday's copy over today's database lost today's records silently, and the
    restored copy verified intact (a genuine log that stopped earlier). Now refused, naming how many records would
    go, unless `discard_newer` (`--discard-newer`); a copy as new as the database is restored as before. (Today's
    database is itself a copy here: restoring over a database a process still has open is another matter.)"""
    from support.tampering import closed

    from rexian.adapters.keys import keyring_for
    from rexian.service.backup import BackupError, _log_number, backup, restore

    app = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "yesterday.db", ring, app.clock())
    closed(app)
    backup(str(app.engine.url), tmp_path / "today.db", ring, app.clock())
    today = f"sqlite:///{tmp_path / 'today.db'}"
    newest = _log_number(today)
    with pytest.raises(BackupError, match="目标数据库比备份新.*--discard-newer"):
        restore(tmp_path / "yesterday.db", today, ring, force=True)
    assert _log_number(today) == newest  # nothing overwritten
    backup(today, tmp_path / "same.db", ring, app.clock())
    assert restore(tmp_path / "same.db", today, ring, force=True).intact
    assert restore(tmp_path / "yesterday.db", today, ring, force=True, discard_newer=True).intact
    assert _log_number(today) < newest
