"""The embedded engine that holds the rows the value checks read: one in-memory DuckDB database.

Sample files are queried in place (`read_csv`, `read_parquet`, `read_json`); rows sampled from a
live database, and files DuckDB cannot decode itself (Windows-1252), are streamed into in-memory
tables in columnar batches. Nothing is written to disk: DuckDB's temporary directory, where an
in-memory database otherwise spills what exceeds its memory limit (`./.tmp`), is switched off, so a
query too big for memory fails (and is reported) rather than write rows out. Only counts and masked
examples ever leave the engine. Its memory is capped (`memory_limit`, 2 GB by default): within it
DuckDB keeps the blocks of the files it has read, and drops them, to read again, when it needs room.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import duckdb

BATCH_ROWS = 5_000


def connect(database: str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that writes nothing of what it reads: no spilling to a temporary
    directory (for a read-only database file it would be `<file>.tmp`), no progress bar printed."""
    con = duckdb.connect(database, read_only=read_only, config={"temp_directory": ""})
    con.execute("SET enable_progress_bar = false")
    return con


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class RowStore:
    """An in-memory DuckDB connection shared by the stages of one audit; `cursor()` gives each
    worker thread its own handle on the same database."""

    def __init__(self, memory_limit: str | None = None) -> None:
        self.con = connect()
        if memory_limit:  # DuckDB caches the file blocks it reads up to this limit (80 % of RAM otherwise)
            self.con.execute(f"SET memory_limit = {literal(memory_limit)}")
        self._lock = threading.Lock()
        self._count = 0

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def new_name(self) -> str:
        with self._lock:
            self._count += 1
            return f"rows_{self._count}"

    def load(self, columns: Sequence[str], batches: Iterable[Sequence[Sequence[object]]],
             con: duckdb.DuckDBPyConnection | None = None) -> tuple[str, int]:
        """Create an in-memory table of VARCHAR `columns` from row batches; (relation, rows).

        Each batch goes in as one INSERT of unnested column lists: no per-row round trip."""
        con = con or self.con
        name = self.new_name()
        cols = ", ".join(f"{quote(c)} VARCHAR" for c in columns)
        con.execute(f"CREATE TABLE {name} ({cols})")
        unnest = ", ".join("unnest(?::VARCHAR[])" for _ in columns)
        total = 0
        for batch in batches:
            if not batch:
                continue
            lists = [[None if v is None else str(v) for v in col] for col in zip(*batch, strict=True)]
            con.execute(f"INSERT INTO {name} SELECT {unnest}", lists)
            total += len(batch)
        return name, total

    def close(self) -> None:
        self.con.close()
