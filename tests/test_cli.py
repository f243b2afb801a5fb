"""CLI behaviour: exit codes, error messages naming file and line, commands, config precedence."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from click.testing import CliRunner

from auditor import __version__
from auditor.cli import main
from tests.conftest import EXAMPLE

SCHEMA = "CREATE TABLE usager (nom text, origine_ethnique text);\n"


def run(*args):
    return CliRunner().invoke(main, list(args))


def write_config(tmp_path, text, schema=SCHEMA):
    (tmp_path / "schema.sql").write_text(schema, encoding="utf-8")
    (tmp_path / "gdpr-audit.yml").write_text(text, encoding="utf-8")
    return tmp_path


BASE = ("service: s\nprofiles:\n  - id: cnil.ref.social-medicosocial.2021\n"
        "    purposes: [P3_accompagnement]\nschema:\n  files: [schema.sql]\n")


def test_version():
    assert run("--version").output == f"gdpr-audit, version {__version__}\n"


def test_zero_config_run_and_exit_codes(tmp_path):
    (tmp_path / "s.sql").write_text(SCHEMA, encoding="utf-8")
    args = ["audit", "--schema", str(tmp_path / "s.sql"), "--dialect", "postgres", "--profile",
            "cnil.ref.social-medicosocial.2021", "--purpose", "P3_accompagnement",
            "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")]
    assert run(*args).exit_code == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    # no date to count a retention period from (RET003), no access-log table (SEC004)
    assert report["service"] == "s" and [f["rule"] for f in report["findings"]] == ["MIN002", "RET003", "SEC004"]
    assert run(*args, "--fail-on", "critical").exit_code == 0


def test_flags_win_over_the_config_file(tmp_path):
    d = write_config(tmp_path, BASE + "fail_on: medium\nreport:\n  lang: en\n")
    r = run("audit", str(d), "--lang", "fr", "--fail-on", "never")
    assert r.exit_code == 0
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    assert (report["lang"], report["summary"]["fail_on"]) == ("fr", "never")
    assert (d / "gdpr-audit-report.html").is_file()


def test_purpose_flag_replaces_the_configured_purposes(tmp_path):
    d = write_config(tmp_path, BASE)
    run("audit", str(d), "--purpose", "P5_gestion", "--purpose", "P3_accompagnement")
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    assert report["profiles"][0]["purposes"] == ["P5_gestion", "P3_accompagnement"]


def error_of(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


def test_config_errors_name_file_line_and_key(tmp_path):
    cfg = tmp_path / "gdpr-audit.yml"
    cases = [
        (BASE + "fail_onn: high\n", "7: fail_onn: unknown key 'fail_onn' (did you mean 'fail_on'?)"),
        (BASE + "service: t\n", "7: invalid YAML: duplicate key 'service' (first on line 1)"),
        (BASE.replace("  files", "\tfiles"), "6: invalid YAML: tab character used for indentation; use spaces"),
        (BASE.replace("P3_accompagnement", "P9"), "4: profile cnil.ref.social-medicosocial.2021 has no purpose 'P9'"),
        (BASE.replace("cnil.ref.social-medicosocial.2021", "cnil.ref.social"), "3: unknown profile 'cnil.ref.social' (did you mean 'cnil.ref.social-medicosocial.2021'?)"),
        (BASE + "overrides:\n  usager.nom: [identity.nom]\n", "8: unknown data category 'identity.nom' (did you mean 'identity.name'?)"),
        (BASE + "fail_on: severe\n", "7: fail_on: 'severe' is not one of: critical, high, medium, low, info, never"),
    ]
    for text, expected in cases:
        write_config(tmp_path, text)
        message = error_of(run("audit", str(tmp_path)))
        assert message.startswith(f"gdpr-audit: error: {cfg}:{expected}"), (text, message)


def test_input_errors(tmp_path):
    assert error_of(run("audit", str(tmp_path / "nowhere"))) == \
        f"gdpr-audit: error: {tmp_path / 'nowhere'}: file not found"
    assert error_of(run("audit", str(tmp_path))) == \
        f"gdpr-audit: error: {tmp_path}: no gdpr-audit.yml in this directory"
    d = write_config(tmp_path, BASE.replace("schema.sql", "missing.sql"))
    assert error_of(run("audit", str(d))) == f"gdpr-audit: error: {d / 'missing.sql'}: file not found"
    d = write_config(tmp_path, BASE + "  dialect: postgress\n")
    assert error_of(run("audit", str(d))).startswith("gdpr-audit: error: unknown SQL dialect 'postgress'")
    assert "give a directory or --config" in run("audit").output and run("audit").exit_code == 2


def test_unparseable_statement_is_reported_and_audit_goes_on(tmp_path):
    d = write_config(tmp_path, BASE, schema="CREATE VIEW v AS SELECT FROM;\n" + SCHEMA)
    assert run("audit", str(d)).exit_code == 1
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    assert [e["location"] for e in report["errors"]] == [f"{d / 'schema.sql'}:1"]
    assert [(f["rule"], f["column"]) for f in report["findings"]] == [("MIN002", "origine_ethnique"),
                                                                      ("RET003", None), ("SEC004", None)]


def test_rules_and_profiles_commands():
    listing = run("rules", "list").output.splitlines()
    assert [line.split()[0] for line in listing] == ["ACC001", "ACC002", "ACC003", "ACC004", "ACC005", "ACC006",
                                                          "MIN001", "MIN002", "MIN003", "MIN004", "MIN005", "MIN006", "MIN007",
                                                          "RET001", "RET002", "RET003", "RET004",
                                                          "SEC001", "SEC002", "SEC003", "SEC004", "TXT001", "TXT002", "TXT003",
                                                          "WAI001"]
    explain = run("rules", "explain", "min004", "--lang", "en").output
    assert explain.startswith("MIN004 (minimisation.nir-outside-decree) — NIR used outside")
    assert "Decree no. 2019-341 of 19 April 2019 (NIR framework decree)" in explain
    assert error_of(run("rules", "explain", "MIN009")).startswith("gdpr-audit: error: unknown rule 'MIN009'")
    listing = run("profiles", "list", "--lang", "en").output.splitlines()
    assert len(listing) == 11
    assert "cnil.ref.social-medicosocial.2021  Deliberation no. 2021-028 of 11 March 2021" \
        " (JORF 23 March 2021)  CNIL framework – reception" in "\n".join(listing)
    shown = run("profiles", "show", "cnil.ref.social-medicosocial.2021", "--lang", "en").output
    assert "P3_accompagnement — Social and medico-social support" in shown
    assert "  R1_accompagnement: Reception, housing and support data (medical file excluded)" in shown
    assert "    Last contact from the person or their representative + P2Y → delete or anonymise, " \
        "recommended [Délib. CNIL n° 2023-095" in shown
    assert "    required granularity: nationality — 'French / EU / non-EU' [Référentiel 2021-028, § 5 Données " \
        "(nationalité); secondary source]" in shown
    fr = run("profiles", "show", "fr.casf.rsa.r262").output
    assert fr.splitlines()[2] == "Texte législatif ou réglementaire, contraignant : un écart est un manquement"


def test_example_config_is_valid_and_reports_land_next_to_it(tmp_path):
    r = run("audit", str(EXAMPLE), "--as-of", "2026-11-01")
    assert r.exit_code == 1
    assert f"JSON: {EXAMPLE / 'gdpr-audit-report.json'}" in r.output or \
        ("JSON: " in r.output and (EXAMPLE / "gdpr-audit-report.json").is_file())


def test_progress_tells_each_phase_and_the_tables_done():
    from auditor.api import run_audit
    from auditor.config import find_config, load_settings
    from auditor.progress import Progress

    settings, raw = load_settings(find_config(EXAMPLE), {})
    heard = []
    phases = Progress(lambda p: heard.append((p.name, p.done, p.total)))
    run_audit(settings, raw, phases)
    assert [(name, items) for name, _, items in phases.timings()] == [
        ("profiles and rules", ""), ("schema", "32 statements"), ("rows", "9 tables"), ("value detectors", "8 tables"), ("classification", ""),
        ("free-text scan", ""), ("minimisation", ""), ("uncovered-subjects", ""), ("granularity", ""),
        ("free-text", ""),
        ("retention", "8 tables"), ("access", ""), ("security", "")]
    retention = [done for name, done, _ in heard if name == "retention"]
    assert retention == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]  # when the phase opens, when its total is known, each table done
    assert all(seconds >= 0 for _, seconds, _ in phases.timings())


def test_timings_line_names_every_phase(tmp_path):
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--timings", "--json", str(tmp_path / "r.json"),
                                       "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    line = result.stderr.splitlines()[-1]
    names = re.findall(r"(?:^time: |, )([a-z -]+) \d+\.\d\d s", line)
    assert names == ["profiles and rules", "schema", "rows", "value detectors", "classification", "free-text scan", "minimisation",
                     "uncovered-subjects", "granularity", "free-text", "retention", "access", "security", "reports"]
    assert re.match(r"time: profiles and rules \d+\.\d\d s, schema \d+\.\d\d s \(32 statements\), rows \d+\.\d\d s \(9 tables\), .*"
                    r"retention \d+\.\d\d s \(8 tables\), .*reports \d+\.\d\d s; total \d+\.\d\d s$", line)


LOADED = ("import sys\nfrom auditor.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
          "print(sorted(m for m in {modules!r} if m in sys.modules))\n")


def _loaded(args, modules):
    code = LOADED.format(args=args, modules=modules)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1].replace("'", '"'))


def test_version_and_a_ddl_audit_load_no_database_library(tmp_path):
    heavy = ("pydantic", "sqlalchemy", "psycopg", "pymysql", "great_expectations", "duckdb", "sqlglot", "rich")
    assert _loaded(["--version"], heavy) == []
    audit = ["audit", "--schema", str(EXAMPLE / "schema.sql"), "--profile", "cnil.ref.social-medicosocial.2021",
             "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")]
    assert _loaded(audit, ("sqlalchemy", "psycopg", "pymysql", "great_expectations")) == []
    assert (tmp_path / "r.json").is_file()


def test_cli_conventions_no_argument_help_one_format_and_quiet(tmp_path, monkeypatch):
    import json
    import shutil

    from click.testing import CliRunner

    from auditor.cli import main
    from tests.conftest import EXAMPLE

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["audit"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: give a directory or --config, or --schema (or --db) and --profile, or "
                                  "run where a gdpr-audit.yml is\n")
    service = tmp_path / "service"
    shutil.copytree(EXAMPLE, service)
    monkeypatch.chdir(service)
    # no argument: the current directory's gdpr-audit.yml; one format to standard output
    result = runner.invoke(main, ["audit", "--as-of", "2026-12-01", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["service"] == "Dossier social départemental (exemple)" and report["summary"]["total"] == 38
    # or to a file, and nothing else printed with --quiet
    result = runner.invoke(main, ["audit", "--as-of", "2026-12-01", "--format", "md", "-o", "summary.md", "-q"])
    assert (result.exit_code, result.output) == (1, "")
    assert (service / "summary.md").read_text(encoding="utf-8").startswith(
        "### ❌ Rapport d'audit RGPD — Dossier social départemental (exemple) (1 décembre 2026)")
    result = runner.invoke(main, ["audit", "-o", "x.json"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: -o/--output goes with --format (or give each report its own option: "
                                  "--json F…)\n")
    for args in (["-h"], ["audit", "-h"], ["rules", "list", "-h"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and result.output.startswith("Usage: "), args


def test_a_config_with_several_problems_lists_each_at_its_line(tmp_path):
    import json
    import shutil

    from click.testing import CliRunner

    from auditor.cli import main
    from tests.conftest import EXAMPLE

    shutil.copy(EXAMPLE / "schema.sql", tmp_path / "schema.sql")
    config = tmp_path / "gdpr-audit.yml"
    config.write_text(
        "service: t\n"
        "profiles:\n"
        "  - id: cnil.ref.social-medicosocial.2021\n"
        "    purposes: [P2_droits_prestations, P2_droit_prestations]\n"
        "schema: {files: [schema.sql], dialect: postgres}\n"
        "tables:\n"
        "  usagers: {purposes: [P2_droits_prestations]}\n"
        "  agent: {subject: staf}\n"
        "justifications:\n"
        "  identity.nirr: justified\n"
        "report: {lang: de}\n"
        "fail_on: severe\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    shown = f"{tmp_path}/gdpr-audit.yml"
    assert result.output.splitlines() == [  # the file's shape first: every problem, each at its line
        f"gdpr-audit: error: {shown}:11: report.lang: 'de' is not one of: fr, en",
        f"gdpr-audit: error: {shown}:12: fail_on: 'severe' is not one of: critical, high, medium, low, info, never"]
    config.write_text(config.read_text(encoding="utf-8").replace("lang: de", "lang: fr").replace(
        "severe", "high"), encoding="utf-8")
    result = runner.invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [  # then the names: profiles, purposes, subjects, categories
        f"gdpr-audit: error: {shown}:4: profile cnil.ref.social-medicosocial.2021 has no purpose "
        "'P2_droit_prestations'; its purposes: P1_prestations, P2_droits_prestations, P3_accompagnement, "
        "P4_partage, P5_gestion, P6_signalement (did you mean 'P2_droits_prestations'?)",
        f"gdpr-audit: error: {shown}:8: unknown data subject 'staf' (did you mean 'staff'?)",
        f"gdpr-audit: error: {shown}:10: unknown data category 'identity.nirr' (did you mean 'identity.nir'?)"]
    config.write_text(config.read_text(encoding="utf-8").replace(", P2_droit_prestations", "").replace(
        "staf}", "staff}").replace("nirr", "nir") + "waivers:\n  - {rule: MIN01, target: usagr.photo, reason: test}\n",
        encoding="utf-8")
    result = runner.invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"gdpr-audit: error: {shown}:14: waivers: no rule 'MIN01' (did you mean "
                                          "'MIN001'?)"]
    config.write_text(config.read_text(encoding="utf-8").replace("MIN01,", "MIN001,"), encoding="utf-8")
    result = runner.invoke(main, ["audit", str(tmp_path), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 1  # the tables the schema does not hold: warnings, the audit goes on
    errors = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["errors"]
    assert [(e["location"], e["message"]) for e in errors if e["source"] == "config"] == [
        (f"{shown}:7", "tables.usagers: no table 'usagers' in the schema (did you mean 'usager'?)"),
        (f"{shown}:14", "waivers.0.target: no table 'usagr' in the schema (did you mean 'usager'?)")]


def test_a_value_of_the_wrong_shape_says_the_expected_one(tmp_path):
    from click.testing import CliRunner

    from auditor.cli import main

    (tmp_path / "gdpr-audit.yml").write_text("service: t\nprofiles: {id: x}\nschema: schema.sql\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    shown = f"{tmp_path}/gdpr-audit.yml"
    assert result.output.splitlines() == [
        f"gdpr-audit: error: {shown}:2: profiles: expected a list of {{id, purposes}}, not a mapping",
        f"gdpr-audit: error: {shown}:3: schema: expected a mapping of {{files, dialect}}, not a text"]
