"""Bad input, case by case: each gives exit code 2 with one line naming the file, line and key (no
traceback), or is reported under "what could not be read" while the rest of the audit goes on.
The database cases run against this machine's PostgreSQL and MariaDB."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

import auditor
from auditor.checks.retention import minus
from auditor.cli import main
from auditor.sources.database import read_database
from auditor.sources.database.table_scan import ScanOptions, scan_database
from auditor.sources.row_store import RowStore

BASE = ("service: s\nprofiles:\n  - id: cnil.ref.social-medicosocial.2021\n    purposes: [P3_accompagnement]\n"
        "schema:\n  files: [schema.sql]\n")
SCHEMA = "CREATE TABLE usager (id int PRIMARY KEY, nom text, date_dernier_contact date);\n"
DATA = BASE + "data: {dir: samples}\n"
HEADER = b"id,nom,date_dernier_contact\n"


@dataclass
class Case:
    config: str | bytes = BASE
    schema: str | bytes = SCHEMA
    samples: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None  # exit 2 with this message (after "gdpr-audit: error: ", D = the directory)
    reported: list[tuple[str, str, str]] | None = None  # else: (source, location, message start) reported
    tables: int | None = None  # tables read, when the audit goes on
    files: dict[str, bytes] = field(default_factory=dict)  # more files in D
    special: dict[str, str] = field(default_factory=dict)  # path in D -> fifo, directory, loop, or a link target


CASES = {
    # -- configuration ---------------------------------------------------------------------------
    "yaml-tab": Case(BASE.replace("  files", "\tfiles"),
                     error="D/gdpr-audit.yml:6: invalid YAML: tab character used for indentation; use spaces"),
    "yaml-duplicate-key": Case(BASE + "service: t\n",
                               error="D/gdpr-audit.yml:7: invalid YAML: duplicate key 'service' (first on line 1)"),
    "yaml-syntax": Case(BASE + "profiles: [\n", error="D/gdpr-audit.yml:8: invalid YAML: expected the node content"),
    "yaml-not-a-mapping": Case("- a\n- b\n", error="D/gdpr-audit.yml:1: the configuration must be a mapping of keys"),
    "yaml-empty": Case("", error="D/gdpr-audit.yml:1: the configuration must be a mapping of keys"),
    "unknown-key": Case(BASE + "fail_onn: high\n",
                        error="D/gdpr-audit.yml:7: fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"),
    "wrong-type-int": Case(BASE + "sample: many\n",
                           error="D/gdpr-audit.yml:7: sample: Input should be a valid integer"),
    "wrong-type-mapping": Case(BASE + "tables: [usager]\n",
                               error="D/gdpr-audit.yml:7: tables: expected a mapping of names to {purposes, "
                                     "subject}, not a list"),
    "bad-memory-limit": Case(BASE + "memory_limit: beaucoup\n",
                             error="D/gdpr-audit.yml:7: memory_limit: 'beaucoup' is not a size: write it as 512MB, 4GB…"),
    "memory-limit-too-large": Case(DATA + "memory_limit: 99999999999999999999TB\n",  # was a DuckDB ParserException
                                   samples={"usager.csv": HEADER + b"1,Dupont,2020-01-01\n"},
                                   error="D/gdpr-audit.yml:8: memory_limit: '99999999999999999999TB' is too large: "
                                         "the memory limit is at most 1024TiB"),
    "memory-limit-too-small": Case(DATA + "memory_limit: 1KB\n", samples={"usager.csv": HEADER + b"1,Dupont,2020-01-01\n"},
                                   reported=[("samples", "D/samples/usager.csv", "cannot read sample file: out of memory "
                                              "within the engine's memory limit (raise `memory_limit`")], tables=1),
    "bad-severity": Case(BASE + "fail_on: severe\n",
                         error="D/gdpr-audit.yml:7: fail_on: 'severe' is not one of: critical, high, medium, low, "
                               "info, never"),
    "unknown-profile": Case(BASE.replace("cnil.ref.social-medicosocial.2021", "cnil.ref.social"),
                            error="D/gdpr-audit.yml:3: unknown profile 'cnil.ref.social' "
                                  "(did you mean 'cnil.ref.social-medicosocial.2021'?)"),
    "unknown-purpose": Case(BASE.replace("P3_accompagnement", "P9"),
                            error="D/gdpr-audit.yml:4: profile cnil.ref.social-medicosocial.2021 has no purpose 'P9'"),
    "unknown-category-override": Case(BASE + "overrides:\n  usager.nom: [identity.nom]\n",
                                      error="D/gdpr-audit.yml:8: unknown data category 'identity.nom' "
                                            "(did you mean 'identity.name'?)"),
    "unknown-category-justification": Case(BASE + "justifications: {special.helth: x}\n",
                                           error="D/gdpr-audit.yml:7: unknown data category 'special.helth' "
                                                 "(did you mean 'special.health'?)"),
    "table-purpose-not-declared": Case(BASE + "tables: {usager: {purposes: [P6_signalement]}}\n",
                                       error="D/gdpr-audit.yml:7: table usager: purpose 'P6_signalement' is not "
                                             "among the declared purposes (P3_accompagnement)"),
    "schema-and-database": Case(BASE + "database: {url: 'sqlite:///x.db'}\n",
                                error="D/gdpr-audit.yml:1: give the schema either as DDL files"),
    "no-source": Case("service: s\nprofiles: [{id: cnil.ref.social-medicosocial.2021}]\n",
                      error="D/gdpr-audit.yml:1: give the schema either as DDL files"),
    "missing-ddl-file": Case(BASE.replace("schema.sql", "missing.sql"), error="D/missing.sql: file not found"),
    "missing-data-dir": Case(BASE + "data: {dir: nope}\n", error="D/nope: sample data directory not found"),
    "unknown-dialect": Case(BASE + "  dialect: postgress\n", error="unknown SQL dialect 'postgress'"),
    "waiver-without-reason": Case(BASE + "waivers: [{rule: MIN001, target: usager.nom}]\n",
                                  error="D/gdpr-audit.yml:7: waivers.0.reason: Field required"),
    "waiver-bad-date": Case(BASE + "waivers: [{rule: MIN001, target: usager.nom, reason: xyz, expires: tomorrow}]\n",
                            error="D/gdpr-audit.yml:7: waivers.0.expires: Input should be a valid date"),
    "retention-unknown-event": Case(BASE + "retention: {start_events: {fin_suivi: usager.nom}}\n",
                                    error="D/gdpr-audit.yml:7: unknown start event 'fin_suivi'"),
    "retention-unknown-column": Case(BASE + "retention: {start_events: {collection: usager.nope}}\n",
                                     error="D/gdpr-audit.yml:7: retention.start_events.collection: no column "
                                           "'usager.nope' in the schema (write table.column)"),
    "access-unknown-recipient": Case(BASE + "access: {roles: {x: comptabilite_x}}\n",
                                     error="D/gdpr-audit.yml:7: access.roles.x: no recipient 'comptabilite_x' in "
                                           "the declared profiles"),
    "access-bad-kind": Case(BASE + "access: {roles: {x: {kind: robot}}}\n",
                            error="D/gdpr-audit.yml:7: access.roles.x.kind: 'robot' is not one of: "
                                  "application, accounting, administrative, statistics, subcontractor, management, care, social_work, other"),
    "impossible-date": Case(BASE + "as_of: 2026-13-45\n",  # found by the fuzzer: was an internal error
                            error="D/gdpr-audit.yml:7: invalid YAML: invalid date '2026-13-45' (month must be in 1..12)"),
    "missing-baseline": Case(BASE + "baseline: base.json\n", error="D/base.json: baseline file not found"),
    "latin1-config": Case((BASE + "# donnée\n").encode("latin-1"), reported=[], tables=1),
    "yaml-nested-20000-deep": Case(BASE + "x: " + "[" * 20_000 + "]" * 20_000 + "\n",  # was a RecursionError
                                   error="D/gdpr-audit.yml:7: invalid YAML: nested deeper than 100 levels"),
    "yaml-larger-than-16-mib": Case(BASE + ("#" * 1023 + "\n") * (17 << 10),
                                    error="D/gdpr-audit.yml: file larger than 16 MiB, the limit for a YAML file"),
    "config-fifo": Case(special={"gdpr-audit.yml": "fifo"},  # was "no gdpr-audit.yml in this directory"
                        error="D/gdpr-audit.yml: is a named pipe (FIFO), not a regular file"),
    "config-directory": Case(special={"gdpr-audit.yml": "directory"},
                             error="D/gdpr-audit.yml: is a directory, not a regular file"),
    "baseline-fifo": Case(BASE + "baseline: base.json\n", special={"base.json": "fifo"},  # was a hang
                          error="D/base.json: is a named pipe (FIFO), not a regular file"),
    "baseline-nested-deep": Case(BASE + "baseline: base.json\n", files={"base.json": b"[" * 100_000},
                                 error="D/base.json: not a baseline file: JSON nested too deep to read"),
    # -- DDL ---------------------------------------------------------------------------------------
    "ddl-empty": Case(schema="", reported=[("schema", "D/schema.sql", "no table or view was read")], tables=0),
    "ddl-syntax-error": Case(schema="CREATE VIEW v AS SELECT FROM;\n" + SCHEMA,
                             reported=[("ddl", "D/schema.sql:1", "")], tables=1),
    "ddl-unterminated-string": Case(schema=SCHEMA + "CREATE TABLE agent (nom text DEFAULT 'abc);\n",
                                    reported=[("ddl", "D/schema.sql:2", "unterminated quoted text")], tables=1),
    "ddl-unterminated-dollar": Case(schema=SCHEMA + "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n",
                                    reported=[("ddl", "D/schema.sql:2", "unterminated dollar-quoted body $$")],
                                    tables=1),
    "ddl-latin1": Case(schema=(SCHEMA + "COMMENT ON COLUMN usager.nom IS 'prénom';\n").encode("latin-1"),
                       reported=[("ddl", "D/schema.sql", "not valid UTF-8 (first bad byte on line 2); "
                                                          "decoded as Windows-1252")], tables=1),
    "ddl-table-without-name": Case(schema=SCHEMA + "CREATE\tTABLE'';\n",  # found by the long fuzz run
                                   reported=[("ddl", "D/schema.sql:2", "CREATE TABLE without a name")], tables=1),
    "ddl-fifo": Case(BASE.replace("schema.sql", "pipe.sql"), special={"pipe.sql": "fifo"},  # was a hang
                     error="D/pipe.sql: is a named pipe (FIFO), not a regular file"),
    "ddl-directory": Case(BASE.replace("schema.sql", "ddl"), special={"ddl": "directory"},
                          error="D/ddl: is a directory, not a regular file"),
    "ddl-device": Case(BASE.replace("schema.sql", "/dev/null"),  # /dev/zero: test_dev_zero_as_schema
                       error="/dev/null: is a character device, not a regular file"),
    "ddl-utf16-odd-length": Case(schema=b"\xff\xfe" + SCHEMA.encode("utf-16-le") + b"\n",  # was an internal error
                                 reported=[("ddl", "D/schema.sql", "file starts as UTF-16 but is not valid UTF-16; "
                                                                   "decoded with the bad bytes replaced")], tables=1),
    "ddl-nul-bytes": Case(schema=SCHEMA + "\x00\x01garbage\x02;\n", reported=[], tables=1),
    "ddl-huge-statement": Case(schema="CREATE TABLE large (" + ", ".join(f"c{i} text" for i in range(5000))
                               + ");\n" + SCHEMA, reported=[], tables=2),
    "pg-dump-restrict-and-copy": Case(schema="\\restrict abc123\nSET client_encoding = 'UTF8';\n" + SCHEMA
                                      + "COPY usager (id, nom, date_dernier_contact) FROM stdin;\n"
                                        "1\tDupont; DROP TABLE x;\t2020-01-01\n\\.\n\\unrestrict abc123\n"
                                        "CREATE TABLE agent (id int, nom text);\n", reported=[], tables=2),
    "mysqldump-versioned-comments": Case(
        BASE + "  dialect: mysql\n",
        "/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `usager` (`id` int, `nom` varchar(50)) ENGINE=InnoDB;\n"
        "/*!50001 CREATE VIEW `v` AS SELECT `nom` FROM `usager` */;\n", reported=[], tables=2),
    # -- sample files -------------------------------------------------------------------------------
    "csv-latin1": Case(DATA, samples={"usager.csv": HEADER + "1,Hélène,2020-01-01\n".encode("latin-1")},
                       reported=[], tables=1),
    "csv-windows-1252": Case(DATA, samples={"usager.csv": HEADER + "1,Cœur’s,2020-01-01\n".encode("cp1252")},
                             reported=[], tables=1),
    "csv-bom": Case(DATA, samples={"usager.csv": b"\xef\xbb\xbf" + HEADER + b"1,a,2020-01-01\n"}, reported=[],
                    tables=1),
    "csv-ragged-rows": Case(DATA, samples={"usager.csv": HEADER + b"1,a\n2,b,2020-01-01,extra\n"}, reported=[],
                            tables=1),
    "csv-embedded-newlines": Case(DATA, samples={"usager.csv": HEADER + b'1,"a\nb",2020-01-01\n'}, reported=[],
                                  tables=1),
    "csv-10-mb-cell": Case(DATA, samples={"usager.csv": HEADER + b"1," + b"x" * 10_000_000 + b",2020-01-01\n"},
                           reported=[], tables=1),
    "csv-empty-file": Case(DATA, samples={"usager.csv": b""},
                           reported=[("samples", "D/samples/usager.csv", "no column of the table in this file")],
                           tables=1),
    "csv-binary": Case(DATA, samples={"usager.csv": bytes(range(256)) * 10},
                       reported=[("samples", "D/samples/usager.csv", "no column of the table in this file")],
                       tables=1),
    "csv-no-such-table": Case(DATA, samples={"usager.csv": HEADER, "autre.csv": b"a\n1\n"},
                              reported=[("samples", "D/samples/autre.csv", "no table of the schema has this name")],
                              tables=1),
    "csv-missing-date-column": Case(DATA, samples={"usager.csv": b"id,nom\n1,a\n"},
                                    reported=[("retention", "usager (R1_accompagnement)",
                                               "cannot count: no column usager.date_dernier_contact in the data read")],
                                    tables=1),
    "csv-unparseable-dates": Case(DATA, samples={"usager.csv": HEADER + b"1,a,31/02/2020\n2,b,n/a\n"}, reported=[],
                                  tables=1),
    "parquet-corrupt": Case(DATA, samples={"usager.parquet": b"PAR1garbage"},
                            reported=[("samples", "D/samples/usager.parquet", "cannot read sample file: ")], tables=1),
    # a table's sample that is no regular file, or a link loop: reported, never opened (were "no table of
    # the schema has this name", and the loop an internal error that stopped the audit)
    "csv-directory": Case(DATA, special={"samples/usager.csv": "directory"},
                          reported=[("samples", "D/samples/usager.csv", "is a directory, not a regular file")], tables=1),
    "csv-fifo": Case(DATA, special={"samples/usager.csv": "fifo"},
                     reported=[("samples", "D/samples/usager.csv", "is a named pipe (FIFO), not a regular file")],
                     tables=1),
    "csv-device": Case(DATA, special={"samples/usager.csv": "/dev/zero"},
                       reported=[("samples", "D/samples/usager.csv", "is a character device, not a regular file")],
                       tables=1),
    "csv-symlink-loop": Case(DATA, special={"samples/usager.csv": "loop"},
                             reported=[("samples", "D/samples/usager.csv",
                                        "cannot read file (Too many levels of symbolic links)")], tables=1),
    "csv-symlink-loop-beside": Case(DATA, samples={"usager.csv": HEADER + b"1,Dupont,2020-01-01\n"},
                                    special={"samples/boucle.csv": "loop"},
                                    reported=[("samples", "D/samples/boucle.csv",
                                               "cannot read file (Too many levels of symbolic links)")], tables=1),
    "csv-directory-beside": Case(DATA, samples={"usager.csv": HEADER}, special={"samples/autre.csv": "directory"},
                                 reported=[("samples", "D/samples/autre.csv", "is a directory, not a regular file")],
                                 tables=1),
}


def _make_special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    else:
        path.symlink_to(kind)


@contextlib.contextmanager
def _fifos_unblocked(root: Path) -> Iterator[None]:
    """Open each FIFO under `root` for writing and close it, again and again, while the test runs: a
    reader stuck on one (the code before the type checks) gets an end of file instead of hanging."""
    fifos = [Path(d) / f for d, _, names in os.walk(root) for f in names if Path(d, f).is_fifo()]
    stop = threading.Event()

    def unblock() -> None:
        while not stop.wait(0.1):
            for fifo in fifos:
                with contextlib.suppress(OSError):  # ENXIO: nobody is reading it
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    worker = threading.Thread(target=unblock, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(tmp_path, name):
    case = CASES[name]
    (tmp_path / "gdpr-audit.yml").write_bytes(case.config if isinstance(case.config, bytes) else case.config.encode())
    (tmp_path / "schema.sql").write_bytes(case.schema if isinstance(case.schema, bytes) else case.schema.encode())
    if case.samples:
        (tmp_path / "samples").mkdir()
        for file, content in case.samples.items():
            (tmp_path / "samples" / file).write_bytes(content)
    for file, content in case.files.items():
        (tmp_path / file).write_bytes(content)
    for file, kind in case.special.items():
        _make_special(tmp_path / file, kind)
    with _fifos_unblocked(tmp_path):
        result = CliRunner().invoke(main, ["audit", str(tmp_path), "--as-of", "2026-11-01"])
    assert "Traceback" not in result.output
    if case.error is not None:
        assert result.exit_code == 2, result.output
        line = result.output.strip().splitlines()[-1].replace(str(tmp_path), "D")
        assert line.startswith("gdpr-audit: error: " + case.error), line
        return
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    errors = [(e["source"], e["location"].replace(str(tmp_path), "D"), e["message"]) for e in report["errors"]]
    assert len(errors) == len(case.reported or [])
    for (source, location, message), expected in zip(errors, case.reported or [], strict=True):
        assert (source, location) == expected[:2] and message.startswith(expected[2]), errors
    assert report["tables_read"] == case.tables


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "gdpr-audit.yml").write_text(BASE.replace("schema.sql", "missing.sql"), encoding="utf-8")
    plain = CliRunner().invoke(main, ["audit", str(tmp_path)])
    debug = CliRunner().invoke(main, ["--debug", "audit", str(tmp_path)])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.output and "Traceback (most recent call last)" in debug.output


TWO_SOURCES = (["--schema", "schema.sql", "--db", "sqlite:///x.db"],  # the --db won, silently
               "Error: --schema and --db both name the schema to audit: give one of them")
HUGE_MEMORY = (["--memory-limit", "99999999999999999999TB"],  # was a DuckDB ParserException
               "Error: Invalid value for '--memory-limit': '99999999999999999999TB' is too large: the memory limit "
               "is at most 1024TiB")
YEAR_ONE = (["--as-of", "0001-01-01"],  # was a ValueError (year -1) counting the retention periods
            "Error: Invalid value for '--as-of': 0001-01-01 is outside the dates an audit can be run as of "
            "(1000-01-01 to 9999-12-31)")


@pytest.mark.parametrize("command, args, message", [
    (["audit"], *TWO_SOURCES), (["baseline", "create"], *TWO_SOURCES), (["classify"], *TWO_SOURCES),
    (["audit"], *HUGE_MEMORY), (["audit"], *YEAR_ONE), (["baseline", "create"], *YEAR_ONE),
])
def test_bad_options_are_usage_errors(tmp_path, command, args, message):
    (tmp_path / "gdpr-audit.yml").write_text(DATA, encoding="utf-8")
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "usager.csv").write_bytes(HEADER + b"1,Dupont,2020-01-01\n")
    result = CliRunner().invoke(main, [*command, str(tmp_path), *args])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert result.output.strip().splitlines()[-1] == message


def test_an_audit_date_out_of_range_in_the_config_names_its_line(tmp_path):  # was a ValueError
    (tmp_path / "gdpr-audit.yml").write_text(DATA + "as_of: 0001-01-01\n", encoding="utf-8")
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "usager.csv").write_bytes(HEADER + b"1,Dupont,2020-01-01\n")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert (result.exit_code, result.output) == (
        2, f"gdpr-audit: error: {tmp_path}/gdpr-audit.yml:8: as_of: 0001-01-01 is outside the dates an audit can be "
           "run as of (1000-01-01 to 9999-12-31)\n")


def test_a_retention_period_reaching_before_the_calendar_counts_no_row():  # was a ValueError, then an OverflowError
    assert minus(dt.date(1000, 1, 1), 1000, 0, 0) == dt.date.min
    assert minus(dt.date(2026, 11, 1), 3000, 0, 0) == dt.date.min
    assert minus(dt.date(2026, 11, 1), 0, 0, 800_000) == dt.date.min


def test_debug_after_the_command_shows_the_traceback(tmp_path):  # was "No such option: --debug"
    (tmp_path / "gdpr-audit.yml").write_text(BASE.replace("schema.sql", "missing.sql"), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--debug"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output
    assert result.output.strip().splitlines()[-1] == f"gdpr-audit: error: {tmp_path}/missing.sql: file not found"


def _cli(*args: str, memory: int) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, its address space capped at `memory` bytes (what a
    read of /dev/zero would fill is then a MemoryError in seconds, not the machine's memory)."""
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2); "
            "from auditor.cli import main; sys.argv[0] = 'gdpr-audit'; main(sys.argv[2:])")
    env = {**os.environ, "PYTHONPATH": str(Path(auditor.__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-c", code, str(memory), *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_dev_zero_as_schema_is_refused_before_it_is_read(tmp_path):  # was a MemoryError
    result = _cli("audit", "--schema", "/dev/zero", "--profile", "cnil.ref.social-medicosocial.2021",
                  "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"), memory=3 << 30)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", "gdpr-audit: error: /dev/zero: is a character device, not a regular file\n")


@pytest.mark.parametrize("kind, message", [
    ("fifo", "is a named pipe (FIFO), not a regular file"),  # was "profile file not found"
    ("directory", "is a directory, not a regular file"),
    ("/dev/zero", "is a character device, not a regular file"),
])
def test_a_profile_file_that_is_no_regular_file_is_refused(tmp_path, kind, message):
    _make_special(tmp_path / "p.yml", kind)
    result = CliRunner().invoke(main, ["profiles", "validate", str(tmp_path / "p.yml")])
    assert (result.exit_code, result.output) == (2, f"gdpr-audit: error: {tmp_path}/p.yml: {message}\n")


def test_a_fifo_in_a_profile_directory_is_refused(tmp_path):  # was a hang
    _make_special(tmp_path / "mine.yml", "fifo")
    with _fifos_unblocked(tmp_path):
        result = CliRunner().invoke(main, ["profiles", "list", "--profile-dir", str(tmp_path)])
    assert (result.exit_code, result.output) == (
        2, f"gdpr-audit: error: {tmp_path}/mine.yml: is a named pipe (FIFO), not a regular file\n")


def test_a_profile_nested_20000_deep_is_refused_at_its_line(tmp_path):  # was a RecursionError
    (tmp_path / "deep.yml").write_text("id: x\npurposes:\n  - " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n",
                                       encoding="utf-8")
    result = CliRunner().invoke(main, ["profiles", "validate", str(tmp_path / "deep.yml")])
    assert (result.exit_code, result.output) == (
        2, f"gdpr-audit: error: {tmp_path}/deep.yml:3: invalid YAML: nested deeper than 100 levels\n")


@pytest.mark.parametrize("sarif, reason", [("missing/r.sarif", "No such file or directory"),
                                            ("a-directory", "Is a directory")])
def test_a_report_that_cannot_be_written_leaves_no_partial_set(tmp_path, sarif, reason):
    (tmp_path / "gdpr-audit.yml").write_text(BASE, encoding="utf-8")
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "r.json").write_text("the report of an earlier run", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--html", str(tmp_path / "r.html"),
                                       "--json", str(tmp_path / "r.json"), "--sarif", str(tmp_path / sarif),
                                       "--md", str(tmp_path / "r.md")])
    assert (result.exit_code, result.output.strip().splitlines()[-1]) == (
        2, f"gdpr-audit: error: {tmp_path}/{sarif}: cannot write the SARIF report ({reason})")
    # were: the HTML and JSON reports written before the SARIF one left on disk, the earlier JSON overwritten
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no report, no temporary file
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "the report of an earlier run"


# -- databases -------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, message", [
    ("postgresql://auditor:s3cret@127.0.0.1:1/none", "cannot connect to postgresql+psycopg://auditor:***@127.0.0.1:1/none"),
    ("postgresql://no_such_login:s3cret@127.0.0.1:5432/test",
     "cannot connect to postgresql+psycopg://no_such_login:***@127.0.0.1:5432/test"),
    ("mysql+pymysql://root:wrong-pw@127.0.0.1:3306/test", "cannot connect to mysql+pymysql://root:***@127.0.0.1:3306/test"),
    ("not a url", "invalid database URL"),
])
def test_unreachable_or_refused_database(tmp_path, url, message):
    result = CliRunner().invoke(main, ["audit", "--db", url, "--profile", "cnil.ref.social-medicosocial.2021",
                                       "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.output.startswith(f"gdpr-audit: error: {message}")
    assert "s3cret" not in result.output and "wrong-pw" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("module, url, message", [
    ("psycopg", "postgresql://auditor:s3cret@127.0.0.1:5432/test",
     "the postgresql+psycopg driver is not installed (Python module 'psycopg'): pip install 'gdpr-auditor[postgres]'"),
    ("pymysql", "mysql+pymysql://root:s3cret@127.0.0.1:3306/test",
     "the mysql+pymysql driver is not installed (Python module 'pymysql'): pip install 'gdpr-auditor[mysql]'"),
    ("psycopg2", "postgresql+psycopg2://auditor:s3cret@127.0.0.1:5432/test",
     "the postgresql+psycopg2 driver is not installed (Python module 'psycopg2'): install it, or use "
     "postgresql+psycopg:// or mysql+pymysql://, whose drivers install with pip install 'gdpr-auditor[drivers]'"),
])
def test_a_missing_driver_names_the_extra_to_install(tmp_path, monkeypatch, module, url, message):
    monkeypatch.setitem(sys.modules, module, None)  # what `import` meets when the package is not installed
    result = CliRunner().invoke(main, ["audit", "--db", url, "--profile", "cnil.ref.social-medicosocial.2021",
                                       "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")])
    assert (result.exit_code, result.output) == (2, f"gdpr-audit: error: {message}\n")  # was internal error


DB = "gdpr_auditor_faults"
ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


@pytest.fixture
def fault_db():
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres", autocommit=True) as conn:
        for name in ("a_usager", "b_verrou", "c_agent"):
            conn.execute(f"CREATE TABLE {name} (id int PRIMARY KEY, nom text)")
            conn.execute(f"INSERT INTO {name} SELECT i, 'n' || i FROM generate_series(1, 50) i")
    yield f"postgresql://postgres@127.0.0.1:5432/{DB}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def test_a_table_that_vanishes_during_the_audit_is_reported(fault_db):
    inventory = read_database(fault_db)
    with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres", autocommit=True) as conn:
        conn.execute("DROP TABLE b_verrou")
    store = RowStore()
    try:
        counts = scan_database(fault_db, inventory, store)
    finally:
        store.close()
    assert sorted(counts.tables) == ["a_usager", "c_agent"]
    assert [(e.location.rsplit("#", 1)[1], e.message) for e in counts.errors] == [
        ("b_verrou", "cannot count or sample: PostgreSQL error 42P01 (undefined table)")]


def test_a_connection_dropped_mid_audit_is_reopened(fault_db):
    inventory = read_database(fault_db)
    locker = psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres")
    locker.execute("LOCK TABLE b_verrou IN ACCESS EXCLUSIVE MODE")
    store = RowStore()
    outcome = {}

    def scan():
        outcome["counts"] = scan_database(fault_db, inventory, store, options=ScanOptions(jobs=1))

    worker = threading.Thread(target=scan)
    worker.start()
    with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres", autocommit=True) as admin:
        for _ in range(100):  # wait until the auditor waits on the lock, then kill its connection
            pids = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                                 (DB,)).fetchall()
            if pids:
                admin.execute("SELECT pg_terminate_backend(%s)", (pids[0][0],))
                break
            time.sleep(0.05)
    worker.join(timeout=60)
    locker.rollback()
    locker.close()
    store.close()
    counts = outcome["counts"]
    assert sorted(counts.tables) == ["a_usager", "c_agent"]  # c_agent read on a new connection
    assert [e.location.rsplit("#", 1)[1] for e in counts.errors] == ["b_verrou"]
    assert counts.errors[0].message.startswith("cannot count or sample: ")


def test_every_bad_input_category_is_covered():
    assert len(CASES) + 7 >= 40  # + the traceback and the five database cases above
