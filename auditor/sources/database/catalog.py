"""Tables, views, columns, comments and keys of a live database, as inventory tables.

SQLAlchemy's inspector for SQLite, PostgreSQL, MySQL/MariaDB and other dialects; DuckDB's own
catalog functions (duckdb-engine's reflection breaks on SQLAlchemy 2.1). Tables in the default
schema (public, main, the MySQL database) are named without it, as in a DDL file.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import duckdb
import sqlalchemy as sa

from auditor.models.inventory import Column, ForeignKey, SourceLocation, Table
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.connection import Target
from auditor.sources.engine_errors import engine_message

_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}


def wanted(name: str, include: list[str], exclude: list[str]) -> bool:
    low = name.lower()
    if include and not any(fnmatch.fnmatchcase(low, p.lower()) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(low, p.lower()) for p in exclude)


def _type(col: Any, dialect: sa.Dialect) -> str:
    try:
        return str(col["type"].compile(dialect=dialect))
    except Exception:
        return str(col["type"])


def read_sqlalchemy(
    conn: sa.Connection,
    target: Target,
    builder: InventoryBuilder,
    schemas: list[str],
    tables: list[str],
    exclude: list[str],
) -> None:
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name
    names = [
        s for s in inspector.get_schema_names() if s not in _SYSTEM_SCHEMAS and not s.startswith("pg_temp")
    ]
    for schema in names:
        if schemas and not wanted(schema, schemas, []):
            continue
        shown = None if schema == default else schema
        for kind, listed in (
            ("table", inspector.get_table_names(schema=schema)),
            ("view", inspector.get_view_names(schema=schema)),
        ):
            for name in listed:
                qualified = f"{shown}.{name}" if shown else name
                if not wanted(qualified, tables, exclude) and not wanted(name, tables, exclude):
                    continue
                try:
                    builder.add_table(_table(inspector, conn.dialect, schema, shown, name, kind, target))
                except sa.exc.SQLAlchemyError as err:
                    builder.error(
                        "database", qualified, f"cannot read the table: {engine_message(err, {schema, name})}"
                    )


def _table(
    inspector: sa.Inspector,
    dialect: sa.Dialect,
    schema: str,
    shown: str | None,
    name: str,
    kind: str,
    target: Target,
) -> Table:
    where = SourceLocation(object=f"{target.masked}#{schema}.{name}")
    try:
        comment = inspector.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:
        comment = None
    pk = (
        inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
        if kind == "table"
        else []
    )
    columns = [
        Column(
            name=c["name"],
            type=_type(c, dialect),
            nullable=bool(c.get("nullable", True)),
            default=str(c["default"]) if c.get("default") is not None else None,
            comment=c.get("comment"),
            primary_key=c["name"] in pk,
            location=where,
        )
        for c in inspector.get_columns(name, schema=schema)
    ]
    fks = (
        []
        if kind != "table"
        else [
            ForeignKey(
                columns=fk["constrained_columns"],
                ref_schema=fk.get("referred_schema"),
                ref_table=fk["referred_table"],
                ref_columns=fk.get("referred_columns") or [],
                on_delete=(fk.get("options") or {}).get("ondelete"),
            )
            for fk in inspector.get_foreign_keys(name, schema=schema)
        ]
    )
    view_sql = None
    if kind == "view":
        try:
            view_sql = inspector.get_view_definition(name, schema=schema)
        except (NotImplementedError, sa.exc.SQLAlchemyError):
            view_sql = None
    return Table(
        schema_name=shown,
        name=name,
        kind=kind,
        comment=comment,
        columns=columns,
        primary_key=pk,
        foreign_keys=fks,
        view_sql=view_sql,
        location=where,
    )


def read_duckdb(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    builder: InventoryBuilder,
    schemas: list[str],
    tables: list[str],
    exclude: list[str],
) -> None:
    rows = con.execute(
        "SELECT schema_name, table_name, comment, 'table' FROM duckdb_tables() WHERE NOT internal "
        "UNION ALL SELECT schema_name, view_name, comment, 'view' FROM duckdb_views() "
        "WHERE NOT internal ORDER BY 1, 2"
    ).fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, data_type, is_nullable, column_default, "
        "comment FROM duckdb_columns() WHERE NOT internal ORDER BY schema_name, table_name, "
        "column_index"
    ).fetchall()
    keys = con.execute(
        "SELECT schema_name, table_name, constraint_type, constraint_column_names, referenced_table, "
        "referenced_column_names FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
    ).fetchall()
    for schema, name, comment, kind in rows:
        if schemas and not wanted(schema, schemas, []):
            continue
        shown = None if schema == "main" else schema
        qualified = f"{shown}.{name}" if shown else name
        if not wanted(qualified, tables, exclude) and not wanted(name, tables, exclude):
            continue
        where = SourceLocation(object=f"{target.masked}#{schema}.{name}")
        pk = next((list(k[3]) for k in keys if k[:2] == (schema, name) and k[2] == "PRIMARY KEY"), [])
        cols = [
            Column(
                name=c[2],
                type=c[3],
                nullable=bool(c[4]),
                default=c[5],
                comment=c[6] or None,
                primary_key=c[2] in pk,
                location=where,
            )
            for c in columns
            if c[:2] == (schema, name)
        ]
        fks = [
            ForeignKey(columns=list(k[3]), ref_table=k[4], ref_columns=list(k[5] or []))
            for k in keys
            if k[:2] == (schema, name) and k[2] == "FOREIGN KEY"
        ]
        builder.add_table(
            Table(
                schema_name=shown,
                name=name,
                kind=kind,
                comment=comment or None,
                columns=cols,
                primary_key=pk,
                foreign_keys=fks,
                location=where,
            )
        )
