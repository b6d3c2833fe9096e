"""The rule registry and the one conversion from a rule's result rows to findings (docs/interchange.md).

A rule is a pure function `(data, params) -> table`. Relational rules return an Ibis expression; text
rules (which need the text port) return a pandas DataFrame or a list of row dicts (no frame for the few rows
real time sees). Either way the result has conventional columns:

- `ticket_id` (one ticket) or `ticket_ids` (a list), or `agent_id` for call-centre findings;
- `unit_id`, `person_id`: the responsible unit and individual;
- `seqs`: the sequence numbers of the evidence events of `ticket_id` (for `ticket_ids`, seq 1 of each);
- `subject` (optional): what the finding is about, for the stable `finding_key` (default: the ticket/agent);
- `severity` (optional): high / medium / low (default: the rule's);
- `texts` (optional): text excerpts;
- every other column is a computed value, reported in `evidence.values`.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import warnings
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from rexian.domain import records, vocabulary

# Labels come from the one vocabulary (rexian.domain.vocabulary); these names are kept for the readers.
FAMILIES: tuple[str, ...] = tuple(vocabulary.FAMILIES)
FAMILY_NAMES_ZH = vocabulary.FAMILIES
SEVERITY_ZH = vocabulary.SEVERITIES
CONVENTIONAL = {"ticket_id", "ticket_ids", "agent_id", "unit_id", "person_id", "seqs", "subject", "severity", "texts"}


@dataclass(frozen=True)
class Rule:
    """Everything about a rule, said once on its declaration (`@rule` in rules_*.py); the real-time lists,
    the evaluation mapping and docs/rules.md are derived from these fields. Optional facts about a rule
    (e.g. why it cannot run on an engine) are added as fields with a default and a keyword of `rule`."""

    rule_id: str
    family: str
    name_zh: str
    func: Callable[..., Any]
    kind: str = "relational"  # relational (Ibis) | text (pandas + text port)
    needs: tuple[str, ...] = ("ev",)
    severity: str = "medium"
    # Real time: the actions whose appearance can change the rule's result for a ticket, or else the reason
    # the rule runs only in the batch. Exactly one of the two is set.
    triggers: tuple[str, ...] | None = None
    batch_only: str | None = None
    same_matter: bool = False  # its result for a ticket depends on other tickets on the same place and category
    # The simulator's truth kinds (simulate/truth.py KINDS) this rule is meant to find (counted in its recall),
    # and further kinds whose tickets make its findings right without counting in its recall.
    truth_kinds: tuple[str, ...] = ()
    supporting_kinds: tuple[str, ...] = ()
    no_truth_because: str | None = None  # why no truth kind exists, when `truth_kinds` is empty
    # Why the rule cannot run on Spark (analytics/spark_engine.py), or "" when it can; tests/spark checks it.
    not_on_spark: str = ""
    # The payload fields the rule needs to judge an imported source, as (action, (field, …)) pairs: a source
    # none of whose events of those actions has any of those fields cannot be judged (analytics/judging.py).
    # An action may instead be a record table (`calls`): a column of it present anywhere judges every source.
    judges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The share of a source's tickets with an event of the judged actions that must carry a field for the
    # source to be judged (0: any one event is enough): a deadline on 2 of 60 tickets is not the export's.
    judges_share: float = 0.0
    # Evidence values that grow with the passing of time alone (from the vocabulary: the findings store reads them
    # there); a re-run in which only these grew writes and pushes nothing (adapters/findings.py).
    grows: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    def problems(self) -> list[str]:
        """What the declaration lacks; a rule with any problem is refused at registration."""
        found = []
        if (self.triggers is None) == (self.batch_only is None):
            found.append("give exactly one of triggers=(actions…) or batch_only=reason")
        if self.triggers is not None and (not self.triggers or set(self.triggers) - set(vocabulary.ACTIONS)):
            found.append(f"triggers must be actions of the vocabulary: {self.triggers}")
        if self.batch_only is not None and not self.batch_only.strip():
            found.append("batch_only needs its reason")
        if not self.truth_kinds and not (self.no_truth_because or "").strip():
            found.append("give truth_kinds=(…) or no_truth_because=reason")
        if "Basis:" not in self.doc or "Responsible:" not in self.doc:
            found.append("the docstring must say its Basis: and who is Responsible:")
        if set(action for action, _ in self.judges) - set(vocabulary.ACTIONS) - set(records.RECORD_TABLES):
            found.append(f"judges must name actions of the vocabulary: {self.judges}")
        if set(self.grows) & CONVENTIONAL:
            found.append(f"grows names evidence values, not conventional columns: {self.grows}")
        if self.kind not in ("relational", "text") or self.severity not in vocabulary.SEVERITIES:
            found.append(f"unknown kind {self.kind} or severity {self.severity}")
        return found


RULES: dict[str, Rule] = {}


def rule(rule_id: str, *, triggers: tuple[str, ...] | None = None, batch_only: str | None = None,
         same_matter: bool = False, truth: tuple[str, ...] = (), supporting: tuple[str, ...] = (),
         no_truth_because: str | None = None, kind: str = "relational", needs: tuple[str, ...] = ("ev",),
         severity: str = "medium", not_on_spark: str = "", judges: dict[str, tuple[str, ...]] | None = None,
         judges_share: float = 0.0):
    """Declare a rule: its function, and (family and Chinese name from the vocabulary) everything else the
    system needs to know about it. An incomplete declaration raises ValueError at import."""
    entry = vocabulary.RULES.get(rule_id)
    if entry is None:
        raise ValueError(f"rule {rule_id} is not in rexian.domain.vocabulary.RULES (add its family and name there)")

    def register(func):
        declared = Rule(rule_id, entry.family, entry.zh, func, kind, needs, severity, triggers=triggers,
                        batch_only=batch_only, same_matter=same_matter, truth_kinds=truth,
                        supporting_kinds=supporting, no_truth_because=no_truth_because,
                        not_on_spark=not_on_spark,
                        judges=tuple((action, tuple(fields)) for action, fields in (judges or {}).items()),
                        judges_share=judges_share, grows=entry.grows)
        problems = declared.problems()
        if problems:
            raise ValueError(f"rule {rule_id} is declared incompletely: {'; '.join(problems)}")
        RULES[rule_id] = declared
        return func

    return register


# Tables several rules read, computed once per batch run (`Data.intermediate`): name -> builder `(data) -> table`.
INTERMEDIATES: dict[str, Callable[[Any], Any]] = {}


def intermediate(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Declare a table several rules read (its function's name names it): a rule calls the decorated
    function with its `data` and gets the table — in a batch run computed once and kept (`Data.intermediate`),
    in real time and on Spark the expression itself. The rules stay Ibis expressions on every engine."""
    name = build.__name__
    INTERMEDIATES[name] = build

    def read(data: Any) -> Any:
        return data.intermediate(name, build)

    read.__name__, read.__doc__ = name, build.__doc__
    return read


RULE_MODULES = ("rules_buck_passing", "rules_closure", "rules_handling", "rules_repeat", "rules_service",
                "rules_text")
# Where the rules' declarations are remembered between runs (`remember_catalogue`), or None.
_catalogue_dir: Path | None = None
_modules_loaded = False
_catalogue_read = False
_LOADING = threading.RLock()  # re-entrant: importing a rule module may ask for the rules again


def all_rules() -> dict[str, Rule]:
    """Every rule, in declaration order. Importing the rule modules registers their rules; a run that
    remembers the catalogue (`remember_catalogue`) reads the declarations from it instead, each function
    imported only when called, so that a warm analysis never imports the relational rules (nor Ibis)."""
    global _modules_loaded
    if not _modules_loaded and not _catalogue_read:
        # Once, by one thread: a server reads the rules on its supervision thread (from the catalogue kept
        # beside the real-time build) while its pages may ask for them; none may see them half read.
        with _LOADING:
            if not _modules_loaded and not _catalogue_read and not _read_catalogue():
                import importlib

                for module in RULE_MODULES:
                    importlib.import_module(f"rexian.analytics.{module}")
                _modules_loaded = True
                _write_catalogue()
    return RULES


def remember_catalogue(directory: str | Path) -> None:
    """Remember the rules' declarations in `directory` (beside the remembered SQL), keyed by the code they
    come from (`code_digest`): any change to the analytics code or the vocabulary is a new file."""
    global _catalogue_dir
    _catalogue_dir = Path(directory)


def code_digest() -> str:
    """A digest of the code a rule's declaration and SQL follow from: the analytics modules and the domain
    vocabulary and record declarations they read."""
    return _code_digest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    domain = here.parent / "domain"
    for path in sorted(here.glob("*.py")) + [domain / "vocabulary.py", domain / "records.py"]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


class Deferred:
    """A rule's (or an intermediate's) function named by module and name, imported when first called."""

    def __init__(self, module: str, name: str, doc: str | None, intermediate: bool = False):
        # Named as the function is (docs/rules.md shows each rule's module and function).
        self.__module__, self.__name__, self.__qualname__, self.__doc__ = module, name, name, doc
        self.intermediate = intermediate

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import importlib

        loaded = importlib.import_module(self.__module__)  # registers the module's real declarations again
        target = INTERMEDIATES[self.__name__] if self.intermediate else getattr(loaded, self.__name__)
        return target(*args, **kwargs)


_RULE_PACKAGE = "rexian.analytics."  # where every rule and intermediate is declared


def _catalogue_path() -> Path | None:
    return None if _catalogue_dir is None else _catalogue_dir / f"rules-{code_digest()[:24]}.json"


def _write_catalogue() -> None:
    path = _catalogue_path()
    if path is None or path.exists():
        return
    described = {
        "rules": [{**{f.name: getattr(r, f.name) for f in fields(Rule) if f.name != "func"},
                   "module": r.func.__module__, "function": r.func.__name__, "doc": r.func.__doc__}
                  for r in RULES.values()],
        "intermediates": {name: build.__module__ for name, build in INTERMEDIATES.items()},
    }
    from rexian.analytics.remembered import store

    store(path, json.dumps(described, ensure_ascii=False))


def _read_catalogue() -> bool:
    """The remembered declarations into RULES and INTERMEDIATES; False when there are none (or unreadable)."""
    path = _catalogue_path()
    if path is None:
        return False
    try:
        from rexian.analytics.remembered import read_kept

        described = json.loads(read_kept(path))
        rules = [Rule(**{**{name: _tuples(value) for name, value in entry.items()
                            if name not in ("module", "function", "doc")},
                         "func": Deferred(entry["module"], entry["function"], entry["doc"])})
                 for entry in described["rules"]]
        intermediates = {name: Deferred(module, name, None, intermediate=True)
                         for name, module in described["intermediates"].items()}
        named = [entry["module"] for entry in described["rules"]] + list(described["intermediates"].values())
        foreign = [module for module in named if not str(module).startswith(_RULE_PACKAGE)]
        if foreign:  # the catalogue names the code each rule calls: only the analytics' own modules
            raise ValueError(f"规则所在的模块不属于 {_RULE_PACKAGE}：{'、'.join(map(str, foreign[:3]))}")
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError) as error:
        warnings.warn(f"规则目录缓存文件无法读取，已忽略：{path}（{error}）", stacklevel=2)
        return False
    global _catalogue_read
    # In declaration order; a module already imported keeps its real declarations.
    ordered = {declared.rule_id: RULES.get(declared.rule_id, declared) for declared in rules}
    ordered.update({rule_id: declared for rule_id, declared in RULES.items() if rule_id not in ordered})
    RULES.clear()
    RULES.update(ordered)
    for name, build in intermediates.items():
        INTERMEDIATES.setdefault(name, build)
    _catalogue_read = True
    from rexian.analytics.remembered import touch

    touch(path)  # used now (a cache set keeps its most recently used files)
    return True


def _tuples(value: Any) -> Any:
    """JSON's lists back into the tuples of a declaration."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


@dataclass
class Finding:
    finding_key: str
    rule_id: str
    family: str
    severity: str
    ticket_ids: list[str]
    agent_id: str | None
    unit_id: str | None
    person_id: str | None
    evidence: dict[str, Any]
    detected_at: str
    status: str = "new"
    extra: dict[str, Any] = field(default_factory=dict)
    # When the matter happened: the time of the latest event the evidence cites, stamped by the batch run that
    # read those events (analyze.stamp_occurred); None when unknown (the store then looks it up or falls back).
    occurred_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "finding_key": self.finding_key, "rule_id": self.rule_id, "family": self.family,
            "severity": self.severity, "ticket_ids": self.ticket_ids, "agent_id": self.agent_id,
            "unit_id": self.unit_id, "person_id": self.person_id, "evidence": self.evidence,
            "detected_at": self.detected_at, "occurred_at": self.occurred_at, "status": self.status,
        }


def rows_to_findings(rule_def: Rule, rows: list[dict[str, Any]], params: dict[str, Any],
                     detected_at: datetime) -> list[Finding]:
    findings: dict[str, Finding] = {}
    detected = detected_at.isoformat(timespec="seconds")  # one text for the rule's every finding
    for row in rows:
        ticket_ids = _as_list(row.get("ticket_ids"))
        if not ticket_ids and _present(row.get("ticket_id")):
            ticket_ids = [str(row["ticket_id"])]
        ticket_ids = sorted(dict.fromkeys(str(t) for t in ticket_ids))
        agent_id = _clean(row.get("agent_id"))
        if _present(row.get("ticket_id")):
            seqs = sorted({int(s) for s in _as_list(row.get("seqs")) if _present(s)})
            events = [{"ticket_id": str(row["ticket_id"]), "seq": seq} for seq in seqs]
        else:
            events = [{"ticket_id": t, "seq": 1} for t in ticket_ids]
        subject = _clean(row.get("subject")) or (ticket_ids[0] if len(ticket_ids) == 1 else agent_id) \
            or ",".join(ticket_ids)
        key = f"{rule_def.rule_id}:{subject}"
        values = {k: _json_value(v) for k, v in row.items() if k not in CONVENTIONAL}
        texts = [str(t) for t in _as_list(row.get("texts")) if _present(t)]
        if rule_def.kind != "text":
            # A relational rule's several texts come from an unordered aggregate (`collect`): sorted, so the same
            # finding reads the same in every run (else each batch pass re-stored it as changed, and pushed it).
            texts.sort()
        finding = Finding(
            finding_key=key, rule_id=rule_def.rule_id, family=rule_def.family,
            severity=_clean(row.get("severity")) or rule_def.severity, ticket_ids=ticket_ids, agent_id=agent_id,
            unit_id=_clean(row.get("unit_id")), person_id=_clean(row.get("person_id")),
            evidence={"events": events, "texts": texts, "values": values, "thresholds": params},
            detected_at=detected,
        )
        findings.setdefault(key, finding)
    return list(findings.values())


# What a rule's rows mostly hold, answered without the checks below: a text or an integer is present, and is
# its own JSON value (a row's hundreds of thousands of cells on a small log, ~0.1 CPU s; docs/speed.md).
_PLAIN = frozenset((str, int))


def _present(value: Any) -> bool:
    if value is None:
        return False
    if value.__class__ in _PLAIN:
        return True
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return False
    except ImportError:  # pragma: no cover
        pass
    return True


def _clean(value: Any) -> str | None:
    if value.__class__ is str:
        return value or None
    return str(value) if _present(value) and str(value) != "" else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    if hasattr(value, "tolist"):
        return list(value.tolist())
    return [value] if _present(value) else []


def _json_value(value: Any) -> Any:
    if value.__class__ in _PLAIN or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return _json_value(value.tolist())
    if not _present(value):
        return None
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
