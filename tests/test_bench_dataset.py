"""The benchmark's dataset (bench/dataset.py): the sizes asked for, foreign keys that resolve,
labels that match the notes, the same bytes from the same seed, and the same findings whether the
files are audited or the rows are loaded into PostgreSQL and audited live."""

from __future__ import annotations

import csv
import json

import duckdb
import yaml
from click.testing import CliRunner

from auditor.cli import main
from bench.dataset import FKS, LIVE_CONFIG, SENTENCES, drop_postgres, generate, load_postgres

URL = "postgresql://postgres@127.0.0.1:5432/gdpr_auditor_bench_test"


def _csv(path):
    return f"read_csv('{path}', header=true, all_varchar=true)"


def test_sizes_keys_and_labels(tmp_path):
    counts = generate(tmp_path, 2_000)
    assert counts == {"agent": 12, "export_statistique": 120, "usager": 500, "accompagnement": 500,
                      "membre_foyer": 500, "entretien": 2_000, "aide_financiere": 200, "journal_acces": 200}
    con = duckdb.connect()
    samples = tmp_path / "samples"
    for table, n in counts.items():
        assert con.execute(f"SELECT count(*), count(DISTINCT id) FROM {_csv(samples / f'{table}.csv')}"
                           ).fetchone() == (n, n)
    for table, links in FKS.items():
        for column, parent in links:
            orphans = con.execute(f"SELECT count(*) FROM {_csv(samples / f'{table}.csv')} c "
                                  f"ANTI JOIN {_csv(samples / f'{parent}.csv')} p ON c.{column} = p.id").fetchone()
            assert orphans == (0,), f"{table}.{column}"
    assert con.execute(f"SELECT count(DISTINCT numero_dossier) FROM {_csv(samples / 'usager.csv')}").fetchone() \
        == (500,)
    truth = {text: ";".join(cats) for text, cats in yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))["sentences"]}
    with (samples / "entretien.csv").open(encoding="utf-8") as notes, \
            (tmp_path / "labels.csv").open(encoding="utf-8") as labels:
        pairs = list(zip(csv.DictReader(notes), csv.DictReader(labels), strict=True))
    assert all(note["id"] == label["id"] and truth[note["notes"]] == (label["categories"] or "")
               for note, label in pairs)
    sensitive = sum(1 for _, label in pairs if label["categories"])
    assert 300 <= sensitive <= 500  # 20 % of 2,000, drawn by hash


def test_same_seed_same_bytes(tmp_path):
    generate(tmp_path / "a", 1_000)
    generate(tmp_path / "b", 1_000)
    generate(tmp_path / "c", 1_000, seed=8)
    notes = [(tmp_path / d / "samples" / "entretien.csv").read_bytes() for d in "abc"]
    assert notes[0] == notes[1] != notes[2]


def _findings(*args):
    result = CliRunner().invoke(main, ["audit", *args, "--as-of", "2026-11-01"])
    assert result.exit_code == 1, result.output


def test_loaded_into_postgres_it_gives_the_findings_of_the_files(tmp_path):
    generate(tmp_path, 2_000)
    loaded = load_postgres(tmp_path, URL)
    try:
        assert loaded["entretien"] == 2_000 and loaded["usager"] == 500
        _findings(str(tmp_path), "--json", str(tmp_path / "files.json"))
        _findings("--config", str(tmp_path / LIVE_CONFIG), "--json", str(tmp_path / "live.json"))
    finally:
        drop_postgres(URL)
    found = [sorted((f["rule"], f["table"], f["column"], f["role"], f.get("rows"))
                    for f in json.loads((tmp_path / name).read_text(encoding="utf-8"))["findings"])
             for name in ("files.json", "live.json")]
    assert found[0] == found[1]
    kept = next(f[4] for f in found[0] if f[:2] == ("RET002", "entretien"))  # counted in PostgreSQL too
    assert 0 < kept <= 2_000
