/* The supervisor's desk: dashboard charts (vendored ECharts, offline), select-all on the triage list, and
   the live list fed by server-sent events. No inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";

  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  function charts() {
    var holder = document.getElementById("dashboard-data");
    if (!holder || !window.echarts) return;
    var snap = JSON.parse(holder.textContent);
    var periods = [];
    snap.rates.forEach(function (r) { r.trend.forEach(function (p) { if (periods.indexOf(p.period) < 0) periods.push(p.period); }); });
    periods.sort();
    var trend = echarts.init(document.getElementById("chart-trend"));
    trend.setOption({
      tooltip: { trigger: "axis", formatter: function (items) {
        var lines = [items.length ? items[0].axisValue : ""];
        items.forEach(function (item) {
          var d = item.data || {}, shown;
          if (d.sparse) shown = "样本不足（" + d.numerator + " / " + d.denominator + "，不画点）";
          else if (d.value === "-" || d.value === null || d.value === undefined) shown = "无数据";
          else shown = d.value + "%（" + d.numerator + " / " + d.denominator + "）";
          lines.push(item.marker + item.seriesName + "：" + shown);
        });
        return lines.join("<br>");
      } },
      legend: { top: 0 }, grid: { top: 40, left: 40, right: 20, bottom: 30 },
      xAxis: { type: "category", data: periods }, yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: snap.rates.filter(function (r) { return r.trend.length; }).map(function (r) {
        var by = {}; r.trend.forEach(function (p) { by[p.period] = p; });
        // A month without data is a gap in the line (never a 0 %), and a month between two gaps still shows as a dot.
        return { name: r.name, type: "line", connectNulls: false, showSymbol: true, showAllSymbol: true,
                 data: periods.map(function (p) {
                   var point = by[p] || {};
                   var value = pct(point.value);
                   return { value: value === null ? "-" : value, sparse: !!point.sparse,
                            numerator: point.numerator, denominator: point.denominator };
                 }) };
      })
    });
    flow(snap.flow);
    function bars(id, rows, label, value) {
      echarts.init(document.getElementById(id)).setOption({
        tooltip: {}, grid: { left: 140, right: 20, top: 10, bottom: 20 },
        xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", inverse: true, data: rows.map(label) },
        series: [{ type: "bar", data: rows.map(value) }]
      });
    }
    bars("chart-places", snap.hotspots.places, function (r) { return r.address || r.place; }, function (r) { return r.tickets; });
    bars("chart-categories", snap.hotspots.categories, function (r) { return r.name; }, function (r) { return r.tickets; });
  }

  // The flow between units. On a real organisation dozens of units and their moves meet in one circle: the unit
  // names stand outside the circle along its radius and one that would overlap another is hidden (shown on
  // hover); a move's words are in its tooltip and on hover, not drawn on every line; the circle grows with the units.
  function flow(edges) {
    var element = document.getElementById("chart-flow");
    if (!element) return;
    var names = {}, traffic = {}, links = [];
    edges.forEach(function (e) {
      names[e.source] = e.source_name; names[e.target] = e.target_name;
      traffic[e.source] = (traffic[e.source] || 0) + e.count; traffic[e.target] = (traffic[e.target] || 0) + e.count;
      var held = e.median_hours === null || e.median_hours === undefined ? "" : "，移出前持有中位 " + e.median_hours + " 小时";
      links.push({ source: e.source, target: e.target, value: e.count,
                   tip: e.source_name + " → " + e.target_name + "：" + e.kind + " " + e.count + " 次" + held,
                   label: { show: false, formatter: e.kind + " " + e.count },
                   emphasis: { label: { show: true } },
                   lineStyle: { width: Math.min(8, 1 + Math.log(1 + e.count) * 1.5), curveness: 0.2, opacity: 0.7,
                                color: e.kind === "退单" ? "#c62828" : (e.kind === "下派" ? "#2e7d32" : "#ef8f00") } });
    });
    var ids = Object.keys(names);
    element.style.height = Math.max(560, Math.min(1100, 420 + ids.length * 10)) + "px";  // room for the names outside
    echarts.init(element).setOption({
      tooltip: { formatter: function (item) {
        return item.dataType === "edge" ? item.data.tip : item.data.name + "：流转 " + item.data.traffic + " 次";
      } },
      series: [{ type: "graph", layout: "circular", circular: { rotateLabel: true }, roam: true,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6, top: 180, bottom: 180, left: 200, right: 200,
        label: { show: true, position: "right", fontSize: 11 }, labelLayout: { hideOverlap: true },
        emphasis: { focus: "adjacency", label: { show: true } },
        data: ids.map(function (id) {
          return { id: id, name: names[id], traffic: traffic[id], symbolSize: Math.min(30, 8 + Math.sqrt(traffic[id]) * 2) };
        }),
        links: links }]
    });
  }

  function selectAll() {
    var all = document.getElementById("select-all");
    if (!all) return;
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=keys]").forEach(function (box) { box.checked = all.checked; });
    });
  }

  function live() {
    var table = document.getElementById("live-list");
    if (!table || !window.EventSource) return;
    var status = document.getElementById("live-status");
    var labels = JSON.parse(table.getAttribute("data-labels") || "{}");  // the vocabulary's Chinese words
    function label(code) { return code && labels[code] ? labels[code] : code; }
    var units = JSON.parse(table.getAttribute("data-units") || "{}");  // unit id -> 「name（id）」 (records.named)
    function unit(id) { return id ? (units[id] || id) : ""; }
    var rules = JSON.parse(table.getAttribute("data-rules") || "{}");  // rule id -> its Chinese name (vocabulary)
    function rule(id) { return id ? (rules[id] || id) : ""; }
    function about(d) {  // what a finding is about, as desk/_label.html says it (its key may name a caller's place)
      var tickets = d.ticket_ids || [];
      if (tickets.length) return "工单 " + tickets[0] + (tickets.length > 1 ? " 等" + tickets.length + "件" : "");
      return d.agent_id ? "坐席 " + d.agent_id : (d.rule_id || "");
    }
    var source = new EventSource(table.getAttribute("data-stream"));
    source.onopen = function () { status.textContent = "已连接，新的问题线索会自动出现"; };
    source.onerror = function () { status.textContent = "连接中断，正在重连…"; };
    function show(event) {
      var m = JSON.parse(event.data), d = m.data || {};
      var row = table.insertRow(1);
      row.className = "fresh";
      row.setAttribute("data-key", m.ref);
      [m.created_at, label(m.topic), about(d), rule(d.rule_id), label(d.severity), unit(d.unit_id), label(d.status)].forEach(function (text, i) {
        var cell = row.insertCell(i);
        if (i === 2) {
          var a = document.createElement("a");
          a.href = "/desk/finding?key=" + encodeURIComponent(m.ref); a.textContent = text; cell.appendChild(a);
        } else { cell.textContent = text === undefined || text === null ? "" : text; }
        if (i === 3 && d.rule_id) cell.title = d.rule_id;
      });
    }
    ["finding.added", "finding.updated", "finding.decided", "finding.contradicted"].forEach(function (topic) {
      source.addEventListener(topic, show);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { charts(); selectAll(); live(); });
})();
