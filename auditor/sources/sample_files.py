"""Sample files as DuckDB relations: CSV (any of UTF-8, UTF-8 with BOM, Latin-1, Windows-1252),
Parquet and JSON (an array or one object per line), every column read as text.

The encoding of a CSV is detected from its bytes: valid UTF-8 is read as it is; otherwise bytes
0x80–0x9F mean Windows-1252 (French exports: ’ œ € …), and anything else Latin-1. DuckDB decodes
UTF-8 and Latin-1 itself; a Windows-1252 file is decoded in Python and streamed, in batches, into an
in-memory table of the row store, never to disk.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.sources.row_store import BATCH_ROWS, RowStore, literal, quote

SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson")
_CHUNK = 1 << 20
MAX_LINE = 16 << 20  # bytes: DuckDB's default (2 MB) rejects a long note
BUFFER = 32 << 20  # bytes read at a time; more than MAX_LINE, and small enough for both cores to share a file
SERIAL_ONLY = "parallel scanner does not support null_padding"  # DuckDB, on quoted newlines
_C1 = re.compile(rb"[\x80-\x9f]")
_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")  # bytes Windows-1252 leaves undefined


@dataclass
class SampleFile:
    path: Path
    relation: str  # DuckDB SQL that reads the rows, every column as VARCHAR
    encoding: str | None = None  # CSV only


def detect_encoding(path: Path) -> str:
    """utf-8, latin-1 (no byte 0x80–0x9F), cp1252, or iso-8859-1 (Latin-1 with C1 control bytes,
    some undefined in Windows-1252), from the whole file, read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    c1_controls = False
    undefined = False
    utf8 = True
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            c1_controls = c1_controls or _C1.search(chunk) is not None  # regex: C speed, not a byte loop
            undefined = undefined or _UNDEFINED.search(chunk) is not None
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and undefined:
                break
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if not c1_controls:
        return "latin-1"
    # C1 bytes: Windows-1252 when all of them are defined there, else Latin-1 with control bytes,
    # which DuckDB refuses: both are decoded in Python ("iso-8859-1" is Python's Latin-1)
    return "iso-8859-1" if undefined else "cp1252"


def _delimiter(path: Path, encoding: str) -> str:
    """The separator of the header line: the most frequent of , ; tab | (exports use one)."""
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        head = fh.readline()
    counts = {d: head.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_batches(path: Path, encoding: str, delimiter: str,
                 width: int) -> Iterator[list[list[str | None]]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)  # header
        batch: list[list[str | None]] = []
        for row in reader:
            cells: list[str | None] = [v if v != "" else None for v in row[:width]]
            batch.append(cells + [None] * (width - len(cells)))  # ragged rows padded
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
        yield batch


def open_sample(path: Path, store: RowStore, serial: bool = False) -> SampleFile:
    """The relation for one sample file (raises duckdb.Error, OSError, csv.Error). A CSV is read
    in parallel unless `serial`, which a file with newlines inside quoted cells needs."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return SampleFile(path, _all_varchar(store, f"read_parquet({literal(str(path))})"))
    if suffix in {".json", ".jsonl", ".ndjson"}:
        return SampleFile(path, _all_varchar(store, f"read_json_auto({literal(str(path))})"))
    encoding = detect_encoding(path)
    if encoding in {"utf-8", "latin-1"}:
        option = ", encoding='latin-1'" if encoding == "latin-1" else ""
        delim = ", delim='\\t'" if suffix == ".tsv" else ""
        # null_padding: a short row gets NULLs (ragged exports; without it DuckDB can silently take a
        # later line for the header); it needs the serial reader when quoted cells hold newlines
        # (DuckDB then raises SERIAL_ONLY). max_line_size: a 10 MB note passes.
        relation = (f"read_csv({literal(str(path))}, header=true, all_varchar=true, null_padding=true, "
                    f"parallel={'false' if serial else 'true'}, max_line_size={MAX_LINE}, "
                    f"buffer_size={BUFFER}{option}{delim})")
        return SampleFile(path, relation, encoding)
    delimiter = "\t" if suffix == ".tsv" else _delimiter(path, encoding)
    with path.open(encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh, delimiter=delimiter), [])
    header = [h.lstrip("\ufeff") or f"column{i}" for i, h in enumerate(header)]
    name, _ = store.load(header, _csv_batches(path, encoding, delimiter, len(header)))
    return SampleFile(path, name, encoding)


def _all_varchar(store: RowStore, relation: str) -> str:
    """Wrap a typed relation so that every column reads as VARCHAR, like a CSV with all_varchar."""
    columns = [d[0] for d in store.con.execute(f"SELECT * FROM {relation} LIMIT 0").description]
    casts = ", ".join(f"CAST({quote(c)} AS VARCHAR) AS {quote(c)}" for c in columns)
    return f"(SELECT {casts} FROM {relation})"


def sample_file_for(directory: Path, stems: list[str]) -> Path | None:
    """The file of the directory that holds the table's rows: the first regular file of its names,
    else the first name there of another type (a directory, a FIFO, a device, a link loop), which the
    caller reports; nothing is opened here."""
    other = None
    for stem in stems:
        for name in (stem, stem.lower()):
            for suffix in SUFFIXES:
                candidate = directory / f"{name}{suffix}"
                if candidate.is_file():
                    return candidate
                if other is None and os.path.lexists(candidate):
                    other = candidate
    return other
