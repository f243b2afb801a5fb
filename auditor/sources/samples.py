"""Sample data files, queried in place with DuckDB: only counts leave the engine.

A sample directory holds one file per table (`<table>.csv`, or `<schema>.<table>.csv`). For each
table the auditor counts its rows and, per column, the rows that hold a value. No value is ever
read into Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from auditor.classify.identifiers import strip_accents
from auditor.errors import SourceError
from auditor.models.inventory import Inventory, ReadError, Table


@dataclass
class TableCounts:
    file: str
    rows: int
    filled: dict[str, int]  # column name (lower-case) -> rows with a non-empty value
    header: dict[str, str] = field(default_factory=dict)  # lower-case -> name in the file
    distinct: dict[str, int] = field(default_factory=dict)  # column name (lower-case) -> distinct values
    in_database: bool = False  # counted in the audited database, not in a sample file


@dataclass
class SampleCounts:
    tables: dict[str, TableCounts] = field(default_factory=dict)  # qualified table name
    errors: list[ReadError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def filled(self, table: str, column: str) -> int | None:
        counts = self.tables.get(table)
        return counts.filled.get(column.lower()) if counts else None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_for(directory: Path, table: Table) -> Path | None:
    for stem in (table.qualified_name, table.name):
        for candidate in (directory / f"{stem}.csv", directory / f"{stem.lower()}.csv"):
            if candidate.is_file():
                return candidate
    return None


def _count_table(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> TableCounts:
    rel = "read_csv(?, header=true, all_varchar=true)"
    header = [d[0] for d in con.execute(f"SELECT * FROM {rel} LIMIT 0", [str(path)]).description]
    present = {h.lower(): h for h in header}
    parts = ["count(*)"] + [f"count(NULLIF(trim({_quote(present[c.name.lower()])}), ''))"
                            for c in table.columns if c.name.lower() in present]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {rel}", [str(path)]).fetchone()
    assert row is not None
    names = [c.name.lower() for c in table.columns if c.name.lower() in present]
    return TableCounts(str(path), int(row[0]), dict(zip(names, (int(v) for v in row[1:]), strict=True)),
                       present)


def count_samples(directory: Path, inventory: Inventory) -> SampleCounts:
    if not directory.is_dir():
        raise SourceError("sample data directory not found", file=str(directory))
    result = SampleCounts()
    con = duckdb.connect(":memory:")
    used: set[Path] = set()
    try:
        for table in inventory.tables:
            path = _file_for(directory, table)
            if path is None:
                continue
            used.add(path.resolve())
            try:
                result.tables[table.qualified_name] = _count_table(con, path, table)
            except duckdb.Error as err:
                first = str(err).splitlines()[0][:200]
                result.errors.append(ReadError(source="samples", location=str(path),
                                               message=f"cannot read sample file: {first}"))
    finally:
        con.close()
    for path in sorted(directory.glob("*.csv")):
        if path.resolve() not in used:
            result.errors.append(ReadError(source="samples", location=str(path),
                                           message="no table of the schema has this name"))
    return result


# Canonical form of a coded value, computed in the engine: upper case, no accents, any run of
# other characters as one underscore ("hors UE" -> HORS_UE, "française" -> FRANCAISE).
_CANON = "regexp_replace(upper(strip_accents(trim({col}))), '[^A-Z0-9]+', '_', 'g')"


def canonical_code(value: str) -> str:
    """The same canonical form in Python, for the accepted values a profile lists."""
    return re.sub(r"[^A-Z0-9]+", "_", strip_accents(value.strip()).upper())


def count_outside(path: str, column: str, accepted: list[str]) -> tuple[int, int]:
    """Rows (and distinct values) of a sample column whose value is not one of `accepted`.

    Only the two counts leave DuckDB; the values themselves are never read into Python.
    """
    canon = _CANON.format(col=_quote(column))
    codes = sorted({canonical_code(v) for v in accepted})
    placeholders = ", ".join("?" for _ in codes)
    sql = (f"SELECT count(*), count(DISTINCT {canon}) FROM read_csv(?, header=true, all_varchar=true) "
           f"WHERE NULLIF(trim({_quote(column)}), '') IS NOT NULL AND {canon} NOT IN ({placeholders})")
    con = duckdb.connect(":memory:")
    try:
        row = con.execute(sql, [path, *codes]).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])
