"""Where the audited data comes from, chosen once: schema files (with sample files or not), or a
live database.

A `Source` answers the four questions the audit asks of its data: the inventory (tables, keys,
roles, grants: the same model from every source), the counts and the rows the value checks read
(the row store), where the checks that count rows run their SQL, and, for a database, the
great-expectations suites run inside it. `open_source(settings)` makes the choice; nothing after
it asks whether the data is a file or a database. The database modules, SQLAlchemy and the drivers
are imported only by a live source, when it is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from auditor.config import Settings
from auditor.models.classification import ColumnClassification
from auditor.models.findings import GxCheck
from auditor.models.inventory import Inventory, ReadError
from auditor.progress import Progress
from auditor.sources.ddl_reader import read_ddl
from auditor.sources.query_runner import QueryRunner, SampleQueryRunner
from auditor.sources.row_store import RowStore
from auditor.sources.samples import SampleCounts, count_samples


class Source(Protocol):
    runs_expectations: bool  # great-expectations suites can be run where the data lives

    def read_inventory(self, progress: Progress) -> Inventory: ...

    def read_rows(self, inventory: Inventory, progress: Progress) -> SampleCounts | None:
        """Counts per table and column, and the rows the value checks read, in a row store the
        caller closes (`SampleCounts.close`); None when there are no rows to read."""

    def query_runner(self, inventory: Inventory, samples: SampleCounts | None) -> QueryRunner | None: ...

    def read_notes(self, inventory: Inventory, samples: SampleCounts | None,
                   columns: list[ColumnClassification], keys: dict[str, str]) -> list[ReadError]:
        """When the audit reads every note: each sampled table's free-text columns, whole, into the
        row store (`TableCounts.notes_relation`). Returns the tables that could not be read."""

    def run_expectations(self, suites: dict[str, Any],
                         inventory: Inventory) -> tuple[list[GxCheck], list[ReadError]]: ...


class SampleFiles:
    """A directory of sample files, one per table (`data:`), queried in place in the row store."""

    def __init__(self, directory: Path, memory_limit: str | None) -> None:
        self.directory, self.memory_limit = directory, memory_limit

    def read_rows(self, inventory: Inventory, progress: Progress) -> SampleCounts:
        return count_samples(self.directory, inventory, RowStore(self.memory_limit), progress)

    def query_runner(self, inventory: Inventory, samples: SampleCounts | None) -> QueryRunner | None:
        if samples is None or samples.store is None:
            return None
        return SampleQueryRunner(samples, inventory)

    def read_notes(self, inventory: Inventory, samples: SampleCounts | None,
                   columns: list[ColumnClassification], keys: dict[str, str]) -> list[ReadError]:
        return []  # a sample file is read whole


class SchemaFiles:
    """DDL files, with sample files when `data:` names a directory of them."""

    runs_expectations = False

    def __init__(self, files: list[Path], dialect: str, samples: SampleFiles | None) -> None:
        self.files, self.dialect, self.samples = files, dialect, samples

    def read_inventory(self, progress: Progress) -> Inventory:
        return read_ddl(self.files, self.dialect, progress)

    def read_rows(self, inventory: Inventory, progress: Progress) -> SampleCounts | None:
        return self.samples.read_rows(inventory, progress) if self.samples is not None else None

    def query_runner(self, inventory: Inventory, samples: SampleCounts | None) -> QueryRunner | None:
        return self.samples.query_runner(inventory, samples) if self.samples is not None else None

    def read_notes(self, inventory: Inventory, samples: SampleCounts | None,
                   columns: list[ColumnClassification], keys: dict[str, str]) -> list[ReadError]:
        return []

    def run_expectations(self, suites: dict[str, Any],
                         inventory: Inventory) -> tuple[list[GxCheck], list[ReadError]]:
        return [], []


class LiveDatabase:
    """A database read where it lives, read-only (`database:` in the config, or --db); its rows are
    counted and sampled in the database, unless sample files (`data:`) are given as well."""

    def __init__(self, settings: Settings, samples: SampleFiles | None) -> None:
        assert settings.database is not None
        self.db, self.samples = settings.database, samples
        self.sample_rows, self.memory_limit = settings.sample, settings.memory_limit
        self.runs_expectations = self.db.gx

    def read_inventory(self, progress: Progress) -> Inventory:
        from auditor.sources.database import read_database
        from auditor.sources.drivers import check_driver

        db = self.db
        check_driver(db.url)
        return read_database(db.url, password_env=db.password_env, schemas=db.schemas, tables=db.tables,
                             exclude=db.exclude, timeout_s=db.timeout)

    def read_rows(self, inventory: Inventory, progress: Progress) -> SampleCounts | None:
        if self.samples is not None:
            return self.samples.read_rows(inventory, progress)
        if not self.db.counts:
            return None
        from auditor.sources.database.table_scan import ScanOptions, scan_database

        db = self.db
        options = ScanOptions(timeout_s=db.timeout, table_budget_s=db.table_budget,
                              sample_rows=self.sample_rows, jobs=db.jobs,
                              count_foreign=db.foreign_tables == "count")

        def on_table(event: str, table: str, rows: int | None) -> None:
            if event == "start":
                progress.set_total(rows or 0)
            else:
                progress.advance(table + (f" ({rows:,} rows)" if rows is not None else " (skipped)"))

        store = RowStore(self.memory_limit)
        try:
            return scan_database(db.url, inventory, store, password_env=db.password_env, options=options,
                                 progress=on_table)
        except BaseException:
            store.close()
            raise

    def query_runner(self, inventory: Inventory, samples: SampleCounts | None) -> QueryRunner | None:
        if self.samples is not None:
            return self.samples.query_runner(inventory, samples)
        if not self.db.counts:
            return None
        from auditor.sources.database.queries import DatabaseQueryRunner

        return DatabaseQueryRunner(self.db.url, password_env=self.db.password_env, timeout_s=self.db.timeout,
                                   inventory=inventory)

    def read_notes(self, inventory: Inventory, samples: SampleCounts | None,
                   columns: list[ColumnClassification], keys: dict[str, str]) -> list[ReadError]:
        if not self.db.all_notes or self.samples is not None or samples is None or samples.store is None:
            return []
        from auditor.sources.database.table_scan import ScanOptions, read_notes

        notes: dict[str, list[str]] = {}
        for col in columns:
            counts = samples.tables.get(col.table)
            if "free_text" in col.categories and counts is not None and counts.sampled is not None \
                    and counts.sampled < counts.rows:
                notes.setdefault(col.table, []).append(counts.header.get(col.column.lower(), col.column))
        by_name = {t.qualified_name: t for t in inventory.tables}
        wanted = [(by_name[name], cols, keys.get(name)) for name, cols in notes.items() if name in by_name]
        db = self.db
        options = ScanOptions(timeout_s=db.timeout, table_budget_s=db.table_budget, jobs=db.jobs)
        relations, errors = read_notes(db.url, samples.store, wanted, password_env=db.password_env,
                                       options=options)
        for name, relation in relations.items():
            samples.tables[name].notes_relation = relation
        return errors

    def run_expectations(self, suites: dict[str, Any],
                         inventory: Inventory) -> tuple[list[GxCheck], list[ReadError]]:
        from auditor.sources.database.gx_validation import run_in_database

        return run_in_database(self.db.url, suites, inventory, password_env=self.db.password_env)


def open_source(settings: Settings) -> Source:
    """The source the settings name: a live database, else schema files; with sample files when
    `data:` names them."""
    samples = (SampleFiles(settings.path(settings.data.dir), settings.memory_limit)
               if settings.data is not None else None)
    if settings.database is not None:
        return LiveDatabase(settings, samples)
    schema = settings.schema_source
    assert schema is not None
    return SchemaFiles([settings.path(f) for f in schema.files], schema.dialect, samples)
