"""Every rule has pass/fail cases naming the expected table.column, the table for a table-level
rule such as retention, or role / role@table for access (tests/rule_cases/<CODE>.yaml). Audits are dated 2026-11-01 unless a case
gives `as_of`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.api import run_audit
from auditor.config import load_settings
from auditor.ruleset import load_rules

CASES_DIR = Path(__file__).with_name("rule_cases")


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}")


def test_every_rule_has_cases_with_a_failing_target():
    documented = {p.stem for p in CASES_DIR.glob("*.yaml")}
    assert documented == set(load_rules().rules)
    for path in CASES_DIR.glob("*.yaml"):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        assert any(case["fail"] for case in cases), path.name


@pytest.mark.parametrize("code, case", list(_cases()))
def test_rule_case(tmp_path, code, case):
    (tmp_path / "schema.sql").write_text(case["ddl"], encoding="utf-8")
    config = {"service": case["name"],
              "profiles": [{"id": case["profile"], "purposes": case["purposes"]}],
              "schema": {"files": ["schema.sql"], "dialect": case.get("dialect", "postgres")},
              "tables": case.get("tables", {}), "justifications": case.get("justifications", {}),
              "retention": case.get("retention", {}), "access": case.get("access", {}), "waivers": case.get("waivers", []),
              "as_of": case.get("as_of", "2026-11-01")}
    if "samples" in case:  # table -> CSV text
        (tmp_path / "samples").mkdir()
        for table, text in case["samples"].items():
            (tmp_path / "samples" / f"{table}.csv").write_text(text, encoding="utf-8")
        config["data"] = {"dir": "samples"}
    (tmp_path / "gdpr-audit.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    settings, raw = load_settings(tmp_path / "gdpr-audit.yml", {})
    result = run_audit(settings, raw)
    # table.column, table (retention), role or role@table (access): Finding.target, as waivers name it
    reported = {f.target for f in result.findings if f.rule == code}
    assert reported == set(case["fail"])
    assert not reported & set(case["pass"])
