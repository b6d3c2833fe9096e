"""`rexian demo`: a demo city in a fresh SQLite database, then a read-only page over it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click


@click.command("demo")
@click.option("--db", "db_url", default=None, help="演示数据库URL（默认：工作目录下新建 rexian-demo.db）")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="只生成演示数据，不启动页面")
def command(db_url, host, port, no_serve):
    """Create demo data (organisation and tickets through every workflow branch) and serve it."""
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock, populate
    from rexian.service.verify import verify_database

    if db_url is None:
        path = Path("rexian-demo.db").resolve()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        db_url = f"sqlite:///{path}"
    start = datetime.now().replace(hour=8, minute=30, second=0, microsecond=0) - timedelta(days=20)
    app = bootstrap(db_url, clock=StepClock(start))
    tickets = populate(app)
    report = verify_database(app.engine)
    click.echo(f"演示数据已写入 {db_url}：{len(tickets)}件工单，{report.events}条事件，"
               f"哈希链{'完整' if report.intact else '受损'}")
    if no_serve:
        return
    from rexian.demo.server import serve

    click.echo(f"请在浏览器打开 http://{host}:{port}/ （Ctrl+C 退出）")
    serve(app, host, port)
