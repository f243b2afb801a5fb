"""Sample data files, queried in place with DuckDB: only counts leave the engine.

A sample directory holds one file per table (`<table>.csv`, or `<schema>.<table>.csv`; also
`.tsv`, `.parquet`, `.json`, `.jsonl`). For each table the auditor counts its rows and, per
column, the rows that hold a value. No value is ever read into Python (a Windows-1252 CSV is the
exception: it is decoded in Python and streamed into the in-memory store, see sample_files.py).
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import duckdb

from auditor.classify.identifiers import strip_accents
from auditor.errors import SourceError
from auditor.models.inventory import Inventory, ReadError, Table
from auditor.progress import Progress
from auditor.sources.engine_errors import failed
from auditor.sources.row_store import RowStore, quote
from auditor.sources.sample_files import SERIAL_ONLY, SUFFIXES, open_sample, sample_file_for
from auditor.sources.text_files import regular_file


@dataclass
class TableCounts:
    file: str  # where the rows are: a sample file, or masked-url#table
    rows: int
    filled: dict[str, int]  # column name (lower-case) -> rows with a non-empty value
    header: dict[str, str] = field(default_factory=dict)  # lower-case -> name in the relation
    distinct: dict[str, int] = field(default_factory=dict)  # column name (lower-case) -> distinct values
    in_database: bool = False  # counted in the audited database, not in a sample file
    relation: str | None = None  # DuckDB SQL over the row store that reads the rows (or the sample)
    sampled: int | None = None  # rows the relation holds, when drawn from a larger table
    # every non-empty note of the table's free-text columns (and its key), when the audit reads them
    # all rather than the sample (`all_notes`); the header names them as in the relation
    notes_relation: str | None = None


@dataclass
class SampleCounts:
    tables: dict[str, TableCounts] = field(default_factory=dict)  # qualified table name
    errors: list[ReadError] = field(default_factory=list)
    store: RowStore | None = None  # the engine the relations are read in

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    @property
    def rows_sampled(self) -> int:
        return sum(t.sampled if t.sampled is not None else t.rows for t in self.tables.values())

    def filled(self, table: str, column: str) -> int | None:
        counts = self.tables.get(table)
        return counts.filled.get(column.lower()) if counts else None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _count_table(con: duckdb.DuckDBPyConnection, path: Path, relation: str, table: Table) -> TableCounts:
    header = [d[0] for d in con.execute(f"SELECT * FROM {relation} LIMIT 0").description]
    present = {h.lower(): h for h in header}
    parts = ["count(*)"] + [f"count(NULLIF(trim({quote(present[c.name.lower()])}), ''))"
                            for c in table.columns if c.name.lower() in present]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {relation}").fetchone()
    assert row is not None
    names = [c.name.lower() for c in table.columns if c.name.lower() in present]
    return TableCounts(str(path), int(row[0]), dict(zip(names, (int(v) for v in row[1:]), strict=True)),
                       present, relation=relation)


def count_samples(directory: Path, inventory: Inventory, store: RowStore | None = None,
                  progress: Progress | None = None) -> SampleCounts:
    if not directory.is_dir():
        raise SourceError("sample data directory not found", file=str(directory))
    store = store or RowStore()
    result = SampleCounts(store=store)
    used: set[str] = set()
    tables = progress.each(inventory.tables, attrgetter("qualified_name")) if progress else inventory.tables
    for table in tables:
        path = sample_file_for(directory, [table.qualified_name, table.name])
        if path is None:
            continue
        used.add(os.path.realpath(path))  # never raises: a link loop is left as it is
        try:
            regular_file(path)  # a directory, FIFO or device named like a table is not opened
        except SourceError as err:
            result.errors.append(ReadError(source="samples", location=str(path), message=err.message))
            continue
        try:
            sample = open_sample(path, store)
            try:
                counts = _count_table(store.con, path, sample.relation, table)
            except duckdb.Error as err:  # quoted newlines: the file is read again, serially
                if SERIAL_ONLY not in str(err):
                    raise
                sample = open_sample(path, store, serial=True)
                counts = _count_table(store.con, path, sample.relation, table)
            if table.columns and not counts.filled:
                result.errors.append(ReadError(source="samples", location=str(path),
                                               message="no column of the table in this file (empty file, "
                                                       "or a header that names none of its columns)",
                                               code="sample_no_column",
                                               values={"table": table.qualified_name}))
                continue
            result.tables[table.qualified_name] = counts
        except (duckdb.Error, csv.Error, ValueError, OSError) as err:
            result.errors.append(failed("read_sample", err).error("samples", str(path)))
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES):
        if os.path.realpath(path) not in used:
            message = _unused_file(path)
            result.errors.append(ReadError(source="samples", location=str(path), message=message,
                                           code="sample_unused" if message == _NO_TABLE else None))
    return result


def _unused_file(path: Path) -> str:
    """What to say of a file of the directory no table of the schema reads."""
    try:
        regular_file(path)
    except SourceError as err:
        return err.message
    return _NO_TABLE


_NO_TABLE = "no table of the schema has this name"


# Canonical form of a coded value, computed in the engine: upper case, no accents, any run of
# other characters as one underscore ("hors UE" -> HORS_UE, "française" -> FRANCAISE).
_CANON = "regexp_replace(upper(strip_accents(trim({col}))), '[^A-Z0-9]+', '_', 'g')"


def canonical_code(value: str) -> str:
    """The same canonical form in Python, for the accepted values a profile lists."""
    return re.sub(r"[^A-Z0-9]+", "_", strip_accents(value.strip()).upper())


def count_outside(con: duckdb.DuckDBPyConnection, relation: str, column: str,
                  accepted: list[str]) -> tuple[int, int]:
    """Rows (and distinct values) of a sample column whose value is not one of `accepted`.

    Only the two counts leave DuckDB; the values themselves are never read into Python.
    """
    canon = _CANON.format(col=quote(column))
    codes = sorted({canonical_code(v) for v in accepted})
    placeholders = ", ".join("?" for _ in codes)
    sql = (f"SELECT count(*), count(DISTINCT {canon}) FROM {relation} "
           f"WHERE NULLIF(trim({quote(column)}), '') IS NOT NULL AND {canon} NOT IN ({placeholders})")
    row = con.execute(sql, codes).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])
