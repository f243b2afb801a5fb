"""What the values of sample columns look like, measured in DuckDB: per column, how many sampled
values each detector's pattern matches, how many of those its validator accepts, and whether
the column looks like birth dates. Sampling is deterministic (reservoir, fixed seed, one thread),
so two runs agree. Candidate values go through the check-digit validators in memory and are
dropped at once: only counts leave this module."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from auditor.classify.detectors import NORMALISE, VOCABULARY_NORMALISE, Detectors, vocabulary_pattern
from auditor.classify.validators import VALIDATORS, passes
from auditor.models.inventory import Inventory, Table
from auditor.models.values import BirthDateStats, ColumnValues, DetectorCount, ValueProfile, VocabularyCount
from auditor.progress import Progress
from auditor.sources.engine_errors import failed
from auditor.sources.row_store import literal as _literal
from auditor.sources.row_store import quote as _quote
from auditor.sources.samples import SampleCounts, TableCounts

SAMPLE_ROWS = 10_000
SEED = 20_261_123


def _aggregates(detectors: Detectors) -> list[str]:
    """SQL aggregates over the unpivoted sample (one row per column and value `v`): non-empty
    count, one count per detector pattern, then birth-date statistics (parsed, min year, max
    year, median year, latest date). Compiled once per table, whatever its width."""
    parts = ["count(v)"]
    for det in detectors.values:
        norm = NORMALISE[det.normalise].format(v="v")
        parts.append(f"count(*) FILTER (WHERE regexp_full_match({norm}, {_literal(det.pattern)}))")
    fmts = ", ".join(f"try_strptime(v, {_literal(f)})" for f in detectors.birth_dates.formats)
    d = f"CAST(coalesce({fmts}) AS DATE)"
    parts += [f"count({d})", f"min(year({d}))", f"max(year({d}))", f"median(year({d}))", f"max({d})",
              "count(DISTINCT v)"]
    if detectors.vocabularies is not None:  # what categorical values reveal: rows, then distinct values
        nv = VOCABULARY_NORMALISE.format(v="v")
        for vocab in detectors.vocabularies.vocabularies:
            test = f"regexp_matches({nv}, {_literal(vocabulary_pattern(vocab.entries))})"
            parts += [f"count(*) FILTER (WHERE {test})", f"count(DISTINCT v) FILTER (WHERE {test})"]
    return parts


def _column_values(con: duckdb.DuckDBPyConnection, sample: str, header: str, row: tuple[Any, ...],
                   detectors: Detectors, as_of: dt.date) -> ColumnValues:
    n = len(detectors.values)
    result = ColumnValues(sampled=int(row[0]))
    v = f"NULLIF(trim({_quote(header)}), '')"
    for det, matched in zip(detectors.values, row[1:1 + n], strict=True):
        if not matched:
            continue
        valid = int(matched)
        if det.validator:
            check = VALIDATORS[det.validator]
            norm = NORMALISE[det.normalise].format(v=v)
            rows = con.execute(f"SELECT {norm} FROM {sample} WHERE regexp_full_match({norm}, ?)",
                               [det.pattern]).fetchall()
            valid = sum(1 for (value,) in rows if passes(check, value))
            del rows
        result.counts.append(DetectorCount(det, int(matched), valid))
    parsed, low, high, median, latest, distinct = row[1 + n:7 + n]
    if parsed and isinstance(latest, dt.date) and latest <= as_of:
        result.birth_dates = BirthDateStats(int(parsed), int(high) - int(low),
                                            as_of.year - float(median))
    result.distinct = int(distinct or 0)
    if detectors.vocabularies is not None:
        counts = row[7 + n:]
        for i, vocab in enumerate(detectors.vocabularies.vocabularies):
            rows, distinct_rows = counts[2 * i], counts[2 * i + 1]
            if rows:
                result.vocabularies.append(VocabularyCount(vocab, int(rows), int(distinct_rows)))
    return result


BATCH_TABLES = 32  # tables whose samples one aggregate query reads


def _profile_tables(con: duckdb.DuckDBPyConnection, tables: list[tuple[Table, TableCounts]],
                    detectors: Detectors, as_of: dt.date,
                    sample_rows: int) -> dict[str, dict[str, ColumnValues]]:
    """Each table's sample (its own reservoir, as when read alone), then one aggregate over all of
    them, unpivoted and grouped by table and column: the detector patterns are compiled once per
    batch of tables, not once per table. Qualified table name -> column (lower case) -> values."""
    branches, headers = [], {}
    for k, (table, counts) in enumerate(tables):
        sample = f"sample_{k}"
        con.execute(f"DROP TABLE IF EXISTS {sample}")
        con.execute(f"CREATE TEMP TABLE {sample} AS SELECT * FROM {counts.relation} "
                    f"USING SAMPLE reservoir({int(sample_rows)} ROWS) REPEATABLE ({SEED})")
        headers[k] = {counts.header[col.name.lower()]: col.name.lower() for col in table.columns
                      if col.name.lower() in counts.header}
        if headers[k]:
            columns = ", ".join(_quote(h) for h in headers[k])
            branches.append(f"SELECT {k} AS k, col, CAST(v AS VARCHAR) AS v FROM "
                            f"(UNPIVOT (SELECT {columns} FROM {sample}) ON {columns} INTO NAME col VALUE v)")
    found: dict[tuple[int, str], tuple[Any, ...]] = {}
    if branches:
        rows = con.execute(f"SELECT k, col, {', '.join(_aggregates(detectors))} FROM "
                           f"(SELECT k, col, NULLIF(trim(v), '') AS v FROM ({' UNION ALL '.join(branches)})) "
                           "GROUP BY k, col").fetchall()
        found = {(int(k), header): tuple(values) for k, header, *values in rows}
    vocabularies = len(detectors.vocabularies.vocabularies) if detectors.vocabularies else 0
    empty = (0,) * len(detectors.values) + (0, None, None, None, None, 0) + (0,) * (2 * vocabularies)
    return {table.qualified_name: {name: _column_values(con, f"sample_{k}", header,
                                                        found.get((k, header), (0, *empty)), detectors, as_of)
                                   for header, name in headers[k].items()}
            for k, (table, _) in enumerate(tables)}


def profile_values(samples: SampleCounts, inventory: Inventory, detectors: Detectors,
                   as_of: dt.date, sample_rows: int = SAMPLE_ROWS,
                   progress: Progress | None = None) -> ValueProfile:
    profile = ValueProfile()
    if samples.store is None:
        return profile
    con = samples.store.cursor()
    try:
        con.execute("SET threads = 1")  # a reservoir sample is repeatable only on one thread
        read = [(t, c) for t in inventory.tables
                if (c := samples.tables.get(t.qualified_name)) is not None and c.relation]
        if progress is not None:
            progress.set_total(len(read))
        for start in range(0, len(read), BATCH_TABLES):
            batch = read[start:start + BATCH_TABLES]
            try:
                found = _profile_tables(con, batch, detectors, as_of, sample_rows)
            except duckdb.Error:  # one table of the batch cannot be read: each alone, to name it
                found = {}
                for table, counts in batch:
                    try:
                        found.update(_profile_tables(con, [(table, counts)], detectors, as_of, sample_rows))
                    except duckdb.Error as err:
                        profile.errors.append(failed("profile_values", err).error("samples", counts.file))
            for table, _ in batch:
                for name, col_values in found.get(table.qualified_name, {}).items():
                    profile.columns[(table.qualified_name, name)] = col_values
                if progress is not None:
                    progress.advance(table.qualified_name)
            for k in range(len(batch)):
                con.execute(f"DROP TABLE IF EXISTS sample_{k}")
    finally:
        con.execute("RESET threads")
        con.close()
    return profile
