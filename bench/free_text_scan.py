"""Benchmark: the free-text scan over N notes held in DuckDB (default one million).

    python bench/free_text_scan.py [--rows 1000000] [--threads 2]

The notes are the labelled sentences of tests/fixtures/free_text_sentences.yaml, repeated with a
row number appended, built inside DuckDB. The scan is the one an audit runs (normalise, per
category exclude / negation / match, identifiers pre-filtered by pattern): only counts come back.
Prints rows/s and peak RSS; numbers go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.classify.free_text import load_lexicon
from auditor.profiles import load_taxonomy
from auditor.sources.free_text_scan import scan_relation

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "free_text_sentences.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    sentences = [text for text, _ in yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["sentences"]]
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {args.threads}")
    con.execute("CREATE TABLE s (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO s VALUES (?, ?)", list(enumerate(sentences)))
    con.execute(f"CREATE TABLE notes_src AS SELECT s.t || ' (entretien ' || r.range || ')' AS note "
                f"FROM range({args.rows}) r JOIN s ON s.i = r.range % {len(sentences)}")
    lexicon = load_lexicon(load_taxonomy())
    start = time.perf_counter()
    scan = scan_relation(con, "notes_src", "note", lexicon)
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{scan.rows} notes scanned in {elapsed:.1f} s ({scan.rows / elapsed:,.0f} notes/s), "
          f"{args.threads} threads, peak RSS {rss:.0f} MB")
    for m in sorted(scan.matches, key=lambda m: -m.rows):
        print(f"  {m.category:28} {m.rows:>9} rows")


if __name__ == "__main__":
    main()
