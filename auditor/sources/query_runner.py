"""Where a check's SQL runs: inside the audited database, or over the sample files in the row store.

A check builds its SQL with sqlglot for `runner.dialect`, naming tables through
`runner.table_ref(table)`, and gets back one row of counts. The sample runner, here, exposes each
sample file as a view of the in-memory row store; the database runner is
`auditor/sources/database/queries.py`. Failures raise QueryError with a first line that names no
value.
"""

from __future__ import annotations

from typing import Any, Protocol

import duckdb
import sqlglot.expressions as exp

from auditor.models.inventory import Inventory, Table
from auditor.sources.engine_errors import engine_message, failure_values
from auditor.sources.row_store import quote
from auditor.sources.samples import SampleCounts


class QueryError(Exception):
    """A query the engine refused: its English description, and what the reports put into words
    (the engine, the error's code and condition: auditor/sources/engine_errors.py)."""

    def __init__(self, message: str, values: dict[str, str | int | float] | None = None) -> None:
        super().__init__(message)
        self.values = values or {}


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
            raise QueryError(engine_message(err), failure_values(err)) from None
        assert row is not None
        return tuple(row)

    def close(self) -> None:
        self.con.close()
