"""Scan free-text columns where the rows are: per category, how many notes mention it.

Every note is normalised and matched in SQL (auditor/classify/free_text.py compiles the lexicon);
only counts come back, plus at most a few rows per category from which a masked snippet is made in
memory. Identifiers written in notes (NIR, IBAN, phone, email) are found by pattern in the engine
and their candidates checked in memory (key mod 97, numbering plan), then dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from auditor.classify.free_text import (
    Lexicon,
    any_term_sql,
    category_sql,
    masked_snippet,
    normalised_sql,
    term_pattern,
)
from auditor.classify.validators import VALIDATORS, passes
from auditor.models.classification import ColumnClassification, TextMention
from auditor.models.inventory import ReadError
from auditor.sources.engine_errors import engine_message
from auditor.sources.row_store import literal, quote
from auditor.sources.samples import SampleCounts

MAX_SNIPPETS = 3


@dataclass
class TextMatches:
    category: str
    rows: int
    snippets: list[str] = field(default_factory=list)


@dataclass
class FreeTextScan:
    rows: int  # non-empty notes scanned
    matches: list[TextMatches] = field(default_factory=list)

    def rows_for(self, category: str) -> int:
        return next((m.rows for m in self.matches if m.category == category), 0)


def _prepare(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str) -> None:
    """The non-empty notes of the column in a temporary table of the in-memory store, in the
    relation's order (DuckDB keeps insertion order, so `rowid` numbers them): the flags are then
    computed on both cores, and the few example rows are read back by number. Dropped when the
    column is scanned."""
    con.execute("DROP TABLE IF EXISTS notes")
    con.execute(f"CREATE TEMP TABLE notes AS SELECT {column_sql} AS raw "
                f"FROM {relation_sql} WHERE NULLIF(trim({column_sql}), '') IS NOT NULL")


def _flag(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> None:
    """One pass over the notes, normalised on the fly. Per row: one boolean per category (a note
    with no term of any category skips the categories' tests), one per identifier pattern that
    matches, and the normalised text of the rows some pattern matched (about one in twenty here),
    where the identifiers' candidates are then extracted. Each regex is evaluated once per row."""
    flags = [f"CASE WHEN a THEN {category_sql('t', cat, lexicon)} ELSE false END AS c{i}"
             for i, cat in enumerate(lexicon.categories)]
    marks = [f"regexp_matches(t, {literal(ident.pattern)}) AS i{i}"
             for i, ident in enumerate(lexicon.identifiers)]
    names = [f"i{i}" for i in range(len(marks))]
    if names:  # the normalised text of the few notes an identifier pattern matches, NULL elsewhere
        flags += [*names, f"CASE WHEN {' OR '.join(names)} THEN t END AS tm"]
    con.execute("DROP TABLE IF EXISTS flags")
    con.execute(f"CREATE TEMP TABLE flags AS SELECT r, {', '.join(flags)} "
                f"FROM (SELECT r, t, {', '.join([any_term_sql('t', lexicon) + ' AS a', *marks])} FROM "
                f"(SELECT rowid AS r, {normalised_sql('raw', lexicon)} AS t FROM notes))")


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS flags")
    con.execute("DROP TABLE IF EXISTS notes")


def mask_identifier(value: str) -> str:
    """Keep the first five and last two characters of an identifier, mask the rest:
    « 1 85 05 78 006 084 36 » -> « 1 85 05 ** *** *** 36 »; an email keeps one letter and the TLD."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@***.{domain.rsplit('.', 1)[-1]}"
    alnum = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(alnum[:5] + alnum[-2:]) if len(alnum) >= 13 else set(alnum[:2] + alnum[-2:])
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(value))


def _identifier_rows(con: duckdb.DuckDBPyConnection,
                     lexicon: Lexicon) -> list[tuple[list[int], list[str]]]:
    """Per identifier, the rows with at least one valid one, and masked forms of the first few.
    One query extracts the candidates of the rows some pattern matched; they are checked here
    (check digits) and dropped."""
    if not lexicon.identifiers:
        return []
    extract = ", ".join(f"CASE WHEN i{i} THEN regexp_extract_all(t, {literal(ident.pattern)}) END"
                        for i, ident in enumerate(lexicon.identifiers))
    rows = con.execute(f"SELECT r, {extract} FROM (SELECT *, tm AS t FROM flags WHERE tm IS NOT NULL) "
                       "ORDER BY r").fetchall()
    result = []
    for i, ident in enumerate(lexicon.identifiers):
        check = VALIDATORS[ident.validator] if ident.validator else None
        strip = re.compile(ident.strip)
        found: list[int] = []
        masked: list[str] = []
        for r, *lists in rows:
            valid = [c for c in lists[i] or [] if check is None or passes(check, strip.sub("", c).upper())]
            if valid:
                found.append(r)
                shown = mask_identifier(valid[0])
                if len(masked) < MAX_SNIPPETS and shown not in masked:
                    masked.append(shown)
        result.append((found, masked))
    del rows
    return result


def _examples(con: duckdb.DuckDBPyConnection, hits: list[int]) -> dict[int, list[str]]:
    """The raw text of the first few notes of each category that has any, in two queries."""
    firsts = " UNION ALL ".join(f"SELECT {i} AS i, r FROM (SELECT r FROM flags WHERE c{i} ORDER BY r "
                                f"LIMIT {MAX_SNIPPETS})" for i in hits)
    if not firsts:
        return {}
    rows = con.execute(f"SELECT e.i, n.raw FROM ({firsts}) e JOIN notes n ON n.rowid = e.r "
                       "ORDER BY e.i, e.r").fetchall()
    examples: dict[int, list[str]] = {}
    for i, raw in rows:
        examples.setdefault(int(i), []).append(str(raw))
    del rows
    return examples


def scan_relation(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str,
                  lexicon: Lexicon) -> FreeTextScan:
    """Scan one text column of a relation the connection can read (table, view, read_csv…)."""
    _prepare(con, relation_sql, column_sql)
    try:
        _flag(con, lexicon)
        counts = ", ".join(f"count(*) FILTER (WHERE c{i})" for i in range(len(lexicon.categories)))
        row = con.execute(f"SELECT count(*), {counts} FROM flags").fetchone()
        assert row is not None
        scan = FreeTextScan(rows=int(row[0]))
        examples = _examples(con, [i for i, count in enumerate(row[1:]) if count])
        for i, (cat, count) in enumerate(zip(lexicon.categories, row[1:], strict=True)):
            if not count:
                continue
            pattern = term_pattern(cat)
            snippets = list(dict.fromkeys(s for raw in examples.get(i, [])
                                          if (s := masked_snippet(raw, pattern))))
            scan.matches.append(TextMatches(cat.category, int(count), snippets))
        del examples
        for ident, (rows, masked) in zip(lexicon.identifiers, _identifier_rows(con, lexicon), strict=True):
            if rows:
                scan.matches.append(TextMatches(ident.category, len(rows), masked))
    finally:
        _drop(con)
    return scan


def flag_rows(con: duckdb.DuckDBPyConnection, relation_sql: str, column_sql: str,
              lexicon: Lexicon) -> list[set[str]]:
    """Per non-empty row, in order, the categories it mentions (for quality measurement)."""
    _prepare(con, relation_sql, column_sql)
    try:
        _flag(con, lexicon)
        cats = ", ".join(f"c{i}" for i in range(len(lexicon.categories)))
        rows = con.execute(f"SELECT r, {cats} FROM flags ORDER BY r").fetchall()
        result = [{cat.category for cat, hit in zip(lexicon.categories, hits, strict=True) if hit}
                  for _, *hits in rows]
        index = {r: i for i, (r, *_) in enumerate(rows)}
        for ident, (found, _) in zip(lexicon.identifiers, _identifier_rows(con, lexicon), strict=True):
            for r in found:
                result[index[r]].add(ident.category)
    finally:
        _drop(con)
    return result


def scan_samples(samples: SampleCounts, columns: list[ColumnClassification],
                 lexicon: Lexicon) -> list[ReadError]:
    """Scan the sample file of every column classified as free text; record what the notes
    mention on the column. Returns the files that could not be scanned."""
    errors: list[ReadError] = []
    if samples.store is None:
        return errors
    con = samples.store.cursor()
    try:
        for col in columns:
            counts = samples.tables.get(col.table)
            header = counts.header.get(col.column.lower()) if counts else None
            if "free_text" not in col.categories or counts is None or header is None \
                    or counts.relation is None:
                continue
            try:
                scan = scan_relation(con, counts.relation, quote(header), lexicon)
            except duckdb.Error as err:
                first = engine_message(err, {col.column, "notes", "flags", "raw", "t", "r"})
                errors.append(ReadError(source="samples", location=f"{counts.file} ({col.column})",
                                        message=f"cannot scan the notes: {first}"))
                continue
            col.text_scanned = scan.rows
            col.text_mentions = [TextMention(category=m.category, rows=m.rows, snippets=m.snippets)
                                 for m in scan.matches]
    finally:
        con.close()
    return errors
