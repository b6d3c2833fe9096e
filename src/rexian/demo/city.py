"""The demo city: a simulated city written into a fresh database and analysed, so that a new user sees
tickets, their event logs, the supervision findings and the report on first start.

Steps (each reported by `build_demo`): simulate (the same deterministic simulator as `rexian simulate`),
write the database (organisation, events, projections; hash chains intact), write the interchange files
with the call centre's records, run the batch rules over them, store the findings, and compare them with
the simulator's ground truth, which is kept apart from everything the analyser reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable


@dataclass
class DemoCity:
    db_url: str
    out_dir: Path
    tickets: int = 0
    events: int = 0
    intact: bool = False
    present: datetime | None = None  # the city's "now": the end of the live days after the simulated year
    today: int = 0  # tickets taken through those days (demo/today.py), in every queue
    findings: int = 0
    findings_by_family: dict[str, int] = field(default_factory=dict)
    truth_by_family: dict[str, int] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        return self.out_dir / "analysis" / "report.html"

    @property
    def data_dir(self) -> Path:
        return self.out_dir / "data"

    @property
    def truth_file(self) -> Path:
        return self.out_dir / "truth" / "truth.jsonl"


def build_demo(db_url: str, out_dir: str | Path, tickets: int, seed: int,
               say: Callable[[str], None] = lambda _line: None) -> DemoCity:
    """Simulate `tickets` tickets with `seed` into the empty database at `db_url`, carry on with a few days
    of live work up to the city's present (demo/today.py) and analyse
    the simulated year. `rexian demo` then stores `demo.present` as the database's clock (adapters/demo_clock.py)."""
    from rexian.adapters.database import make_engine, migrate
    from rexian.adapters.findings import FindingRepository
    from rexian.analytics.analyze import analyze
    from rexian.analytics.config import load_config
    from rexian.analytics.outputs import read_findings, write_all
    from rexian.bootstrap import bootstrap
    from rexian.demo.today import carry_on
    from rexian.analytics.tables import from_directories
    from rexian.service.verify import verify_database
    from rexian.simulate import Simulation, write_database, write_files

    demo = DemoCity(db_url, Path(out_dir))
    engine = make_engine(db_url)
    migrate(engine)
    say(f"模拟城市：{tickets}件工单（种子 {seed}）…")
    counts = write_database(Simulation(tickets, seed), engine)
    say("接着模拟最近几个工作日的在办工单 …")
    today = carry_on(bootstrap(db_url, clock=_no_wall_clock), seed)
    demo.present, demo.today = today.present, len(today.tickets)
    report = verify_database(engine)
    demo.tickets, demo.events, demo.intact = counts["tickets"], report.events, report.intact
    # The analyser reads the interchange files (the same data as the database, in the form `rexian analyze`
    # takes); the truth goes to a folder beside them that the analyser is never pointed at.
    write_files(Simulation(tickets, seed), demo.data_dir, truth_path=demo.truth_file, formats=("parquet",))
    say("运行监督规则 …")
    analysis = analyze(from_directories([str(demo.data_dir)]), load_config(None),
                       inputs=[str(demo.data_dir)])
    write_all(analysis, demo.out_dir / "analysis")
    FindingRepository(engine).upsert(analysis.findings, "batch", demo.present)
    demo.findings = len(analysis.findings)
    demo.findings_by_family = dict(analysis.summary["findings_by_family"])
    for item in read_findings(demo.truth_file):
        demo.truth_by_family[item["family"]] = demo.truth_by_family.get(item["family"], 0) + 1
    engine.dispose()
    return demo


def _no_wall_clock() -> datetime:
    """The demo's live days run at scripted times (same seed, same city): nothing may read the wall clock."""
    raise AssertionError("the demo city is built at scripted times, never at the wall clock's")
