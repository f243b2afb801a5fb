"""Reading a live database's rows for the value checks: deterministic samples (SQL per dialect),
a million-row table counted in the database with only the sample streamed out, parallel workers,
a table that times out skipped while the others go on, and progress events."""

from __future__ import annotations

import sqlite3
import threading

import duckdb
import psycopg
import pytest
import sqlglot

from auditor.models.inventory import Column, Table
from auditor.sources.database import read_database
from auditor.sources.database.sampling import sample_sql
from auditor.sources.database.table_scan import ScanOptions, scan_database
from auditor.sources.row_store import RowStore

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
DB = "gdpr_auditor_scan"

TABLE = Table(
    schema_name="crm",
    name="Usager",
    primary_key=["id"],
    columns=[Column(name="id", type="INT"), Column(name="nom", type="VARCHAR(80)"),
             Column(name="Photo", type="BYTEA")],
)


@pytest.mark.parametrize(
    "dialect, expected",
    [
        ("postgres", "SELECT CAST(\"id\" AS TEXT) AS \"id\", CAST(\"nom\" AS TEXT) AS \"nom\" FROM \"crm\".\"Usager\" ORDER BY MD5('20261123' || COALESCE(CAST(\"id\" AS TEXT), '')) LIMIT 100"),
        ("mysql", "SELECT CAST(`id` AS CHAR) AS `id`, CAST(`nom` AS CHAR) AS `nom` FROM `crm`.`Usager` ORDER BY MD5(CONCAT('20261123', COALESCE(CAST(`id` AS CHAR), ''))) LIMIT 100"),
        ("trino", "SELECT CAST(\"id\" AS VARCHAR) AS \"id\", CAST(\"nom\" AS VARCHAR) AS \"nom\" FROM \"crm\".\"Usager\" ORDER BY LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('20261123', COALESCE(CAST(\"id\" AS VARCHAR), '')))))) LIMIT 100"),
        ("spark", "SELECT CAST(`id` AS STRING) AS `id`, CAST(`nom` AS STRING) AS `nom` FROM `crm`.`Usager` ORDER BY MD5(CONCAT('20261123', COALESCE(CAST(`id` AS STRING), ''))) LIMIT 100"),
        ("snowflake", "SELECT CAST(\"id\" AS VARCHAR) AS \"id\", CAST(\"nom\" AS VARCHAR) AS \"nom\" FROM \"crm\".\"Usager\" ORDER BY MD5(CONCAT('20261123', COALESCE(CAST(\"id\" AS VARCHAR), ''))) LIMIT 100"),
        ("bigquery", "SELECT CAST(`id` AS STRING) AS `id`, CAST(`nom` AS STRING) AS `nom` FROM `crm`.`Usager` ORDER BY TO_HEX(MD5(CONCAT('20261123', COALESCE(CAST(`id` AS STRING), '')))) LIMIT 100"),
    ],
)
def test_sample_sql_for_each_engine(dialect, expected):
    sql = sample_sql(TABLE, dialect, 100, 1_000)
    assert sql == expected  # the binary column is left out; the order is the same on every run
    assert sqlglot.transpile(sql, read=dialect, write=dialect)[0] == expected


def test_a_table_that_fits_is_read_whole_in_key_order():
    assert sample_sql(TABLE, "postgres", 100, 100) == (
        'SELECT CAST("id" AS TEXT) AS "id", CAST("nom" AS TEXT) AS "nom" FROM "crm"."Usager" ORDER BY "id"'
    )
    no_key = TABLE.model_copy(update={"primary_key": []})
    assert sample_sql(no_key, "mysql", 100, 5).endswith("ORDER BY CAST(`id` AS CHAR), CAST(`nom` AS CHAR)")


def _fingerprint(store: RowStore, relation: str) -> tuple[int, str]:
    row = store.con.execute(f"SELECT count(*), md5(string_agg(\"id\" || ':' || coalesce(\"nom\", ''), ',' "
                            f"ORDER BY \"id\"::INT)) FROM {relation}").fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


class CountingStore(RowStore):
    """A row store that counts the rows that went through Python into it."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = 0
        self.lock = threading.Lock()

    def load(self, columns, batches, con=None):
        name, rows = super().load(columns, batches, con)
        with self.lock:
            self.loaded += rows
        return name, rows


# -- PostgreSQL: a million rows ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_postgres():
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres", autocommit=True) as conn:
        conn.execute("CREATE TABLE usager (id INT PRIMARY KEY, nom TEXT, courriel TEXT)")
        conn.execute("INSERT INTO usager SELECT i, 'nom' || (i % 5000), CASE WHEN i % 4 = 0 THEN NULL "
                     "ELSE 'u' || i || '@exemple.fr' END FROM generate_series(1, 1000000) AS i")
        conn.execute("CREATE TABLE agent (id INT PRIMARY KEY, nom TEXT)")
        conn.execute("INSERT INTO agent SELECT i, 'agent' || i FROM generate_series(1, 30) AS i")
        conn.execute("CREATE TABLE verrou (id INT PRIMARY KEY, note TEXT)")
        conn.execute("ANALYZE")
    yield f"postgresql://postgres@127.0.0.1:5432/{DB}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")


def test_million_rows_are_counted_in_postgres_and_only_the_sample_leaves(big_postgres):
    inventory = read_database(big_postgres)
    events: list[tuple[str, str, int | None]] = []
    store = CountingStore()
    try:
        counts = scan_database(big_postgres, inventory, store, options=ScanOptions(sample_rows=10_000),
                               progress=lambda *e: events.append(e))
        usager = counts.tables["usager"]
        assert (usager.rows, usager.filled, usager.distinct["nom"]) == (
            1_000_000, {"id": 1_000_000, "nom": 1_000_000, "courriel": 750_000}, 5_000)
        assert usager.sampled == 10_000
        assert counts.tables["agent"].sampled == 30  # fits: read whole
        assert store.loaded == 10_030  # of 1,000,030 rows, only the samples went through Python
        first = _fingerprint(store, usager.relation)
    finally:
        store.close()
    assert events[0] == ("start", "", 3)
    assert sorted(e for e in events[1:]) == [("done", "agent", 30), ("done", "usager", 1_000_000),
                                             ("done", "verrou", 0)]
    again = RowStore()
    try:
        counts = scan_database(big_postgres, inventory, again, options=ScanOptions(sample_rows=10_000, jobs=1))
        assert _fingerprint(again, counts.tables["usager"].relation) == first  # the same rows
    finally:
        again.close()


def test_a_table_that_times_out_is_skipped_and_the_others_go_on(big_postgres):
    inventory = read_database(big_postgres, tables=["agent", "verrou"])
    locker = psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres")
    locker.execute("LOCK TABLE verrou IN ACCESS EXCLUSIVE MODE")  # held until rollback
    store = RowStore()
    try:
        counts = scan_database(big_postgres, inventory, store,
                               options=ScanOptions(timeout_s=30, table_budget_s=1, jobs=1))
    finally:
        locker.rollback()
        locker.close()
        store.close()
    assert list(counts.tables) == ["agent"]
    assert [(e.location.rsplit("#", 1)[1], e.message) for e in counts.errors] == [
        ("verrou", "cannot count or sample: PostgreSQL error 57014 (query canceled): the statement ran out of time "
                   "(`timeout` or `table_budget` in the configuration)")]


def test_no_session_is_left_in_a_transaction_between_statements(big_postgres):
    """After each table (and once the catalogue is read), every session of the auditor is idle
    outside any transaction: a production DBA sees no `idle in transaction` while Python works."""
    seen: list[tuple[str, list[str]]] = []

    def states(event: str) -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            rows = admin.execute("SELECT state FROM pg_stat_activity WHERE application_name = 'gdpr-audit' "
                                 "ORDER BY state").fetchall()
        seen.append((event, [r[0] for r in rows]))

    inventory = read_database(big_postgres)
    states("catalogue read")
    store = RowStore()
    try:
        scan_database(big_postgres, inventory, store, options=ScanOptions(sample_rows=1_000, jobs=1),
                      progress=lambda event, table, rows: states(f"{event} {table}") if table else None)
    finally:
        store.close()
    assert seen[0] == ("catalogue read", [])
    assert sorted(seen[1:]) == [("done agent", ["idle"]), ("done usager", ["idle"]), ("done verrou", ["idle"])]


# -- SQLite and DuckDB files ------------------------------------------------------------------------
def test_sqlite_sample_is_deterministic_with_the_registered_md5(tmp_path):
    path = tmp_path / "s.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE usager (id INTEGER PRIMARY KEY, nom TEXT)")
    con.executemany("INSERT INTO usager VALUES (?, ?)", [(i, f"nom{i}") for i in range(1, 501)])
    con.commit()
    con.close()
    url = f"sqlite:///{path}"
    inventory = read_database(url)
    prints = []
    for _ in range(2):
        store = RowStore()
        try:
            counts = scan_database(url, inventory, store, options=ScanOptions(sample_rows=50))
            assert (counts.tables["usager"].rows, counts.tables["usager"].sampled) == (500, 50)
            prints.append(_fingerprint(store, counts.tables["usager"].relation))
        finally:
            store.close()
    assert prints[0] == prints[1]
    assert prints[0][0] == 50


def test_duckdb_file_is_sampled_inside_the_engine_without_python(tmp_path):
    path = tmp_path / "big.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE usager AS SELECT i::INT AS id, 'nom' || (i % 100) AS nom "
                "FROM range(1, 1000001) t(i)")
    con.execute("ALTER TABLE usager ADD PRIMARY KEY (id)")
    con.close()
    url = f"duckdb:///{path}"
    inventory = read_database(url)
    store = CountingStore()
    try:
        counts = scan_database(url, inventory, store, options=ScanOptions(sample_rows=2_000))
        usager = counts.tables["usager"]
        assert (usager.rows, usager.sampled, usager.distinct["nom"]) == (1_000_000, 2_000, 100)
        assert store.loaded == 0  # attached read-only: no row went through Python
        assert _fingerprint(store, usager.relation)[0] == 2_000
    finally:
        store.close()
    duckdb.connect(str(path)).close()  # the audit left the file unlocked


def test_cli_live_audit_with_sample_jobs_and_progress(tmp_path):
    import json

    from click.testing import CliRunner

    from auditor.cli import main

    path = tmp_path / "s.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE usager (id INTEGER PRIMARY KEY, courriel TEXT, religion TEXT)")
    con.executemany("INSERT INTO usager VALUES (?, ?, ?)", [(i, f"u{i}@exemple.fr", None) for i in range(1, 201)])
    con.commit()
    con.close()
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", "--db", f"sqlite:///{path}", "--profile",
                                       "cnil.ref.social-medicosocial.2021", "--sample", "20", "--jobs", "2",
                                       "--progress", "--json", str(out), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1, result.output  # a religion column: art. 9 data is never below high
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(f["rule"], f["severity"], f["column"]) for f in report["findings"] if f["severity"] == "high"] == [
        ("MIN005", "high", "religion")]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert (report["rows_read"], report["rows_sampled"]) == (200, 20)
    courriel = next(c for c in report["columns"] if c["column"] == "courriel")
    assert (courriel["values_sampled"], courriel["value_matches"]) == (20, {"email": 1.0})
    assert "u1@exemple.fr" not in result.output
