"""Counts computed inside the audited database: rows, non-null values and distinct values per
column, in one SELECT per table generated with sqlglot for the target dialect (the same AST runs
unchanged on PostgreSQL, MariaDB, SQLite, DuckDB, Trino, Spark, Snowflake, BigQuery). Only the
counts come back; a table that fails or times out is reported and skipped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import duckdb
import sqlalchemy as sa
import sqlglot.expressions as exp

from auditor.models.inventory import Inventory, ReadError, Table
from auditor.sources.database.connection import Target, parse_target, read_only_connection
from auditor.sources.samples import SampleCounts, TableCounts

# Types whose values cannot be compared for COUNT(DISTINCT …) on some engine, or are too large to.
_NO_DISTINCT = re.compile(
    r"\b(JSONB?|XML|GEOMETRY|GEOGRAPHY|POINT|POLYGON|BLOB|LONGBLOB|MEDIUMBLOB|BYTEA|"
    r"VARBINARY|BINARY|IMAGE|CLOB|TSVECTOR)\b",
    re.IGNORECASE,
)
DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}


def count_sql(table: Table, dialect: str, schema: str | None = None) -> str:
    """SELECT COUNT(*), COUNT(c) for each column, COUNT(DISTINCT c) where comparable."""
    parts: list[exp.Expr] = [exp.Count(this=exp.Star()).as_("n_rows")]
    for i, col in enumerate(table.columns):
        parts.append(exp.Count(this=exp.column(exp.to_identifier(col.name, quoted=True))).as_(f"f{i}"))
    for i, col in enumerate(table.columns):
        if not (col.type and _NO_DISTINCT.search(col.type)):
            distinct = exp.Distinct(expressions=[exp.column(exp.to_identifier(col.name, quoted=True))])
            parts.append(exp.Count(this=distinct).as_(f"d{i}"))
    source = exp.Table(
        this=exp.to_identifier(table.name, quoted=True),
        db=exp.to_identifier(schema or table.schema_name, quoted=True)
        if (schema or table.schema_name)
        else None,
    )
    return exp.select(*parts).from_(source).sql(dialect=dialect)


def _counts(table: Table, row: tuple[Any, ...], location: str) -> TableCounts:
    n = len(table.columns)
    filled = {c.name.lower(): int(row[1 + i] or 0) for i, c in enumerate(table.columns)}
    comparable = [c for c in table.columns if not (c.type and _NO_DISTINCT.search(c.type))]
    distinct = {c.name.lower(): int(v or 0) for c, v in zip(comparable, row[1 + n :], strict=True)}
    return TableCounts(
        file=location,
        rows=int(row[0] or 0),
        filled=filled,
        distinct=distinct,
        in_database=True,
    )


def count_database(
    url: str, inventory: Inventory, *, password_env: str | None = None, timeout_s: int = 30
) -> SampleCounts:
    """Rows and per-column counts of every table (not views) of the inventory, in the database."""
    target = parse_target(url, password_env)
    dialect = DIALECTS.get(target.backend, target.backend)
    result = SampleCounts()
    tables = [t for t in inventory.tables if t.kind == "table" and t.columns]
    if target.backend == "duckdb":
        con = duckdb.connect(target.url.database or "", read_only=True)
        try:
            for table in tables:
                _one(lambda sql: con.execute(sql).fetchone(), table, dialect, target, result, duckdb.Error)
        finally:
            con.close()
        return result
    default = target.default_schema if target.backend == "postgresql" else None
    with read_only_connection(target, timeout_s) as conn:
        for table in tables:

            def run(sql: str, conn: sa.Connection = conn) -> tuple[Any, ...] | None:
                row = conn.execute(sa.text(sql)).fetchone()
                return tuple(row) if row is not None else None

            _one(run, table, dialect, target, result, sa.exc.SQLAlchemyError, default)
    return result


def _one(
    run: Callable[[str], tuple[Any, ...] | None],
    table: Table,
    dialect: str,
    target: Target,
    result: SampleCounts,
    errors: type[Exception] | tuple[type[Exception], ...],
    default: str | None = None,
) -> None:
    location = f"{target.masked}#{table.qualified_name}"
    try:
        row = run(count_sql(table, dialect, table.schema_name or default))
    except errors as err:
        first = str(getattr(err, "orig", None) or err).strip().splitlines()[0][:200]
        result.errors.append(
            ReadError(source="database", location=location, message=f"cannot count: {first}")
        )
        return
    if row is not None:
        result.tables[table.qualified_name] = _counts(table, row, location)
