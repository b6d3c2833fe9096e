"""An imported city's letter that reports an official's rudeness becomes, through the batch run, a finding
on the desk and then a clue; both pages show the accused as the letter names them — the body by its own
name (not the words before it), the post and the name — for the officer to verify."""

from click.testing import CliRunner
from fastapi.testclient import TestClient
from web.conftest import PASSWORD, form_post, sign_in

from rexian.adapters.findings import FindingRepository
from rexian.cli import main
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from tests.importing.conftest import FLOW_MAPPING, write_csv

# The body is written straight after what happened before, as citizens write (「回家后A3区城管局…」).
LETTER = "我们去窗口办事，回家后A3区城管局工作人员王强打电话来辱骂我们"
HEADER = ["工单编号", "操作时间", "操作类型", "操作人", "操作部门", "目标部门", "处理意见", "来电人", "问题分类", "诉求内容"]


def test_an_imported_letter_reaches_the_desk_and_its_clue_with_the_accused_named_as_written(make_app, tmp_path):
    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    url = f"sqlite:///{tmp_path / 'imported.db'}"
    app = make_app(url)
    rows = [["GD100", "03/01/2025 09:00", "受理", "话务员张三", "市热线中心", "", "", "市民甲", "投诉", LETTER],
            ["GD100", "03/01/2025 10:00", "派单", "派单员李四", "市热线中心", "城管局", "", "市民甲", "投诉", LETTER]]
    mapping = dict(FLOW_MAPPING, intake={**FLOW_MAPPING["intake"], "content": "诉求内容"})
    import_to_database(app.engine, [write_csv(tmp_path / "letters.csv", HEADER, rows)], mapping_from_dict(mapping))

    runner = CliRunner()
    out = tmp_path / "out"
    analysed = runner.invoke(main, ["analyze", "--db", url, "--out", str(out)])
    assert analysed.exit_code == 0, analysed.output
    assert runner.invoke(main, ["findings", "load", str(out / "findings.jsonl"), "--db", url]).exit_code == 0

    found = [f for f in FindingRepository(app.engine).list() if f["rule_id"] == "HA-HOSTILE"]
    assert [f["ticket_ids"] for f in found] == [["GD100"]]
    values = found[0]["evidence"]["values"]
    assert (values["accused_body"], values["accused_post"], values["accused_name"]) == ("A3区城管局", "工作人员", "王强")
    assert values["accused_status"] == "公职人员"

    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "J01", PASSWORD)
    client = TestClient(create_app(app))
    sign_in(client, "J01")
    key = found[0]["finding_key"]
    page = client.get("/desk/finding", params={"key": key}).text
    assert "被反映人" in page and "单位：A3区城管局；职务：工作人员；姓名：王强；公职人员" in page
    decided = form_post(client, "/desk/findings/decide", {"keys": key, "decision": "confirm", "reason": "有录音"})
    assert decided.status_code == 303 and "error" not in decided.headers["location"]
    opened = form_post(client, "/desk/clues", {"keys": key, "title": "城管局工作人员电话辱骂"})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/desk/clues/"), opened.headers
    clue = client.get(opened.headers["location"]).text
    assert "被反映人" in clue and "A3区城管局 工作人员 王强" in clue and "公职人员" in clue
