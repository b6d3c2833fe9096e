"""`rexian demo`: a living simulated city in a fresh SQLite database, analysed, then served by the web
application with a demo account for every person (listed on the sign-in page)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from rexian.domain.vocabulary import FAMILIES


def _check_port_free(host: str, port: int) -> None:
    """A port in use is told before minutes of simulation, not after."""
    import socket

    from rexian.domain.errors import InvalidInput

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InvalidInput(f"端口 {host}:{port} 已被占用（{error.strerror}）：请用 --port 换一个端口") from None


def _check_empty(db_url: str) -> None:
    """The demo writes a whole city and never merges into existing data."""
    from sqlalchemy import inspect, select

    from rexian.adapters import tables as t
    from rexian.adapters.database import make_engine
    from rexian.domain.errors import InvalidInput

    engine = make_engine(db_url)
    try:
        if inspect(engine).has_table("events"):
            with engine.connect() as connection:
                if connection.execute(select(t.events.c.ticket_id).limit(1)).first() or \
                        connection.execute(select(t.units.c.unit_id).limit(1)).first():
                    raise InvalidInput(f"演示须使用空数据库，{engine.url.render_as_string(hide_password=True)} "
                                       "中已有数据（不给 --db 时自动新建 rexian-demo.db）")
    finally:
        engine.dispose()


def _fresh_sqlite(name: str) -> str:
    path = Path(name).resolve()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


@click.command("demo")
@click.option("--db", "db_url", default=None, help="演示数据库URL（默认：工作目录下新建 rexian-demo.db；须为空库）")
@click.option("--tickets", default=3000, show_default=True, type=click.IntRange(100, 200_000),
              help="模拟工单数")
@click.option("--seed", default=1, show_default=True, type=int, help="模拟种子（同一种子结果相同）")
@click.option("--out", "out_dir", default="rexian-demo", show_default=True, type=click.Path(file_okay=False),
              help="分析报告、交换文件与真值文件的目录")
@click.option("--scripted", is_flag=True, help="改用脚本化的6个工单（覆盖流程每个分支），不模拟城市")
@click.option("--host", default="127.0.0.1", show_default=True, help="页面监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="页面监听端口")
@click.option("--no-serve", is_flag=True, help="只生成演示数据，不启动页面")
def command(db_url, tickets, seed, out_dir, scripted, host, port, no_serve):
    """生成演示：模拟一座城市（各类问题均有）、分析出问题线索与报告，然后启动浏览页面。"""
    from rexian.adapters.demo_clock import anchor_demo_clock
    from rexian.bootstrap import bootstrap, open_database
    from rexian.service.verify import verify_database

    if not no_serve:
        _check_port_free(host, port)
    if db_url:
        _check_empty(db_url)
    db_url = db_url or _fresh_sqlite("rexian-demo.db")
    if scripted:
        from rexian.demo.scripted import StepClock, populate

        start = datetime.now().replace(hour=8, minute=30, second=0, microsecond=0) - timedelta(days=20)
        steps = StepClock(start)
        built = bootstrap(db_url, clock=steps)
        made = populate(built)
        present = steps.now  # the scripted lives' last step: the city serves on from there
        report = verify_database(built.engine)
        click.echo(f"演示数据已写入 {db_url}：{len(made)}件工单，{report.events}条事件，"
                   f"哈希链{'完整' if report.intact else '受损'}")
    else:
        from rexian.demo.city import build_demo

        demo = build_demo(db_url, out_dir, tickets, seed, say=lambda line: click.echo(line, err=True))
        click.echo(f"演示数据已写入 {db_url}：{demo.tickets}件工单，{demo.events}条事件，"
                   f"哈希链{'完整' if demo.intact else '受损'}")
        click.echo(f"演示城市的当前时间：{demo.present:%Y-%m-%d %H:%M}（模拟年度之后又办理了几个工作日，"
                   f"{demo.today}件工单在各岗位待办；页面和命令的时钟从此刻起走，重启 rexian serve 后照常接续）")
        click.echo(f"监督规则发现问题线索 {demo.findings} 条（已存入数据库，可用 rexian findings list 查看）：")
        for family, zh in FAMILIES.items():
            click.echo(f"  {zh:<6} 线索 {demo.findings_by_family.get(family, 0):>5}   "
                       f"模拟注入 {demo.truth_by_family.get(family, 0):>5}")
        click.echo(f"分析报告：{demo.report}（离线可打开）；真值文件：{demo.truth_file}")
        present = demo.present
    # The city's time is its database's from here on (adapters/demo_clock.py): this server, a restarted
    # `rexian serve` and every `rexian do` on it keep to the city's present.
    engine = open_database(db_url)
    anchor_demo_clock(engine, present)
    engine.dispose()
    app = bootstrap(db_url)
    from rexian.demo.accounts import create_demo_accounts

    demo_accounts = create_demo_accounts(app)
    click.echo(f"已为{len(demo_accounts)}位人员开通演示账号（密码见登录页）")
    if no_serve:
        return
    from rexian.cli.serve import serve

    serve(str(app.engine.url.render_as_string(hide_password=False)), host, port, demo_accounts=demo_accounts)
