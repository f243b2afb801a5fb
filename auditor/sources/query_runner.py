"""Where a check's SQL runs: inside the audited database, or over the sample files in the row store.

A check builds its SQL with sqlglot for `runner.dialect`, naming tables through
`runner.table_ref(table)`, and gets back one row of counts. The database runner opens one
read-only connection (the same guarantees as the scan: read-only transactions, statement timeout)
and keeps it until `close()`, each query in a transaction of its own, ended as soon as its row is
read; the sample runner exposes each sample file as a view of the
in-memory row store. Failures raise QueryError with a first line that names no value.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any, Protocol

import duckdb
import sqlalchemy as sa
import sqlglot.expressions as exp

from auditor.models.inventory import Inventory, Table
from auditor.sources.database.connection import Target, parse_target, read_only_connection, statement
from auditor.sources.database.counts import DIALECTS
from auditor.sources.engine_errors import engine_message, identifiers_of
from auditor.sources.row_store import connect, quote
from auditor.sources.samples import SampleCounts


class QueryError(Exception):
    pass


class QueryRunner(Protocol):
    dialect: str

    def has_rows(self, table: Table) -> bool: ...

    def missing(self, table: Table, columns: list[str]) -> list[str]: ...

    def table_ref(self, table: Table) -> exp.Table: ...

    def run(self, sql: str) -> tuple[Any, ...]: ...

    def close(self) -> None: ...


class SampleQueryRunner:
    """The sample files, as views `samples."<table>"` of the row store."""

    dialect = "duckdb"

    def __init__(self, samples: SampleCounts, inventory: Inventory) -> None:
        assert samples.store is not None
        self.con = samples.store.cursor()
        self.con.execute("CREATE SCHEMA IF NOT EXISTS samples")
        self.known = identifiers_of(inventory.tables) | {"samples"}
        self.tables: set[str] = set()
        self.columns: dict[str, set[str]] = {}
        for table in inventory.tables:
            counts = samples.tables.get(table.qualified_name)
            if counts is not None and counts.relation is not None and not counts.in_database:
                self.columns[table.qualified_name] = set(counts.header)
                self.con.execute(f"CREATE OR REPLACE VIEW samples.{quote(table.qualified_name)} AS "
                                 f"SELECT * FROM {counts.relation}")
                self.tables.add(table.qualified_name)

    def has_rows(self, table: Table) -> bool:
        return table.qualified_name in self.tables

    def missing(self, table: Table, columns: list[str]) -> list[str]:
        """Of `columns`, those the table's sample file does not have."""
        present = self.columns.get(table.qualified_name, set())
        return [c for c in columns if c.lower() not in present]

    def table_ref(self, table: Table) -> exp.Table:
        return exp.Table(this=exp.to_identifier(table.qualified_name, quoted=True),
                         db=exp.to_identifier("samples"))

    def run(self, sql: str) -> tuple[Any, ...]:
        try:
            row = self.con.execute(sql).fetchone()
        except duckdb.Error as err:
            raise QueryError(engine_message(err, self.known)) from None
        assert row is not None
        return tuple(row)

    def close(self) -> None:
        self.con.close()


class DatabaseQueryRunner:
    """The audited database itself, through one read-only connection opened on first use."""

    def __init__(self, url: str, *, password_env: str | None = None, timeout_s: int = 30,
                 inventory: Inventory | None = None) -> None:
        self.target: Target = parse_target(url, password_env)
        self.dialect = DIALECTS.get(self.target.backend, self.target.backend)
        self.timeout_s = timeout_s
        self._stack = ExitStack()
        self._conn: sa.Connection | None = None
        self._duck: duckdb.DuckDBPyConnection | None = None
        self.known = identifiers_of(inventory.tables if inventory else [])

    def has_rows(self, table: Table) -> bool:
        return table.kind == "table"

    def missing(self, table: Table, columns: list[str]) -> list[str]:
        return [c for c in columns if table.column(c) is None]

    def table_ref(self, table: Table) -> exp.Table:
        schema = table.schema_name or (self.target.default_schema if self.target.backend == "postgresql"
                                       else None)
        return exp.Table(this=exp.to_identifier(table.name, quoted=True),
                         db=exp.to_identifier(schema, quoted=True) if schema else None)

    def run(self, sql: str) -> tuple[Any, ...]:
        try:
            if self.target.backend == "duckdb":
                if self._duck is None:
                    self._duck = connect(self.target.url.database or "", read_only=True)
                row = self._duck.execute(sql).fetchone()
            else:
                if self._conn is None:
                    self._conn = self._stack.enter_context(read_only_connection(self.target, self.timeout_s))
                with statement(self._conn, self.target):
                    row = self._conn.execute(sa.text(sql)).fetchone()
        except (sa.exc.SQLAlchemyError, duckdb.Error) as err:
            raise QueryError(engine_message(err, self.known)) from None
        assert row is not None
        return tuple(row)

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
        self._stack.close()
