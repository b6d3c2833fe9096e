"""`rexian assist`: what the agent sees before recording a ticket — suggested category and lead unit,
and earlier tickets on the same matter (「该地点近30天已有N件同类诉求」)."""

from __future__ import annotations

import json

import click


@click.command("assist")
@click.option("--db", "db_url", default=None, help="数据库URL（默认：设置项 db）")
@click.option("--content", required=True, help="诉求内容")
@click.option("--title", default=None, help="标题")
@click.option("--address", default=None, help="地址")
@click.option("--lon", type=float, default=None, help="经度")
@click.option("--lat", type=float, default=None, help="纬度")
@click.option("--at", type=click.DateTime(), default=None, help="受理时间（默认：现在）")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出")
def command(db_url, content, title, address, lon, lat, at, as_json):
    """智能派单与同一诉求提示：建议分类与主办单位（前3名及置信度），列出近期同一事项的工单。"""
    from rexian.bootstrap import intake_assistant
    from rexian.cli.workflow import _app

    app = _app(db_url)
    advice = intake_assistant(app).advise(content, at or app.clock(), title=title, address=address, lon=lon, lat=lat)
    if as_json:
        categories = [{"code": code, "name": advice.names.get(code, code), "top": advice.parents.get(code),
                       "top_name": advice.names.get(advice.parents.get(code, ""), None), "confidence": confidence}
                      for code, confidence in advice.categories]
        units = [{"unit_id": unit, "name": advice.unit_names.get(unit, unit), "confidence": confidence}
                 for unit, confidence in advice.lead_units]
        click.echo(json.dumps({"categories": categories, "lead_units": units,
                               "same_matter": advice.same_matter, "warning": advice.warning},
                              ensure_ascii=False, default=str))
        return
    click.echo("建议分类：" + "；".join(f"{advice.category_label(code)} {confidence:.0%}"
                                       for code, confidence in advice.categories))
    if advice.lead_units:
        click.echo("建议主办单位：" + "；".join(f"{advice.unit_label(unit)} {confidence:.0%}"
                                           for unit, confidence in advice.lead_units))
    if advice.warning:
        click.echo(f"提示：{advice.warning}")
        for match in advice.same_matter:
            click.echo(f"  {match['ticket_id']}  {match['received_at']:%Y-%m-%d %H:%M}  相似度 {match['score']:.2f}  "
                       + "，".join(match["reasons"]))
    else:
        click.echo(f"近{advice.window_days}天没有同一事项的工单。")
