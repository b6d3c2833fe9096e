"""`rexian supervise`: the real-time supervision loop in the foreground, for a deployment whose server does
not run it (the web server starts the same loop itself at startup)."""

from __future__ import annotations

import click

from rexian.cli.options import db_option, open_app


@click.command("supervise")
@db_option
@click.option("--interval", default=0.5, show_default=True, type=float, help="两次读取新事件之间的秒数")
@click.option("--once", is_flag=True, help="只处理当前积压的事件，然后退出")
def command(db_url, interval, once):
    """实时监督：随工单事件提交即按实时规则研判（Ctrl+C 停止；Web 服务启动时自带同一循环）。"""
    from rexian.bootstrap import realtime_supervision

    loop = realtime_supervision(open_app(db_url), interval=interval)
    if loop is None:
        raise click.UsageError("实时监督已关闭（设置 realtime_rules=false）")
    if once:
        emitted = loop.drain()
        click.echo(f"已处理至事件 {loop.mark}；新增或更新问题线索 {len(emitted)} 条")
        return
    click.echo(f"实时监督运行中，自事件 {loop.mark} 之后（Ctrl+C 退出）", err=True)
    loop.start()
    try:
        while loop._thread is not None and loop._thread.is_alive():
            loop._thread.join(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        loop.stop()
