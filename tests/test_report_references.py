"""References gathered in one numbered list at the end of the HTML report and cited by number;
findings grouped by principle and by table; the terminal summary shows each finding's message."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE
from tests.report_text import visible_text


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section aria-labelledby="{name}".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_references_are_listed_once_and_cited_by_number(example_reports):
    html, report = example_reports["fr"]
    findings, listed = _section(html, "findings"), _section(html, "references")
    labels = re.findall(r'<li id="ref-(\d+)"><cite[^>]*>(?:<a href="[^"]*">)?([^<]*)', listed)
    assert [int(n) for n, _ in labels] == list(range(1, len(labels) + 1))
    texts = [label for _, label in labels]
    assert len(texts) == len(set(texts)) == len({r["label"] for f in report["findings"] for r in f["references"]})
    # the délibération every finding rests on: listed once, cited 30 times, never written out in a finding
    deliberation = "Délibération n° 2021-028 du 11 mars 2021 (JORF du 23 mars 2021)"
    number = texts.index(deliberation) + 1
    assert findings.count(f'href="#ref-{number}">[{number}]</a>') == \
        sum(1 for f in report["findings"] for r in f["references"] if r["label"] == deliberation) == 30
    assert "<cite" not in findings and deliberation not in findings
    cited = {int(n) for n in re.findall(r'href="#ref-(\d+)"', findings)}
    assert cited == set(range(1, len(texts) + 1))
    assert texts[:3] == ["RGPD, art. 9 (catégories particulières de données)",
                         "Loi n° 78-17 Informatique et Libertés, art. 6", deliberation]


def test_findings_are_grouped_by_principle_then_table(example_reports):
    findings = _section(example_reports["fr"][0], "findings")
    headings = [visible_text(h) for h in re.findall(r"<h[34][^>]*>.*?</h[34]>", findings, re.S)]
    assert headings[:8] == ["Minimisation (14 + 1 avec dérogation)", "", "", "", "", "", "Texte libre (5)", ""]
    places = re.findall(r'<h4 class="place"><code>([^<]*)</code>', findings)
    assert places[:5] == ["usager", "export_statistique", "entretien", "agent", "journal_acces"]
    assert re.findall(r'<h3>([^<(]*)', findings) == ["Minimisation ", "Texte libre ", "Conservation ", "Accès ",
                                                     "Sécurité ", "Dérogations"]


def test_the_terminal_shows_each_finding_message(tmp_path):
    js = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--json", str(js)])
    assert result.exit_code == 1
    shown = " ".join(result.output.split())
    messages = [f["message"] for f in json.loads(js.read_text(encoding="utf-8"))["findings"]]
    assert len(messages) == 39
    assert [m for m in messages if " ".join(m.split()) not in shown] == []
    assert "Gravité Règle Cible Constat élevée ACC001 direction Le rôle direction (Direction) peut lire 27 " \
           "catégories que ce destinataire ne doit pas connaître" in shown
