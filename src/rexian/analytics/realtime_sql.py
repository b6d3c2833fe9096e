"""What the real-time evaluator's queries read, and a table-building query narrowed to some of its columns.

With DuckDB's optimiser off (realtime.py: it keeps prepared plans only then) a statement computes every
column it names, whether any reader uses it or not. The evaluator therefore asks, of each query it runs,
which columns of its refilled tables (`ev`, `tk`) the query reads (`columns_read`), and refills those tables
with only the columns the rules of an evaluation read (`select_only`): the ticket facts compute 29 columns,
of which a dispatch's rules read eight. sqlglot (Ibis' own SQL compiler) does both on the SQL text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot is imported by each function that reads SQL: an evaluator made from its kept build
# (`realtime_cache`) reads none, and does not load it.

# A table's columns read by a query: a set of names, or None when the query may read any of them.
Columns = frozenset[str] | None


def narrowed(sql: str, schema: dict[str, dict[str, str]]) -> str:
    """The same query reading only the columns it uses. Ibis writes `SELECT t0.* …` between its steps; with
    the optimiser off DuckDB then carries every column of `ev` (54) through each scan, filter and join — a
    vector allocated per column and operator on every run, a fixed cost whatever the row count.
    sqlglot expands the stars against the schema and drops the columns no outer step reads: the same
    relational plan, narrower rows. A query it cannot qualify is kept as written."""
    import sqlglot
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.pushdown_projections import pushdown_projections

    try:
        return pushdown_projections(_qualified(sqlglot.parse_one(sql, read="duckdb"), schema)).sql(dialect="duckdb")
    except SqlglotError:
        return sql


def columns_read(sql: str, tables: Iterable[str]) -> dict[str, Columns]:
    """For each of `tables` the query reads, the columns it reads from it. A star projection, an unqualified
    column or a join `USING` make it say None (any column) for every table: the answer must never be
    narrower than the truth, since the evaluator leaves the other columns empty. An alias that names one of
    the tables in one scope and something else in another counts for the table (wider, never narrower)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    wanted = set(tables)
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError:
        return dict.fromkeys(wanted)
    sources = {node.alias_or_name: node.name for node in tree.find_all(exp.Table) if node.name in wanted}
    out: dict[str, Columns] = {name: frozenset() for name in sources.values()}
    if not out:
        return {}
    unknowable = (any(isinstance(star.parent, exp.Select) or isinstance(star.parent, exp.Column)
                      for star in tree.find_all(exp.Star))
                  or any(join.args.get("using") for join in tree.find_all(exp.Join)))
    for column in tree.find_all(exp.Column):
        if isinstance(column.this, exp.Star):
            unknowable = True
        elif not column.table:
            unknowable = unknowable or not _lambda_variable(column)
        elif column.table in sources:
            table = sources[column.table]
            out[table] = (out[table] or frozenset()) | {column.name}
    return dict.fromkeys(out) if unknowable else out


def _lambda_variable(column: exp.Column) -> bool:
    """An unqualified name bound by an enclosing lambda (`list_filter(xs, x -> x > 1)`), not a column."""
    from sqlglot import exp

    lambda_ = column.find_ancestor(exp.Lambda)
    while lambda_ is not None:
        if column.name in {variable.name for variable in lambda_.expressions}:
            return True
        lambda_ = lambda_.find_ancestor(exp.Lambda)
    return False


def union(first: Columns, second: Columns) -> Columns:
    return None if first is None or second is None else first | second


def select_only(sql: str, keep: Iterable[str], schema: dict[str, dict[str, str]]) -> tuple[list[str], str] | None:
    """The table-building query `sql` returning only its output columns named in `keep` (in its order), with
    whatever computes the others dropped (sqlglot's projection pushdown, then the left joins nothing reads any
    more); None when the query is not a plain SELECT or sqlglot cannot read it."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.eliminate_joins import eliminate_joins
    from sqlglot.optimizer.pushdown_projections import pushdown_projections

    keep = set(keep)
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        if not isinstance(tree, exp.Select):
            return None
        tree.set("expressions", [column for column in tree.expressions if column.alias_or_name in keep])
        if not tree.expressions:
            return None
        tree = pushdown_projections(_qualified(tree, schema))
        try:
            tree = eliminate_joins(tree)  # a left join to rows grouped by its key, of which nothing is read
        except SqlglotError:
            pass
        return [column.alias_or_name for column in tree.expressions], tree.sql(dialect="duckdb")
    except SqlglotError:
        return None


def _qualified(tree: exp.Expression, schema: dict[str, dict[str, str]]) -> exp.Expression:
    from sqlglot.optimizer.qualify import qualify

    return qualify(tree, schema=schema, dialect="duckdb", validate_qualify_columns=False, quote_identifiers=True)
