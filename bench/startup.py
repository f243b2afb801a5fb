"""Start-up: how long `gdpr-audit --version` and a one-table audit take in a fresh process.

    python bench/startup.py

Each command runs five times; the median is kept. The command line imports the library only in
the command that needs it, so `--version` loads click and nothing else, and a DDL audit never loads
SQLAlchemy, a database driver or great-expectations. Budget: `--version` in 0.3 s or less.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RUNS = 5
VERSION_BUDGET_S = 0.3
CLI = Path(sys.executable).with_name("gdpr-audit")
ONE_TABLE = "CREATE TABLE usager (id INT PRIMARY KEY, nom TEXT, date_creation DATE);\n"


def _median(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "one.sql"
        schema.write_text(ONE_TABLE, encoding="utf-8")
        audit = [str(CLI), "audit", "--schema", str(schema), "--profile", "cnil.ref.social-medicosocial.2021",
                 "--json", str(Path(tmp) / "r.json"), "--html", str(Path(tmp) / "r.html")]
        return {"version_s": round(_median([str(CLI), "--version"]), 3),
                "one_table_audit_s": round(_median(audit), 3),
                "python_s": round(_median([sys.executable, "-c", ""]), 3)}


def markdown(result: dict[str, Any]) -> str:
    return ("| command (fresh process, median of 5) | time |\n|---|---:|\n"
            f"| `python -c ''` (the interpreter alone) | {result['python_s']:.2f} s |\n"
            f"| `gdpr-audit --version` | {result['version_s']:.2f} s |\n"
            f"| `gdpr-audit audit --schema one.sql` (one table, JSON and HTML reports) | "
            f"{result['one_table_audit_s']:.2f} s |\n")


if __name__ == "__main__":
    print(markdown(measure()))
