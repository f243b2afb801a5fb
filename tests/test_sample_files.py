"""Sample files in the formats and encodings real exports come in: UTF-8 (with or without BOM),
Latin-1, Windows-1252, semicolons, ragged rows, Parquet and JSON; every one counted in DuckDB
and scanned for notes the same way."""

from __future__ import annotations

import duckdb
import pytest

from auditor.classify.free_text import load_lexicon
from auditor.models.classification import ColumnClassification
from auditor.models.inventory import Column, Inventory, Table
from auditor.profiles import load_taxonomy
from auditor.sources.free_text_scan import scan_samples
from auditor.sources.sample_files import detect_encoding
from auditor.sources.samples import count_samples

NOTES = ["Suivi au CMP pour une dépression, l’enfant est placé", "RAS", "", "Cœur du dossier : rien"]
INVENTORY = Inventory(source="t", tables=[Table(name="entretien", columns=[
    Column(name="id", type="INT"), Column(name="notes", type="TEXT")])])


def _csv(notes: list[str], sep: str = ",") -> str:
    lines = [f"id{sep}notes"] + [f'{i}{sep}"{n}"' if n else f"{i}{sep}" for i, n in enumerate(notes, 1)]
    return "\r\n".join(lines) + "\r\n"


def _scan(tmp_path):
    counts = count_samples(tmp_path, INVENTORY)
    try:
        col = ColumnClassification(table="entretien", column="notes", categories=["free_text"],
                                   subject="beneficiary", confidence=0.9)
        errors = scan_samples(counts, [col], load_lexicon(load_taxonomy()))
        return counts, col, errors
    finally:
        counts.close()


@pytest.mark.parametrize(
    "encoding, data, expected",
    [
        ("utf-8", _csv(NOTES).encode("utf-8"), "utf-8"),
        ("utf-8-sig", _csv(NOTES).encode("utf-8-sig"), "utf-8"),
        ("utf-8", _csv(NOTES, ";").encode("utf-8"), "utf-8"),
        ("latin-1", _csv([n.replace("’", "'").replace("œ", "oe") for n in NOTES]).encode("latin-1"), "latin-1"),
        ("cp1252", _csv(NOTES, ";").encode("cp1252"), "cp1252"),
    ],
)
def test_csv_encodings_are_detected_and_read(tmp_path, encoding, data, expected):
    path = tmp_path / "entretien.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == expected
    counts, col, errors = _scan(tmp_path)
    assert errors == [] and counts.errors == []
    table = counts.tables["entretien"]
    assert (table.rows, table.filled) == (4, {"id": 4, "notes": 3})
    assert col.text_scanned == 3
    assert [(m.category, m.rows) for m in col.text_mentions] == [("special.health", 1)]


def test_ragged_rows_are_padded_in_a_windows_1252_file(tmp_path):
    (tmp_path / "entretien.csv").write_bytes("id;notes\r\n1;œdème signalé;extra\r\n2\r\n".encode("cp1252"))
    counts, _, _ = _scan(tmp_path)
    assert (counts.tables["entretien"].rows, counts.tables["entretien"].filled) == (2, {"id": 2, "notes": 1})


def test_parquet_and_json_samples(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE e AS SELECT * FROM (VALUES (1, 'dépression sévère'), (2, NULL)) t(id, notes)")
    con.execute(f"COPY e TO '{tmp_path / 'entretien.parquet'}' (FORMAT parquet)")
    con.close()
    counts, col, _ = _scan(tmp_path)
    assert counts.tables["entretien"].file.endswith("entretien.parquet")
    assert (counts.tables["entretien"].rows, counts.tables["entretien"].filled) == (2, {"id": 2, "notes": 1})
    assert [(m.category, m.rows) for m in col.text_mentions] == [("special.health", 1)]
    (tmp_path / "entretien.parquet").unlink()
    (tmp_path / "entretien.jsonl").write_text('{"id": 1, "notes": "RAS"}\n{"id": 2, "notes": null}\n',
                                              encoding="utf-8")
    counts, col, _ = _scan(tmp_path)
    assert (counts.tables["entretien"].rows, counts.tables["entretien"].filled) == (2, {"id": 2, "notes": 1})
    assert col.text_mentions == []


def test_an_unreadable_file_is_reported_and_the_audit_goes_on(tmp_path):
    (tmp_path / "entretien.parquet").write_bytes(b"not a parquet file")
    counts = count_samples(tmp_path, INVENTORY)
    counts.close()
    assert counts.tables == {}
    assert [(e.location.rsplit("/", 1)[1], e.message.split(":")[0]) for e in counts.errors] == [
        ("entretien.parquet", "cannot read sample file")]


def test_a_csv_is_read_in_parallel_and_serially_when_quoted_cells_hold_newlines(tmp_path):
    (tmp_path / "entretien.csv").write_text(_csv(NOTES), encoding="utf-8")
    counts, _, _ = _scan(tmp_path)
    assert "parallel=true" in counts.tables["entretien"].relation
    multiline = ["Suivi au CMP\npour une dépression", "RAS", "", "ligne courte"]
    (tmp_path / "entretien.csv").write_text(_csv(multiline) + "5\r\n", encoding="utf-8")  # and a short row
    counts, col, errors = _scan(tmp_path)
    table = counts.tables["entretien"]
    assert "parallel=false" in table.relation and errors == [] and counts.errors == []
    assert (table.rows, table.filled) == (5, {"id": 5, "notes": 3})
    assert [(m.category, m.rows) for m in col.text_mentions] == [("special.health", 1)]
