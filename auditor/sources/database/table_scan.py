"""Read what the data checks need from a live database, table by table, without copying it.

For each object that stores rows (tables, partitioned tables as one table, materialized views;
foreign tables only with `count_foreign`, since their rows live on another server; never views,
whose rows are their tables'): one count query (rows, non-null and distinct values per column,
counts.py) over the whole table, then a deterministic sample of at most `sample_rows` rows
(sampling.py), streamed in batches into the in-memory row store where the value detectors and the
notes scan run. A DuckDB file is attached read-only to the store and sampled there: no row passes
through Python. Tables are read by `jobs` workers, each on its own read-only connection; every
statement has the statement timeout, and each table a time budget across its statements. A table
that fails or runs out of time is reported and skipped; the others go on.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from auditor.errors import SourceError
from auditor.models.inventory import Inventory, ReadError, Table
from auditor.sources.database.connection import Target, parse_target, read_only_connection, statement
from auditor.sources.database.counts import count_sql, table_counts
from auditor.sources.database.sampling import DEFAULT_SAMPLE_ROWS, notes_sql, sample_sql, text_columns
from auditor.sources.engine_errors import Failure, engine_message, failed, out_of_time
from auditor.sources.row_store import BATCH_ROWS, RowStore, literal
from auditor.sources.samples import SampleCounts, TableCounts

# (event, table, rows): ("start", "", number of tables) once, then once per table when it is
# done ("done", table, rows counted) or skipped ("error", table, None). Called from worker threads.
ProgressFn = Callable[[str, str, int | None], None]


@dataclass
class ScanOptions:
    timeout_s: int = 30  # per statement
    table_budget_s: int = 300  # per table, all its statements
    sample_rows: int = DEFAULT_SAMPLE_ROWS
    jobs: int = 2
    counts: bool = True
    count_foreign: bool = False  # foreign tables: counted and sampled (else listed only)


class BudgetExceeded(Exception):
    pass


class _Budget:
    def __init__(self, seconds: float, timeout_s: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.timeout_s = timeout_s

    def next_statement(self) -> float:
        """Seconds the next statement may take; raises when the table's budget is spent."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BudgetExceeded
        return min(float(self.timeout_s), left)


def scan_database(url: str, inventory: Inventory, store: RowStore, *, password_env: str | None = None,
                  options: ScanOptions | None = None, progress: ProgressFn | None = None) -> SampleCounts:
    """Counts of every table of the inventory and a sample of its rows in `store`."""
    options = options or ScanOptions()
    target = parse_target(url, password_env)
    result = SampleCounts(store=store)
    tables = [t for t in inventory.tables if t.columns and (t.stores_rows or (
        options.count_foreign and t.kind == "foreign_table"))]
    lock = threading.Lock()

    def record(table: Table, outcome: TableCounts | Failure) -> None:
        with lock:
            if isinstance(outcome, Failure):
                result.errors.append(outcome.error("database", f"{target.masked}#{table.qualified_name}"))
            else:
                result.tables[table.qualified_name] = outcome
        if progress is not None:
            progress("error" if isinstance(outcome, Failure) else "done", table.qualified_name,
                     None if isinstance(outcome, Failure) else outcome.rows)

    if progress is not None:
        progress("start", "", len(tables))
    if target.engine.catalogue == "duckdb":
        _scan_duckdb(target, tables, store, options, record)
    else:
        _scan_sqlalchemy(target, tables, store, options, record)
    order = {t.qualified_name: i for i, t in enumerate(tables)}
    result.tables = dict(sorted(result.tables.items(), key=lambda kv: order[kv[0]]))
    result.errors.sort(key=lambda e: e.location)
    return result


# -- SQLAlchemy engines: PostgreSQL, MariaDB/MySQL, SQLite, others ---------------------------------
def _batches(conn: sa.Connection, sql: str) -> Iterator[Sequence[Sequence[object]]]:
    # per statement: Connection.execution_options() would turn every later statement into a cursor
    rows = conn.execute(sa.text(sql), execution_options={"stream_results": True,
                                                         "max_row_buffer": BATCH_ROWS})
    for part in rows.partitions(BATCH_ROWS):
        yield [tuple(r) for r in part]


def _interrupter(conn: sa.Connection, target: Target) -> Callable[[], None] | None:
    """SQLite has no statement timeout: a timer interrupts the running statement instead."""
    if target.backend != "sqlite":
        return None
    raw: Any = conn.connection.dbapi_connection
    return raw.interrupt if raw is not None else None


@contextmanager
def _timed(conn: sa.Connection, target: Target, budget: _Budget) -> Iterator[sa.Connection]:
    """One statement of the table, in a transaction of its own, within what is left of the
    table's budget (SQLite, which has no statement timeout, is interrupted by a timer)."""
    seconds = budget.next_statement()
    interrupt = _interrupter(conn, target)
    timer = threading.Timer(seconds, interrupt) if interrupt is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    # PostgreSQL ends a SET with the transaction: the session's own timeout (the same) needs none,
    # one round trip saved; MariaDB keeps a session SET, so it is sent every time
    lowered = seconds < budget.timeout_s or not target.engine.timeout_per_transaction
    try:
        with statement(conn, target, seconds if lowered else None):
            yield conn
    finally:
        if timer is not None:
            timer.cancel()


def _scan_table(conn: sa.Connection, target: Target, table: Table, store: RowStore,
                options: ScanOptions) -> TableCounts:
    """Two statements, each in its own short transaction: the counts, then the sample, streamed
    into the row store batch by batch."""
    dialect = target.engine.dialect
    schema = target.schema_of(table)
    location = f"{target.masked}#{table.qualified_name}"
    budget = _Budget(options.table_budget_s, options.timeout_s)
    sql = count_sql(table, dialect, schema)
    with _timed(conn, target, budget):
        row = conn.execute(sa.text(sql)).fetchone()
    assert row is not None
    counts = table_counts(table, tuple(row), location)
    columns = text_columns(table)
    if options.sample_rows > 0 and columns and counts.rows:
        sql = sample_sql(table, dialect, options.sample_rows, counts.rows, schema=schema)
        cursor = store.cursor()
        try:
            with _timed(conn, target, budget):
                name, loaded = store.load([c.name for c in columns], _batches(conn, sql), cursor)
        finally:
            cursor.close()
        counts.relation, counts.sampled = name, loaded
        counts.header = {c.name.lower(): c.name for c in columns}
    return counts


def _scan_sqlalchemy(target: Target, tables: list[Table], store: RowStore, options: ScanOptions,
                     record: Callable[[Table, TableCounts | Failure], None]) -> None:
    todo: queue.Queue[Table] = queue.Queue()
    for table in tables:
        todo.put(table)

    def drain(conn: sa.Connection) -> None:
        while True:
            try:
                table = todo.get_nowait()
            except queue.Empty:
                return
            try:
                record(table, _scan_table(conn, target, table, store, options))
                continue
            except BudgetExceeded:
                record(table, out_of_time("count_sample", options.table_budget_s))
            except (sa.exc.SQLAlchemyError, duckdb.Error) as err:
                record(table, failed("count_sample", err))
            if conn.invalidated or conn.closed:
                return  # the connection is gone: the worker opens a new one

    def worker() -> None:
        for attempt in range(3):
            try:
                with read_only_connection(target, options.timeout_s) as conn:
                    drain(conn)
            except SourceError:
                if attempt == 2 and not todo.empty():
                    raise
            if todo.empty():
                return

    jobs = max(1, min(options.jobs, len(tables))) if target.engine.parallel else 1
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="gdpr-audit-scan") as pool:
        futures = [pool.submit(worker) for _ in range(jobs)]
        for future in futures:
            future.result()  # a connection that cannot be opened is an input error (SourceError)


# -- DuckDB files: attached read-only to the row store ---------------------------------------------
def _scan_duckdb(target: Target, tables: list[Table], store: RowStore, options: ScanOptions,
                 record: Callable[[Table, TableCounts | Failure], None]) -> None:
    path = target.url.database or ""
    if not Path(path).is_file():
        raise SourceError("DuckDB database file not found", file=path or None)
    con = store.cursor()
    try:
        con.execute(f"ATTACH {literal(str(Path(path).resolve()))} AS audited (READ_ONLY)")
    except duckdb.Error as err:
        raise SourceError(f"cannot open the DuckDB file: {engine_message(err)}", file=path) from None
    try:
        for table in tables:
            record(table, _scan_duckdb_table(con, target, table, store, options))
    finally:
        con.execute("DETACH audited")
        con.close()


def _scan_duckdb_table(con: duckdb.DuckDBPyConnection, target: Target, table: Table, store: RowStore,
                       options: ScanOptions) -> TableCounts | Failure:
    schema = table.schema_name or "main"
    location = f"{target.masked}#{table.qualified_name}"
    timer = threading.Timer(options.table_budget_s, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        row = con.execute(count_sql(table, "duckdb", schema, "audited")).fetchone()
        assert row is not None
        counts = table_counts(table, tuple(row), location)
        columns = text_columns(table)
        if options.sample_rows > 0 and columns and counts.rows:
            name = store.new_name()
            sql = sample_sql(table, "duckdb", options.sample_rows, counts.rows, schema=schema,
                             catalog="audited")
            con.execute(f"CREATE TABLE memory.main.{name} AS {sql}")
            loaded = con.execute(f"SELECT count(*) FROM memory.main.{name}").fetchone()
            counts.relation, counts.sampled = f"memory.main.{name}", int(loaded[0]) if loaded else 0
            counts.header = {c.name.lower(): c.name for c in columns}
        return counts
    except duckdb.InterruptException:
        return out_of_time("count_sample", options.table_budget_s)
    except duckdb.Error as err:
        return failed("count_sample", err)
    finally:
        timer.cancel()


# -- every note of the free-text columns (all_notes) -----------------------------------------------
NoteColumns = list[tuple[Table, list[str], str | None]]  # table, its free-text columns, its key


def read_notes(url: str, store: RowStore, wanted: NoteColumns, *, password_env: str | None = None,
               options: ScanOptions | None = None) -> tuple[dict[str, str], list[ReadError]]:
    """Every row of each table's free-text columns where one is not null, with the key, streamed into
    the row store: one statement per table, in a transaction of its own, within the table's budget.
    Returns the relation of each table read (qualified name -> relation) and the tables that failed."""
    options = options or ScanOptions()
    target = parse_target(url, password_env)
    relations: dict[str, str] = {}
    errors: list[ReadError] = []
    if not wanted:
        return relations, errors

    def fail(table: Table, failure: Failure) -> None:
        errors.append(failure.error("database", f"{target.masked}#{table.qualified_name}"))

    if target.engine.catalogue == "duckdb":
        path = target.url.database or ""
        con = store.cursor()
        try:
            con.execute(f"ATTACH {literal(str(Path(path).resolve()))} AS audited (READ_ONLY)")
            for table, columns, key in wanted:
                name = store.new_name()
                sql = notes_sql(table, columns, key, "duckdb", schema=table.schema_name or "main",
                                catalog="audited")
                try:
                    con.execute(f"CREATE TABLE memory.main.{name} AS {sql}")
                    relations[table.qualified_name] = f"memory.main.{name}"
                except duckdb.Error as err:
                    fail(table, failed("read_notes", err))
            con.execute("DETACH audited")
        except duckdb.Error as err:
            raise SourceError(f"cannot open the DuckDB file: {engine_message(err)}", file=path) from None
        finally:
            con.close()
        return relations, errors
    dialect = target.engine.dialect
    with read_only_connection(target, options.timeout_s) as conn:
        for table, columns, key in wanted:
            schema = target.schema_of(table)
            sql = notes_sql(table, columns, key, dialect, schema=schema)
            cursor = store.cursor()
            try:
                with _timed(conn, target, _Budget(options.table_budget_s, options.timeout_s)):
                    name, _ = store.load([key, *columns] if key else columns, _batches(conn, sql), cursor)
                relations[table.qualified_name] = name
            except BudgetExceeded:
                fail(table, out_of_time("read_notes", options.table_budget_s))
            except (sa.exc.SQLAlchemyError, duckdb.Error) as err:
                fail(table, failed("read_notes", err))
            finally:
                cursor.close()
    return relations, errors
