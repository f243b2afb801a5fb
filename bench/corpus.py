"""The schema budget: every DDL file of ../shared/corpus read and classified, timed.

    python bench/corpus.py

Each file is read with its dialect (tests/corpus_report.py keeps the map; a file it does not name
is read as PostgreSQL) and classified, once cold (the first read of its dialect) and as the best
of three warm runs. The issue's budget: the largest file read in under 2 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
BUDGET_S = 2.0


def measure(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    from auditor.classify.columns import classify
    from auditor.classify.vocabulary import load_vocabulary
    from auditor.profiles import load_taxonomy
    from auditor.sources.ddl_reader import read_ddl
    from tests.corpus_report import DIALECTS

    taxonomy = load_taxonomy()
    vocabulary = load_vocabulary(taxonomy)
    results = []
    for path in sorted(corpus.glob("*/*.sql"), key=lambda p: p.stat().st_size):
        dialect = DIALECTS.get(path.name, "postgres")
        runs = []
        for _ in range(4):
            start = time.perf_counter()
            inventory = read_ddl([path], dialect)
            read = time.perf_counter() - start
            columns = classify(inventory, taxonomy, vocabulary)
            runs.append((read, time.perf_counter() - start))
        results.append({"file": f"{path.parent.name}/{path.name}", "dialect": dialect,
                        "kb": round(path.stat().st_size / 1024), "tables": len(inventory.tables),
                        "columns": len(columns), "errors": len(inventory.errors),
                        "cold_s": round(runs[0][1], 3), "read_s": round(min(r for r, _ in runs[1:]), 3),
                        "read_classify_s": round(min(t for _, t in runs[1:]), 3)})
    return results


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| corpus file | dialect | size | tables | columns | statements reported | read | "
             "read + classify | first run |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['file']} | {r['dialect']} | {r['kb']} KB | {r['tables']} | {r['columns']} | "
                     f"{r['errors']} | {r['read_s']:.2f} s | {r['read_classify_s']:.2f} s | "
                     f"{r['cold_s']:.2f} s |")
    largest = max(results, key=lambda r: r["kb"])
    worst = max(r["cold_s"] for r in results)
    verdict = "met" if worst < BUDGET_S else "missed"
    lines += ["", f"Largest file, {largest['file']} ({largest['kb']} KB): read and classified in "
              f"{largest['read_classify_s']:.2f} s ({largest['cold_s']:.2f} s on its first run); the slowest "
              f"first run of any file is {worst:.2f} s. Budget, under {BUDGET_S:.0f} s: {verdict}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(measure()))
