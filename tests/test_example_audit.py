"""The example service, audited end to end through the CLI, gives exactly the designed findings."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE, example_personal_values, leaked

EXPECTED = [  # (rule, severity, target, waived)
    ("MIN002", "high", "usager.origine_ethnique", False),
    ("MIN004", "high", "export_statistique.nir", False),
    ("MIN001", "medium", "export_statistique.code_postal", False),
    ("MIN001", "medium", "export_statistique.tranche_age", False),
    ("MIN001", "medium", "usager.latitude", False),
    ("MIN001", "medium", "usager.longitude", False),
    ("MIN001", "medium", "usager.photo", True),
    ("MIN006", "medium", "usager.nationalite", False),
    ("RET002", "medium", "accompagnement", False),  # kept more than 2 years after the last contact
    ("RET002", "medium", "entretien", False),
    ("RET002", "medium", "membre_foyer", False),
    ("RET002", "medium", "usager", False),
    ("TXT002", "medium", "entretien.notes", False),  # health
    ("TXT002", "medium", "entretien.notes", False),  # religion
    ("TXT002", "medium", "entretien.notes", False),  # offences
    ("TXT002", "medium", "entretien.notes", False),  # violence
    ("TXT003", "medium", "entretien.notes", False),  # a NIR copied into notes
    ("MIN005", "low", "entretien.notes", False),
    ("MIN005", "low", "usager.mot_de_passe_caf", False),
    ("MIN005", "low", "usager.nationalite", False),
    ("MIN005", "info", "usager.casier_judiciaire", False),
    ("MIN005", "info", "usager.religion", False),
    ("RET002", "info", "journal_acces", False),  # access log past 6 months (unverified clause: info)
]


def _audit(tmp_path, *extra):
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01",
                                       "--html", str(html), "--json", str(js), *extra])
    return result, html, js


def test_example_audit_finds_exactly_the_expected_findings(tmp_path):
    result, _, js = _audit(tmp_path)
    assert result.exit_code == 1, result.output
    report = json.loads(js.read_text(encoding="utf-8"))
    got = [(f["rule"], f["severity"], f"{f['table']}.{f['column']}" if f["column"] else f["table"], f["waived"])
           for f in report["findings"]]
    assert got == EXPECTED
    assert report["summary"]["by_severity"] == {"critical": 0, "high": 2, "medium": 14, "low": 3,
                                                "info": 3}
    assert (report["summary"]["total"], report["summary"]["waived"]) == (22, 1)
    assert report["errors"] == [] and report["tables_read"] == 9 and report["rows_read"] == 3012
    assert report["dpia_required"] is True
    assert report["tool"]["name"] == "gdpr-auditor" and report["as_of"] == "2026-11-01"
    origin = report["findings"][0]
    assert (origin["rows"], origin["location"]) == (20, f"{EXAMPLE / 'schema.sql'}:22")
    assert [w["status"] for w in report["waivers"]] == ["applied"]


def test_every_column_is_in_the_inventory_with_reasons(tmp_path):
    _, _, js = _audit(tmp_path)
    columns = json.loads(js.read_text(encoding="utf-8"))["columns"]
    assert len(columns) == 75
    by_target = {f"{c['table']}.{c['column']}": c for c in columns}
    assert by_target["usager.date_naissance"]["categories"] == ["identity.birth_date"]
    assert by_target["usager.date_naissance"]["reasons"] == [
        "name 'date_naissance' names identity.birth_date",
        "values: 400 of 400 sampled values are past dates spread over 64 years, median age 54"]
    # value detectors: validated identifiers, and dates that are not birth dates
    assert by_target["usager.nir"]["reasons"][-1] == \
        "values: 320 of 320 sampled values pass detector 'nir', nir check (100%)"
    assert by_target["usager.nir"]["value_matches"] == {"nir": 1.0}
    assert by_target["usager.telephone"]["value_matches"] == {"phone": 0.897}
    assert by_target["journal_acces.adresse_ip"]["categories"] == ["logs.ip_address"]
    assert by_target["usager.date_dernier_contact"]["categories"] == []
    assert (by_target["agent.mot_de_passe"]["hashed"], by_target["usager.mot_de_passe_caf"]["hashed"]) == \
        (True, False)
    assert by_target["agent.service"]["value_matches"] == {}
    assert by_target["agent.nom"]["subject"] == "staff"
    assert by_target["journal_acces.adresse_ip"]["subject"] == "staff"
    assert by_target["usager.id"]["categories"] == [] and by_target["usager.id"]["confidence"] == 0


def test_english_report_and_fail_on_threshold(tmp_path):
    result, html, js = _audit(tmp_path, "--lang", "en", "--fail-on", "never")
    assert result.exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "GDPR audit report" in text
    assert json.loads(js.read_text(encoding="utf-8"))["findings"][0]["message"].startswith(
        "usager.origine_ethnique holds special-category data")


def test_no_sample_value_reaches_any_output(tmp_path):
    result, html, js = _audit(tmp_path)
    outputs = html.read_text(encoding="utf-8") + js.read_text(encoding="utf-8") + result.output
    personal = example_personal_values()
    assert len(personal) > 1000
    assert leaked(personal, outputs) == []


def test_html_report_is_self_contained_and_escaped(tmp_path):
    _, html, _ = _audit(tmp_path)
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and "http-equiv=\"Content-Security-Policy\"" in text
    assert not re.search(r"<(link|img|iframe)\b[^>]*\b(src|href)=\"https?:", text)
    assert "Visa du délégué à la protection des données" in text
