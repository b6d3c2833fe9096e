"""Every table is classified by how tampering with it is caught (issue 15, trust11b): the one declaration
(adapters/tamper_coverage.py) must cover every table the migrations create, on SQLite and PostgreSQL, so that a new
table cannot arrive unclassified; docs/trust.md shows exactly that declaration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from rexian.adapters import tamper_coverage
from rexian.adapters.database import make_engine, migrate
from rexian.adapters.tamper_coverage import COVERAGE, coverage_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "trust.md"
BEGIN, END = "<!-- tamper-coverage: written from adapters/tamper_coverage.py, do not edit by hand -->\n", \
    "<!-- end tamper-coverage -->"


def _tables(url: str) -> set[str]:
    """Every table of the migrated schema as the database lists it (SQLite's own and the word index's included)."""
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            names = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        else:
            names = connection.execute(text("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = current_schema()")).scalars()
        found = set(names)
    engine.dispose()
    return found


def test_every_table_of_the_migrated_schema_is_classified_by_how_tampering_is_caught(db_url):
    unclassified = sorted(name for name in _tables(db_url) if coverage_of(name) is None)
    assert unclassified == [], (f"tables without a tamper classification (declare each in "
                                f"adapters/tamper_coverage.py): {unclassified}")


def test_the_declaration_names_no_table_the_schema_does_not_have(tmp_path):
    """SQLite's schema holds every table PostgreSQL's does, and its own (sqlite_sequence, the word index's)."""
    tables = _tables(f"sqlite:///{tmp_path / 'schema.db'}")
    stale = [entry.table for entry in COVERAGE if not any(entry.covers(name) for name in tables)]
    assert stale == []
    assert len({entry.table for entry in COVERAGE}) == len(COVERAGE)


def test_every_classification_is_one_of_the_four_and_says_how():
    assert all(entry.kind in tamper_coverage.CLASS_NAMES and entry.how.strip() for entry in COVERAGE)


def test_a_table_the_declaration_does_not_know_is_reported_unclassified():
    assert coverage_of("complaints_shadow") is None
    assert coverage_of("ticket_words_grams_idx").kind == tamper_coverage.UNTRUSTED


def test_docs_trust_shows_exactly_the_declarations_table():
    doc = DOC.read_text(encoding="utf-8")
    assert BEGIN in doc and END in doc
    shown = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    assert shown == tamper_coverage.markdown(), \
        "docs/trust.md differs from the declaration: rewrite it with `PYTHONPATH=src python -m rexian.adapters.tamper_coverage`"
