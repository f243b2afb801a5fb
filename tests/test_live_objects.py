"""Live objects: a live audit reads exactly the database of its URL (and the schemas asked for), every
object that holds rows once and with its kind (tables, partitioned tables, views, materialized views,
foreign tables), and columns of a type it cannot read (spatial, unknown, a name with a backtick)
without losing the table. PostgreSQL and MariaDB on this machine; each test builds its own databases
next to others, so that a server holding more than the audited database is the normal case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pymysql
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import SourceError
from auditor.sources.database import read_database
from auditor.sources.database.table_scan import ScanOptions, scan_database
from auditor.sources.row_store import RowStore
from tests.conftest import ROOT

PROFILE = "cnil.ref.social-medicosocial.2021"
PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


def _audit(tmp_path, name, url, *flags, config=None):
    """The CLI audit of `url` (or of a config holding it): the JSON report and its whole text."""
    out = tmp_path / f"{name}.json"
    if config is not None:
        import yaml

        path = tmp_path / f"{name}.yml"
        path.write_text(yaml.safe_dump({"service": name, "profiles": [{"id": PROFILE}],
                                        "database": {"url": url, **config}}), encoding="utf-8")
        source = ["--config", str(path)]
    else:
        source = ["--db", url, "--profile", PROFILE]
    result = CliRunner().invoke(main, ["audit", *source, *flags, "--as-of", "2026-11-01", "--json", str(out),
                                       "--html", str(tmp_path / f"{name}.html")])
    assert result.exit_code in (0, 1), result.output
    text = out.read_text(encoding="utf-8")
    return json.loads(text), text + (tmp_path / f"{name}.html").read_text(encoding="utf-8")


def _tables(report):
    return [(t["name"], t["kind"], t["partitions"], t["rows"]) for t in report["tables"]]


def _scan(url, inventory, **options):
    store = RowStore()
    try:
        return scan_database(url, inventory, store, options=ScanOptions(**options))
    finally:
        store.close()


# -- PostgreSQL -------------------------------------------------------------------------------------
PG_DB = "gdpr_objects_pg"
PG_SCHEMA = """
CREATE TABLE usager (id int PRIMARY KEY, nom text, nir text, email text);
INSERT INTO usager VALUES
  (1, 'Martin', '185057800608491', 'martin@exemple.fr'), (2, 'Durand', '285057800608441', 'durand@exemple.fr'),
  (3, 'Petit', '178026912345645', 'petit@exemple.fr'), (4, 'Roux', '290017500100146', 'roux@exemple.fr');
CREATE TABLE entretien (id int, usager_id int REFERENCES usager (id), date_entretien date NOT NULL,
                        objet text) PARTITION BY RANGE (date_entretien);
CREATE TABLE entretien_2020 PARTITION OF entretien FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE entretien_2025 PARTITION OF entretien FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
  PARTITION BY RANGE (date_entretien);
CREATE TABLE entretien_2025_s1 PARTITION OF entretien_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
CREATE TABLE entretien_2025_s2 PARTITION OF entretien_2025 FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
INSERT INTO entretien VALUES (1, 1, '2020-03-01', 'bilan'), (2, 2, '2020-09-01', 'suivi'),
  (3, 1, '2025-02-01', 'suivi'), (4, 3, '2025-08-01', 'bilan'), (5, 4, '2025-10-01', 'suivi');
CREATE TABLE dossier_usager (id int, nom text, nir text, email text, departement text NOT NULL)
  PARTITION BY LIST (departement);
CREATE TABLE dossier_usager_69 PARTITION OF dossier_usager FOR VALUES IN ('69');
CREATE TABLE dossier_usager_75 PARTITION OF dossier_usager FOR VALUES IN ('75');
INSERT INTO dossier_usager VALUES (1, 'Martin', '185057800608491', 'martin@exemple.fr', '69'),
  (2, 'Durand', '285057800608441', 'durand@exemple.fr', '75'), (3, 'Petit', '178026912345645', NULL, '75');
CREATE MATERIALIZED VIEW mv_contact AS SELECT id, nir, email FROM usager;
CREATE VIEW v_usager AS SELECT id, nom FROM usager;
CREATE SCHEMA archive;
CREATE TABLE archive.ancien_dossier (id int, nom text, nir text);
INSERT INTO archive.ancien_dossier VALUES (1, 'Blanc', '185057800608491'), (2, 'Noir', '285057800608441'),
  (3, 'Vert', '178026912345645');
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA archive GRANT SELECT ON TABLES TO PUBLIC;
"""


def _pg_create(database: str, sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    with psycopg.connect(f"host=127.0.0.1 dbname={database} user=postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_drop(*databases: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for database in databases:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture(scope="module")
def postgres():
    _pg_create(PG_DB, PG_SCHEMA)
    yield f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
    _pg_drop(PG_DB)


ENTRETIEN = ["entretien_2020", "entretien_2025", "entretien_2025_s1", "entretien_2025_s2"]


def test_postgres_objects_are_each_read_once_with_their_kind(postgres):
    inv = read_database(postgres)
    assert [t.qualified_name for t in inv.tables] == [  # no partition apart, the materialized view
        "archive.ancien_dossier", "dossier_usager", "entretien", "usager", "mv_contact", "v_usager"]
    assert [(t.qualified_name, t.kind, t.partitions) for t in inv.tables] == [
        ("archive.ancien_dossier", "table", []),
        ("dossier_usager", "partitioned_table", ["dossier_usager_69", "dossier_usager_75"]),
        ("entretien", "partitioned_table", ENTRETIEN),  # every level, under the table they belong to
        ("usager", "table", []),
        ("mv_contact", "materialized_view", []),
        ("v_usager", "view", []),
    ]
    assert [c.name for c in inv.find_table("mv_contact").columns] == ["id", "nir", "email"]
    assert [(fk.columns, fk.ref_table) for fk in inv.find_table("entretien").foreign_keys] == [
        (["usager_id"], "usager")]
    assert inv.errors == []


def test_postgres_partitioned_table_is_counted_once_and_the_materialized_view_read(postgres, tmp_path):
    report, _ = _audit(tmp_path, "pg", postgres)
    assert report["rows_read"] == 3 + 3 + 5 + 4 + 4  # the partitions' rows once, with their table
    assert report["errors"] == []
    # retention: each partitioned table once, its partitions never apart; the last contact with a
    # person read through the foreign key of the partitioned interviews
    assert [(r["table"], r["date_sources"], r["rows"], r["past_active"]) for r in report["retention"]] == [
        ("archive.ancien_dossier", [], None, None),
        ("dossier_usager", [], None, None),
        # an interview's subject line (`objet`) is text typed in a person's file: the table is theirs
        ("entretien", ["entretien.date_entretien"], 5, 2),
        ("usager", ["entretien.date_entretien (via 1 FK)"], 4, 1),
    ]
    assert [(f["rule"], f["table"], f["rows"]) for f in report["findings"] if f["rule"].startswith("RET")] == [
        ("RET002", "entretien", 2), ("RET002", "usager", 1), ("RET003", "archive.ancien_dossier", None),
        ("RET003", "dossier_usager", None)]
    assert _tables(report) == [
        ("archive.ancien_dossier", "table", [], 3),
        ("dossier_usager", "partitioned_table", ["dossier_usager_69", "dossier_usager_75"], 3),
        ("entretien", "partitioned_table", ENTRETIEN, 5),
        ("usager", "table", [], 4),
        ("mv_contact", "materialized_view", [], 4),
        ("v_usager", "view", [], None),  # a view's rows are its tables'
    ]
    # the materialized view's values were sampled and recognised, as a table's
    nir = next(c for c in report["columns"] if (c["table"], c["column"]) == ("mv_contact", "nir"))
    assert (nir["values_sampled"], nir["value_matches"]) == (4, {"nir": 1.0})
    html = (tmp_path / "pg.html").read_text(encoding="utf-8")
    assert ("<td><code>entretien</code></td><td>table partitionnée</td><td><code>entretien_2020</code>, "
            "<code>entretien_2025</code>, <code>entretien_2025_s1</code>, <code>entretien_2025_s2</code>"
            "</td><td class=\"num\">5</td>") in html
    assert "<td><code>mv_contact</code></td><td>vue matérialisée</td><td></td><td class=\"num\">4</td>" in html
    assert "<td><code>v_usager</code></td><td>vue</td><td></td><td class=\"num\">—</td>" in html


def test_postgres_schemas_scope_tables_rows_and_default_privileges(postgres, tmp_path):
    inv = read_database(postgres, schemas=["archive"])
    assert [t.qualified_name for t in inv.tables] == ["archive.ancien_dossier"]
    assert [(d.schema_name, d.grantee, d.privilege) for d in inv.default_privileges] == [
        ("archive", "PUBLIC", "SELECT")]  # not public's: that schema is not audited
    report, text = _audit(tmp_path, "archive", postgres, "--schemas", "archive")
    assert _tables(report) == [("archive.ancien_dossier", "table", [], 3)]
    assert report["rows_read"] == 3
    for other in ("entretien", "dossier_usager", "mv_contact", "v_usager", '"usager', "martin@exemple.fr"):
        assert other not in text


PG_TYPES = "gdpr_objects_pg_types"
PG_TYPES_SCHEMA = """
CREATE TYPE adresse_t AS (rue text, ville text);
CREATE TABLE lieu (id int PRIMARY KEY, nom text, b box, c circle, l line, p point, g polygon, s lseg,
                   pa path, adresse adresse_t);
INSERT INTO lieu VALUES
  (1, 'Accueil', '((0,0),(1,1))', '<(0,0),1>', '{1,2,3}', '(1,2)', '((0,0),(1,1),(1,0))', '[(0,0),(1,1)]',
   '[(0,0),(1,1)]', ROW('1 rue Haute', 'Lyon')),
  (2, 'Annexe', NULL, '<(1,1),2>', NULL, '(3,4)', NULL, NULL, NULL, ROW('2 rue Basse', 'Lyon')),
  (3, 'Permanence', NULL, NULL, NULL, '(3,4)', NULL, NULL, NULL, NULL);
"""


@pytest.fixture(scope="module")
def postgres_types():
    _pg_create(PG_TYPES, PG_TYPES_SCHEMA)
    yield f"postgresql://postgres@127.0.0.1:5432/{PG_TYPES}"
    _pg_drop(PG_TYPES)


def test_postgres_spatial_and_unknown_types_are_opaque_and_the_table_still_read(postgres_types):
    inv = read_database(postgres_types)
    lieu = inv.tables[0]
    assert [(c.name, c.type, c.opaque) for c in lieu.columns] == [
        ("id", "INTEGER", False), ("nom", "TEXT", False), ("b", "box", True), ("c", "circle", True),
        ("l", "line", True), ("p", "point", True), ("g", "polygon", True), ("s", "lseg", True),
        ("pa", "path", True), ("adresse", "adresse_t", True)]
    result = _scan(postgres_types, inv)
    assert result.errors == []
    counts = result.tables["lieu"]
    assert counts.rows == 3
    assert counts.filled == {"id": 3, "nom": 3, "b": 1, "c": 2, "l": 1, "p": 3, "g": 1, "s": 1, "pa": 1,
                             "adresse": 2}
    assert counts.distinct == {"id": 3, "nom": 3}  # an opaque column is never compared
    # the sample: every column but the spatial ones; the composite type read as text
    assert list(counts.header) == ["id", "nom", "adresse"] and counts.sampled == 3


# -- foreign tables (postgres_fdw) --------------------------------------------------------------------
PG_FDW = "gdpr_objects_fdw"
PG_REMOTE = "gdpr_objects_remote"


@pytest.fixture(scope="module")
def postgres_fdw():
    _pg_create(PG_REMOTE, "CREATE TABLE usager_distant (id int PRIMARY KEY, nom text, email text);"
                          "INSERT INTO usager_distant SELECT i, 'Nom' || i, 'u' || i || '@exemple.fr' "
                          "FROM generate_series(1, 7) i;")
    _pg_create(PG_FDW, "CREATE TABLE local_usager (id int PRIMARY KEY, nom text);"
                       "INSERT INTO local_usager VALUES (1, 'Martin'), (2, 'Durand');")
    try:
        with psycopg.connect(f"host=127.0.0.1 dbname={PG_FDW} user=postgres", autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION postgres_fdw")
            except psycopg.Error as err:
                pytest.skip(f"postgres_fdw cannot be installed on this server: {type(err).__name__}")
            conn.execute(f"CREATE SERVER distant FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', "
                         f"port '5432', dbname '{PG_REMOTE}')")
            conn.execute("CREATE USER MAPPING FOR postgres SERVER distant OPTIONS (user 'postgres')")
            conn.execute("CREATE FOREIGN TABLE usager_distant (id int, nom text, email text) SERVER distant "
                         "OPTIONS (table_name 'usager_distant')")
        yield f"postgresql://postgres@127.0.0.1:5432/{PG_FDW}"
    finally:
        _pg_drop(PG_FDW, PG_REMOTE)


def test_foreign_tables_are_listed_and_counted_only_if_asked(postgres_fdw, tmp_path):
    inv = read_database(postgres_fdw)
    assert [(t.name, t.kind, [c.name for c in t.columns]) for t in inv.tables] == [
        ("local_usager", "table", ["id", "nom"]), ("usager_distant", "foreign_table", ["id", "nom", "email"])]
    listed, _ = _audit(tmp_path, "listed", postgres_fdw, config={})
    assert _tables(listed) == [("local_usager", "table", [], 2), ("usager_distant", "foreign_table", [], None)]
    assert listed["rows_read"] == 2
    email = next(c for c in listed["columns"] if c["table"] == "usager_distant" and c["column"] == "email")
    assert email["values_sampled"] is None  # its rows were not read
    assert "<td><code>usager_distant</code></td><td>table distante</td><td></td><td class=\"num\">—</td>" in \
        (tmp_path / "listed.html").read_text(encoding="utf-8")
    counted, text = _audit(tmp_path, "counted", postgres_fdw, "--lang", "en", config={"foreign_tables": "count"})
    assert "<td><code>usager_distant</code></td><td>foreign table</td><td></td><td class=\"num\">7</td>" in text
    assert "distante" not in text and "Lignes comptées" not in text and "Rows counted" in text
    assert _tables(counted) == [("local_usager", "table", [], 2), ("usager_distant", "foreign_table", [], 7)]
    assert counted["rows_read"] == 9
    email = next(c for c in counted["columns"] if c["table"] == "usager_distant" and c["column"] == "email")
    assert (email["values_sampled"], email["value_matches"]) == (7, {"email": 1.0})
    assert not [r for r in counted["retention"] if r["table"] == "usager_distant"]  # its rows live elsewhere


# -- MariaDB ----------------------------------------------------------------------------------------
MY_ONE, MY_TWO, MY_THREE = "gdpr_objects_one", "gdpr_objects_two", "gdpr_objects_three"
MY_ROLE = "gdpr_objects_lecteur"
MY_SETUP = [
    f"CREATE TABLE {MY_ONE}.usager (id INT PRIMARY KEY, nom VARCHAR(40), email VARCHAR(80))",
    f"INSERT INTO {MY_ONE}.usager VALUES (1, 'Martin', 'martin@exemple.fr'), (2, 'Durand', 'durand@exemple.fr'), "
    "(3, 'Petit', 'petit@exemple.fr'), (4, 'Roux', 'roux@exemple.fr'), (5, 'Blanc', 'blanc@exemple.fr')",
    f"CREATE TABLE {MY_ONE}.accueil (id INT PRIMARY KEY, guichet VARCHAR(40))",
    f"INSERT INTO {MY_ONE}.accueil VALUES (1, 'Nord'), (2, 'Sud'), (3, 'Est')",
    f"CREATE VIEW {MY_ONE}.v_usager AS SELECT id, nom FROM {MY_ONE}.usager",
    f"CREATE TABLE {MY_TWO}.dossier_secret (id INT PRIMARY KEY, nir VARCHAR(15))",
    f"INSERT INTO {MY_TWO}.dossier_secret VALUES (1, '185057800608491'), (2, '285057800608441'), "
    "(3, '178026912345645'), (4, '290017500100146')",
    f"CREATE TABLE {MY_TWO}.autre_fichier (id INT PRIMARY KEY, courriel VARCHAR(80))",
    f"INSERT INTO {MY_TWO}.autre_fichier VALUES (1, 'secret1@ailleurs.fr'), (2, 'secret2@ailleurs.fr')",
    f"CREATE TABLE {MY_THREE}.journal_tiers (id INT PRIMARY KEY, adresse_ip VARCHAR(45))",
    f"INSERT INTO {MY_THREE}.journal_tiers VALUES (1, '10.0.0.1'), (2, '10.0.0.2'), (3, '10.0.0.3')",
    f"CREATE ROLE {MY_ROLE}",
    f"GRANT SELECT ON {MY_ONE}.usager TO {MY_ROLE}",
    f"GRANT SELECT ON {MY_TWO}.* TO {MY_ROLE}",
    f"GRANT SELECT, UPDATE ON {MY_TWO}.dossier_secret TO {MY_ROLE}",
]
OTHER_NAMES = (MY_TWO, MY_THREE, "dossier_secret", "autre_fichier", "journal_tiers", "secret1@ailleurs.fr",
               "185057800608491", "10.0.0.1")


def _mariadb(*statements: str) -> None:
    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def mariadb():
    databases = (MY_ONE, MY_TWO, MY_THREE)
    _mariadb(f"DROP ROLE IF EXISTS {MY_ROLE}", *(f"DROP DATABASE IF EXISTS {d}" for d in databases),
             *(f"CREATE DATABASE {d} CHARACTER SET utf8mb4" for d in databases), *MY_SETUP)
    yield f"mysql+pymysql://root@127.0.0.1:3306/{MY_ONE}"
    _mariadb(f"DROP ROLE IF EXISTS {MY_ROLE}", *(f"DROP DATABASE IF EXISTS {d}" for d in databases))


def _grants(inv):
    return sorted(((g.grantee, g.privilege, g.schema_name, g.table, g.via) for g in inv.grants
                   if g.grantee == MY_ROLE), key=lambda g: tuple(x or "" for x in g))


def test_mariadb_audit_reads_only_the_database_of_its_url(mariadb, tmp_path):
    inv = read_database(mariadb)
    assert [(t.qualified_name, t.kind) for t in inv.tables] == [("accueil", "table"), ("usager", "table"),
                                                                ("v_usager", "view")]
    assert _grants(inv) == [(MY_ROLE, "SELECT", None, "usager", None)]  # none of the other database's
    report, text = _audit(tmp_path, "maria", mariadb)
    assert _tables(report) == [("accueil", "table", [], 3), ("usager", "table", [], 5),
                               ("v_usager", "view", [], None)]
    assert report["rows_read"] == 8 and report["errors"] == []
    assert sorted({c["table"] for c in report["columns"]}) == ["accueil", "usager", "v_usager"]
    for other in OTHER_NAMES:  # no table, row or grant of the other databases on the server
        assert other not in text


def test_mariadb_schemas_name_the_databases_read(mariadb, tmp_path):
    inv = read_database(mariadb, schemas=[MY_ONE, MY_TWO])
    assert [t.qualified_name for t in inv.tables] == [
        "accueil", "usager", "v_usager", f"{MY_TWO}.autre_fichier", f"{MY_TWO}.dossier_secret"]
    assert _grants(inv) == [
        (MY_ROLE, "SELECT", None, "usager", None),
        (MY_ROLE, "SELECT", MY_TWO, "autre_fichier", f"{MY_TWO}.*"),
        (MY_ROLE, "SELECT", MY_TWO, "dossier_secret", None),
        (MY_ROLE, "SELECT", MY_TWO, "dossier_secret", f"{MY_TWO}.*"),
        (MY_ROLE, "UPDATE", MY_TWO, "dossier_secret", None),
    ]
    report, text = _audit(tmp_path, "two", mariadb, "--schemas", MY_TWO)
    assert _tables(report) == [(f"{MY_TWO}.autre_fichier", "table", [], 2), (f"{MY_TWO}.dossier_secret", "table",
                                                                             [], 4)]
    assert report["rows_read"] == 6
    assert MY_THREE not in text and "journal_tiers" not in text and "martin@exemple.fr" not in text


def test_mariadb_url_naming_no_database_is_refused(mariadb):
    with pytest.raises(SourceError) as err:
        read_database("mysql+pymysql://root@127.0.0.1:3306")
    assert str(err.value) == (
        "mysql+pymysql://root@127.0.0.1:3306 names no database: add it to the URL "
        "(mysql+pymysql://user@host/DATABASE) or list the databases to read in `schemas`")
    inv = read_database("mysql+pymysql://root@127.0.0.1:3306", schemas=[MY_THREE])
    assert [t.qualified_name for t in inv.tables] == [f"{MY_THREE}.journal_tiers"]


MY_TYPES = "gdpr_objects_types"


@pytest.fixture(scope="module")
def mariadb_types():
    _mariadb(
        f"DROP DATABASE IF EXISTS {MY_TYPES}", f"CREATE DATABASE {MY_TYPES} CHARACTER SET utf8mb4",
        f"CREATE TABLE {MY_TYPES}.lieu (id INT PRIMARY KEY, nom VARCHAR(40), g GEOMETRY, p POINT)",
        f"INSERT INTO {MY_TYPES}.lieu VALUES (1, 'Accueil', ST_GeomFromText('POINT(1 1)'), "
        "ST_GeomFromText('POINT(1 2)')), (2, 'Annexe', NULL, ST_GeomFromText('POINT(3 4)')), (3, 'Permanence', NULL, "
        "NULL)",
        f"CREATE TABLE {MY_TYPES}.carnet (id INT PRIMARY KEY, nom VARCHAR(40), email VARCHAR(80), "
        "`nom``usage` VARCHAR(40), KEY (`nom``usage`))",
        f"INSERT INTO {MY_TYPES}.carnet VALUES (1, 'Martin', 'martin@exemple.fr', 'Dupont'), "
        "(2, 'Durand', 'durand@exemple.fr', NULL), (3, 'Petit', 'petit@exemple.fr', 'Grand'), "
        "(4, 'Roux', 'roux@exemple.fr', 'Dupont'), (5, 'Blanc', 'blanc@exemple.fr', NULL)",
    )
    yield f"mysql+pymysql://root@127.0.0.1:3306/{MY_TYPES}"
    _mariadb(f"DROP DATABASE IF EXISTS {MY_TYPES}")


def test_mariadb_spatial_columns_are_opaque_and_the_table_still_read(mariadb_types):
    inv = read_database(mariadb_types, tables=["lieu"])
    assert [(c.name, c.type, c.opaque) for c in inv.tables[0].columns] == [
        ("id", "INTEGER(11)", False), ("nom", "VARCHAR(40)", False), ("g", "geometry", True), ("p", "point", True)]
    result = _scan(mariadb_types, inv)
    assert result.errors == []
    counts = result.tables["lieu"]
    assert (counts.rows, counts.filled, counts.distinct) == (3, {"id": 3, "nom": 3, "g": 1, "p": 2},
                                                             {"id": 3, "nom": 3})
    assert list(counts.header) == ["id", "nom"] and counts.sampled == 3  # the spatial columns left out


def test_mariadb_column_name_with_a_backtick(mariadb_types, tmp_path):
    inv = read_database(mariadb_types, tables=["carnet"])
    assert [c.name for c in inv.tables[0].columns] == ["id", "nom", "email", "nom`usage"]
    result = _scan(mariadb_types, inv)
    assert result.errors == []
    counts = result.tables["carnet"]
    assert (counts.rows, counts.filled["nom`usage"], counts.distinct["nom`usage"]) == (5, 3, 2)
    assert counts.header["nom`usage"] == "nom`usage" and counts.sampled == 5
    report, _ = _audit(tmp_path, "backtick", mariadb_types, "--tables", "carnet")
    assert report["errors"] == [] and report["rows_read"] == 5
    email = next(c for c in report["columns"] if c["column"] == "email")
    assert (email["values_sampled"], email["value_matches"]) == (5, {"email": 1.0})


# -- SQLAlchemy's warnings ------------------------------------------------------------------------------
CLI = "import sys; from auditor.cli import main; main(sys.argv[1:])"


@pytest.mark.parametrize("which", ["postgres_types", "mariadb_types"])
def test_unknown_types_give_no_warning_on_stderr_nor_an_internal_error(which, request, tmp_path):
    url = request.getfixturevalue(which)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for warnings in ("always", "error"):  # shown, then turned into exceptions (SAWarning is a RuntimeWarning)
        done = subprocess.run(
            [sys.executable, "-W", f"{warnings}::RuntimeWarning", "-c", CLI, "audit", "--db", url, "--tables",
             "lieu", "--profile", PROFILE, "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        assert "Warning" not in done.stderr and "internal error" not in done.stderr, done.stderr[-2000:]
        assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["rows_read"] == 3
