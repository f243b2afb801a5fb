"""read_database(url) -> Inventory: the live twin of read_ddl. The catalogue is read on an
autocommit connection: each query is its own read-only transaction, none stays open while the
inventory is built."""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlalchemy as sa

from auditor.errors import SourceError
from auditor.models.inventory import Inventory
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.catalog import read_duckdb, read_sqlalchemy
from auditor.sources.database.catalog_spark import read_spark
from auditor.sources.database.connection import Target, parse_target, read_only_connection
from auditor.sources.database.privileges_mysql import read_mysql_access
from auditor.sources.database.privileges_postgres import read_postgres_access
from auditor.sources.engine_errors import engine_message
from auditor.sources.row_store import connect


def read_database(
    url: str,
    *,
    password_env: str | None = None,
    schemas: list[str] | None = None,
    tables: list[str] | None = None,
    exclude: list[str] | None = None,
    timeout_s: int = 30,
) -> Inventory:
    target = parse_target(url, password_env)
    # the inventory's dialect is the SQL the engine speaks (sqlglot's name), for the `closed:` conditions
    dialect = target.engine.dialect
    builder = InventoryBuilder(target.masked, dialect, target.default_schema)
    builder.inventory.source = target.masked
    if target.engine.catalogue == "duckdb":
        _read_duckdb(target, builder, schemas or [], tables or [], exclude or [])
        return builder.build()
    if target.backend == "mysql" and not target.url.database and not schemas:
        raise SourceError(f"{target.masked} names no database: add it to the URL "
                          "(mysql+pymysql://user@host/DATABASE) or list the databases to read in `schemas`")
    try:
        with read_only_connection(target, timeout_s, autocommit=True) as conn:
            read_catalogue = read_spark if target.engine.catalogue == "spark" else read_sqlalchemy
            read_catalogue(conn, target, builder, schemas or [], tables or [], exclude or [])
            if target.engine.grants == "postgres":
                read_postgres_access(conn, target, builder, schemas)
            elif target.engine.grants == "mysql":
                read_mysql_access(conn, target, builder)
    except sa.exc.SQLAlchemyError as err:
        raise SourceError(f"cannot read the catalogue of {target.masked}: {engine_message(err)}") from None
    return builder.build()


def _read_duckdb(
    target: Target, builder: InventoryBuilder, schemas: list[str], tables: list[str], exclude: list[str]
) -> None:
    path = target.url.database or ""
    if not Path(path).is_file():
        raise SourceError("DuckDB database file not found", file=path or None)
    try:
        con = connect(path, read_only=True)
    except duckdb.Error as err:
        raise SourceError(
            f"cannot open the DuckDB file: {engine_message(err)}", file=path
        ) from None
    try:
        read_duckdb(con, target, builder, schemas, tables, exclude)
    finally:
        con.close()
