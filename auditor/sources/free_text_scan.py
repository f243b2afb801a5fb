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
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb

from auditor.classify.free_text import Lexicon, candidate_sql, normalised_sql, pattern_sqls
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
from auditor.sources.samples import SampleCounts

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
    engine_s: float = 0.0  # seconds of the engine's stage: the notes gathered, the candidates selected

    def rows_for(self, category: str) -> int:
        return next((m.rows for m in self.matches if m.category == category), 0)


def _prepare(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str, key_sql: str | None) -> int:
    """The non-empty notes of the column in a temporary table of the in-memory store, numbered in
    the relation's order (`rowid`), with the row's key when one is given. Dropped when the column
    is scanned."""
    con.execute("DROP TABLE IF EXISTS notes")
    key = f"CAST({key_sql} AS VARCHAR)" if key_sql else "NULL::VARCHAR"
    con.execute(f"CREATE TEMP TABLE notes AS SELECT {column_sql} AS raw, {key} AS k "
                f"FROM {relation_sql} WHERE NULLIF(trim({column_sql}), '') IS NOT NULL")
    row = con.execute("SELECT count(*) FROM notes").fetchone()
    return int(row[0]) if row else 0


def _candidates(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> int:
    """Keep the notes some pattern holds, each with the patterns it holds (which categories the
    reader must read it for), in a temporary table. The engine tests every note, on every core,
    with the patterns one after the other until one holds; only those kept are tested with all."""
    norm = normalised_sql("raw", lexicon)
    flags = ", ".join(f"regexp_matches(t, {literal(p)}) AS {name}" for name, p in pattern_sqls(lexicon))
    con.execute("DROP TABLE IF EXISTS candidates")
    con.execute(f"CREATE TEMP TABLE candidates AS SELECT r, k, raw, {flags} FROM (SELECT r, k, raw, t FROM "
                f"(SELECT rowid AS r, k, raw, {norm} AS t FROM notes) WHERE {candidate_sql('t', lexicon)})")
    row = con.execute("SELECT count(*) FROM candidates").fetchone()
    return int(row[0]) if row else 0


def _batches(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> Iterator[list[Candidate]]:
    names = [name for name, _ in pattern_sqls(lexicon)]
    cursor = con.execute(f"SELECT r, k, raw, {', '.join(names)} FROM candidates ORDER BY r")
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            return
        yield [Candidate(int(r), str(raw), frozenset(n for n, hit in zip(names, hits, strict=True) if hit), k)
               for r, k, raw, *hits in batch]


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS candidates")
    con.execute("DROP TABLE IF EXISTS notes")


def _readings(batches: Iterator[list[Candidate]], reader: NoteReader,
              pool: Any) -> Iterator[tuple[list[Candidate], list[NoteReading]]]:
    """Each batch with what its notes reveal: read here, or by the worker processes of `pool`."""
    if pool is None:
        for batch in batches:
            yield batch, reader.read_many(batch)
        return
    pending: list[list[Candidate]] = []

    def jobs() -> Iterator[list[Candidate]]:
        for batch in batches:
            pending.append(batch)
            yield batch

    for readings in pool.imap(read_batch, jobs(), chunksize=1):
        yield pending.pop(0), readings


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
    with warnings.catch_warnings():  # the engine's threads are idle: nothing the workers use is held
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        if context.get_start_method() == "fork":
            pool = context.Pool(workers, initializer=adopt_reader, initargs=(reader,))
        else:
            pool = context.Pool(workers, initializer=init_worker, initargs=(reader.lexicon,))
    with pool:
        yield pool


def scan_relation(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str, lexicon: Lexicon,
                  reader: NoteReader | None = None, workers: int | None = None,
                  key_sql: str | None = None) -> FreeTextScan:
    """Scan one text column of a relation the connection can read (table, view, read_csv…);
    `key_sql`, when given, names each flagged note by that column's value rather than its number."""
    reader = reader or reader_for(lexicon)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    counts: dict[str, TextMatches] = {}
    builder: threading.Thread | None = None
    try:
        start = time.perf_counter()
        scan = FreeTextScan(rows=_prepare(con, relation_sql, column_sql, key_sql))
        if scan.rows >= OVERLAP_FROM and not reader.qualifiers_built:
            # edsnlp's pipeline takes seconds to build: for a large column, built while the engine
            # selects the candidates (it releases the interpreter while it works)
            builder = threading.Thread(target=_build_qualifiers, args=(reader,))
            builder.start()
        candidates = _candidates(con, lexicon)
        scan.engine_s = time.perf_counter() - start
        if builder is not None:
            builder.join()
            builder = None
        with _pool(reader, workers, candidates) as pool:
            for batch, readings in _readings(_batches(con, lexicon), reader, pool):
                scan.candidates += len(batch)
                _count(scan, counts, batch, readings)
    finally:
        if builder is not None:  # the engine failed: the pipeline is still built, for the next column
            builder.join()
        reader.forget()
        _drop(con)
    scan.matches = sorted(counts.values(), key=lambda m: m.category)
    return scan


def _build_qualifiers(reader: NoteReader) -> None:
    """Build the reader's qualifier pipeline; a failure is left for the reading to raise, where it
    is reported."""
    with contextlib.suppress(Exception):
        reader.qualifiers  # noqa: B018


def _count(scan: FreeTextScan, counts: dict[str, TextMatches], batch: list[Candidate],
           readings: list[NoteReading]) -> None:
    """What a batch of candidates reveals: counts, the flagged rows, the first few cues and forms."""
    for candidate, reading in zip(batch, readings, strict=True):
        if not reading.found:
            continue
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
    reader = reader_for(lexicon)
    con = samples.store.cursor()
    try:
        for col in columns:
            counts = samples.tables.get(col.table)
            header = counts.header.get(col.column.lower()) if counts else None
            if "free_text" not in col.categories or counts is None or header is None \
                    or counts.relation is None:
                continue
            key = (keys or {}).get(col.table)
            key_header = counts.header.get(key.lower()) if key else None
            whole = counts.notes_relation is not None  # every note was read, not a sample
            try:
                scan = scan_relation(con, counts.notes_relation or counts.relation, quote(header), lexicon,
                                     reader, key_sql=quote(key_header) if key_header else None)
            except duckdb.Error as err:
                errors.append(failed("scan_notes", err).error("samples", f"{counts.file} ({col.column})"))
                continue
            col.text_scanned = scan.rows
            population = counts.filled.get(col.column.lower())
            sampled = not whole and counts.sampled is not None and population is not None \
                and population > scan.rows
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
    finally:
        con.close()
    return errors
