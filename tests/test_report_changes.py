"""What changed since the previous audit: fix two findings of the example and audit again with the
previous JSON report; exactly those two are resolved, in the JSON, the HTML, the Markdown and the
terminal."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE
from tests.report_text import visible_text

FIXED = ["ACC003 PUBLIC@export_statistique", "ACC004 statisticien@export_statistique"]


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    out = tmp_path_factory.mktemp("changes")
    previous = out / "previous.json"
    first = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01", "--json", str(previous)])
    assert first.exit_code == 1, first.output
    copy = out / "service"
    shutil.copytree(EXAMPLE, copy)
    schema = copy / "schema.sql"
    text = schema.read_text(encoding="utf-8")
    fixed = text.replace("GRANT SELECT ON export_statistique TO PUBLIC;\n", "").replace(
        "GRANT SELECT ON export_statistique TO statisticien WITH GRANT OPTION;",
        "GRANT SELECT ON export_statistique TO statisticien;")
    assert fixed.count("\n") == text.count("\n") - 1
    schema.write_text(fixed, encoding="utf-8")
    paths = {k: out / f"r.{k}" for k in ("json", "html", "md")}
    second = CliRunner().invoke(main, ["audit", str(copy), "--as-of", "2026-12-01", "--previous", str(previous),
                                       "--json", str(paths["json"]), "--html", str(paths["html"]),
                                       "--md", str(paths["md"])])
    assert second.exit_code == 1, second.output
    return json.loads(previous.read_text(encoding="utf-8")), paths, second.output


def test_exactly_the_two_fixed_findings_are_resolved(rerun):
    before, paths, _ = rerun
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    changes = report["changes"]
    assert [f"{r['rule']} {r['target']}" for r in changes["resolved"]] == FIXED
    assert (changes["source"], changes["since"], changes["new"]) == ("report", "2026-11-01", 0)
    assert changes["unchanged"] == len(before["findings"]) - 2 == len(report["findings"])
    assert {f["change"] for f in report["findings"]} == {"unchanged"}
    assert changes["resolved"][0]["severity"] == "high" and changes["resolved"][1]["severity"] == "medium"


def test_the_html_markdown_and_terminal_say_what_was_resolved(rerun):
    before, paths, output = rerun
    unchanged = len(before["findings"]) - 2
    line = (f"Évolutions depuis l'audit précédent (comparé au rapport JSON de l'audit du 1 novembre 2026) : "
            f"0 nouveaux, 2 résolus, {unchanged} inchangés")
    assert line in " ".join(output.split())
    assert "résolu : ACC003 PUBLIC@export_statistique — Données personnelles lisibles par tous les comptes (PUBLIC)" \
        in output
    markdown = paths["md"].read_text(encoding="utf-8")
    assert line in markdown
    assert "- résolu : Droits d'écriture, ALL ou GRANT OPTION là où la lecture suffit `ACC004` " \
           "statisticien\\@export\\_statistique" in markdown
    html = visible_text(paths["html"].read_text(encoding="utf-8"))
    assert (f"Évolutions depuis l'audit précédent Comparé au rapport JSON de l'audit du 1 novembre 2026. "
            f"Nouveaux 0 Résolus 2 Inchangés {unchanged} Constats résolus Gravité Règle Cible "
            "élevée Données personnelles lisibles par tous les comptes (PUBLIC) "
            "moyenne Droits d'écriture, ALL ou GRANT OPTION là où la lecture suffit") in html


def test_a_new_finding_is_marked_new_against_the_baseline(tmp_path):
    baseline = tmp_path / "baseline.json"
    made = CliRunner().invoke(main, ["baseline", "create", str(EXAMPLE), "--as-of", "2026-11-01", "-o", str(baseline)])
    assert made.exit_code == 0, made.output
    data = json.loads(baseline.read_text(encoding="utf-8"))
    dropped = next(fp for fp, f in data["findings"].items() if f["rule"] == "MIN002")
    del data["findings"][dropped]
    baseline.write_text(json.dumps(data), encoding="utf-8")
    js = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01", "--baseline", str(baseline),
                                       "--json", str(js)])
    report = json.loads(js.read_text(encoding="utf-8"))
    assert result.exit_code == 1, result.output
    assert [(f["rule"], f["target"]) for f in report["findings"] if f["change"] == "new"] == [
        ("MIN002", "usager.origine_ethnique")]
    assert next(f["change"] for f in report["findings"] if f["waived"]) is None
    assert (report["changes"]["source"], report["changes"]["resolved"]) == ("baseline", [])
