"""The objects of one schema that hold rows, each with its kind, each listed once.

PostgreSQL answers in two catalogue queries per schema: tables, partitioned tables, views,
materialized views and foreign tables (`pg_class.relkind`), partitions left out (`relispartition`)
and named under the table they belong to (`pg_partition_tree`, every level), so that a partitioned
table is audited as one table and its rows are counted once. Other dialects answer through
SQLAlchemy's inspector: tables and views, and materialized views where the dialect knows them.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

import sqlalchemy as sa


@dataclass
class SchemaObject:
    name: str
    kind: str  # one of auditor.models.inventory.TABLE_KINDS
    partitions: list[str] = field(default_factory=list)


_PG_KINDS = {"r": "table", "p": "partitioned_table", "f": "foreign_table", "v": "view",
             "m": "materialized_view"}
_PG_OBJECTS = sa.text(
    "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND NOT c.relispartition "
    "ORDER BY c.relname"
)
# Every partition under the table it belongs to (the root), sub-partitions included, level by level.
_PG_PARTITIONS = sa.text(
    "SELECT p.relname, pn.nspname, c.relname FROM pg_class p "
    "JOIN pg_namespace n ON n.oid = p.relnamespace "
    "CROSS JOIN LATERAL pg_partition_tree(p.oid) t "
    "JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace pn ON pn.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND p.relkind = 'p' AND NOT p.relispartition AND t.relid <> p.oid "
    "ORDER BY p.relname, t.level, c.relname"
)
_VIEWS = {"view", "materialized_view"}


def schema_objects(conn: sa.Connection, inspector: sa.Inspector, schema: str) -> list[SchemaObject]:
    """The objects of `schema` that hold rows: tables and foreign tables first, then views, each
    group by name."""
    if conn.dialect.name == "postgresql":
        found = [SchemaObject(name, _PG_KINDS[kind]) for name, kind in
                 conn.execute(_PG_OBJECTS, {"schema": schema})]
        by_name = {o.name: o for o in found}
        for parent, part_schema, part in conn.execute(_PG_PARTITIONS, {"schema": schema}):
            if parent in by_name:
                by_name[parent].partitions.append(part if part_schema == schema else f"{part_schema}.{part}")
        return sorted(found, key=lambda o: (o.kind in _VIEWS, o.name))
    objects = [SchemaObject(n, "table") for n in inspector.get_table_names(schema=schema)]
    objects += [SchemaObject(n, "view") for n in inspector.get_view_names(schema=schema)]
    with suppress(NotImplementedError):
        objects += [SchemaObject(n, "materialized_view")
                    for n in inspector.get_materialized_view_names(schema=schema)]
    return objects
