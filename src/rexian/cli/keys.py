"""The server's keys, the log's checkpoints and personal data: rexian keys show|rotate, rexian checkpoint,
rexian personal-data erase (docs/trust.md)."""

from __future__ import annotations

import click

from rexian.cli.options import db_option, fail
from rexian.cli.workflow import _app


@click.group("keys")
def keys():
    """服务器的事件密钥（保存在数据库之外的密钥文件中）。"""


@keys.command("show")
@db_option
def keys_show(db_url):
    """列出密钥编号（从不显示密钥本身）：当前签名密钥与已停用密钥。"""
    from rexian.adapters.keys import keyring_for

    app = _app(db_url)
    ring = keyring_for(app.engine)
    click.echo(f"密钥文件：{ring.path or '（内存）'}")
    for key in ring.keys.values():
        state = "当前签名密钥" if key.key_id == ring.current else f"已于{key.retired_at}停用，仅用于核对"
        click.echo(f"{key.key_id} 创建于{key.created_at} {state}")


@keys.command("rotate")
@db_option
def keys_rotate(db_url):
    """轮换密钥：新增签名密钥，旧密钥停用但保留，用于核对它签过的事件。"""
    from rexian.adapters.keys import KeyFileError, key_path, rotate_keys

    app = _app(db_url)
    try:
        old, new = rotate_keys(app.engine, app.clock())
    except KeyFileError as error:
        fail(ValueError(str(error)), "invalid")
    click.echo(f"已轮换：{old} 停用，{new} 为当前签名密钥（{key_path(app.engine)}）。请备份密钥文件。"
               "运行中的服务自下一次写入起使用新密钥。")


@click.command("checkpoint")
@db_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="把全部检查点写成 checkpoint-NNNNNN.json 文件的目录（另行存档，verify --checkpoints 核对）")
def checkpoint(db_url, out_dir):
    """对整个事件日志做一个签名检查点（定期运行，例如每小时一次）。"""
    from rexian.service.checkpoints import export_checkpoints, make_checkpoint

    app = _app(db_url)
    made = make_checkpoint(app.engine, app.clock())
    click.echo(f"检查点{made['number']}：事件{made['events']}条，组织事件{made['org_events']}条，摘要{made['digest'][:16]}…")
    if out_dir:
        written = export_checkpoints(app.engine, out_dir)
        click.echo(f"已写出{len(written)}个检查点文件到 {out_dir}")


@click.group("personal-data")
def personal_data():
    """来电人个人信息（与事件日志分开保存，个人信息保护法）。"""


@personal_data.command("erase")
@db_option
@click.option("--as", "actor_id", default=None, help="执行删除的管理员（记入每张工单的删除事件）")
def personal_data_erase(db_url, actor_id):
    """删除超过保存期（设置 personal_data_retention_days）的已办结工单的来电人信息；每次删除都记为工单事件。每天运行。"""
    from rexian.service.personal import erase_expired_personal_data

    app = _app(db_url)
    erased = erase_expired_personal_data(app, actor_id)
    click.echo(f"已删除{len(erased)}张工单的来电人个人信息（保存期{app.settings['personal_data_retention_days']}天）")


commands = [keys, checkpoint, personal_data]
