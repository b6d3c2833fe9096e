"""rexian backup / rexian restore (docs/trust.md: schedule, retention, keeping the key file apart)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from rexian.cli.options import db_option, fail
from rexian.cli.workflow import _app


def _keyring(engine, key_file: str | None):
    from rexian.adapters.keys import KeyFileError, KeyRing, keyring_for

    try:
        return KeyRing.load(Path(key_file)) if key_file else keyring_for(engine)
    except KeyFileError as error:
        fail(error, "invalid")


@click.command("backup")
@db_option
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="备份文件（SQLite 为数据库副本，PostgreSQL 为 pg_dump 自定义格式）；旁边写出 .manifest.json")
def backup_command(db_url, out_path):
    """在线备份数据库，并用服务器密钥核验备份。"""
    from rexian.service.backup import BackupError, backup

    app = _app(db_url)
    try:
        result = backup(app.engine.url.render_as_string(hide_password=False), Path(out_path),
                        _keyring(app.engine, None), app.clock())
    except BackupError as error:
        fail(error, "invalid")
    verified = {True: "已核验完整", False: "核验发现问题", None: "恢复后核验"}[result.manifest["verified"]]
    click.echo(f"已备份到 {out_path}（{result.manifest['bytes']}字节，sha256 {result.manifest['sha256'][:16]}…，"
               f"{verified}）。密钥文件不在备份中，请另行保管。")
    if result.manifest["verified"] is False:
        for line in result.report.lines():
            click.echo(line)
        sys.exit(1)


@click.command("restore")
@db_option
@click.option("--keys", "key_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="核验用的密钥文件（在另一台机器上恢复时指定；默认为该数据库的 key_file）")
@click.option("--force", is_flag=True, help="覆盖已有的目标数据库")
@click.option("--discard-newer", is_flag=True,
              help="目标数据库比备份新时也覆盖（放弃备份之后的记录；默认拒绝）")
@click.argument("backup_path", type=click.Path(dir_okay=False))
def restore_command(db_url, key_file, force, discard_newer, backup_path):
    """把备份恢复到 --db 并核验；核验不通过时退出码为1。"""
    from rexian.adapters.database import make_engine
    from rexian.adapters.keys import default_key_path
    from rexian.service.backup import BackupError, restore
    from rexian.settings import load_settings

    url = db_url or load_settings()["db"]
    engine = make_engine(url)
    ring = _keyring(engine, key_file)
    engine.dispose()

    def erase_again(restored_url: str) -> None:
        """Caller details erased after the backup was made come back with it: erased again at once, as the
        erasure ledger beside the key file lists them (and by the retention period)."""
        from rexian.adapters.erasures import ledger_path
        from rexian.adapters.keys import use_key_file
        from rexian.service.personal import erase_expired_personal_data

        beside = default_key_path(restored_url)
        if key_file and beside is not None and not beside.exists() and not load_settings()["key_file"]:
            carried = ledger_path(ring)  # the ledger beside the key file given
            ring.save(beside)  # the restored database works here with the key it was signed with
            if carried is not None and carried.exists():
                shutil.copyfile(carried, ledger_path(ring))  # the erasures go with the key
            click.echo(f"密钥文件已放到 {beside}")
        app = _app(restored_url)
        if key_file:
            use_key_file(app.engine, key_file)
        erased = erase_expired_personal_data(app)
        if erased:
            click.echo(f"备份恢复了{len(erased)}张工单已删除或已过保存期的来电人个人信息，已再次删除（每次删除记为工单事件）")
        app.engine.dispose()

    try:
        report = restore(Path(backup_path), url, ring, force=force, repair=erase_again, discard_newer=discard_newer)
    except BackupError as error:
        fail(error, "invalid")
    for line in report.lines():
        click.echo(line)
    if not report.intact:
        click.echo(f"恢复完成，但核验发现问题：{len(report.damaged_streams())}条事件链受损", err=True)
        sys.exit(1)
    click.echo(f"已恢复并核验完整：{report.events}条事件，{report.tickets}张工单，{report.checkpoints}个检查点")


commands = [backup_command, restore_command]
