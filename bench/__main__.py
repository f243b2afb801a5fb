"""The benchmark runner: the audit's stages timed at several sizes, with peak memory.

    python -m bench [--sizes 10000,100000,1000000] [--out docs/performance.md]

For each size, bench/dataset.py writes a seeded dataset; a fresh process audits it stage by
stage (schema, sample counts, value detectors, classification, free-text scan, checks, reports)
and reports each stage's wall time and its peak RSS, so that memory is measured per size. In the
same process, the plain-DuckDB ceiling runs the same category terms as one regex count per
category over the notes (no normalisation, negation or exclusion), and the auditor's free text
is scored against the dataset's labels (precision and recall per note). Prints a Markdown table;
with --out, writes it to that file with the command that reproduces it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _stages(directory: Path) -> dict[str, Any]:
    """Run in a child process: one audit, timed stage by stage."""
    from auditor.api import query_runner
    from auditor.checks.context import AuditContext
    from auditor.classify.columns import classify
    from auditor.classify.detectors import load_detectors
    from auditor.classify.free_text import load_lexicon
    from auditor.classify.vocabulary import load_vocabulary
    from auditor.config import declared_purposes, find_config, load_settings
    from auditor.profiles import load_catalogue
    from auditor.reporters import REPORTERS
    from auditor.ruleset import load_rules
    from auditor.sources.ddl_reader import read_ddl
    from auditor.sources.free_text_scan import flag_rows, scan_samples
    from auditor.sources.sample_values import profile_values
    from auditor.sources.samples import count_samples

    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = round(now - clock, 3)
        clock = now

    settings, _ = load_settings(find_config(directory), {"as_of": dt.date(2026, 11, 1)})
    catalogue = load_catalogue([])
    vocabulary, detectors = load_vocabulary(catalogue.taxonomy), load_detectors(catalogue.taxonomy)
    lexicon = load_lexicon(catalogue.taxonomy)
    lap("start-up")
    inventory = read_ddl([settings.path(f) for f in settings.schema_source.files], "postgres")
    lap("schema")
    samples = count_samples(settings.path(settings.data.dir), inventory)
    lap("sample counts")
    values = profile_values(samples, inventory, detectors, dt.date(2026, 11, 1))
    lap("value detectors")
    subjects = {t: s.subject for t, s in settings.tables.items() if s.subject}
    columns = classify(inventory, catalogue.taxonomy, vocabulary, settings.overrides, subjects, detectors,
                       values)
    lap("classification")
    scan_samples(samples, columns, lexicon)
    lap("free-text scan")
    ctx = AuditContext(settings, catalogue, load_rules(), declared_purposes(settings, catalogue), columns,
                       samples, "fr", inventory=inventory)
    ctx.query = query_runner(settings, inventory, samples)
    from auditor.api import CHECKS

    findings = {}
    for check in CHECKS:
        findings[check.__name__] = len(check(ctx))
        lap(check.__name__.replace("check_", "check: "))
    notes = samples.tables["entretien"].relation
    rows = samples.tables["entretien"].rows
    # the ceiling: one plain regex count per category, no normalisation, negation or exclusion
    con = samples.store.cursor()
    terms = ", ".join(f"count(*) FILTER (WHERE regexp_matches(lower(notes), '\\b(?:{'|'.join(c.terms)})\\b'))"
                      for c in lexicon.categories)
    start = time.perf_counter()
    con.execute(f"SELECT {terms} FROM {notes}").fetchone()
    ceiling = time.perf_counter() - start
    audit_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the scoring below
    flagged = flag_rows(con, notes, '"notes"', lexicon)
    con.close()
    lap("quality scoring")
    from auditor.api import run_audit

    start = time.perf_counter()
    result = run_audit(settings)
    for fmt in ("html", "json", "sarif"):
        with open(directory / f"r.{fmt}", "w", encoding="utf-8") as stream:
            REPORTERS[fmt](result, stream)
    full = time.perf_counter() - start
    ctx.query.close()
    samples.close()
    with open(directory / "labels.csv", encoding="utf-8", newline="") as fh:
        labels = [row["categories"] or "" for row in csv.DictReader(fh)]
    tp = fp = fn = 0
    for found, truth in zip(flagged, labels, strict=False):
        expected = {c for c in truth.split(";") if c}  # identifiers in notes too: NIR, IBAN, phone, email
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
    return {"times": times, "rows": rows, "ceiling_s": round(ceiling, 3), "full_audit_s": round(full, 2),
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "peak_rss_audit_mb": round(audit_rss),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "findings": sum(findings.values())}


def run(sizes: list[int]) -> list[dict[str, Any]]:
    from bench.dataset import generate

    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            generate(Path(tmp), size)
            made = time.perf_counter() - start
            child = subprocess.run([sys.executable, "-m", "bench", "--child", tmp], capture_output=True,
                                   text=True, cwd=ROOT, check=True)
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result["size"], result["generate_s"] = size, round(made, 2)
            results.append(result)
            print(f"{size:>10,} notes: full audit {result['full_audit_s']} s, "
                  f"peak {result['peak_rss_mb']} MB", file=sys.stderr)
    return results


INTRO = """Each column is one seeded dataset (`bench/dataset.py`): the example service grown around its
largest table, `entretien`, whose notes are labelled sentences (20 % sensitive); `usager`,
`accompagnement` and `membre_foyer` hold a quarter as many rows, `aide_financiere` and
`journal_acces` a tenth. A fresh process audits it stage by stage; the full audit is then run
again through `run_audit` with three reports written. The ceiling is one plain DuckDB regex count
per category over the same notes (no normalisation, negation, exclusion or identifier check): the
ratio is its time over the free-text scan's, the issue's budget being 25 % or more.
"""
LIMITS = """Not measured here yet (issue 8): the peers' baselines on the same data (Presidio with the
French spaCy model, a piicatcher-style name + regex scan, great-expectations on pandas), the
scaling plot, the largest corpus DDL under 2 s (bench/README.md has the single measurements), and a
memory profile: the peak RSS grows with the row count because DuckDB keeps what it reads in memory
and the staged audit and the scoring hold Python objects per column and per flagged note.
"""


def markdown(results: list[dict[str, Any]], command: str) -> str:
    stages = list(results[0]["times"])
    head = "| stage | " + " | ".join(f"{r['size']:,} notes" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for stage in stages:
        lines.append(f"| {stage} | " + " | ".join(f"{r['times'][stage]:.2f} s" for r in results) + " |")
    lines.append("| **full audit (run_audit + 3 reports)** | "
                 + " | ".join(f"**{r['full_audit_s']:.2f} s**" for r in results) + " |")
    lines.append("| peak RSS, staged audit | "
                 + " | ".join(f"{r['peak_rss_audit_mb']} MB" for r in results) + " |")
    lines.append("| peak RSS, with scoring and the second audit | "
                 + " | ".join(f"{r['peak_rss_mb']} MB" for r in results) + " |")
    scan_vs = [f"{r['ceiling_s'] / r['times']['free-text scan']:.0%}" if r["times"]["free-text scan"] else "—"
               for r in results]
    lines.append("| free-text scan / plain-DuckDB ceiling (speed) | " + " | ".join(scan_vs) + " |")
    lines.append("| free-text precision / recall (labels) | "
                 + " | ".join(f"{r['precision']} / {r['recall']}" for r in results) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_stages(args.child)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(sizes)
    command = f"python -m bench --sizes {args.sizes}" + (f" --out {args.out}" if args.out else "")
    table = markdown(results, command)
    print(table)
    if args.out:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        args.out.write_text(f"<!-- generated by `{command}` -->\n# Performance\n\n{INTRO}\n{table}\n"
                            f"Machine: {machine}; {dt.date.today()}. Reproduce: `{command}`.\n\n{LIMITS}\n"
                            f"```json\n{json.dumps(results, indent=1)}\n```\n", encoding="utf-8")


if __name__ == "__main__":
    main()
