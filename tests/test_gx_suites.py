"""`gdpr-audit classify --gx-suites`: the value detectors as great-expectations suites that GX
runs in a SQL engine (here SQLite) and that fail on data they do not describe."""

from __future__ import annotations

import csv
import json
import sqlite3

from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE


def _load_sqlite(path, table, csv_path):
    with open(csv_path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = list(rows[0])
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE {table} (" + ", ".join(f'"{c}" TEXT' for c in cols) + ")")
    con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})",
                    [tuple(r[c] or None for c in cols) for r in rows])
    con.commit()
    con.close()


def test_exported_suite_runs_in_gx_and_can_fail(tmp_path):
    out = tmp_path / "gx"
    result = CliRunner().invoke(main, ["classify", str(EXAMPLE), "-o", str(tmp_path / "c.yaml"),
                                       "--gx-suites", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["agent.json", "aide_financiere.json",
                                                     "export_statistique.json", "journal_acces.json", "usager.json"]
    suite = json.loads((out / "usager.json").read_text(encoding="utf-8"))
    assert [(e["kwargs"]["column"], e["meta"]["detector"], e["kwargs"]["mostly"]) for e in suite["expectations"]] == [
        ("nir", "nir", 0.8), ("email", "email", 0.8), ("telephone", "phone", 0.8),
        ("code_postal", "postal_code_fr", 0.9), ("iban", "iban", 0.8), ("latitude", "coordinate", 0.9),
        ("longitude", "coordinate", 0.9)]
    assert suite["expectations"][0]["meta"]["checksum"] == "nir"

    import great_expectations as gx

    db = tmp_path / "example.sqlite"
    _load_sqlite(db, "usager", EXAMPLE / "samples" / "usager.csv")
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_sqlite("example", connection_string=f"sqlite:///{db}")
             .add_table_asset("usager", table_name="usager").add_batch_definition_whole_table("all").get_batch())
    exported = context.suites.add(gx.ExpectationSuite(name=suite["name"], expectations=suite["expectations"]))
    assert batch.validate(exported).success is True

    wrong = dict(suite["expectations"][0], kwargs={**suite["expectations"][0]["kwargs"], "column": "nom"})
    misplaced = context.suites.add(gx.ExpectationSuite(name="misplaced", expectations=[wrong]))
    checked = batch.validate(misplaced)
    assert checked.success is False
    assert checked.results[0].result["unexpected_percent"] == 100.0
