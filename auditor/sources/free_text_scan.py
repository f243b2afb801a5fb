"""Scan free-text columns where the rows are: per category, how many notes reveal it.

The engine does the bulk: every note is normalised and tested with one regular expression of
every term, terminology name and identifier pattern (auditor/classify/free_text.py compiles it);
the notes it keeps, the candidates, are streamed to the reader (auditor/classify/notes.py), which
reads each in memory: terms in context, edsnlp's qualifiers, identifiers checked. Only counts, the
row numbers (or keys) of the flagged notes, the lexicon's terms that matched and the forms of the
identifiers leave this module; the text of a note is never kept past its batch. Large scans are read
by worker processes, one per core.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb

from auditor.classify.free_text import Lexicon, candidate_sql, engine_culprit, normalised_sql, pattern_sqls
from auditor.classify.notes import (
    Candidate,
    NoteReader,
    NoteReading,
    adopt_reader,
    init_worker,
    read_batch,
    reader_for,
)
from auditor.models.classification import ColumnClassification, FlaggedNote, IdentifierForm, TextMention
from auditor.models.inventory import Inventory, ReadError
from auditor.sources.engine_errors import failed
from auditor.sources.row_store import literal, quote
from auditor.sources.samples import SampleCounts, TableCounts

MAX_CUES = 3
BATCH = 4_000          # candidate notes sent to the reader at a time
POOL_FROM = 20_000     # candidates from which worker processes read them
OVERLAP_FROM = 50_000  # notes from which the qualifiers are built while the engine works
Z95 = 1.959964


@dataclass
class TextMatches:
    category: str
    rows: int
    cues: list[str] = field(default_factory=list)
    forms: list[IdentifierForm] = field(default_factory=list)
    third_party: int = 0
    reported: int = 0


@dataclass
class FreeTextScan:
    rows: int  # non-empty notes scanned
    candidates: int = 0  # notes the engine's pattern kept for reading
    matches: list[TextMatches] = field(default_factory=list)
    flagged: list[FlaggedNote] = field(default_factory=list)  # row number in the scan order -> categories
    engine_s: float = field(default=0.0, repr=False)  # seconds of the engine's stage (gather, select)

    def rows_for(self, category: str) -> int:
        return next((m.rows for m in self.matches if m.category == category), 0)


@dataclass(frozen=True)
class NotesColumn:
    """A text column to scan: a relation the connection reads, the column's SQL and, when the
    flagged notes are to be named by a key, the key's SQL."""

    relation_sql: str
    column_sql: str
    key_sql: str | None = None


def _prepare(con: duckdb.DuckDBPyConnection, columns: list[NotesColumn],
             failed: list[duckdb.Error | None]) -> list[int]:
    """The non-empty notes of every column in one temporary table of the in-memory store, tagged
    with the column's number (`c`), in the relations' order (`rowid`), with the row's key when one
    is given; the notes of each column, counted. A column the engine cannot read is left out, its
    error in `failed`. Dropped when the columns are scanned."""
    con.execute("DROP TABLE IF EXISTS notes")
    con.execute("CREATE TEMP TABLE notes (c INTEGER, raw VARCHAR, k VARCHAR)")
    counts = []
    for number, col in enumerate(columns):
        key = f"CAST({col.key_sql} AS VARCHAR)" if col.key_sql else "NULL::VARCHAR"
        try:  # an INSERT answers with the rows it inserted: no count over the growing table
            row = con.execute(f"INSERT INTO notes SELECT {number}, CAST({col.column_sql} AS VARCHAR), {key} "
                              f"FROM {col.relation_sql} WHERE NULLIF(trim({col.column_sql}), '') IS NOT NULL"
                              ).fetchone()
        except duckdb.Error as err:
            failed.append(err)
            counts.append(0)
            continue
        failed.append(None)
        counts.append(int(row[0]) if row else 0)
    return counts


def _candidates(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> int:
    """Keep the notes some pattern holds, each with the patterns it holds (which categories the
    reader must read it for), in a temporary table. The engine tests every note, on every core,
    with the patterns one after the other until one holds; only those kept are tested with all."""
    norm = normalised_sql("raw", lexicon)
    flags = ", ".join(f"regexp_matches(t, {literal(p)}) AS {name}" for name, p in pattern_sqls(lexicon))
    con.execute("DROP TABLE IF EXISTS candidates")
    kept = candidate_sql("t", lexicon)
    notes = f"SELECT r, c, k, raw, t FROM (SELECT rowid AS r, c, k, raw, {norm} AS t FROM notes) WHERE {kept}"
    try:
        con.execute(f"CREATE TEMP TABLE candidates AS SELECT r, c, k, raw, {flags} FROM ({notes})")
    except duckdb.InvalidInputException:
        # a pattern of the lexicon the engine cannot run: say which, where (the lexicon's own text)
        culprit = engine_culprit(lexicon)
        if culprit is None:
            raise
        raise culprit from None
    row = con.execute("SELECT count(*) FROM candidates").fetchone()
    return int(row[0]) if row else 0


def _batches(con: duckdb.DuckDBPyConnection, lexicon: Lexicon,
             first: list[int]) -> Iterator[tuple[list[int], list[Candidate]]]:
    """The candidates, a batch at a time, in the notes' order: each batch with the number of each
    candidate's column; a candidate's row is its number among its column's notes (`first[c]`: the
    column's first row in the table)."""
    names = [name for name, _ in pattern_sqls(lexicon)]
    cursor = con.execute(f"SELECT r, c, k, raw, {', '.join(names)} FROM candidates ORDER BY r")
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            return
        yield ([int(c) for _, c, *_ in batch],
               [Candidate(int(r) - first[int(c)], str(raw),
                          frozenset(n.split("_", 1)[0] for n, hit in zip(names, hits, strict=True) if hit), k)
                for r, c, k, raw, *hits in batch])


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS candidates")
    con.execute("DROP TABLE IF EXISTS notes")


def _readings(batches: Iterator[tuple[list[int], list[Candidate]]], reader: NoteReader,
              pool: Any) -> Iterator[tuple[list[int], list[Candidate], list[NoteReading]]]:
    """Each batch with what its notes reveal: read here, or by the worker processes of `pool`."""
    if pool is None:
        for cols, batch in batches:
            yield cols, batch, reader.read_many(batch)
        return
    pending: list[tuple[list[int], list[Candidate]]] = []

    def jobs() -> Iterator[list[Candidate]]:
        for cols, batch in batches:
            pending.append((cols, batch))
            yield batch

    for readings in pool.imap(read_batch, jobs(), chunksize=1):
        cols, batch = pending.pop(0)
        yield cols, batch, readings


@contextlib.contextmanager
def _pool(reader: NoteReader, workers: int, candidates: int) -> Iterator[Any]:
    """Worker processes for a large scan; None for a small one. Where the platform forks, the
    workers are forked from this process once its reader (edsnlp pipeline included) is built, and
    while the engine is idle: they start at once and share it. Elsewhere each builds its own."""
    if workers <= 1 or candidates < POOL_FROM:
        yield None
        return
    import multiprocessing
    import warnings

    reader.qualifiers  # noqa: B018 - built once, here, before the workers are forked
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    forked = context.get_start_method() == "fork"
    with warnings.catch_warnings():  # the engine's threads are idle: nothing the workers use is held
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        if forked:
            # what the workers inherit (the reader above all) lives as long as they do: frozen, the
            # collector does not walk it at each pass of theirs, and their pages stay shared
            gc.freeze()
            try:
                pool = context.Pool(workers, initializer=adopt_reader, initargs=(reader,))
            finally:
                gc.unfreeze()
        else:
            pool = context.Pool(workers, initializer=init_worker, initargs=(reader.lexicon,))
    with pool:
        yield pool


def scan_relation(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str, lexicon: Lexicon,
                  reader: NoteReader | None = None, workers: int | None = None,
                  key_sql: str | None = None) -> FreeTextScan:
    """Scan one text column of a relation the connection can read (table, view, read_csv…);
    `key_sql`, when given, names each flagged note by that column's value rather than its number."""
    scan = scan_relations(con, [NotesColumn(relation_sql, column_sql, key_sql)], lexicon, reader, workers)[0]
    if isinstance(scan, duckdb.Error):
        raise scan
    return scan


def scan_relations(con: duckdb.DuckDBPyConnection, columns: list[NotesColumn], lexicon: Lexicon,
                   reader: NoteReader | None = None,
                   workers: int | None = None) -> list[FreeTextScan | duckdb.Error]:
    """Scan several text columns in one pass of the engine (their notes in one table: the engine
    compiles the lexicon's patterns once, not once a column); for each column its scan, or the
    engine's error when the column could not be read."""
    reader = reader or reader_for(lexicon)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    counts: list[dict[str, TextMatches]] = [{} for _ in columns]
    failed: list[duckdb.Error | None] = []
    builder: threading.Thread | None = None
    try:
        start = time.perf_counter()
        sizes = _prepare(con, columns, failed)
        scans = [FreeTextScan(rows=n) for n in sizes]
        first = [0, *itertools.accumulate(sizes)][:-1]  # each column's first row in the table
        if sum(sizes) >= OVERLAP_FROM and not reader.qualifiers_built:
            # edsnlp's pipeline takes seconds to build: for a large scan, built while the engine
            # selects the candidates (it releases the interpreter while it works)
            builder = threading.Thread(target=_build_qualifiers, args=(reader,))
            builder.start()
        candidates = _candidates(con, lexicon) if sum(sizes) else 0
        engine_s = time.perf_counter() - start
        for scan in scans:
            scan.engine_s = engine_s
        if builder is not None:
            builder.join()
            builder = None
        if candidates:
            with _pool(reader, workers, candidates) as pool:
                for cols, batch, readings in _readings(_batches(con, lexicon, first), reader, pool):
                    for c, candidate, reading in zip(cols, batch, readings, strict=True):
                        scans[c].candidates += 1
                        _count(scans[c], counts[c], candidate, reading)
    finally:
        if builder is not None:  # the engine failed: the pipeline is still built, for the next scan
            builder.join()
        reader.forget()
        _drop(con)
    for scan, found in zip(scans, counts, strict=True):
        scan.matches = sorted(found.values(), key=lambda m: m.category)
    return [err if err is not None else scan for scan, err in zip(scans, failed, strict=True)]


def _build_qualifiers(reader: NoteReader) -> None:
    """Build the reader's qualifier pipeline; a failure is left for the reading to raise, where it
    is reported."""
    with contextlib.suppress(Exception):
        reader.qualifiers  # noqa: B018


def _count(scan: FreeTextScan, counts: dict[str, TextMatches], candidate: Candidate,
           reading: NoteReading) -> None:
    """What a candidate reveals: counts, the flagged row, the first few cues and forms."""
    if not reading.found:
        return
    scan.flagged.append(FlaggedNote(
        row=candidate.row, key=candidate.key, categories=sorted(reading.found),
        third_party=sorted(c for c, q in reading.categories.items() if "third_party" in q),
        reported=sorted(c for c, q in reading.categories.items() if "reported" in q)))
    for category, qualifiers in reading.categories.items():
        match = counts.setdefault(category, TextMatches(category, 0))
        match.rows += 1
        match.third_party += "third_party" in qualifiers
        match.reported += "reported" in qualifiers
        cue = reading.cues.get(category)
        if cue is not None and len(match.cues) < MAX_CUES and cue not in match.cues:
            match.cues.append(cue)
    for category, forms in reading.identifiers.items():
        match = counts.setdefault(category, TextMatches(category, 0))
        match.rows += 1
        for form in forms:
            if len(match.forms) < MAX_CUES and form not in match.forms:
                match.forms.append(form)


def flag_rows(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str,
              lexicon: Lexicon, workers: int = 1) -> list[set[str]]:
    """Per non-empty row, in order, the categories it reveals (for quality measurement)."""
    scan = scan_relation(con, relation_sql, column_sql, lexicon, workers=workers)
    result: list[set[str]] = [set() for _ in range(scan.rows)]
    for note in scan.flagged:
        result[note.row] = set(note.categories)
    return result


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion k / n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = p + Z95 * Z95 / (2 * n)
    spread = Z95 * math.sqrt(p * (1 - p) / n + Z95 * Z95 / (4 * n * n))
    denominator = 1 + Z95 * Z95 / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def estimate(rows: int, scanned: int, population: int) -> tuple[int, int, int]:
    """Notes of the whole column revealing a category, from `rows` of `scanned` sampled notes:
    the point estimate and its 95 % interval, over the `population` of non-empty notes."""
    low, high = wilson(rows, scanned)
    return round(rows / scanned * population), math.floor(low * population), math.ceil(high * population)


def row_keys(inventory: Inventory, columns: list[ColumnClassification]) -> dict[str, str]:
    """Per table, the column that names a flagged note: its primary key, when that is one column
    the classifier found no personal data in (a case number is personal: the note is then named by
    its number in the scan)."""
    personal = {(c.table, c.column) for c in columns if c.categories}
    return {t.qualified_name: t.primary_key[0] for t in inventory.tables
            if len(t.primary_key) == 1 and (t.qualified_name, t.primary_key[0]) not in personal}


def scan_samples(samples: SampleCounts, columns: list[ColumnClassification],
                 lexicon: Lexicon, keys: dict[str, str] | None = None) -> list[ReadError]:
    """Scan the rows of every column classified as free text; record on the column what its notes
    reveal (counts, an estimate when the rows are a sample of a larger table) and which rows (by
    the key `keys` names for the table, if any). Returns the columns that could not be scanned."""
    errors: list[ReadError] = []
    if samples.store is None:
        return errors
    con = samples.store.cursor()
    try:
        todo: list[tuple[ColumnClassification, TableCounts, NotesColumn]] = []
        for col in columns:
            counts = samples.tables.get(col.table)
            header = counts.header.get(col.column.lower()) if counts else None
            if "free_text" not in col.categories or counts is None or header is None \
                    or counts.relation is None:
                continue
            key = (keys or {}).get(col.table)
            key_header = counts.header.get(key.lower()) if key else None
            todo.append((col, counts, NotesColumn(counts.notes_relation or counts.relation, quote(header),
                                                  quote(key_header) if key_header else None)))
        try:  # every notes column in one pass of the engine
            scans = scan_relations(con, [notes for _, _, notes in todo], lexicon)
        except duckdb.Error as err:
            scans = [err] * len(todo)
        for (col, counts, _), scan in zip(todo, scans, strict=True):
            if isinstance(scan, duckdb.Error):
                errors.append(failed("scan_notes", scan).error("samples", f"{counts.file} ({col.column})"))
                continue
            _record(col, counts, scan)
    finally:
        con.close()
    return errors


def _record(col: ColumnClassification, counts: TableCounts, scan: FreeTextScan) -> None:
    """What the column's notes reveal, on the column: counts, estimates when its rows are a sample
    of a larger table, the flagged rows."""
    whole = counts.notes_relation is not None  # every note was read, not a sample
    col.text_scanned = scan.rows
    population = counts.filled.get(col.column.lower())
    sampled = not whole and counts.sampled is not None and population is not None and population > scan.rows
    col.text_population = population if sampled else None
    col.text_mentions = []
    for m in scan.matches:
        mention = TextMention(category=m.category, rows=m.rows, cues=m.cues, forms=m.forms,
                              third_party=m.third_party, reported=m.reported)
        if sampled and population is not None and scan.rows:
            mention.estimate, mention.estimate_low, mention.estimate_high = \
                estimate(m.rows, scan.rows, population)
        col.text_mentions.append(mention)
    col.flagged_notes = scan.flagged
