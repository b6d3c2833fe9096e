"""The metric rows come out in one order on every run: scope by scope (as declared), then by the scope's id
and the period, each group's metrics in their declared order; not in the order DuckDB's threads happen to
finish the groups."""

from datetime import datetime

from rexian.analytics.config import load_config
from rexian.analytics.metrics import TICKET_METRICS, compute_metrics
from tests.analytics.builder import Log


def _log() -> Log:
    log = Log()
    for number in range(60):
        unit = f"U{number * 7 % 23:02d}"
        at = datetime(2026, 1 + number % 5, 1 + number % 27, 9)
        log.ticket(f"T{number:03d}", at=at, category=f"0{number % 4 + 1}01").dispatch(unit).sign(unit).handle(unit)
    return log


def test_the_metric_rows_are_ordered_by_scope_id_and_period_on_every_run():
    config = load_config()
    runs = [compute_metrics(_log().data(), config) for _ in range(3)]

    for metrics in runs:
        assert list(dict.fromkeys(metrics["scope"])) == ["全部", "单位", "类别"]
        for _, rows in metrics.groupby("scope", sort=False):
            groups = list(zip(rows["scope_id"], rows["period"]))
            assert groups == sorted(groups)
            assert list(rows["metric_id"][:len(TICKET_METRICS)]) == [metric.metric_id for metric in TICKET_METRICS]
        assert metrics[metrics["scope"] == "单位"]["scope_id"].nunique() == 23
    assert all(metrics.equals(runs[0]) for metrics in runs)
