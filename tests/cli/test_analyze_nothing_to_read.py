"""`rexian analyze` on nothing to read — an empty database (an import that failed), a directory without an event
file — says so in Chinese and writes no report, instead of ending in a pandas traceback."""

from click.testing import CliRunner

from rexian.cli import main


def test_an_empty_database_is_refused_with_a_chinese_message_and_no_report(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert CliRunner().invoke(main, ["init", "--db", url]).exit_code == 0
    result = CliRunner().invoke(main, ["analyze", "--db", url, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "数据库中还没有事件" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "findings.jsonl").exists()


def test_a_directory_without_events_is_refused_naming_the_files_it_needs(tmp_path):
    (tmp_path / "export").mkdir()
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "export"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "目录中没有 events.parquet 或 events.csv" in result.output
