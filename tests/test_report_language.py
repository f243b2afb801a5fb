"""Each report entirely in its language: the example rendered in French and in English holds no
word of the other language outside codes and names, and counts, shares and dates are written as
each language writes them."""

from __future__ import annotations

import re

import pytest

from auditor.models.evidence import Evidence, fact
from auditor.models.findings import Finding, Kind, Severity
from auditor.reporters.evidence_text import EvidenceText
from tests.report_text import other_language_words, visible_text


@pytest.fixture
def reports(example_reports):
    return example_reports


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_report_holds_no_word_of_the_other_language(reports, lang):
    html, _ = reports[lang]
    assert other_language_words(html, lang) == []


def test_the_giveaway_check_finds_a_word_of_the_other_language():
    html = ("<p>3 valeurs sur 12 <code>the values</code> <span translate='no'>the</span></p>"
            "<p>name read</p>")
    assert visible_text(html) == "3 valeurs sur 12 name read"
    assert other_language_words(html, "fr") == ["name", "read"]
    assert other_language_words(html, "en") == ["valeurs", "sur"]


def test_numbers_dates_and_labels_follow_the_language(reports):
    fr, en = visible_text(reports["fr"][0]), visible_text(reports["en"][0])
    assert "Date de l'audit 1 décembre 2026" in fr and "Audit date December 1, 2026" in en
    assert "9 tables et vues, 3\u202f012 lignes comptées" in fr and "9 tables and views, 3,012 rows counted" in en
    assert "(seuil d'échec : élevée)" in fr and "(failure threshold: high)" in en
    # the evidence of the same finding, from the same data, in each language (names are in <code>)
    assert "valeurs : 12 sur 12 valeurs d'échantillon (100\xa0%) acceptées par le détecteur" in fr
    assert "values: 12 of 12 sampled values (100%) pass detector" in en


def test_evidence_is_data_in_the_json_report(reports):
    _, report = reports["en"]
    finding = next(f for f in report["findings"] if f["rule"] == "MIN004")
    assert [e["code"] for e in finding["evidence"]] == ["reason", "reason", "confidence", "purposes", "filled",
                                                         "nir_uses"]
    assert finding["evidence"][1]["reason"]["detector"] == "nir"
    assert finding["evidence"][2:] == [
        {"code": "confidence", "values": {"confidence": 1.0}, "reason": None},
        {"code": "purposes", "values": {"purposes": ["P6_signalement"]}, "reason": None},
        {"code": "filled", "values": {"filled": 12, "rows": 120}, "reason": None},
        # the uses the NIR framework decree allows, by key: the reporters name them
        {"code": "nir_uses", "values": {"uses": ["essms_care", "health_identifier", "social_aid", "payroll"]},
         "reason": None}]


def _finding(*evidence: Evidence) -> Finding:
    return Finding(rule="RET002", kind=Kind.retention, severity=Severity.medium, table="usager",
                   message="m", remedy="r", evidence=list(evidence))


@pytest.mark.parametrize("lang, expected", [
    ("fr", "point de départ « Dernier contact émanant de la personne ou de son représentant » : le plus récent "
           "de usager.date_dernier_contact, entretien.date_entretien ; 1\u202f235 lignes sur 4\u202f000 au-delà "
           "de la durée en base active ; plus ancienne : 5 ans 2 mois ; 3 lignes supprimées (deleted_at) "
           "toujours conservées"),
    ("en", "start 'Last contact from the person or their representative': the latest of "
           "usager.date_dernier_contact, entretien.date_entretien; 1,235 of 4,000 rows past the active "
           "period; oldest: 5 years 2 months; 3 rows marked deleted (deleted_at) still kept"),
])
def test_evidence_is_put_into_words_in_the_report_language(lang, expected):
    finding = _finding(
        fact("start_date", event="last_contact_with_person",
             columns=["usager.date_dernier_contact", "entretien.date_entretien"]),
        fact("past_active", past=1235, rows=4000), fact("oldest", age="P5Y2M"),
        fact("soft_deleted_kept", rows=3, marker="deleted_at"))
    assert EvidenceText(lang).finding(finding) == expected


def test_html_evidence_puts_names_in_code_and_escapes_them():
    finding = _finding(fact("readable_columns", columns=["a.<b>", "c.d"], more=2))
    assert str(EvidenceText("en", html=True).finding(finding)) == \
        "readable columns: <code>a.&lt;b&gt;</code>, <code>c.d</code> (+2)"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_generated_schema_report_holds_no_word_of_the_other_language(tmp_path, lang):
    from click.testing import CliRunner

    from auditor.cli import main
    from bench.schemas import schema_ddl

    schema = tmp_path / "schema.sql"
    schema.write_text(schema_ddl(60, seed=17), encoding="utf-8")
    html = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["audit", "--schema", str(schema), "--profile", "fr.casf.rsa.r262",
                                       "--lang", lang, "--as-of", "2026-12-01", "--html", str(html)])
    assert result.exit_code in (0, 1), result.output
    text = html.read_text(encoding="utf-8")
    assert 'id="executive"' in text and 'id="actions"' in text
    assert other_language_words(text, lang) == []


def test_what_could_not_be_read_is_said_in_the_report_language():
    import duckdb

    from auditor.sources.engine_errors import _BUDGET, DOING, Failure, failed, out_of_time
    from tests.report_text import GIVEAWAYS

    con = duckdb.connect()
    try:
        con.execute("SELECT CAST('Dupont' AS INTEGER)")
    except duckdb.Error as err:
        error = failed("scan_notes", err).error("samples", "samples/entretien.csv (notes)")
    assert error.message == "cannot scan the notes: DuckDB error (conversion error)"  # logs: English
    assert error.values == {"engine": "DuckDB", "code": "", "condition": "conversion error", "hint": ""}
    fr, en = EvidenceText("fr", html=True), EvidenceText("en", html=True)
    assert fr.read_error(error) == ('analyse des notes impossible : erreur DuckDB '
                                    '(<code lang="en" translate="no">conversion error</code>)')
    assert EvidenceText("en").read_error(error) == "cannot scan the notes: DuckDB error (conversion error)"
    assert "Dupont" not in repr(error)
    timeout = Failure("failed_count_retention", "cannot count: …",
                      {"engine": "PostgreSQL", "code": "57014", "condition": "query canceled", "hint": "timeout"})
    said = EvidenceText("fr").read_error(timeout.error("retention", "usager (r1)"))
    assert said == ("comptage de la conservation impossible : erreur PostgreSQL 57014 (query canceled) : la requête "
                    "a dépassé son délai (`timeout` ou `table_budget` dans la configuration)")
    budget = out_of_time("count_sample", 30.0).error("database", "db#usager")
    assert budget.message == "skipped: its time budget (30.0 s) ran out"
    assert EvidenceText("fr").read_error(budget) == "table ignorée : son budget de temps (30 s) est épuisé"
    assert en.read_error(budget) == "skipped: its time budget (30 s) ran out"
    # every failure the sources can raise has its sentence in both languages, with no word of the other
    for code in [f"failed_{d}" for d in DOING] + [f"budget_{d}" for d in _BUDGET]:
        sample = Failure(code, "", {"engine": "system", "code": "2", "condition": "no such file", "hint": "",
                                    "seconds": 5})
        for lang, other in (("fr", "en"), ("en", "fr")):
            text = EvidenceText(lang, html=True).read_error(sample.error("s", "l"))
            assert text is not None, (code, lang)
            outside = re.sub(r"<code[^>]*>.*?</code>", " ", str(text))
            assert [w for w in re.findall(r"[^\W\d_]+", outside.lower()) if w in GIVEAWAYS[other]] == [], (code, text)


def test_what_the_schema_could_not_give_is_said_in_the_report_language(tmp_path):
    from auditor.sources.ddl_reader import read_ddl

    ddl = tmp_path / "s.sql"
    ddl.write_text("CREATE TABLE usager (id INT, nom TEXT);\nCREATE VIEW v AS SELECT FROM WHERE;\n", encoding="utf-8")
    inventory = read_ddl([ddl], "postgres")
    assert [(e.code, e.values.get("dialect")) for e in inventory.errors] == [("ddl_not_parsed", "postgres")]
    said = EvidenceText("fr", html=True).read_error(inventory.errors[0])
    assert str(said).startswith("instruction non analysée (<code>postgres</code>) : <code>")
    assert EvidenceText("en").read_error(inventory.errors[0]).startswith("statement not parsed (postgres): ")


def test_the_nir_uses_are_named_with_their_verification(reports):
    fr, en = visible_text(reports["fr"][0]), visible_text(reports["en"][0])
    assert ("usages permis par le décret cadre : ESSMS (CASF L. 312-1) : prise en charge, échanges avec les "
            "organismes sociaux (source secondaire), Identifiant de santé (INS) (source secondaire), Collectivités "
            "et CCAS : aides sociales (non vérifié), Employeurs : paie et déclarations sociales (source secondaire)") in fr
    assert ("uses the framework decree allows: ESSMS (CASF L. 312-1): care, exchanges with social-security bodies "
            "(secondary source), Health identifier (INS) (secondary source), Local authorities and CCAS: social aid "
            "(unverified), Employers: payroll and social declarations (secondary source)") in en


def test_an_access_finding_names_the_shared_secrecy_that_would_apply(reports):
    """A role that reads what professionals learn under secrecy: the finding says within which texts
    sharing is allowed (the declared profile's), not « anyone in the service »."""
    _, report = reports["en"]
    shared = {(f["rule"], f["role"]): e["values"] for f in report["findings"] for e in f["evidence"]
              if e["code"] == "sharing"}
    assert shared == {("ACC001", "direction"): {"conditions": ["social_action", "care_team"]},
                      ("ACC001", "travailleur_social"): {"conditions": ["social_action", "care_team"]},
                      ("ACC001", "comptable"): {"conditions": ["social_action", "care_team"]},
                      ("ACC002", "comptable"): {"conditions": ["social_action", "care_team"]}}
    fr = visible_text(reports["fr"][0])
    assert ("secret partagé, seulement dans ce cadre : CASF L.121-6-2 : action sociale auprès d'une même "
            "personne ou famille, coordonnateur désigné par le maire (vérifié), CSP L.1110-4 : même équipe "
            "de soins ou médico-sociale, personne informée (source secondaire)") in fr
