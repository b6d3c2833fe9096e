"""A synthetic event log of N tickets, generated inside DuckDB (deterministic, hash-based randomness).

Each ticket: received, dispatched, 0-4 return rounds (15 % of tickets; a third of those ping-pong
between two units; half of the returns without any citizen contact), then signing, contact, progress,
closure request, approval, follow-up visit and close; 5 % stay open and 3 % sit idle for ten days.
About 10 events per ticket on average.
"""

from __future__ import annotations

UNITS = 200


def _rand(key: str) -> str:
    """A deterministic pseudo-random number in [0, 1) per ticket and key."""
    return f"((hash(i, '{key}') % 1000000) / 1000000.0)"


def generate(con, tickets: int) -> None:
    raw = con.con
    raw.execute(f"""
        CREATE OR REPLACE TABLE gen AS
        SELECT i, 'RX' || lpad(CAST(i AS VARCHAR), 9, '0') AS ticket_id,
               TIMESTAMP '2026-01-01 08:00:00' + to_seconds(CAST({_rand('t')} * 330 * 86400 AS BIGINT)) AS t0,
               'U' || CAST(CAST({_rand('u0')} * {UNITS} AS INT) AS VARCHAR) AS u0,
               'U' || CAST(CAST({_rand('u1')} * {UNITS} AS INT) AS VARCHAR) AS u1,
               'U' || CAST(CAST({_rand('u2')} * {UNITS} AS INT) AS VARCHAR) AS u2,
               'U' || CAST(CAST({_rand('u3')} * {UNITS} AS INT) AS VARCHAR) AS u3,
               'U' || CAST(CAST({_rand('u4')} * {UNITS} AS INT) AS VARCHAR) AS u4,
               CASE WHEN {_rand('r')} < 0.85 THEN 0 ELSE 1 + CAST({_rand('rn')} * 4 AS INT) END AS returns,
               {_rand('pp')} < 0.33 AS pingpong,
               {_rand('open')} < 0.05 AS still_open,
               {_rand('idle')} < 0.03 AS idle,
               'P' || CAST(CAST({_rand('place')} * {max(tickets // 4, 10)} AS INT) AS VARCHAR) AS place_id,
               'C' || CAST(CAST({_rand('cat')} * 40 AS INT) AS VARCHAR) AS category,
               'CALLER' || CAST(CAST({_rand('caller')} * {max(tickets // 2, 10)} AS INT) AS VARCHAR) AS caller_id,
               {_rand('sat')} AS sat
        FROM range({int(tickets)}) r(i)
    """).fetchall()
    # The lead unit of return round k: ping-pong tickets alternate between u0 and u1.
    unit = lambda k: f"(CASE WHEN pingpong THEN (CASE WHEN {k} % 2 = 0 THEN u0 ELSE u1 END) ELSE u{k} END)"  # noqa: E731
    slots = [
        "SELECT ticket_id, 0 AS slot, 'TicketReceived' AS action, 'agent1' AS actor, 'CENTRE' AS actor_unit, NULL AS target,"
        " json_object('place_id', place_id, 'category', category, 'caller_id', caller_id, 'content', '噪音扰民',"
        " 'kind', 'complaint') AS payload FROM gen",
        "SELECT ticket_id, 1, 'Dispatched', 'disp1', 'CENTRE', u0, json_object('lead_unit_id', u0, 'due_at',"
        " strftime(t0 + INTERVAL 5 DAY, '%Y-%m-%d %H:%M:%S'), 'sign_due_at', strftime(t0 + INTERVAL 3 HOUR,"
        " '%Y-%m-%d %H:%M:%S')) FROM gen",
    ]
    for k in range(4):
        base = 10 + k * 10
        cond = f"returns > {k}"
        u, nxt = unit(k), unit(k + 1)
        slots += [
            f"SELECT ticket_id, {base}, 'SignedFor', {u} || '-h', {u}, NULL, '{{}}' FROM gen WHERE {cond}",
            f"SELECT ticket_id, {base + 1}, 'CitizenContacted', {u} || '-h', {u}, NULL, '{{\"method\":\"phone\"}}'"
            f" FROM gen WHERE {cond} AND hash(i, 'verify{k}') % 2 = 0",
            f"SELECT ticket_id, {base + 2}, 'ReturnRequested', {u} || '-h', {u}, NULL,"
            f" json_object('request_id', 'RR{k}', 'reason', '非本单位职责') FROM gen WHERE {cond}",
            f"SELECT ticket_id, {base + 3}, 'ReturnApproved', 'rev1', 'CENTRE', {nxt},"
            f" json_object('request_id', 'RR{k}', 'new_lead_unit_id', {nxt}) FROM gen WHERE {cond}",
            f"SELECT ticket_id, {base + 4}, 'Dispatched', 'rev1', 'CENTRE', {nxt}, json_object('lead_unit_id', {nxt},"
            f" 'redispatch', true, 'due_at', strftime(t0 + INTERVAL 8 DAY, '%Y-%m-%d %H:%M:%S')) FROM gen WHERE {cond}",
        ]
    last = "(CASE returns " + " ".join(f"WHEN {k} THEN {unit(k)}" for k in range(5)) + " END)"
    done = "NOT still_open"
    slots += [
        f"SELECT ticket_id, 60, 'SignedFor', {last} || '-h', {last}, NULL, '{{}}' FROM gen",
        f"SELECT ticket_id, 61, 'CitizenContacted', {last} || '-h', {last}, NULL, '{{\"method\":\"phone\"}}' FROM gen WHERE {done}",
        f"SELECT ticket_id, 62, 'ProgressNoted', {last} || '-h', {last}, NULL, '{{\"kind\":\"site_visit\"}}' FROM gen WHERE {done}",
        f"SELECT ticket_id, 63, 'ClosureRequested', {last} || '-h', {last}, NULL, json_object('request_id', 'CR',"
        f" 'reply', '已现场处理', 'evidence', json_array(json_object('kind', 'photo')), 'contact_seqs', json_array(1))"
        f" FROM gen WHERE {done}",
        f"SELECT ticket_id, 64, 'ClosureApproved', 'rev1', 'CENTRE', {last}, json_object('request_id', 'CR') FROM gen WHERE {done}",
        f"SELECT ticket_id, 65, 'Visited', 'vis1', 'CENTRE', NULL, json_object('resolved', sat > 0.1, 'satisfaction',"
        f" CASE WHEN sat > 0.15 THEN 'satisfied' WHEN sat > 0.08 THEN 'basically_satisfied' ELSE 'unsatisfied' END,"
        f" 'method', 'phone') FROM gen WHERE {done}",
        f"SELECT ticket_id, 66, 'Closed', 'vis1', 'CENTRE', NULL, json_object('trigger', 'visit') FROM gen WHERE {done}",
    ]
    raw.execute("CREATE OR REPLACE TABLE slots AS " + " UNION ALL ".join(slots)).fetchall()
    raw.execute("""
        CREATE OR REPLACE TABLE raw_events AS
        SELECT s.ticket_id,
               CAST(row_number() OVER (PARTITION BY s.ticket_id ORDER BY s.slot) AS BIGINT) AS seq,
               g.t0 + to_seconds(CAST(s.slot * 1200 * (1 + (hash(s.ticket_id, s.slot) % 4))
                                      + CASE WHEN g.idle AND s.slot >= 60 THEN 10 * 86400 ELSE 0 END AS BIGINT)) AS "at",
               s.action, s.actor AS actor_id, s.actor_unit AS actor_unit_id, s.target AS target_unit_id,
               CAST(s.payload AS VARCHAR) AS payload, 'bench' AS source
        FROM slots s JOIN gen g USING (ticket_id)
    """).fetchall()
    raw.execute("DROP TABLE slots").fetchall()


def connect(threads: int = 2, memory_limit: str = "3GB"):
    from rexian.analytics.tables import connect as analytics_connect

    con = analytics_connect()
    con.con.execute(f"SET threads = {threads}").fetchall()
    con.con.execute(f"SET memory_limit = '{memory_limit}'").fetchall()
    return con
