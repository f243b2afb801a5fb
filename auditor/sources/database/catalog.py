"""Tables, views, columns, comments and keys of a live database, as inventory tables.

The objects of each schema that hold rows, with their kind (objects.py: tables, partitioned tables,
views, materialized views, foreign tables), in the schemas asked for; on MySQL/MariaDB, where a
schema is a database, the URL's only unless `schemas` names others. SQLAlchemy's inspector for
SQLite, PostgreSQL, MySQL/MariaDB and other dialects, asked for every table of a schema at once (on
PostgreSQL a handful of catalogue queries for the whole database, whatever its size; other dialects
answer table by table behind the same calls), and table by table only when the batch fails, to name
the table that cannot be read; a type it does not know is named from the catalogue
(column_types.py); DuckDB's own catalog functions (duckdb-engine's reflection breaks on SQLAlchemy
2.1). Tables in the default schema (public, main, the MySQL database) are named without it, as in a
DDL file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy.engine.reflection import ObjectKind

from auditor.models.inventory import Column, ForeignKey, SourceLocation, Table
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.column_types import declared_types, opaque, quiet_reflection, unknown
from auditor.sources.database.connection import Target
from auditor.sources.database.objects import SchemaObject, schema_objects
from auditor.sources.engine_errors import failed

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


# What SQLAlchemy reflects each kind of object as: tables (PostgreSQL's TABLE takes in partitioned and
# foreign tables), views, materialized views.
_FAMILIES = {"table": ObjectKind.TABLE, "partitioned_table": ObjectKind.TABLE,
             "foreign_table": ObjectKind.TABLE, "view": ObjectKind.VIEW,
             "materialized_view": ObjectKind.MATERIALIZED_VIEW}


def audited_schemas(inspector: sa.Inspector, target: Target, schemas: list[str]) -> list[str]:
    """The schemas to read: the ones `schemas` names (globs), else every one of the database; on
    MySQL/MariaDB, where a schema is a database, only the URL's own."""
    names = [s for s in inspector.get_schema_names()
             if s not in _SYSTEM_SCHEMAS and not s.startswith("pg_temp")]
    if schemas:
        return [s for s in names if wanted(s, schemas, [])]
    if target.backend == "mysql":
        return [s for s in names if s == inspector.default_schema_name]
    return names


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
    for schema in audited_schemas(inspector, target, schemas):
        shown = None if schema == default else schema
        listed = schema_objects(conn, inspector, schema)
        kept = [o for o in listed if wanted(f"{shown}.{o.name}" if shown else o.name, tables, exclude)
                or wanted(o.name, tables, exclude)]
        for family in dict.fromkeys(_FAMILIES[o.kind] for o in kept):  # in the order of the listing
            members = [o for o in kept if _FAMILIES[o.kind] == family]
            every = [o for o in listed if _FAMILIES[o.kind] == family]
            try:
                with quiet_reflection():
                    found = _catalogue(conn, inspector, schema, family, [o.name for o in members],
                                       len(members) < len(every))
            except sa.exc.SQLAlchemyError:  # an object the batch cannot read: table by table, to name it
                found = None
            for obj in members:
                qualified = f"{shown}.{obj.name}" if shown else obj.name
                try:
                    with quiet_reflection():
                        table = _table(conn, inspector, schema, shown, obj, target, found)
                    builder.add_table(table)
                except sa.exc.SQLAlchemyError as err:
                    builder.failure("database", qualified, failed("read_table", err))


@dataclass
class _Catalogue:
    """What the catalogue says of the objects of one family (tables, views or materialized views)
    of one schema, read in a few queries."""

    columns: dict[str, list[Any]]
    primary_keys: dict[str, list[str]]
    foreign_keys: dict[str, list[Any]]
    comments: dict[str, str | None]
    views: dict[str, str | None]
    declared: dict[tuple[str, str], str]  # (table, column) -> type, where SQLAlchemy does not know it


def _catalogue(conn: sa.Connection, inspector: sa.Inspector, schema: str, family: ObjectKind,
               names: list[str], filtered: bool) -> _Catalogue:
    """Columns, keys, comments (and view definitions) of the `names` of one schema: one query
    each for the whole schema where the dialect reflects many tables at once (PostgreSQL), one per
    table otherwise."""
    only = names if filtered else None

    def by_name(found: dict[tuple[str | None, str], Any]) -> dict[str, Any]:
        return {name: value for (_, name), value in found.items()}

    columns = by_name(inspector.get_multi_columns(schema=schema, filter_names=only, kind=family))
    keys: dict[str, list[str]] = {}
    fks: dict[str, list[Any]] = {}
    if family == ObjectKind.TABLE:
        keys = {n: pk.get("constrained_columns") or [] for n, pk in
                by_name(inspector.get_multi_pk_constraint(schema=schema, filter_names=only)).items()}
        fks = by_name(inspector.get_multi_foreign_keys(schema=schema, filter_names=only))
    try:
        comments = {n: c.get("text") for n, c in
                    by_name(inspector.get_multi_table_comment(schema=schema, filter_names=only,
                                                              kind=family)).items()}
    except NotImplementedError:
        comments = {}
    views = _view_definitions(conn, inspector, schema, names) if family != ObjectKind.TABLE else {}
    return _Catalogue(columns, keys, fks, comments, views, _declared(conn, schema, columns))


def _declared(conn: sa.Connection, schema: str, columns: dict[str, list[Any]]) -> dict[tuple[str, str], str]:
    """The declared types of the columns SQLAlchemy did not recognise, in one query."""
    tables = [name for name, cols in columns.items() if any(unknown(c) for c in cols)]
    return declared_types(conn, schema, tables) if tables else {}


_PG_VIEWS = sa.text(
    "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relkind IN ('v', 'm')"
)


def _view_definitions(conn: sa.Connection, inspector: sa.Inspector, schema: str,
                      names: list[str]) -> dict[str, str | None]:
    if conn.dialect.name == "postgresql":  # what get_view_definition reads, for every view at once
        found = {name: text for name, text in conn.execute(_PG_VIEWS, {"schema": schema})}
        return {name: found.get(name) for name in names}
    definitions: dict[str, str | None] = {}
    for name in names:
        try:
            definitions[name] = inspector.get_view_definition(name, schema=schema)
        except (NotImplementedError, sa.exc.SQLAlchemyError):
            definitions[name] = None
    return definitions


def _unescaper(dialect: sa.Dialect) -> Callable[[str], str]:
    """MySQL's reflection parses SHOW CREATE TABLE and leaves column names as quoted there (a backtick
    doubled): the real name, in the dialect's own quoting. Other dialects give the real name."""
    if dialect.name != "mysql":
        return lambda name: name
    preparer = dialect.identifier_preparer
    return lambda name: name.replace(preparer.escape_to_quote, preparer.escape_quote)


def _table(
    conn: sa.Connection,
    inspector: sa.Inspector,
    schema: str,
    shown: str | None,
    obj: SchemaObject,
    target: Target,
    found: _Catalogue | None,
) -> Table:
    """One table or view, from what the batch read (`found`), else asked table by table."""
    name, family = obj.name, _FAMILIES[obj.kind]
    where = SourceLocation(object=f"{target.masked}#{schema}.{name}")
    if found is None:
        found = _one(conn, inspector, schema, name, family)
    real = _unescaper(conn.dialect)
    pk = [real(c) for c in found.primary_keys.get(name, [])] if family == ObjectKind.TABLE else []
    columns = []
    for c in found.columns.get(name, []):
        column = real(c["name"])
        known = not unknown(c)
        type_name = _type(c, conn.dialect) if known else found.declared.get((name, column))
        columns.append(Column(
            name=column,
            type=type_name,
            nullable=bool(c.get("nullable", True)),
            default=str(c["default"]) if c.get("default") is not None else None,
            comment=c.get("comment"),
            primary_key=column in pk,
            opaque=opaque(type_name, known),
            location=where,
        ))
    fks = (
        []
        if family != ObjectKind.TABLE
        else [
            ForeignKey(
                columns=[real(c) for c in fk["constrained_columns"]],
                ref_schema=fk.get("referred_schema"),
                ref_table=fk["referred_table"],
                ref_columns=[real(c) for c in fk.get("referred_columns") or []],
                on_delete=(fk.get("options") or {}).get("ondelete"),
            )
            for fk in found.foreign_keys.get(name, [])
        ]
    )
    return Table(
        schema_name=shown,
        name=name,
        kind=obj.kind,
        partitions=obj.partitions,
        comment=found.comments.get(name),
        columns=columns,
        primary_key=pk,
        foreign_keys=fks,
        view_sql=found.views.get(name) if family != ObjectKind.TABLE else None,
        location=where,
    )


def _one(conn: sa.Connection, inspector: sa.Inspector, schema: str, name: str,
         family: ObjectKind) -> _Catalogue:
    """The same as `_catalogue`, for one object, one round trip per question."""
    try:
        comment = inspector.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:
        comment = None
    table = family == ObjectKind.TABLE
    pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or [] if table else []
    view = None
    if not table:
        try:
            view = inspector.get_view_definition(name, schema=schema)
        except (NotImplementedError, sa.exc.SQLAlchemyError):
            view = None
    columns = {name: inspector.get_columns(name, schema=schema)}
    fks = {name: inspector.get_foreign_keys(name, schema=schema) if table else []}
    declared = _declared(conn, schema, columns)
    return _Catalogue(columns, {name: pk}, fks, {name: comment}, {name: view}, declared)


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
