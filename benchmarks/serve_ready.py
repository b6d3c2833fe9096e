"""Benchmark: how soon `rexian serve` answers, and how soon its real-time checker is ready (issue 16).

    PYTHONPATH=src python benchmarks/serve_ready.py                        # cold, then warm runs of this code
    PYTHONPATH=src python benchmarks/serve_ready.py --before DIR/src --runs 3   # and an earlier commit's code

A fresh SQLite database for each start, with the demo organisation and one `rexian do intake` left waiting
(the real-time rules on); then `rexian serve` is started, as a user starts it, and timed until:
- "answers": GET /login returns 200;
- "ready": the waiting intake is judged — the server's supervision loop has built its evaluator and moved
  the stored mark past the intake's event.
For each, the wall-clock seconds from the launch and the server process's CPU seconds (user + system, read
from /proc) at that moment. "cold": an empty compiled-statement cache (setting `analysis_cache_dir`);
"warm": the cache the cold run left. With `--before SRC`, the same with the code of SRC first on PYTHONPATH
(its own cache directory), alternated with this code's warm runs so that both see the same load.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

INTAKE = ["do", "intake", "--as", "A01", "content=东华门大街路灯坏了好几盏", "category=0101"]
MARK = "realtime:events"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (and of its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _judged(db: Path) -> bool:
    """The stored real-time mark has reached the newest event (the waiting intake is judged)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as con:
            mark = con.execute("SELECT value FROM counters WHERE name = ?", (MARK,)).fetchone()
            newest = con.execute("SELECT max(id) FROM events").fetchone()[0]
    except sqlite3.Error:
        return False
    return mark is not None and newest is not None and mark[0] >= newest


def _database(folder: Path, env: dict[str, str]) -> Path:
    from rexian.demo.scripted import ORG_FILE

    db = folder / "serve.db"
    cli = [sys.executable, "-m", "rexian"]
    env = {**env, "REXIAN_DB": f"sqlite:///{db}"}
    subprocess.run(cli + ["org", "load", str(ORG_FILE)], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(cli + INTAKE, check=True, env=env, stdout=subprocess.DEVNULL)
    return db


def started(folder: Path, env: dict[str, str], timeout: float) -> dict[str, float]:
    """One server start on a fresh database: seconds and CPU seconds to the first answer and to ready."""
    run = Path(tempfile.mkdtemp(dir=folder))
    db = _database(run, env)
    port = _free_port()
    env = {**env, "REXIAN_DB": f"sqlite:///{db}"}
    launched = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "rexian", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict[str, float] = {}
    try:
        while "ready" not in out or "answers" not in out:
            if time.perf_counter() - launched > timeout:
                raise TimeoutError(f"the server was not ready within {timeout} s")
            if server.poll() is not None:
                raise RuntimeError("the server stopped")
            if "answers" not in out and _answers(port):
                out["answers"], out["answers_cpu"] = time.perf_counter() - launched, _cpu(server.pid)
            if "ready" not in out and _judged(db):
                out["ready"], out["ready_cpu"] = time.perf_counter() - launched, _cpu(server.pid)
            time.sleep(0.05)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="warm runs of each code")
    parser.add_argument("--before", type=Path, help="the src directory of the code to compare with")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rexian-serve-") as name:
        folder = Path(name)
        base = {**os.environ, "REXIAN_REALTIME_RULES": "true"}
        now_env = {**base, "REXIAN_ANALYSIS_CACHE_DIR": str(folder / "cache-now")}
        rows: dict[str, list[dict[str, float]]] = {"now, cold cache": [], "now, warm": []}
        before_env = None
        if args.before:
            before_env = {**base, "REXIAN_ANALYSIS_CACHE_DIR": str(folder / "cache-before"),
                          "PYTHONPATH": os.pathsep.join(filter(None, [str(args.before.resolve()),
                                                                       base.get("PYTHONPATH", "")]))}
            rows[f"before ({args.before})"[:40]] = []
        rows["now, cold cache"].append(started(folder, now_env, args.timeout))
        for _ in range(args.runs):
            if before_env is not None:
                rows[f"before ({args.before})"[:40]].append(started(folder, before_env, args.timeout))
            rows["now, warm"].append(started(folder, now_env, args.timeout))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores, shared machine)")
    print(f"{'server start (median of runs)':<42}{'answers s':>10}{'CPU s':>8}{'ready s':>10}{'CPU s':>8}"
          f"{'least CPU':>10}")
    for label, runs in rows.items():
        if not runs:
            continue
        print(f"{label:<42}{statistics.median(r['answers'] for r in runs):>10.2f}"
              f"{statistics.median(r['answers_cpu'] for r in runs):>8.2f}{statistics.median(r['ready'] for r in runs):>10.2f}"
              f"{statistics.median(r['ready_cpu'] for r in runs):>8.2f}{min(r['ready_cpu'] for r in runs):>10.2f}")


if __name__ == "__main__":
    main()
