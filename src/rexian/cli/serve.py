"""`rexian serve`: the web application (pages, REST API, Open311) under uvicorn."""

from __future__ import annotations

import click

from rexian.cli.options import db_option, fail, user_error


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="端口")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="进程数（SQLite 建议 1；PostgreSQL 可多进程）")
def command(db_url, host, port, workers):
    """提供网页工作台、REST 接口（/api/docs）与 Open311 接口（/open311/v2）。"""
    try:
        serve(db_url, host, port, workers)
    except Exception as error:  # a user's mistake (no such database, port in use) in one line
        if user_error(error) is None:
            raise
        fail(error, user_error(error))


def serve(db_url: str | None, host: str, port: int, workers: int = 1, demo_accounts=None) -> None:
    """The server's time is the database's (`bootstrap.database_clock`): a demo city's own, else the wall clock."""
    import uvicorn

    from rexian.bootstrap import bootstrap, web_app

    hotline = bootstrap(db_url, create=False)
    if demo_accounts is None and _is_demo(hotline):  # a demo's database served again: its accounts listed again
        from rexian.demo.accounts import demo_accounts_listed

        demo_accounts = demo_accounts_listed(hotline)
    app = web_app(hotline, demo_accounts=demo_accounts)
    click.echo(f"请在浏览器打开 http://{host}:{port}/ （接口说明：/api/docs；Ctrl+C 退出）")
    uvicorn.run(app, host=host, port=port, workers=1 if workers == 1 else None, log_level="warning",
                proxy_headers=False)


def _is_demo(hotline) -> bool:
    from rexian.adapters.demo_clock import demo_clock_offset

    return demo_clock_offset(hotline.engine) is not None


commands = [command]
