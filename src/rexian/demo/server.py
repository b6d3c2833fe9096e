"""A minimal read-only site over a Rexian database (standard library only), until the web application
lands: the ticket list, each ticket's event log, the stored findings and the analysis report, in Chinese."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.domain.model import STATE_NAMES
from rexian.domain.vocabulary import FINDING_STATUSES, SEVERITIES, rule_label

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:2em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
th{{background:#f0f4f8}}</style></head><body><h1>{title}</h1>{body}</body></html>"""


def _mask(phone: str | None) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else (phone or "")


def render_list(app) -> str:
    with app.engine.connect() as connection:
        rows = connection.execute(select(t.tickets).order_by(t.tickets.c.received_at.desc()).limit(500)).all()
    lines = "".join(
        f"<tr><td><a href='/ticket/{html.escape(r.ticket_id)}'>{html.escape(r.ticket_id)}</a></td>"
        f"<td>{STATE_NAMES.get(r.status, r.status)}</td><td>{html.escape(r.content or '')[:60]}</td>"
        f"<td>{html.escape(r.first_unit_id or '')}</td><td>{html.escape(r.lead_unit_id or '')}</td>"
        f"<td>{r.due_at or ''}</td><td>{_mask(r.caller_phone)}</td></tr>" for r in rows)
    body = (NAV + "<table><tr><th>工单编号</th><th>状态</th><th>诉求内容</th><th>首接单位</th><th>主办单位</th>"
            f"<th>办理时限</th><th>来电号码</th></tr>{lines}</table>")
    return PAGE.format(title="12345 工单列表（演示）", body=body)


def render_ticket(app, ticket_id: str) -> str | None:
    events = app.events(ticket_id)
    if not events:
        return None
    rows = "".join(
        f"<tr><td>{e['seq']}</td><td>{e['at']:%Y-%m-%d %H:%M}</td><td>{html.escape(e['action'])}</td>"
        f"<td>{html.escape(e['actor_id'] or '')}</td><td>{html.escape(e['target_unit_id'] or '')}</td>"
        f"<td>{html.escape(json.dumps(_masked(e['payload']), ensure_ascii=False))}</td>"
        f"<td><code>{e['hash'][:12]}</code></td></tr>" for e in events)
    body = ("<p><a href='/'>返回列表</a></p><table><tr><th>序号</th><th>时间</th><th>动作</th><th>操作人</th>"
            f"<th>目标单位</th><th>内容</th><th>哈希</th></tr>{rows}</table>")
    return PAGE.format(title=f"工单 {html.escape(ticket_id)} 的办理过程", body=body)


NAV = "<p><a href='/'>工单</a> · <a href='/findings'>问题线索</a> · <a href='/report'>分析报告</a></p>"




def _ticket_links(ticket_ids: list[str]) -> str:
    return " ".join(f"<a href='/ticket/{html.escape(t)}'>{html.escape(t)}</a>" for t in ticket_ids[:5])


def render_findings(app) -> str:
    from rexian.adapters.findings import FindingRepository

    found = FindingRepository(app.engine).list(limit=500)
    lines = "".join(
        f"<tr><td>{html.escape(rule_label(f['rule_id']))}</td><td>{SEVERITIES.get(f['severity'], f['severity'])}</td>"
        f"<td>{FINDING_STATUSES.get(f['status'], f['status'])}</td>"
        f"<td>{_ticket_links(f['ticket_ids'])}{html.escape(f['agent_id'] or '')}</td>"
        f"<td>{html.escape(f['unit_id'] or '')}</td><td>{html.escape(f['person_id'] or '')}</td>"
        f"<td>{html.escape('；'.join(f['evidence'].get('texts', []))[:80])}</td></tr>" for f in found)
    body = (NAV + "<table><tr><th>规则</th><th>风险</th><th>状态</th><th>工单/坐席</th><th>责任单位</th><th>责任人</th>"
            f"<th>证据摘录</th></tr>{lines}</table>")
    return PAGE.format(title="问题线索（前500条）", body=body)


def _masked(payload: dict) -> dict:
    return {k: (_mask(v) if k == "caller_phone" else v) for k, v in payload.items()}


def serve(app, host: str = "127.0.0.1", port: int = 8000, report_file=None) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            if self.path == "/":
                page = render_list(app)
            elif self.path == "/findings":
                page = render_findings(app)
            elif self.path == "/report":
                page = report_file.read_text(encoding="utf-8") if report_file and report_file.exists() else None
            elif self.path.startswith("/ticket/"):
                page = render_ticket(app, unquote(self.path.removeprefix("/ticket/")))
            else:
                page = None
            status = 200 if page else 404
            data = (page or PAGE.format(title="未找到", body="<p><a href='/'>返回列表</a></p>")).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
