"""The one table of named, documented settings.

Every setting has a name, a default, a type and a sentence saying what it does. Values come, in order of
precedence, from the environment (`REXIAN_<NAME>`), from an optional YAML settings file (`REXIAN_SETTINGS`
or `--settings`), and from the defaults below. Nothing is read at import time: call `load_settings()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexian.text.config import TextConfig


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    doc: str


def _bool(text: str) -> bool:
    lowered = str(text).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {text!r}")


BATCH_RULE_MODES = ("imported", "always", "off")


def _batch_mode(text: str) -> str:
    mode = str(text).strip().lower()
    if mode not in BATCH_RULE_MODES:
        raise ValueError(f"not one of {', '.join(BATCH_RULE_MODES)}: {text!r}")
    return mode


def _networks(text: Any) -> tuple:
    """IP addresses or networks (CIDR), comma- or space-separated (or a YAML list)."""
    import ipaddress

    items = text if isinstance(text, (list, tuple)) else str(text).replace(",", " ").split()
    return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip())


def _path_or_none(text: str) -> Path | None:
    return Path(text) if text else None


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "sqlite:///rexian.db", str,
            "Database URL (SQLAlchemy form). SQLite file in the working directory by default; "
            "postgresql+psycopg://user@host/db for production."),
    Setting("timezone", "Asia/Shanghai", str,
            "The hotline centre's time zone. All stored times are naive wall-clock times of this zone."),
    Setting("calendar_dir", None, _path_or_none,
            "Directory of working-calendar files (YYYY.json) that replace or add to the packaged ones, "
            "e.g. when the State Council publishes next year's holiday schedule."),
    Setting("unit_leader_approval", True, _bool,
            "Return, extension and closure requests need the unit leader's endorsement before the centre "
            "reviews them."),
    Setting("return_window_days", 2, int,
            "Working days after dispatch within which the lead unit may ask to return a ticket."),
    Setting("sign_hours", 2, int,
            "Working hours after dispatch within which the lead unit must sign for a normal ticket."),
    Setting("urgent_sign_minutes", 30, int,
            "Minutes after dispatch within which an urgent or emergency ticket must be signed for."),
    Setting("default_handle_days", 5, int,
            "Working days to handle a normal ticket when its category sets no deadline."),
    Setting("default_urgent_hours", 24, int,
            "Hours to handle an urgent ticket when its category sets no deadline."),
    Setting("emergency_hours", 2, int,
            "Hours to handle an emergency ticket (danger to life or property)."),
    Setting("redo_handle_days", 3, int,
            "Working days to handle a ticket again after a rejected closure or an unsatisfied visit."),
    Setting("max_extensions", 2, int,
            "How many extensions a ticket may be granted in all."),
    Setting("redo_on_unsatisfied", True, _bool,
            "An 'unsatisfied' follow-up visit reopens the ticket (重办) even when the citizen says it was "
            "resolved."),
    Setting("working_day_start", "09:00", str, "Start of the working day (HH:MM) for hour-based deadlines."),
    Setting("working_day_end", "17:30", str, "End of the working day (HH:MM) for hour-based deadlines."),
    Setting("realtime_rules", True, _bool,
            "Run the real-time supervision rules after every committed command and store new findings "
            "(docs/realtime.md). Tests switch it off unless they test it."),
    Setting("realtime_kept_tickets", 20_000, int,
            "How many tickets' events the real-time supervision keeps between evaluations (per-ticket state, "
            "read again only when the ticket changed; docs/realtime.md). 0 reads every scope from the database."),
    Setting("rules_file", None, _path_or_none,
            "YAML file overriding the packaged rule parameters (rules.yaml), for the real-time rules."),
    Setting("text_user_dict", None, _path_or_none,
            "Extra segmentation dictionary (jieba format: word [frequency] [tag] a line) added on top of the "
            "packaged hotline dictionary."),
    Setting("text_misconduct_lexicon", None, _path_or_none,
            "YAML file of extra misconduct-report phrases (same shape as the packaged misconduct.yaml); its "
            "entries are added to the packaged lexicon."),
    Setting("text_router_model", None, _path_or_none,
            "Routing model file written by `rexian train-router`; the packaged default model when unset."),
    Setting("text_cache_dir", None, _path_or_none,
            "Writable directory for the segmenter's cache; the system temporary directory when unset."),
    Setting("analysis_cache_dir", None, _path_or_none,
            "Writable directory where `rexian analyze` keeps the compiled SQL of the rules and the text answers "
            "(reply scores, misconduct readings) between runs, and the real-time checker its compiled statements "
            "(a warm run or server start skips compiling and judging texts again); `sql` in the user's cache "
            "directory (`rexian` under XDG_CACHE_HOME or ~/.cache; ~/Library/Caches on macOS, %LOCALAPPDATA% "
            "on Windows) when unset."),
    Setting("same_matter_window_days", int(TextConfig.same_matter_window_days), int,
            "Days back within which an earlier ticket on the same place and problem counts as the same matter."),
    Setting("text_link_processes", TextConfig.link_processes, int,
            "Processes that link a big batch of tickets about the same matter (20,000 or more), each taking a "
            "stretch of time; 0 = one per core. The groups are the same whatever the number (docs/text.md)."),
    Setting("web_session_hours", 8, int, "Hours a browser sign-in lasts before the user must sign in again."),
    Setting("web_lockout_attempts", 5, int, "Failed sign-ins in a row after which an account is locked."),
    Setting("web_lockout_minutes", 15, int, "Minutes a locked account stays locked."),
    Setting("web_portal_client_attempts", 20, int,
            "Wrong 6-digit query codes (the short codes of tickets filed before codes were lengthened) from one client "
            "after which that client's short codes are refused for web_lockout_minutes (docs/trust.md)."),
    Setting("web_portal_site_attempts", 30, int,
            "Wrong 6-digit query codes from all clients together after which every short code is refused for "
            "web_lockout_minutes: the site-wide budget that bounds guessing by many addresses (docs/trust.md). "
            "Today's 10-character codes are never refused by it."),
    Setting("web_trusted_proxies", (), _networks,
            "Addresses or networks (CIDR) of the reverse proxies in front of `rexian serve`, comma-separated: only a "
            "request coming from one of them has its X-Forwarded-For believed when telling clients apart; empty, the "
            "connection's own address is the client."),
    Setting("web_upload_max_bytes", 5_000_000, int, "Largest evidence file accepted by the web application."),
    Setting("web_near_due_hours", 24, int, "An open ticket due within this many hours is marked 临期 in lists."),
    Setting("web_secure_cookies", False, _bool,
            "Mark session cookies Secure (only sent over HTTPS); turn on behind a TLS-terminating proxy."),
    Setting("scheduled_rules_minutes", 10.0, float,
            "How often `rexian serve` runs the time-based rules (overdue, idle, forwarded without follow-up) and "
            "flags late supervision orders (docs/desk.md); 0 switches the schedule off."),
    Setting("scheduled_batch_rules", "imported", _batch_mode,
            "When a scheduled pass of `rexian serve` also runs the whole rule set over the whole log, so that "
            "findings reach the desk without `rexian analyze` + `findings load`: `imported` (when events or call "
            "and agent records not written by Rexian's own workflow — imports — were added since the last such run; "
            "the workflow's own events are judged as they happen), `always` (when anything was added), `off`."),
    Setting("bulletin_issuer", "12345政务服务便民热线监督组", str,
            "The issuing office (发文单位) printed on the monthly bulletin (通报), e.g. the centre's or the "
            "discipline-inspection office's name."),
    Setting("bulletin_number_prefix", "热线督通", str,
            "The bulletin's document-number prefix (发文字号): the number reads PREFIX〔YEAR〕MONTH号."),
    Setting("webhook_urls", "", str,
            "Comma-separated URLs that receive every finding change as a signed POST (docs/desk.md); empty: none."),
    Setting("webhook_secret", "", str,
            "Shared secret of the webhook HMAC-SHA256 signature (header X-Rexian-Signature)."),
    Setting("webhook_max_backoff_seconds", 60.0, float,
            "Longest wait between two attempts of a failing webhook delivery (back-off doubles up to it)."),
    Setting("key_file", None, _path_or_none,
            "The server's event-key file (docs/trust.md), kept outside the database; created by `rexian init` "
            "when absent. Unset: beside the SQLite database file (rexian.db.keys); required for PostgreSQL."),
    Setting("personal_data_retention_days", 1095, int,
            "Days after intake after which a finished ticket's caller details (name, phone, own identifier) are "
            "erased by `rexian personal-data erase` (个人信息保护法); the chain keeps only a salted digest."),
    Setting("separation_of_duties", True, _bool,
            "No one endorses, reviews or visits a ticket's request or closure that they requested or handled "
            "themselves (docs/trust.md)."),
    Setting("import_max_field_chars", 100_000, int,
            "Longest value (characters) an import accepts in one field; a longer one rejects its row (and so its "
            "ticket) with file, row and column, and the rest of the file is still read."),
    Setting("import_max_sheet_cells", 50_000_000, int,
            "Most cells one sheet of an imported workbook may spread to (Excel, old .xls, HTML or XML Spreadsheet, "
            "counting the empty cells that spans, indexes and far cell references fill in; also within Excel's "
            "own 1,048,576 rows × 16,384 columns): a larger sheet is refused whole, naming the file."),
    Setting("import_max_unpacked_mb", 2048, int,
            "Largest size (MB) one compressed part of an input may unpack to: a member of an .xlsx (a zip) or a "
            "column of one Parquet row group, as the file declares it; a larger file is refused (a zip bomb)."),
    Setting("import_max_shared_strings_mb", 256, int,
            "Largest unpacked shared-strings part (MB) of an .xlsx: the Excel reader holds it whole in memory."),
    Setting("import_lease_seconds", 300, int,
            "An import run's lease: while it runs it renews `progressed_at` every tenth of this; a run not renewed for "
            "this long (by the database server's clock) is marked interrupted, whatever process or machine ran it."),
    Setting("import_chunk_rows", 200_000, int,
            "Rows `rexian import` reads, checks and seals at a time from a Parquet event log in Rexian's vocabulary "
            "(extended to the end of the last ticket): what bounds its memory, whatever the file size."),
    Setting("import_cache_mb", 256, int,
            "SQLite's page cache (MB) while `rexian import` writes: the index inserts of each batch read and write "
            "through it; it fills as the database grows, up to this bound, and is the largest part of an import's "
            "resident memory after the chunks being read."),
    Setting("import_batch_seconds", 1.0, float,
            "How long one batch of `rexian import` should hold SQLite's write lock at most: a batch that held it longer "
            "makes the next one take fewer tickets (never part of one), so pages and commands waiting to write get "
            "in between; quick batches grow back to `--batch` tickets. 0: no bound."),
    Setting("import_sort_memory_mb", 1024, int,
            "Memory (MB) DuckDB may use to put such a log in ticket order when its ticket ids do not already come "
            "in order; beyond it the sort spills to a temporary directory."),
    Setting("mapping_max_bytes", 1_000_000, int,
            "Largest mapping file (bytes) `rexian import`/`analyze --mapping` will parse; YAML aliases are refused."),
    Setting("analysis_engine", "duckdb", str,
            "Engine of `rexian analyze`: duckdb (one machine) or spark (Parquet at any scale; docs/scale.md)."),
    Setting("spark_master", "", str,
            "Spark master for `rexian analyze --engine spark` (local[*] when empty; spark-submit's own master "
            "wins when the command runs under spark-submit)."),
    Setting("spark_driver_memory", "4g", str,
            "Memory of the Spark driver that `rexian analyze --engine spark` starts (local runs: all of Spark)."),
    Setting("spark_partitions", 0, int,
            "Shuffle partitions of `rexian analyze --engine spark` (`--partitions` wins); 0: sized from the input, "
            "one per `spark_partition_mb` of Parquet, at least one per core, a whole number of rounds of the cores "
            "(docs/scale.md). A submitted or --spark-conf spark.sql.shuffle.partitions wins over the sizing."),
    Setting("spark_partition_mb", 32.0, float,
            "Input Parquet (MB) per shuffle partition when `spark_partitions` is 0; Spark's read splits follow it."),
    Setting("spark_scratch", "", str,
            "Directory or URI (hdfs://, s3a:// …) every Spark executor can read and write, where `rexian analyze "
            "--engine spark` writes its prepared event and ticket tables (Parquet bucketed by ticket) and removes "
            "them when the run ends; empty: a local directory under the run's --out (local Spark only; required "
            "on a cluster). docs/scale.md."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


class Settings(Mapping[str, Any]):
    """Resolved settings, read like a mapping or as attributes."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **changes: Any) -> Settings:
        unknown = set(changes) - set(_BY_NAME)
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
        return Settings({**self._values, **changes})


def analysis_cache_dir(settings: "Settings") -> Path:
    """Where the compiled rules are kept (setting `analysis_cache_dir`): by default in the user's own cache
    directory, which no other user writes to (the system temporary directory is shared by every user)."""
    return settings["analysis_cache_dir"] or user_cache_dir() / "sql"


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Rexian's folder in the user's cache directory: XDG_CACHE_HOME (when absolute) or ~/.cache on Linux,
    ~/Library/Caches on macOS, LOCALAPPDATA on Windows; the system temporary directory when there is no home."""
    import sys
    import tempfile

    environ = os.environ if environ is None else environ
    try:
        if os.name == "nt":
            base = Path(environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Caches"
        else:
            xdg = environ.get("XDG_CACHE_HOME", "")
            base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    except RuntimeError:  # no home directory to be found
        return Path(tempfile.gettempdir()) / f"rexian-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    return base / "rexian"


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    settings_file: str | Path | None = None,
) -> Settings:
    environ = os.environ if environ is None else environ
    values = {setting.name: setting.default for setting in SETTINGS}
    settings_file = settings_file or environ.get("REXIAN_SETTINGS")
    if settings_file:
        import yaml

        from_file = yaml.safe_load(Path(settings_file).read_text(encoding="utf-8")) or {}
        for name, value in from_file.items():
            values[name] = _coerce(name, value)
    for setting in SETTINGS:
        env_name = "REXIAN_" + setting.name.upper()
        if env_name in environ:
            values[setting.name] = _coerce(setting.name, environ[env_name])
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value)
    return Settings(values)


def _coerce(name: str, value: Any) -> Any:
    if name not in _BY_NAME:
        raise KeyError(f"unknown setting {name!r}; see `rexian settings`")
    setting = _BY_NAME[name]
    if isinstance(value, str) or setting.parse in (_path_or_none, _networks):
        return setting.parse(value) if value is not None else None
    return value
