"""`rexian open311`: serve the Open311 GeoReport v2 endpoints."""

from __future__ import annotations

import click


@click.command("open311")
@click.option("--db", "db_url", help="数据库 URL（默认取设置 db）")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8311, show_default=True)
@click.option("--jurisdiction", "jurisdiction_id", help="本中心的 jurisdiction_id（可选）")
def command(db_url, host, port, jurisdiction_id) -> None:
    """提供 Open311 GeoReport v2 接口（/services.json、/requests.json …，也支持 .xml）。"""
    from wsgiref.simple_server import make_server

    from rexian.cli.workflow import _app
    from rexian.open311.georeport import GeoReport
    from rexian.open311.wsgi import make_app

    app = make_app(GeoReport(_app(db_url), jurisdiction_id))
    click.echo(f"Open311 GeoReport v2：http://{host}:{port}/services.json")
    make_server(host, port, app).serve_forever()


commands = [command]
