"""The executive page opens the HTML report: the verdict in one sentence, the five priorities, the
DPIA answer with why, key figures and the categories × purposes picture with the forbidden and
unjustified cells marked; the same in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from auditor.models.findings import AuditResult
from auditor.reporters.executive import priorities, verdict
from tests.report_text import visible_text


def _executive(html: str) -> str:
    section = re.search(r'<section aria-labelledby="executive".*?</section>', html, re.S)
    assert section is not None
    return section.group(0)


class _Picture(HTMLParser):
    """The picture's rows: category label -> the class of each purpose's cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.inside = self.in_th = False
        self.label = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "picture":
            self.inside = True
        elif self.inside and tag == "th" and attrs.get("scope") == "row":
            self.in_th, self.label = True, ""
        elif self.inside and tag == "td":
            self.rows[self.label].append(attrs["class"].removeprefix("mark "))

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        if tag == "th" and self.in_th:
            self.in_th = False
            self.rows[self.label] = []

    def handle_data(self, data):
        if self.in_th:
            self.label += data


def test_the_executive_page_comes_first(example_reports):
    html, _ = example_reports["fr"]
    main = html[html.index("<main>"):]
    assert main.index('id="executive"') < main.index('id="scope"') < main.index('id="summary"') \
        < main.index('id="findings"')


def test_the_verdict_priorities_dpia_and_figures_in_french(example_reports):
    text = visible_text(_executive(example_reports["fr"][0]))
    assert text.startswith(
        "Synthèse pour le délégué à la protection des données Avis : Au 1 décembre 2026, le service audité "
        "n'est pas conforme aux finalités qu'il déclare : 14 constats de gravité élevée ou critique sont à "
        "corriger sans attendre, et 24 autres sont à corriger ou à justifier. Priorités ")
    # the list item and the criteria the data meets, by name (what meets each: in the PIA draft)
    assert ("Analyse d'impact (AIPD) : requise pour les finalités déclarées sur la liste CNIL des traitements "
            "soumis à AIPD : Accompagnement social ou médico-social des personnes — Délib. CNIL n° 2018-327 du "
            "11 oct. 2018, annexe (source secondaire) critères de risque élevé (CEPD) remplis par les données "
            "trouvées : Données sensibles ou à caractère hautement personnel ; Personnes vulnérables (enfants, "
            "patients, personnes âgées, personnes en difficulté, salariés) ; Évaluation ou notation des personnes "
            "(y compris le profilage) — deux critères ou plus : AIPD en principe requise (CNIL) les autres critères "
            "ne se voient pas dans une base : à apprécier par le DPO") in text
    assert ("Chiffres clés 9 tables et vues lues 51 colonnes de données personnelles 4 colonnes de données "
            "sensibles ou d'infractions (art. 9 et 10) 14 constats graves (gravité élevée ou critique) 38 "
            "constats en tout, dérogations à part 1\u202f774 lignes conservées au-delà de leur durée 5 rôles qui "
            "lisent au-delà de leur besoin") in text


def test_the_verdict_in_english(example_reports):
    text = visible_text(_executive(example_reports["en"][0]))
    assert text.startswith(
        "Summary for the data protection officer Verdict: On December 1, 2026, the audited service does not "
        "comply with the purposes it declares: 14 findings of high or critical severity must be corrected "
        "without delay, and 24 others must be corrected or justified. Priorities ")
    assert "Key figures 9 tables and views read 51 columns of personal data" in text


def test_the_priorities_are_the_first_five_actions(example_reports):
    result = AuditResult.model_validate(example_reports["fr"][1])
    assert [(a.id, a.rule, a.targets) for a in priorities(result)] == [
        # the conditions of one table unjustified, one of them a criminal record (art. 10: high)
        ("A1", "MIN005", ["usager.casier_judiciaire", "usager.religion", "usager.mot_de_passe_caf",
                          "usager.nationalite"]),
        ("A2", "TXT002", ["entretien.notes"]), ("A3", "SEC003", ["usager.handicap", "usager.iban", "usager.nir"]),
        ("A4", "ACC001", ["direction"]), ("A5", "ACC001", ["travailleur_social"])]
    # without them: the other high findings, one action each
    result.actions = result.actions[5:]
    assert [(a.id, a.rule, a.targets) for a in priorities(result)] == [
        ("A6", "ACC002", ["comptable"]), ("A7", "ACC003", ["PUBLIC@export_statistique"]),
        ("A8", "MIN002", ["usager.origine_ethnique"]), ("A9", "MIN004", ["export_statistique.nir"]),
        ("A10", "SEC002", ["usager.mot_de_passe_caf"])]
    text = visible_text(_executive(example_reports["fr"][0]))
    assert ("Priorités élevée Donnée autorisée sous condition, sans justification documentée — (+1) A1 élevée "
            "Donnée sensible écrite en texte libre plutôt que dans un champ prévu — A2 élevée") in text


def test_the_verdict_without_serious_findings(example_reports):
    result = AuditResult.model_validate(example_reports["en"][1])
    result.findings = [f for f in result.findings if f.severity.value in ("low", "info")]
    assert verdict(result) == ("On December 1, 2026, the audited service complies with the purposes it declares; "
                               "11 minor points remain to improve.")
    result.findings = []
    assert verdict(result) == ("On December 1, 2026, no gap was found between the audited service's data and "
                               "the purposes it declares.")


def test_the_picture_marks_forbidden_and_unjustified_cells(example_reports):
    picture = _Picture()
    picture.feed(_executive(example_reports["fr"][0]))
    rows = picture.rows
    assert len(rows) == 27
    assert rows["Origine raciale ou ethnique"] == ["forbidden"] * 5
    assert rows["Santé, handicap"] == ["conditional", "conditional", "conditional", "forbidden", "not_needed"]
    assert rows["Nationalité"] == ["unjustified", "unjustified", "not_needed", "not_needed", "not_needed"]
    assert rows["Texte libre (zone de commentaires, notes)"] == [
        "not_needed", "unjustified", "not_needed", "forbidden", "not_needed"]
    cells = [c for row in rows.values() for c in row]
    assert (cells.count("forbidden"), cells.count("unjustified")) == (8, 7)
