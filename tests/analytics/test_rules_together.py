"""`Data.each`: the hook through which an engine runs the relational rules' queries together (Spark runs them
at once from a thread pool). Whatever order the queries finish in, `run_rules` gives the same findings in
the same order; the text rules stay outside the hook."""

import dataclasses

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rules
from rexian.analytics.registry import all_rules
from rexian.analytics.tables import Data, from_directories
from rexian.simulate import Simulation
from rexian.simulate.output import write_files


def _key(finding):
    return finding["finding_key"]


def _comparable(finding):
    """Texts an aggregate collects come in no fixed order on either engine (as in tests/spark)."""
    return {**finding, "evidence": {**finding["evidence"], "texts": sorted(finding["evidence"]["texts"])}}


class BackwardsData(Data):
    """Runs the calls last to first, as a pool might finish them, and notes how many it was given."""

    handed: list[int] = []

    def each(self, calls):
        type(self).handed.append(len(calls))
        return list(reversed([call() for call in reversed(calls)]))


def test_rules_run_together_in_any_order_give_the_findings_of_one_by_one_in_registry_order(tmp_path):
    write_files(Simulation(120, 7), tmp_path, formats=("parquet",))
    data = from_directories([tmp_path])
    config = load_config()
    # Text rules asked for between relational ones, and a rule whose rows come in no fixed order.
    only = ["PR-IDENTICAL", "BP-RETURNS", "DL-OVERDUE", "PR-BOILERPLATE", "FC-UNRESOLVED", "US-FAKE-BUSY",
            "DS-UNSATISFIED", "BP-NO-VERIFY", "FC-REJECTED-CLOSURES"]
    one_by_one = [_comparable(f.as_dict()) for f in run_rules(data, config, only=only)]

    backwards = BackwardsData(**{f.name: getattr(data, f.name) for f in dataclasses.fields(Data)})
    together = [_comparable(f.as_dict()) for f in run_rules(backwards, config, only=only)]

    # Rules in the order asked for; within a rule the engine's row order (DuckDB's is not fixed), so by key.
    assert [f["rule_id"] for f in together] == [f["rule_id"] for f in one_by_one]
    assert sorted(together, key=_key) == sorted(one_by_one, key=_key)
    fired = {f["rule_id"] for f in one_by_one}
    assert {"PR-BOILERPLATE", "US-FAKE-BUSY"} <= fired and len(fired) >= 6, fired
    assert BackwardsData.handed == [sum(1 for rule_id in only if all_rules()[rule_id].kind != "text")]
