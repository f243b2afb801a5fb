"""Column types SQLAlchemy does not know, and opaque columns.

SQLAlchemy reflects a type it does not know (PostgreSQL's box, circle, line, point, polygon…,
MariaDB's GEOMETRY and POINT, an extension's type) as NullType, with a warning, and forgets its
name: the declared name is read here from the catalogue instead, one query per schema and only
when such a column was met. Such a column, and any spatial one, is opaque: its values are counted
but never compared (COUNT DISTINCT fails on box or point) and spatial values are never sampled
(sampling.py leaves them out).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from auditor.sources.database.sampling import SPATIAL

_DECLARED = {
    "postgresql": sa.text(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND c.relname IN :names AND a.attnum > 0 AND NOT a.attisdropped"
    ).bindparams(sa.bindparam("names", expanding=True)),
    "mysql": sa.text(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :names"
    ).bindparams(sa.bindparam("names", expanding=True)),
}


@contextmanager
def quiet_reflection() -> Iterator[None]:
    """SQLAlchemy's warnings while it reflects (an unknown type, a column definition it cannot
    parse) neither reach stderr nor, where warnings are errors, stop the audit: the unknown types
    are named from the catalogue instead. Only for the calls inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        yield


def unknown(column: dict[str, Any]) -> bool:
    """A reflected column whose type SQLAlchemy did not recognise."""
    return isinstance(column.get("type"), sa.types.NullType)


def declared_types(conn: sa.Connection, schema: str, tables: list[str]) -> dict[tuple[str, str], str]:
    """(table, column) -> the type as the catalogue declares it, for the dialects that say it;
    empty elsewhere, or when the catalogue cannot be read."""
    query = _DECLARED.get(conn.dialect.name)
    if query is None or not tables:
        return {}
    try:
        rows = conn.execute(query, {"schema": schema, "names": tables}).fetchall()
    except sa.exc.SQLAlchemyError:
        return {}
    return {(str(table), str(column)): str(declared) for table, column, declared in rows}


def opaque(type_name: str | None, known: bool) -> bool:
    """A column whose values the auditor neither compares nor reads: spatial, or of a type
    SQLAlchemy does not know."""
    return not known or bool(type_name and SPATIAL.search(type_name))
