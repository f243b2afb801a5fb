"""Live objects: a live audit reads exactly the database of its URL (and the schemas asked for).
PostgreSQL and MariaDB on this machine; each test builds its own databases next to others, so that
a server holding more than the audited database is the normal case.
"""

from __future__ import annotations

import json

import psycopg
import pymysql
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import SourceError
from auditor.sources.database import read_database

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


def test_postgres_schemas_scope_tables_rows_and_default_privileges(postgres, tmp_path):
    inv = read_database(postgres, schemas=["archive"])
    assert [t.qualified_name for t in inv.tables] == ["archive.ancien_dossier"]
    assert [(d.schema_name, d.grantee, d.privilege) for d in inv.default_privileges] == [
        ("archive", "PUBLIC", "SELECT")]  # not public's: that schema is not audited
    report, text = _audit(tmp_path, "archive", postgres, "--schemas", "archive")
    assert sorted({c["table"] for c in report["columns"]}) == ["archive.ancien_dossier"]
    assert report["rows_read"] == 3
    for other in ("entretien", "dossier_usager", "mv_contact", "v_usager", '"usager', "martin@exemple.fr"):
        assert other not in text


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
    assert sorted({c["table"] for c in report["columns"]}) == [f"{MY_TWO}.autre_fichier", f"{MY_TWO}.dossier_secret"]
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
