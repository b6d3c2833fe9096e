"""`rexian demo`: a living simulated city in a fresh SQLite database, analysed, then served."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

FAMILY_ZH = {
    "buck_passing": "推诿扯皮", "false_closure": "虚假办结", "manufactured_satisfaction": "满意度造假",
    "perfunctory_reply": "敷衍塞责", "forward_no_follow_up": "转办不跟踪", "delay": "拖延办理",
    "repeat_complaint": "重复投诉", "dissatisfaction": "群众不满意", "hostile_attitude": "态度恶劣",
    "graft": "吃拿卡要", "improper_banquet": "违规吃喝", "unreachable_service": "热线难打通",
}


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
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="只生成演示数据，不启动页面")
def command(db_url, tickets, seed, out_dir, scripted, host, port, no_serve):
    """Build a demo: a simulated city (every kind of abuse present), its findings and report; then serve."""
    from rexian.bootstrap import bootstrap
    from rexian.service.verify import verify_database

    db_url = db_url or _fresh_sqlite("rexian-demo.db")
    report_file = None
    if scripted:
        from rexian.demo.scripted import StepClock, populate

        start = datetime.now().replace(hour=8, minute=30, second=0, microsecond=0) - timedelta(days=20)
        app = bootstrap(db_url, clock=StepClock(start))
        made = populate(app)
        report = verify_database(app.engine)
        click.echo(f"演示数据已写入 {db_url}：{len(made)}件工单，{report.events}条事件，"
                   f"哈希链{'完整' if report.intact else '受损'}")
    else:
        from rexian.demo.city import build_demo

        demo = build_demo(db_url, out_dir, tickets, seed, datetime.now().replace(microsecond=0),
                          say=lambda line: click.echo(line, err=True))
        click.echo(f"演示数据已写入 {db_url}：{demo.tickets}件工单，{demo.events}条事件，"
                   f"哈希链{'完整' if demo.intact else '受损'}")
        click.echo(f"监督规则发现问题线索 {demo.findings} 条（已存入数据库，可用 rexian findings list 查看）：")
        for family, zh in FAMILY_ZH.items():
            click.echo(f"  {zh:<6} 线索 {demo.findings_by_family.get(family, 0):>5}   "
                       f"模拟注入 {demo.truth_by_family.get(family, 0):>5}")
        click.echo(f"分析报告：{demo.report}（离线可打开）；真值文件：{demo.truth_file}")
        report_file = demo.report
        app = bootstrap(db_url)
    if no_serve:
        return
    from rexian.bootstrap import realtime_supervision
    from rexian.demo.server import serve

    supervision = realtime_supervision(app)  # judges the commands run against the demo while it serves
    if supervision is not None:
        supervision.start()
    click.echo(f"请在浏览器打开 http://{host}:{port}/ （Ctrl+C 退出）")
    try:
        serve(app, host, port, report_file=report_file)
    finally:
        if supervision is not None:
            supervision.stop()
