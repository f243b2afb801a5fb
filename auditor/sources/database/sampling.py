"""Deterministic samples of a live table, as SQL generated with sqlglot for the target dialect.

The checks that need rows (value detectors, the notes scan) read at most `n` rows of a table.
A table that fits is read whole, in primary-key order; a larger one is read in the order of
MD5(seed ‖ key), so that every run picks the same rows, on any engine: the same AST gives
`MD5('…' || CAST("id" AS TEXT))` on PostgreSQL and DuckDB, `MD5(CONCAT(…))` on MariaDB, Spark and
Snowflake, `TO_HEX(MD5(…))` on BigQuery, `LOWER(TO_HEX(MD5(TO_UTF8(…))))` on Trino; SQLite gets an
`MD5` function registered on the read-only connection. Every column is cast to text in the
database, as a CSV sample would hold it; binary and spatial columns are left out.
"""

from __future__ import annotations

import re

import sqlglot.expressions as exp

from auditor.models.inventory import Column, Table

SEED = "20261123"
DEFAULT_SAMPLE_ROWS = 10_000

# Spatial and geometric types (PostGIS, MariaDB/MySQL, PostgreSQL's own, DuckDB spatial): their
# text is coordinates or WKB bytes, never a value the detectors read.
SPATIAL = re.compile(
    r"\b(GEOMETRY|GEOGRAPHY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|"
    r"GEOMETRYCOLLECTION|BOX|BOX2D|BOX3D|CIRCLE|LINE|LSEG|PATH)\b",
    re.IGNORECASE,
)
_BINARY = re.compile(
    r"\b(BLOB|LONGBLOB|MEDIUMBLOB|TINYBLOB|BYTEA|VARBINARY|BINARY|IMAGE|RAW|BFILE)\b",
    re.IGNORECASE,
)


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def text_columns(table: Table) -> list[Column]:
    """The columns a sample carries: every one whose values can be read as text (an opaque column
    of a type unknown to the auditor is cast to text too: every engine can; a spatial one is not)."""
    return [c for c in table.columns if not (c.type and (SPATIAL.search(c.type) or _BINARY.search(c.type)))]


def table_source(table: Table, schema: str | None = None, catalog: str | None = None) -> exp.Table:
    db = schema or table.schema_name
    return exp.Table(this=_ident(table.name), db=_ident(db) if db else None,
                     catalog=_ident(catalog) if catalog else None)


def notes_sql(table: Table, columns: list[str], key: str | None, dialect: str, *,
              schema: str | None = None, catalog: str | None = None) -> str:
    """SELECT every row of `columns` (as text) where one is not null, with the key first when the
    table has one, in key order."""
    names = [key, *columns] if key else columns
    select = exp.select(*(exp.cast(exp.column(_ident(c)), "TEXT").as_(_ident(c), copy=False) for c in names),
                        copy=False).from_(table_source(table, schema, catalog), copy=False)
    filled = [exp.Not(this=exp.Is(this=exp.column(_ident(c)), expression=exp.Null())) for c in columns]
    select = select.where(exp.or_(*filled, copy=False), copy=False)
    if key:  # the table's column, not its text alias: ids in numeric order
        select = select.order_by(exp.column(_ident(key), table=_ident(table.name)), copy=False)
    return select.sql(dialect=dialect, copy=False)


def sample_sql(table: Table, dialect: str, n: int, total_rows: int | None, *,
               schema: str | None = None, catalog: str | None = None) -> str:
    """SELECT the text columns of at most `n` rows, the same rows on every run."""
    columns = text_columns(table)
    select = exp.select(*(exp.cast(exp.column(_ident(c.name)), "TEXT").as_(_ident(c.name), copy=False)
                          for c in columns), copy=False)
    select = select.from_(table_source(table, schema, catalog), copy=False)
    pk = [c for c in columns if c.name in table.primary_key]
    keys = pk or columns
    if total_rows is not None and total_rows <= n:
        order = ([exp.column(_ident(c.name)) for c in pk] if pk else
                 [exp.cast(exp.column(_ident(c.name)), "TEXT") for c in columns])
        return select.order_by(*order, copy=False).sql(dialect=dialect, copy=False)
    parts: list[exp.Expr] = [exp.Literal.string(SEED)]
    for c in keys:
        parts.append(exp.Coalesce(this=exp.cast(exp.column(_ident(c.name)), "TEXT"),
                                  expressions=[exp.Literal.string("")]))
    key = exp.MD5(this=exp.Concat(expressions=parts))
    return select.order_by(key, copy=False).limit(n, copy=False).sql(dialect=dialect, copy=False)
