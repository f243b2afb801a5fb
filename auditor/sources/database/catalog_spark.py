"""Tables, views, columns and comments of a Spark SQL engine (a Spark Thrift server, reached over
the Hive protocol: `hive://user@host:10000/database`), read with the engine's own catalogue
statements: `SHOW TABLES IN db`, then `DESCRIBE TABLE EXTENDED db.t` for each table, whose first
rows are the columns (name, type, comment) and whose « Detailed Table Information » section gives
the table's type (VIEW, MANAGED, EXTERNAL), comment and view text. PyHive's SQLAlchemy reflection
is not used: it answers Spark with the wrong shapes (a list for a primary key, the schema name once
per table).

Only catalogue statements are sent here. Spark tables declare no primary or foreign keys; what the
classifier needs of them it reads from the names (`usager_id`). Tables in the URL's database are
named without it, as in a DDL file.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from auditor.models.inventory import Column, ForeignKey, SourceLocation, Table
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.catalog import wanted
from auditor.sources.database.connection import Target
from auditor.sources.engine_errors import failed

_BINARY = {"binary"}  # types whose values are opaque bytes


def quote(name: str) -> str:
    """A Spark SQL identifier in backquotes."""
    return "`" + name.replace("`", "``") + "`"


def read_spark(
    conn: sa.Connection,
    target: Target,
    builder: InventoryBuilder,
    schemas: list[str],
    tables: list[str],
    exclude: list[str],
) -> None:
    default = (target.url.database or "default").lower()  # Spark keeps database names in lower case
    read: list[Table] = []
    if schemas:
        names = [str(r[0]) for r in conn.execute(sa.text("SHOW DATABASES"))]
        audited = [s for s in names if wanted(s.lower(), [p.lower() for p in schemas], [])]
    else:
        audited = [default]
    for schema in audited:
        shown = None if schema == default else schema
        listed = conn.execute(sa.text(f"SHOW TABLES IN {quote(schema)}")).fetchall()
        for row in listed:
            namespace, name, temporary = str(row[0]), str(row[1]), bool(row[2])
            if temporary or (namespace and namespace.lower() != schema.lower()):  # a session's temporary view
                continue
            qualified = f"{shown}.{name}" if shown else name
            if not (wanted(qualified, tables, exclude) or wanted(name, tables, exclude)):
                continue
            try:
                described = conn.execute(
                    sa.text(f"DESCRIBE TABLE EXTENDED {quote(schema)}.{quote(name)}")).fetchall()
            except sa.exc.SQLAlchemyError as err:
                builder.failure("database", qualified, failed("read_table", err))
                continue
            where = SourceLocation(object=f"{target.masked}#{schema}.{name}")
            read.append(table_from_description(described, shown, name, where))
    for table in imply_keys(read):
        builder.add_table(table)


def imply_keys(tables: list[Table]) -> list[Table]:
    """Keys read from the names, as the engine declares none: a column `id` is its table's key, and
    `usager_id` (or `id_usager`) points to the table `usager` (or `usagers`) of the same schema
    that has an `id`. Marked implied in the inventory (not declared). One pass over the columns, with
    the tables indexed by name."""
    by_name = {(t.schema_name, t.name.lower()): t for t in tables}
    out = []
    for table in tables:
        keys = []
        for col in table.columns:
            low = col.name.lower()
            stem = low[:-3] if low.endswith("_id") else low[3:] if low.startswith("id_") else None
            if not stem:
                continue
            target = next((by_name[(table.schema_name, n)] for n in (stem, stem + "s", stem + "x")
                           if (table.schema_name, n) in by_name), None)
            if target is not None and any(c.name.lower() == "id" for c in target.columns):
                keys.append(ForeignKey(columns=[col.name], ref_schema=target.schema_name,
                                       ref_table=target.name, ref_columns=["id"], implied=True))
        primary = [c.name for c in table.columns if c.name.lower() == "id"][:1]
        columns = [c.model_copy(update={"primary_key": c.name in primary}) for c in table.columns]
        update = {"primary_key": primary, "columns": columns, "foreign_keys": keys}
        out.append(table.model_copy(update=update))
    return out


def table_from_description(rows: Sequence[Sequence[object]], schema: str | None, name: str,
                           where: SourceLocation) -> Table:
    """The inventory table a `DESCRIBE TABLE EXTENDED` answer describes."""
    columns: list[Column] = []
    details: dict[str, str] = {}
    in_columns, in_details = True, False
    for row in rows:
        key = str(row[0] or "").strip()
        value = str(row[1] or "").strip()
        comment = str(row[2]).strip() if len(row) > 2 and row[2] not in (None, "") else None
        if in_columns and (not key or key.startswith("#")):
            in_columns = False  # the end of the columns: partition and detail sections follow
        if in_columns:
            columns.append(Column(name=key, type=value.upper(), nullable=True, comment=comment,
                                  opaque=value.lower() in _BINARY, location=where))
        elif key == "# Detailed Table Information":
            in_details = True
        elif in_details and key and not key.startswith("#"):
            details[key] = value
    kind = "view" if details.get("Type", "").upper() == "VIEW" else "table"
    return Table(schema_name=schema, name=name, kind=kind, comment=details.get("Comment") or None,
                 columns=columns, primary_key=[], foreign_keys=[],
                 view_sql=details.get("View Text") if kind == "view" else None, location=where)
