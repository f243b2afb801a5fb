"""Counts computed inside the audited database: rows, non-null values and distinct values per
column, in one SELECT per table generated with sqlglot for the target dialect (the same AST runs
unchanged on PostgreSQL, MariaDB, SQLite, DuckDB, Trino, Spark, Snowflake, BigQuery). Only the
counts come back. table_scan.py runs them."""

from __future__ import annotations

import re
from typing import Any

import sqlglot.expressions as exp

from auditor.models.inventory import Column, Table
from auditor.sources.database.sampling import SPATIAL, table_source
from auditor.sources.samples import TableCounts

# Types whose values cannot be compared for COUNT(DISTINCT …) on some engine, or are too large to;
# spatial and opaque columns (column_types.py) are not compared either.
_NO_DISTINCT = re.compile(
    r"\b(JSONB?|XML|BLOB|LONGBLOB|MEDIUMBLOB|BYTEA|VARBINARY|BINARY|IMAGE|CLOB|TSVECTOR|MAP)\b",  # MAP: Spark
    re.IGNORECASE,
)


def comparable(col: Column) -> bool:
    """Whether COUNT(DISTINCT …) may run on the column."""
    return not (col.opaque or (col.type and (_NO_DISTINCT.search(col.type) or SPATIAL.search(col.type))))


def count_sql(table: Table, dialect: str, schema: str | None = None, catalog: str | None = None) -> str:
    """SELECT COUNT(*), COUNT(c) for each column, COUNT(DISTINCT c) where comparable."""
    parts: list[exp.Expr] = [exp.Count(this=exp.Star()).as_("n_rows")]
    for i, col in enumerate(table.columns):
        parts.append(exp.Count(this=exp.column(exp.to_identifier(col.name, quoted=True))).as_(f"f{i}"))
    for i, col in enumerate(table.columns):
        if comparable(col):
            distinct = exp.Distinct(expressions=[exp.column(exp.to_identifier(col.name, quoted=True))])
            parts.append(exp.Count(this=distinct).as_(f"d{i}"))
    select = exp.select(*parts, copy=False).from_(table_source(table, schema, catalog), copy=False)
    return select.sql(dialect=dialect, copy=False)


def table_counts(table: Table, row: tuple[Any, ...], location: str) -> TableCounts:
    n = len(table.columns)
    filled = {c.name.lower(): int(row[1 + i] or 0) for i, c in enumerate(table.columns)}
    compared = [c for c in table.columns if comparable(c)]
    distinct = {c.name.lower(): int(v or 0) for c, v in zip(compared, row[1 + n :], strict=True)}
    return TableCounts(
        file=location,
        rows=int(row[0] or 0),
        filled=filled,
        distinct=distinct,
        in_database=True,
    )

