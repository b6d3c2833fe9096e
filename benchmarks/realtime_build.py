"""Benchmark: building the real-time evaluator, compiled (cold) and from the kept statements (warm) (issue 16).

    PYTHONPATH=src python benchmarks/realtime_build.py --runs 3
    PYTHONPATH=src python benchmarks/realtime_build.py --before DIR/src --runs 3   # and an earlier commit's code

Each measure is a fresh Python process that imports the evaluator and builds it, as a server or
`rexian supervise` does at start (the rules' declarations read first from the catalogue kept beside the
compiled statements, as the supervision does): the CPU seconds of the build itself (`RealtimeEvaluator(...)`,
the text models' loading included), with the import of the evaluator's module, and of the whole process.
"cold": an empty compiled-statement cache (the setting `analysis_cache_dir`); "warm": the cache a cold build
left. With `--before SRC`, the build of the code of SRC
(first on PYTHONPATH; it has no such cache), alternated with the warm builds so that both see the same load.
The least CPU of the runs is shown (a shared machine only ever adds).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD = r"""
import inspect, json, resource, sys, time
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
from rexian.analytics.config import load_config
try:  # as the server's supervision does first (this code): the rules read from the kept catalogue
    from rexian.analytics.realtime_cache import read_rules_from
    read_rules_from(sys.argv[1])
except ImportError:  # earlier code
    pass
imported = cpu()
from rexian.analytics.realtime import RealtimeEvaluator
started, wall = cpu(), time.perf_counter()
kept = {"cache_dir": sys.argv[1]} if "cache_dir" in inspect.signature(RealtimeEvaluator).parameters else {}
RealtimeEvaluator(load_config(), **kept)
print(json.dumps({"build": cpu() - started, "with_import": cpu() - imported, "build_wall": time.perf_counter() - wall,
                  "ibis": "ibis" in sys.modules, "sqlglot": "sqlglot" in sys.modules}))
"""


def built(env: dict[str, str], cache: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", BUILD, str(cache)], check=True, env=env, capture_output=True,
                         text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.strip().splitlines()[-1])
    result["process"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    result["peak_mb"] = after.ru_maxrss / 1024  # the largest child so far (Linux: KB)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="the src directory of the code to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rexian-rtbuild-") as name:
        cache = Path(name) / "cache"
        env = dict(os.environ)
        before_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(args.before.resolve()) if args.before
                                                                          else "", env.get("PYTHONPATH", "")]))}
        rows: dict[str, list[dict]] = {"now, cold (empty cache)": [built(env, cache)], "now, warm": []}
        if args.before:
            rows[f"before ({args.before})"[:36]] = []
        for _ in range(args.runs):
            if args.before:
                rows[f"before ({args.before})"[:36]].append(built(before_env, Path(name) / "unused"))
            rows["now, warm"].append(built(env, cache))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores, shared machine)")
    print(f"{'evaluator build (least CPU of the runs)':<40}{'build CPU s':>12}{'wall s':>8}{'+ import':>10}"
          f"{'process CPU s':>15}{'Ibis':>6}{'sqlglot':>9}")
    for label, runs in rows.items():
        least = min(runs, key=lambda run: run["build"])
        print(f"{label:<40}{least['build']:>12.2f}{least['build_wall']:>8.2f}{least['with_import']:>10.2f}"
              f"{min(r['process'] for r in runs):>15.2f}"
              f"{'yes' if least['ibis'] else 'no':>6}{'yes' if least['sqlglot'] else 'no':>9}")


if __name__ == "__main__":
    main()
