"""The self-contained offline HTML report (Chinese): inline CSS and SVG, no script, no network."""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from rexian.analytics.json_text import dumps
from rexian.analytics.registry import FAMILIES, FAMILY_NAMES_ZH, SEVERITY_ZH, all_rules

MAX_FINDINGS_SHOWN = 1000
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;background:#f5f6f8;color:#222}
header{background:#8b1a1a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
main{padding:16px 32px;max-width:1280px}section{background:#fff;border-radius:6px;padding:12px 20px;margin:14px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}h2{font-size:18px;border-left:4px solid #8b1a1a;padding-left:8px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;
vertical-align:top}th{background:#f0f0f0}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:140px;
background:#fafafa;border:1px solid #eee;border-radius:6px;padding:10px}.card b{display:block;font-size:24px;color:#8b1a1a}
.高{color:#b00020;font-weight:bold}.中{color:#c77700}.低{color:#2e7d32}details{border-bottom:1px solid #eee;padding:4px 0}
summary{cursor:pointer}code{background:#f4f4f4;padding:0 3px}.muted{color:#777;font-size:12px}
"""


def write_report(analysis, path: Path) -> Path:
    rules = all_rules()
    s = analysis.summary
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>12345热线监督分析报告</title>"
             f"<style>{CSS}</style></head><body><header><h1>12345热线监督分析报告</h1>"
             f"<div>分析时点 {escape(str(s.get('as_of', '')))} · 数据 {escape(', '.join(s.get('inputs', [])))}</div>"
             "</header><main>"]
    parts.append(_summary(analysis))
    parts.append(_family_chart(analysis.findings))
    parts.append(_ranking("单位风险排行", "单位", analysis.risk["unit"]))
    parts.append(_ranking("个人风险排行(责任到人)", "责任人", analysis.risk["person"], analysis.person_label))
    parts.append(_ranking("工单风险排行", "工单", analysis.risk["ticket"]))
    parts.append(_metrics(analysis.metrics))
    parts.append(_findings(analysis.findings, rules, analysis.person_label))
    parts.append(_rule_appendix(rules))
    parts.append("<p class='muted'>本报告由 Rexian 离线生成，不依赖任何网络资源。风险分 = 各线索“严重程度分 × 问题类型权重”之和，"
                 "权重见规则配置(rules.yaml)。</p></main></body></html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _summary(analysis) -> str:
    s = analysis.summary
    severity = Counter(f.severity for f in analysis.findings)
    cards = [("工单数", s.get("tickets", 0)), ("事件数", s.get("events", 0)), ("问题线索", len(analysis.findings)),
             ("高风险线索", severity.get("high", 0)), ("涉及单位", len(analysis.risk["unit"])),
             ("涉及个人", len(analysis.risk["person"]))]
    body = "".join(f"<div class='card'>{escape(k)}<b>{v}</b></div>" for k, v in cards)
    skipped = s.get("rules_skipped") or []
    note = f"<p class='muted'>未运行的规则(缺少所需数据表)：{escape('、'.join(skipped))}</p>" if skipped else ""
    return f"<section><h2>概况</h2><div class='cards'>{body}</div>{note}</section>"


def _family_chart(findings) -> str:
    counts = {family: Counter() for family in FAMILIES}
    for f in findings:
        counts[f.family][f.severity] += 1
    top = max([sum(c.values()) for c in counts.values()] + [1])
    bar_h, label_w, width = 22, 150, 560
    colours = {"high": "#b00020", "medium": "#e69500", "low": "#4caf50"}
    rows = []
    for i, family in enumerate(FAMILIES):
        y, x = i * (bar_h + 6), label_w
        rows.append(f"<text x='0' y='{y + 16}' font-size='13'>{escape(FAMILY_NAMES_ZH[family])}</text>")
        for sev in ("high", "medium", "low"):
            w = counts[family][sev] / top * (width - label_w - 60)
            if w:
                rows.append(f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{colours[sev]}'>"
                            f"<title>{SEVERITY_ZH[sev]} {counts[family][sev]}</title></rect>")
            x += w
        rows.append(f"<text x='{x + 6:.1f}' y='{y + 16}' font-size='12'>{sum(counts[family].values())}</text>")
    height = len(FAMILIES) * (bar_h + 6)
    legend = " ".join(f"<span style='color:{c}'>■</span>{SEVERITY_ZH[s]}" for s, c in colours.items())
    return (f"<section><h2>问题类型分布</h2><svg width='{width}' height='{height}' role='img' aria-label='问题类型分布'>"
            f"{''.join(rows)}</svg><div class='muted'>{legend}</div></section>")


def _ranking(title: str, label: str, frame, shown=str, limit: int = 20) -> str:
    """The top of a risk table; `shown` writes a subject as the reader knows it (a person by name and id)."""
    if frame.empty:
        return f"<section><h2>{title}</h2><p>无。</p></section>"
    top = frame.head(limit)
    peak = max(float(top["score"].max()), 1.0)
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{escape(shown(str(r.subject)))}</td><td><svg width='120' height='10'><rect width='"
        f"{r.score / peak * 120:.1f}' height='10' fill='#8b1a1a'/></svg> {r.score:g}</td>"
        f"<td class='{r.level}'>{r.level}</td><td>{r.findings}</td><td>{escape(r.explanation)}</td></tr>"
        for i, r in enumerate(top.itertuples()))
    return (f"<section><h2>{title}</h2><table><tr><th>#</th><th>{label}</th><th>风险分</th><th>等级</th><th>线索数</th>"
            f"<th>构成(规则×条数=分)</th></tr>{rows}</table><p class='muted'>共 {len(frame)} 个，显示前 {len(top)} 个。"
            "</p></section>")


def _metrics(metrics) -> str:
    if metrics.empty:
        return ""
    overall = metrics[metrics["scope"] == "全部"]
    rows = "".join(
        f"<tr><td>{escape(str(r.period))}</td><td>{escape(r.metric)}</td><td>{_pct(r.value)}</td>"
        f"<td>{r.numerator}/{r.denominator}</td><td class='muted'>{escape(r.formula)}</td></tr>"
        for r in overall.itertuples())
    units = metrics[metrics["scope"] == "单位"]
    unit_table = ""
    if not units.empty:
        pivot = units.groupby(["scope_id", "metric_id"])[["numerator", "denominator"]].sum().reset_index()
        names = dict(zip(units["metric_id"], units["metric"]))
        ids = list(dict.fromkeys(units["metric_id"]))
        head = "".join(f"<th>{escape(names[i])}</th>" for i in ids)
        body = []
        for unit, group in pivot.groupby("scope_id"):
            values = {r.metric_id: (r.numerator / r.denominator if r.denominator else None) for r in group.itertuples()}
            body.append(f"<tr><td>{escape(str(unit))}</td>" + "".join(f"<td>{_pct(values.get(i))}</td>" for i in ids)
                        + "</tr>")
        unit_table = (f"<h3>各单位(全部期间合计)</h3><table><tr><th>单位</th>{head}</tr>{''.join(body)}</table>")
    return (f"<section><h2>考核指标</h2><table><tr><th>期间</th><th>指标</th><th>值</th><th>分子/分母</th><th>计算公式</th>"
            f"</tr>{rows}</table>{unit_table}</section>")


def _pct(value) -> str:
    return "—" if value is None or value != value else f"{value * 100:.1f}%"


def _findings(findings, rules, names) -> str:
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.family, f.finding_key))
    items = []
    for f in ordered[:MAX_FINDINGS_SHOWN]:
        name = rules[f.rule_id].name_zh if f.rule_id in rules else f.rule_id
        who = " / ".join(x for x in (f.unit_id, names(f.person_id or f.agent_id)) if x) or "—"
        ev = f.evidence
        events = "、".join(f"{escape(e['ticket_id'])}#{e['seq']}" for e in ev["events"][:30])
        texts = "".join(f"<li>“{escape(t)}”</li>" for t in ev["texts"])
        items.append(
            f"<details><summary><span class='{SEVERITY_ZH.get(f.severity, '')}'>[{SEVERITY_ZH.get(f.severity, '')}]</span> "
            f"{escape(name)} <code>{escape(f.finding_key)}</code> · 责任：{escape(who)}</summary>"
            f"<table><tr><th>问题类型</th><td>{escape(FAMILY_NAMES_ZH.get(f.family, f.family))}</td></tr>"
            f"<tr><th>工单</th><td>{escape('、'.join(f.ticket_ids) or '—')}</td></tr>"
            f"<tr><th>证据事件(工单#序号)</th><td>{events or '—'}</td></tr>"
            f"<tr><th>文本摘录</th><td><ul>{texts}</ul></td></tr>"
            f"<tr><th>计算值</th><td><code>{escape(dumps(ev['values']))}</code></td></tr>"
            f"<tr><th>阈值</th><td><code>{escape(dumps(ev['thresholds']))}</code></td></tr>"
            f"</table></details>")
    more = (f"<p class='muted'>共 {len(findings)} 条，此处列出前 {MAX_FINDINGS_SHOWN} 条；完整清单见 findings.jsonl 与 "
            "analysis.xlsx。</p>") if len(findings) > MAX_FINDINGS_SHOWN else ""
    return f"<section><h2>问题线索明细(含证据)</h2>{''.join(items) or '<p>无。</p>'}{more}</section>"


def _rule_appendix(rules) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(r.rule_id)}</code></td><td>{escape(r.name_zh)}</td>"
        f"<td>{escape(FAMILY_NAMES_ZH[r.family])}</td><td class='muted'>{escape(r.doc.splitlines()[0] if r.doc else '')}"
        "</td></tr>" for r in rules.values())
    return (f"<section><h2>附录：规则一览</h2><table><tr><th>规则</th><th>名称</th><th>问题类型</th><th>逻辑(摘要)</th>"
            f"</tr>{rows}</table></section>")
