"""The scale benchmark's generated schemas (bench/schemas.py): the same DDL from the same seed,
foreign keys that resolve, chains longer than the retention check's four joins, and seeded rows
that fit their columns (valid NIR and IBAN keys) and load into PostgreSQL."""

from __future__ import annotations

import psycopg
from stdnum import iban

from auditor.sources.ddl_reader import read_ddl
from bench.scale import drop_database, load_generated
from bench.schemas import schema_ddl, schema_tables, table_rows

SERVER = "postgresql://postgres@127.0.0.1:5432/"
DB = "gdpr_auditor_bench_schemas_test"


def _longest_chain(inventory) -> int:
    parent = {t.name: t.foreign_keys[0].ref_table for t in inventory.tables if t.foreign_keys}
    longest = 0
    for name in parent:
        length, seen = 0, name
        while seen in parent:
            seen, length = parent[seen], length + 1
        longest = max(longest, length)
    return longest


def test_generated_schema_is_seeded_and_its_keys_resolve(tmp_path):
    path = tmp_path / "s.sql"
    path.write_text(schema_ddl(200), encoding="utf-8")
    assert schema_ddl(200) == path.read_text(encoding="utf-8")
    inventory = read_ddl([path], "postgres")
    names = {t.name for t in inventory.tables}
    assert (len(inventory.tables), sum(len(t.columns) for t in inventory.tables), inventory.errors) == (200, 2000, [])
    assert all(fk.ref_table in names for t in inventory.tables for fk in t.foreign_keys)
    assert _longest_chain(inventory) > 4


def test_seeded_rows_fit_their_columns():
    spec = next(s for s in schema_tables(200) if any(c.startswith(("nir ", "iban ")) for c in s.columns))
    columns = [c.split(" ", 1)[0] for c in spec.columns]
    rows = list(table_rows(spec, 30))
    assert [r[0] for r in rows] == [str(i) for i in range(1, 31)]
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        if "nir" in values:
            assert 97 - int(values["nir"][:13]) % 97 == int(values["nir"][13:])
        if "iban" in values:
            assert iban.is_valid(values["iban"])
        for column, _ in spec.keys:
            assert 1 <= int(values[column]) <= 30


def test_generated_schema_loads_into_postgres_with_its_rows():
    load_generated(SERVER, DB, 30, 5)
    try:
        with psycopg.connect(f"{SERVER}{DB}") as conn:
            counts = [conn.execute(f"SELECT count(*) FROM {spec.name}").fetchone()[0] for spec in schema_tables(30)]
        assert counts == [5] * 30
    finally:
        drop_database(SERVER, DB)
