"""`gdpr-audit classify`: the inventory as YAML a DPO reviews and pastes back as overrides."""

from __future__ import annotations

import json
import shutil

import yaml
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE


def test_classify_prints_overrides_that_paste_back_into_the_config(tmp_path):
    result = CliRunner().invoke(main, ["classify", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("# gdpr-audit classify — Dossier social départemental (exemple): 75 columns in "
                        "9 tables, 3012 sample rows; 51 columns hold personal data.")
    assert "  # -- usager (subject: beneficiary)" in lines
    assert "  usager.iban: [financial.bank_account]  # 1.00: name 'iban'; " \
           "values: 236 of 236 sampled values (100%) pass detector 'iban', iban check digits verified" in lines
    assert "  usager.id: []  # no signal" in lines
    overrides = yaml.safe_load(result.output)["overrides"]
    assert len(overrides) == 75

    # the same categories as the audit's inventory
    audit_json = tmp_path / "r.json"
    CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01", "--json", str(audit_json),
                              "--html", str(tmp_path / "r.html")])
    report = json.loads(audit_json.read_text(encoding="utf-8"))
    assert {f"{c['table']}.{c['column']}": c["categories"] for c in report["columns"]} == overrides

    # pasted back as overrides, the audit gives the same findings
    copy = tmp_path / "service"
    shutil.copytree(EXAMPLE, copy)
    config = yaml.safe_load((copy / "gdpr-audit.yml").read_text(encoding="utf-8"))
    config["overrides"] = overrides
    (copy / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    again = tmp_path / "again.json"
    CliRunner().invoke(main, ["audit", str(copy), "--as-of", "2026-11-01", "--json", str(again),
                              "--html", str(tmp_path / "again.html")])
    findings = [(f["rule"], f["table"], f["column"]) for f in report["findings"]]
    assert [(f["rule"], f["table"], f["column"])
            for f in json.loads(again.read_text(encoding="utf-8"))["findings"]] == findings


def test_classify_a_schema_without_config_or_profile(tmp_path):
    schema = tmp_path / "s.sql"
    schema.write_text('CREATE TABLE `Patient Files` (`Date Of Birth` date, num_secu char(15), "x" int);',
                      encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = CliRunner().invoke(main, ["classify", "--schema", str(schema), "--dialect", "mysql", "-o", str(out)])
    assert result.exit_code == 0, result.output
    overrides = yaml.safe_load(out.read_text(encoding="utf-8"))["overrides"]
    assert overrides == {"Patient Files.Date Of Birth": ["identity.birth_date"],
                         "Patient Files.num_secu": ["identity.nir"], "Patient Files.x": []}


def test_audit_without_a_profile_is_an_input_error(tmp_path):
    (tmp_path / "s.sql").write_text("CREATE TABLE t (nom text);", encoding="utf-8")
    (tmp_path / "gdpr-audit.yml").write_text("service: s\nschema: {files: [s.sql]}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (f"gdpr-audit: error: {tmp_path / 'gdpr-audit.yml'}: no profile is declared: add "
                             "`profiles:` to the configuration or give --profile; 'gdpr-audit profiles list' "
                             "shows them\n")
