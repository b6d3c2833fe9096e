"""Speed of the text layer: routing throughput, intake-time same-matter lookup, batch linking.

    PYTHONPATH=src python benchmarks/text_speed.py [--tickets 100000] [--lookups 2000]   (--tickets 0: routing only)
        [--before-src OLD/src]   (batch linking also run by another checkout's code, same tickets, same run)
        [--link-only] [--link-processes 1 2]  (batch linking alone; once per count of linking processes)
        [--year-of 1000000]      (batch linking of the first --tickets tickets of a year of that many: the
                                  per-ticket cost at that density, e.g. a 1M-ticket city's, in a short run)

Prints a table. Targets (issue 6): routing >= 2,000 texts/s; lookup p95 <= 50 ms against 1M historical
tickets; batch linking of 1M tickets <= 10 min on 2 cores (issue 16: <= 6 min). Each measured figure sits next to a baseline
from the same run (routing: the same model through scikit-learn's pipeline; lookup: a linear scan over
the last 2,000 tickets) so the numbers can be read on any machine.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# Batch linking in a process of its own (its CPU seconds are its own): argv = tickets, output pickle,
# lookups, year of, processes that link (0: the code's default).
LINK_CHILD = """
import json, pickle, resource, sys, time
from rexian.text.matter_index import link_batch
from rexian.text.synthetic import generate_tickets
def main():
    n = int(sys.argv[1])
    history = generate_tickets(max(n + int(sys.argv[3]), int(sys.argv[4])), seed=11)[:n]
    started, cpu = time.perf_counter(), time.process_time()
    processes = int(sys.argv[5]) or None
    groups, pairs = (link_batch(history, with_pairs=True) if processes is None
                     else link_batch(history, with_pairs=True, processes=processes))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[2], "wb") as handle:
        pickle.dump((groups, pairs), handle)
    print(json.dumps({"wall": wall, "cpu": cpu, "children_cpu": children.ru_utime + children.ru_stime,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_peak_mb": children.ru_maxrss / 1024}))
if __name__ == "__main__":
    main()
"""


def link_in_child(src: Path, n_tickets: int, n_lookups: int, out: Path, year_of: int = 0, processes: int = 0) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    script = out.with_suffix(".py")
    script.write_text(LINK_CHILD, encoding="utf-8")
    output = subprocess.run([sys.executable, str(script), str(n_tickets), str(out), str(n_lookups), str(year_of),
                             str(processes)], env=env,
                            check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.splitlines()[-1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_routing(texts: list[str]) -> list[tuple[str, str, str]]:
    """Routing throughput (category, top 3) of the packaged model through `Router.suggest_many` (the fast
    TF-IDF transform), next to the same model through scikit-learn's own pipeline (`predict_proba`, the
    path before the fast transform) on the same texts in the same run."""
    from rexian.text.routing import default_router, routing_text

    router = default_router()
    pipeline = router.pipelines["category"]
    documents = [routing_text(None, text) for text in texts]
    router.suggest_many(documents[:50])  # warm up (OpenCC, vocabulary, the fast transform's tables)
    pipeline.predict_proba(documents[:50])
    rows = []
    real = _real_messages()
    for name, batch in (("hotline-length texts (simulated)", documents), (f"{len(real)} real Teddy letters", real)):
        if not batch:
            continue
        started = time.perf_counter()
        pipeline.predict_proba(batch)
        before = len(batch) / (time.perf_counter() - started)
        started = time.perf_counter()
        router.suggest_many(batch, k=3)
        after = len(batch) / (time.perf_counter() - started)
        rows.append((f"routing of {name}, texts/s", f"{after:,.0f}", ">= 2,000"))
        rows.append(("  before: scikit-learn pipeline (predict_proba)", f"{before:,.0f}", f"(x{after / before:.2f})"))
    return rows


def _real_messages() -> list[str]:
    from rexian.text.evaluation import real_data_dir

    base = real_data_dir()
    if base is None:
        return []
    import pandas as pd

    from rexian.text.routing import routing_text

    frame = pd.read_excel(base / "teddy2020" / "messages_with_votes.xlsx")
    return [routing_text(str(t), str(c)) for t, c in zip(frame["留言主题"], frame["留言详情"])]


def bench_same_matter(n_tickets: int, n_lookups: int, before_src: Path | None = None,
                      year_of: int = 0, link_processes: tuple[int, ...] = (0,),
                      link_only: bool = False) -> list[tuple[str, str, str]]:
    from rexian.text.matter_index import SameMatterIndex, TermWeights
    from rexian.text.matter_pairs import features, judge
    from rexian.text.synthetic import generate_tickets

    rows = []
    started = time.perf_counter()
    tickets = generate_tickets(n_tickets + n_lookups, seed=11)
    history, queries = tickets[:n_tickets], tickets[n_tickets:]
    rows.append((f"generate {len(tickets):,} synthetic tickets, s", f"{time.perf_counter() - started:.1f}", ""))

    if link_only:
        del tickets, queries
        return rows + _bench_linking(history, n_tickets, n_lookups, before_src, year_of, link_processes)

    started = time.perf_counter()
    weights = TermWeights.fit(history)
    index = SameMatterIndex(weights)
    for ticket in history:
        index.add(ticket)
    build = time.perf_counter() - started
    rows.append((f"build index of {n_tickets:,} tickets, s", f"{build:.1f}", ""))

    latencies = []
    found = 0
    for ticket in queries:
        ticket = dict(ticket, received_at=history[-1]["received_at"] + timedelta(hours=1))
        started = time.perf_counter()
        matches = index.lookup(ticket)
        latencies.append((time.perf_counter() - started) * 1000)
        found += bool(matches)
    rows.append((f"intake lookup vs {n_tickets:,}: p50 / p95 / max, ms",
                 f"{statistics.median(latencies):.2f} / {_percentile(latencies, 0.95):.2f} / {max(latencies):.1f}",
                 "p95 <= 50 (at 1M)"))
    rows.append(("  lookups that found an earlier same-matter ticket", f"{found}/{len(queries)}", ""))

    recent = [features(ticket, weight=weights) for ticket in history[-2000:]]
    scan = []
    for ticket in queries[:200]:
        query = features(ticket, weight=weights)
        started = time.perf_counter()
        for other in recent:
            judge(query, other)
        scan.append((time.perf_counter() - started) * 1000)
    rows.append(("  baseline: linear scan of the last 2,000 tickets p95, ms", f"{_percentile(scan, 0.95):.1f}",
                 f"(x{n_tickets / 2000:,.0f} for all)"))

    del index, recent, tickets, queries
    return rows + _bench_linking(history, n_tickets, n_lookups, before_src, year_of, link_processes)


def _bench_linking(history: list, n_tickets: int, n_lookups: int, before_src: Path | None, year_of: int,
                   link_processes: tuple[int, ...]) -> list[tuple[str, str, str]]:
    """Batch linking of the first n_tickets tickets in a child process per code and process count."""
    from rexian.text.evaluation import pair_precision_recall
    from rexian.text.synthetic import generate_tickets

    rows: list[tuple[str, str, str]] = []
    truth: dict = {}
    linked = history if n_tickets + n_lookups >= year_of else generate_tickets(year_of, seed=11)[:n_tickets]
    for ticket in linked:
        truth.setdefault(ticket["matter_id"], []).append(ticket["ticket_id"])
    del linked, history
    here = Path(__file__).resolve().parent.parent / "src"
    # (label, code, linking processes): this code once per --link-processes, then the before code.
    codes = [(f"now, {count or 'default'} processes" if len(link_processes) > 1 else "now", here, count)
             for count in link_processes] + ([("before", before_src, 0)] if before_src else [])
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for number, (label, src, count) in enumerate(codes):
            out = Path(folder) / f"run{number}.pkl"
            measured = link_in_child(src, n_tickets, n_lookups, out, year_of, count)
            with open(out, "rb") as handle:
                results[label] = pickle.load(handle)
            batch = measured["wall"]
            density = f" (the first of a {year_of:,}-ticket year)" if year_of > n_tickets + n_lookups else ""
            name = (f"batch linking of {n_tickets:,} tickets{density}, {label}" if label.startswith("now")
                    else "  before (--before-src), same tickets")
            rows.append((f"{name}: wall / CPU / workers' CPU s",
                         f"{batch:.1f} / {measured['cpu']:.1f} / {measured['children_cpu']:.1f}",
                         "<= 360 at 1M" if label.startswith("now") else ""))
            if label.startswith("now"):
                rows.append(("  extrapolated to 1M tickets (linear), min", f"{batch * 1_000_000 / n_tickets / 60:.1f}", ""))
            precision, recall, _, _ = pair_precision_recall(results[label][0], truth.values())
            rows.append((f"  same-matter pairs vs truth ({label}): precision / recall", f"{precision:.3f} / {recall:.3f}",
                         f"peak {measured['peak_mb']:,.0f} MB, largest worker {measured['worker_peak_mb']:,.0f} MB"))
    first = next(iter(results.values()))
    for label, result in list(results.items())[1:]:
        rows.append((f"  groups and linked pairs (scores, reasons) identical: {label}", str(result == first), ""))
    rows.append(("load average at the end", f"{os.getloadavg()[0]:.1f}", ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="historical tickets in the index (0: routing only)")
    parser.add_argument("--lookups", type=int, default=2_000, help="intake-time lookups to time")
    parser.add_argument("--texts", type=int, default=20_000, help="texts to route")
    parser.add_argument("--before-src", type=Path, help="another checkout's src: batch linking measured with it too")
    parser.add_argument("--link-processes", type=int, nargs="+", default=[0],
                        help="processes that link (0: the code's default, the setting text_link_processes); several "
                             "values link the same tickets once with each and compare the results")
    parser.add_argument("--link-only", action="store_true",
                        help="only the batch linking (no intake index, no lookups, no routing)")
    parser.add_argument("--year-of", type=int, default=0,
                        help="link the first --tickets tickets of a generated year of this many (its density)")
    args = parser.parse_args()

    from rexian.text.synthetic import generate_tickets

    rng = random.Random(3)
    texts = [ticket["title"] + "。" + ticket["content"] for ticket in generate_tickets(args.texts, seed=5)]
    rng.shuffle(texts)
    rows = ([] if args.link_only else bench_routing(texts)) + (
        bench_same_matter(args.tickets, args.lookups, args.before_src, args.year_of, tuple(args.link_processes),
                          args.link_only) if args.tickets else [])
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'value':>22}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>22}  {target}")


if __name__ == "__main__":
    main()
