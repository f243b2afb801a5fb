"""The retention check's queries, run inside the audited database itself.

One read-only connection, opened on first use (the same guarantees as the scan: read-only
transactions, statement timeout) and kept until `close()`; each query runs in a transaction of its
own, ended as soon as its row is read. A DuckDB file is opened read-only.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import duckdb
import sqlalchemy as sa
import sqlglot.expressions as exp

from auditor.models.inventory import Inventory, Table
from auditor.sources.database.connection import Target, parse_target, read_only_connection, statement
from auditor.sources.engine_errors import engine_message, failure_values
from auditor.sources.query_runner import QueryError
from auditor.sources.row_store import connect


class DatabaseQueryRunner:
    """The audited database itself, through one read-only connection opened on first use."""

    def __init__(self, url: str, *, password_env: str | None = None, timeout_s: int = 30,
                 inventory: Inventory | None = None) -> None:
        self.target: Target = parse_target(url, password_env)
        self.dialect = self.target.engine.dialect
        self.timeout_s = timeout_s
        self._stack = ExitStack()
        self._conn: sa.Connection | None = None
        self._duck: duckdb.DuckDBPyConnection | None = None

    def has_rows(self, table: Table) -> bool:
        return table.is_base_table

    def missing(self, table: Table, columns: list[str]) -> list[str]:
        return [c for c in columns if table.column(c) is None]

    def table_ref(self, table: Table) -> exp.Table:
        schema = self.target.schema_of(table)
        return exp.Table(this=exp.to_identifier(table.name, quoted=True),
                         db=exp.to_identifier(schema, quoted=True) if schema else None)

    def run(self, sql: str) -> tuple[Any, ...]:
        try:
            if self.target.engine.catalogue == "duckdb":
                if self._duck is None:
                    self._duck = connect(self.target.url.database or "", read_only=True)
                row = self._duck.execute(sql).fetchone()
            else:
                if self._conn is None:
                    self._conn = self._stack.enter_context(read_only_connection(self.target, self.timeout_s))
                with statement(self._conn, self.target):
                    row = self._conn.execute(sa.text(sql)).fetchone()
        except (sa.exc.SQLAlchemyError, duckdb.Error) as err:
            raise QueryError(engine_message(err), failure_values(err)) from None
        assert row is not None
        return tuple(row)

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
        self._stack.close()
