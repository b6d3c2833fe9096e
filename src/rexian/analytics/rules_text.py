"""Rules over words, through the text port: perfunctory replies (敷衍塞责/复读机), hostile attitude
(态度恶劣), graft (吃拿卡要), embezzlement (侵占/贪污), improper banquets (违规吃喝).

The candidate rows are selected relationally (Ibis), then each text is judged by the port in Python.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pandas as pd

from rexian.analytics.registry import rule
from rexian.analytics.text_port import TextPort, reply_scores_titled

EXCERPT = 120

# Real-time triggers. The complaint a reply is judged against is set at intake (seq 1), before any reply:
# replies trigger. Misconduct words are read in the complaint, the visit note and the dispatch note.
REPLY = ("Replied", "ClosureRequested")
WORDS = ("TicketReceived", "Visited", "Dispatched")


def replies(data) -> pd.DataFrame:
    """Every reply a unit gave (Replied, and the reply of each ClosureRequested), with the complaint."""
    return data.rows("replies", _replies_query)


def reply_rows(data) -> list:
    """The same rows as named tuples (`Data.records`), for the rules that judge them one by one."""
    return data.records("replies", _replies_query)


def _replies_query(data):
    import ibis  # here, not at the top: a run that remembers this query's SQL does not import Ibis
    from ibis import _

    ev, tk = data.ev, data.tk
    r = ev.filter(_.action.isin(("Replied", "ClosureRequested")) & _.reply.notnull()).select(
        "ticket_id", "seq", "reply", unit_id="actor_unit_id", person_id="actor_id")
    t = tk.select(tt="ticket_id", content=ibis.coalesce(_.content, _.title, ""), title="title", category="category",
                  place_key="place_key")
    return r.left_join(t, r.ticket_id == t.tt).drop("tt")


def _reply_scores(text: TextPort, row):
    title = row.title if isinstance(row.title, str) and row.title else None
    return reply_scores_titled(text, row.reply, row.content, [], title)


def _first_per_ticket(rows: list[dict]) -> list[dict]:
    """Per ticket (in ticket order), each column's first value that is not missing in `seq` order — what
    pandas' `groupby("ticket_id").first()` gives — without `seq`. Plain Python: real time judges one ticket
    per event, mostly with one row or none, where a frame's fixed cost was most of the rule's."""
    first: dict = {}
    for row in sorted(rows, key=lambda row: (row["ticket_id"], row["seq"])):
        kept = first.setdefault(row["ticket_id"], {})
        for column, value in row.items():
            if column != "seq" and _missing(kept.get(column)) and not _missing(value):
                kept[column] = value
    columns = [column for column in (rows[0] if rows else ()) if column != "seq"]
    return [{column: kept.get(column) for column in columns} for kept in first.values()]


def _missing(value) -> bool:
    """Missing as pandas counts it for `first`: None or a float NaN (a list, even empty, is a value)."""
    return value is None or (isinstance(value, float) and value != value)


@rule("PR-BOILERPLATE", triggers=REPLY, truth=("boilerplate_reply",), kind="text")
def pr_boilerplate(data, p, text: TextPort):
    """A reply made mostly of stock phrases ("您的诉求已记录，请耐心等待"): boilerplate share at least
    `min_boilerplate`, or fewer than `min_chars` meaningful characters.

    Basis: MISSION.md 敷衍塞责 ("replies that are boilerplate"); a reply must say what was done, when and
    by whom. Responsible: the person who wrote the reply and their unit. Text port: `reply_scores`.
    """
    rows = []
    for r in reply_rows(data):
        scores = _reply_scores(text, r)
        length = len(text.normalise(r.reply))
        if scores.boilerplate >= p["min_boilerplate"] or length < p["min_chars"]:
            rows.append({"ticket_id": r.ticket_id, "seq": r.seq, "unit_id": r.unit_id, "person_id": r.person_id,
                         "seqs": [r.seq], "texts": [r.reply[:EXCERPT]], "boilerplate": scores.boilerplate,
                         "chars": length, "explanation": scores.explanation})
    return _first_per_ticket(rows)


@rule("PR-IDENTICAL", batch_only="跨工单、跨单位的相同答复：需要全部答复文本", truth=("boilerplate_reply",), kind="text")
def pr_identical(data, p, text: TextPort):
    """The same reply text (after normalising punctuation, spaces and numbers), at least `min_chars` long,
    given on tickets about `min_tickets` or more different matters (a matter: place and category). One
    detailed reply sent to several tickets of the same matter (duplicates closed together) is not a
    repeated non-answer, so tickets of one matter count once.

    Basis: MISSION.md 复读机 ("identical across different matters"). Responsible: the person who wrote it
    most often and their unit. One finding per repeated text; the key holds a hash of the text.
    """
    frame = replies(data)
    if frame.empty:
        return frame
    frame["norm"] = frame["reply"].map(text.normalise)
    frame = frame[frame["norm"].str.len() >= p["min_chars"]]
    # Most texts are given on one matter only: count the matters of every text at once, and look closer only
    # at the texts that reach `min_tickets`.
    frame["matter"] = frame["place_key"].fillna("") + "|" + frame["category"].fillna("")
    matters_per_text = frame.groupby("norm")["matter"].nunique()  # a ticket has one matter
    frame = frame[frame["norm"].isin(matters_per_text.index[matters_per_text >= p["min_tickets"]])]
    # In event order, so that the person named on a tie is the same on every run (the rows come from a
    # join whose order DuckDB does not fix).
    frame = frame.sort_values(["ticket_id", "seq"], kind="stable")
    rows = []
    for norm, group in frame.groupby("norm"):
        tickets = group.drop_duplicates("ticket_id")
        matters = (tickets["place_key"].fillna("") + "|" + tickets["category"].fillna("")).nunique()
        if matters < p["min_tickets"]:
            continue
        person, _count = Counter(group["person_id"].fillna("")).most_common(1)[0]
        unit = group[group["person_id"].fillna("") == person]["unit_id"].iloc[0]
        rows.append({"ticket_ids": sorted(tickets["ticket_id"]), "unit_id": unit, "person_id": person or None,
                     "subject": hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12],
                     "texts": [group["reply"].iloc[0][:EXCERPT]], "tickets": len(tickets), "matters": matters,
                     "severity": "high" if matters >= 2 * p["min_tickets"] else "medium"})
    return pd.DataFrame(rows)


@rule("PR-OFF-TOPIC", triggers=REPLY, truth=("off_topic_reply",), kind="text")
def pr_off_topic(data, p, text: TextPort):
    """A substantial reply (`min_chars` or more) to a substantial complaint (`min_complaint_chars`) that
    shares almost nothing with it: relevance at most `max_relevance`. Boilerplate replies are left to
    PR-BOILERPLATE.

    Basis: MISSION.md 敷衍塞责 ("do not answer the question (答非所问)"). Responsible: the person who wrote
    the reply and their unit. Text port: `reply_scores`.
    """
    boiler = 0.6
    rows = []
    for r in reply_rows(data):
        if len(text.normalise(r.reply)) < p["min_chars"] or len(text.normalise(r.content)) < p["min_complaint_chars"]:
            continue
        scores = _reply_scores(text, r)
        if scores.relevance <= p["max_relevance"] and scores.boilerplate < boiler:
            rows.append({"ticket_id": r.ticket_id, "seq": r.seq, "unit_id": r.unit_id, "person_id": r.person_id,
                         "seqs": [r.seq], "texts": [r.content[:EXCERPT], r.reply[:EXCERPT]],
                         "relevance": scores.relevance, "explanation": scores.explanation})
    return _first_per_ticket(rows)


def citizen_words(data) -> list:
    """What citizens said: the complaint at intake and the notes of follow-up visits, with the ticket's
    lead unit and the person who last handled it for that unit; as named tuples (`Data.records`)."""
    return data.records("citizen_words", _citizen_words_query)


def _citizen_words_query(data):
    import ibis  # as in `_replies_query`
    from ibis import _

    ev, tk = data.ev, data.tk
    words = ev.filter((_.action == "TicketReceived") | ((_.action == "Visited") & _.note.notnull())).select(
        "ticket_id", "seq", "action", words=ibis.coalesce(_.content, "").concat(" ", ibis.coalesce(_.title, ""),
                                                                               " ", ibis.coalesce(_.note, "")))
    leads = tk.select(tt="ticket_id", unit_id="lead_unit_id")
    return words.left_join(leads, words.ticket_id == leads.tt).drop("tt")


def _misconduct_reports(data, text: TextPort) -> list:
    """The citizens' words that report any misconduct, each with its reports: read and judged once per run
    (per refill in real time), whichever of the misconduct rules asks first; each rule then keeps its family."""
    def build():
        # Nothing said (an export without complaint texts): nothing to read, and the models stay unloaded.
        judged = ((r, list(text.detect_misconduct(r.words))) for r in citizen_words(data)
                  if r.words.strip())
        return text, [(r, hits) for r, hits in judged if hits]

    return data.shared(("misconduct_reports", id(text)), build)[1]  # the port is kept with its answers


def _misconduct_rule(data, p, text: TextPort, family: str) -> pd.DataFrame:
    """One finding per ticket: the strongest report of `family` in what the citizen said. The evidence
    names the accused as the text does (body, post, name: a suspect for the officer to verify, with a
    confidence), the act, what was said about it and the sentence. Leads — suspicions, questions, reports
    whose doer is unclear — are left out unless `include_leads` (then at severity low, kind 线索)."""
    rows = []
    for r, hits in _misconduct_reports(data, text):
        for hit in hits:
            kind = getattr(hit, "kind", "finding")
            if hit.family != family:
                continue
            if kind == "finding" and hit.score >= p["min_score"]:
                severity = "high" if hit.score >= 2 * p["min_score"] else "medium"
            elif kind == "lead" and p.get("include_leads") and hit.score >= p.get("lead_min_score", 0.5):
                severity = "low"
            else:
                continue
            doer = getattr(hit, "doer", None) or {}
            rows.append({"ticket_id": r.ticket_id, "seq": r.seq, "unit_id": r.unit_id, "seqs": [r.seq],
                         "texts": [getattr(hit, "sentence", "") or hit.excerpt], "score": hit.score,
                         "source_action": r.action, "kind": "finding" if kind == "finding" else "线索",
                         "act": getattr(hit, "act", ""), "assertion": getattr(hit, "assertion", "report"),
                         "accused": _accused(doer), "accused_body": doer.get("body"), "accused_post": doer.get("post"),
                         "accused_name": doer.get("name"), "accused_status": doer.get("status_zh"),
                         "accused_confidence": doer.get("confidence"), "excerpt": hit.excerpt,
                         "explanation": hit.explanation, "severity": severity})
    if not rows:  # as for `_first_per_ticket`: no frame work for nothing
        return []
    frame = pd.DataFrame(rows)
    if len(frame):
        # Findings before leads; then the report naming the accused best (a title 「执法人员索要好处费」 repeats
        # the complaint 「执法人员黄某…」 without the name); then the strongest.
        frame["named"] = (frame["accused_name"].notna() * 2 + (frame["accused_body"].notna()
                                                                | frame["accused_post"].notna()))
        frame = frame.sort_values(["ticket_id", "severity", "named", "score"], ascending=[True, True, False, False],
                                  key=lambda c: c.map({"high": 0, "medium": 1, "low": 2}) if c.name == "severity" else c,
                                  kind="mergesort")
        frame = frame.drop_duplicates("ticket_id", keep="first").drop(columns=["named"])  # whole rows, not mixed
    return frame.drop(columns=["seq"], errors="ignore")


def _accused(doer: dict) -> str | None:
    """「A2区计生办 工作人员 龙雪娥」: the suspect as named, for the officer to verify."""
    parts = [doer.get(key) for key in ("body", "post", "name") if doer.get(key)]
    return " ".join(parts) if parts else None


@rule("HA-HOSTILE", triggers=WORDS, truth=("hostile_report",), kind="text")
def ha_hostile(data, p, text: TextPort):
    """A citizen reports staff who scolded, mocked, threatened or stonewalled them (in the complaint or at
    the follow-up visit); misconduct score at least `min_score`.

    Basis: MISSION.md 态度恶劣/冷硬横推 (threats and intimidation included). Responsible: the ticket's lead
    unit; the accused as the text names them (body, post, name, with a confidence) is in the evidence for
    the reviewer to verify. Text port: `detect_misconduct`.
    """
    return _misconduct_rule(data, p, text, "hostile_attitude")


@rule("GR-GRAFT", triggers=WORDS, truth=("graft_report",), kind="text", severity="high")
def gr_graft(data, p, text: TextPort):
    """A citizen reports a demand for money, gifts or favours in exchange for service (红包, 好处费 …);
    score at least `min_score`.

    Basis: MISSION.md 吃拿卡要 (bribery included: 行贿受贿, 回扣, 打点). Responsible: the ticket's lead unit; the
    accused as the text names them is in the evidence. Text port: `detect_misconduct`.
    """
    return _misconduct_rule(data, p, text, "graft")


@rule("EM-EMBEZZLE", triggers=WORDS, kind="text", severity="high",
      no_truth_because="the simulator injects no embezzlement; measured on labelled real letters (docs/text.md)")
def em_embezzle(data, p, text: TextPort):
    """A citizen reports a public servant embezzling or misappropriating public or collective money
    (贪污, 侵吞, 挪用, 截留/克扣补偿款, 中饱私囊 …); score at least `min_score`. A body alone
    (「教育局克扣工资」) is a lead: who pocketed it is to verify.

    Basis: issue 18 (inspection officers keep 侵占/贪污 apart from 吃拿卡要). Responsible: the ticket's lead
    unit; the accused as named is in the evidence. Text port: `detect_misconduct`.
    """
    return _misconduct_rule(data, p, text, "embezzlement")


@rule("IB-BANQUET", triggers=WORDS, truth=("banquet_report",), kind="text", severity="high")
def ib_banquet(data, p, text: TextPort):
    """A citizen reports officials accepting meals or gifts (宴请, 吃请, 饭局 …); score at least
    `min_score`.

    Basis: MISSION.md 违规吃喝 (e.g. a community secretary dined by property companies). Responsible: the
    ticket's lead unit. Text port: `detect_misconduct`.
    """
    return _misconduct_rule(data, p, text, "improper_banquet")
