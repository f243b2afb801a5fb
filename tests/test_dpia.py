"""The DPIA answer: the CNIL list items the declared profiles rest on, and the EDPB criteria the data
found meets (auditor/checks/dpia.py); the taxonomy's lists, and the profile keys naming them (DPIA
items, sharing conditions), checked where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks.dpia import criteria_met, listed_items
from auditor.errors import ProfileError
from auditor.models.classification import ColumnClassification, TextMention
from auditor.profiles import load_catalogue, load_taxonomy
from auditor.profiles.catalogue import validate_profile_file

TAXONOMY = load_taxonomy()


def _col(table, column, subject, *categories, mentions=()):
    return ColumnClassification(table=table, column=column, subject=subject, categories=list(categories),
                                confidence=0.9 if categories else 0.0,
                                text_mentions=[TextMention(category=c, rows=1) for c in mentions])


def test_the_criteria_met_name_what_meets_them():
    columns = [_col("usager", "nom", "beneficiary", "identity.name"),
               _col("usager", "revenus", "beneficiary", "financial.income"),
               _col("entretien", "notes", "beneficiary", "free_text", mentions=["special.health"]),
               _col("agent", "evaluation", "staff", "professional.evaluation"),
               _col("structure", "telephone", None)]
    met = criteria_met(columns, TAXONOMY, "en")
    assert [(m.key, m.categories, m.subjects) for m in met] == [
        ("sensitive", ["special.health", "financial.income"], []),   # a note's health mention counts
        ("vulnerable", [], ["beneficiary"]),                         # staff alone would not
        ("evaluation", ["professional.evaluation"], [])]
    assert met[1].label == "Vulnerable people (children, patients, elderly people, people in difficulty, employees)"
    assert criteria_met([_col("agent", "nom", "staff", "identity.name")], TAXONOMY, "en") == []


def test_each_profile_names_the_list_items_it_rests_on():
    catalogue = load_catalogue()
    social = catalogue.get("cnil.ref.social-medicosocial.2021")
    child = catalogue.get("cnil.ref.protection-enfance.2022")
    items = listed_items([social, child], TAXONOMY, "fr")
    assert [(i.key, i.required, i.verification, i.criteria) for i in items] == [
        ("required.social_support", True, "secondary", ["sensitive", "vulnerable"]),   # once, though both name it
        ("required.social_health_alerts", True, "secondary", ["sensitive", "vulnerable"])]
    assert items[0].label == "Accompagnement social ou médico-social des personnes"
    rh = listed_items([catalogue.get("cnil.ref.rh.2019")], TAXONOMY, "en")
    assert [(i.key, i.required) for i in rh] == [("exempt.hr_under_250", False),
                                                 ("required.employee_monitoring", True),
                                                 ("required.hr_profiling", True)]


def test_an_unknown_list_item_or_criterion_is_an_error_at_its_line(tmp_path):
    profile = tmp_path / "p.yaml"
    source = Path(load_catalogue().files["cnil.ref.social-medicosocial.2021"]).read_text(encoding="utf-8").replace("listed: [required.social_support]",
                                                         "listed: [required.social_suport]")
    profile.write_text(source.replace("id: cnil.ref.social-medicosocial.2021", "id: org.test"), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        validate_profile_file(profile)
    line = next(i for i, row in enumerate(profile.read_text().splitlines(), 1) if "social_suport" in row)
    assert (err.value.line, err.value.key) == (line, "dpia.listed.0")
    assert "unknown DPIA list item 'required.social_suport' (did you mean 'required.social_support'?)" \
        in err.value.message
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(Path(TAXONOMY.file).read_text(encoding="utf-8").replace(
        "criteria: [systematic_monitoring, large_scale]", "criteria: [systematic_monitoring, large_scal]"),
        encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_taxonomy(taxonomy)
    assert err.value.key == "dpia_items.13.criteria.1"
    assert "unknown DPIA criterion 'large_scal' (did you mean 'large_scale'?)" in err.value.message


def test_an_unknown_sharing_condition_is_an_error_at_its_line(tmp_path):
    profile = tmp_path / "p.yaml"
    source = Path(load_catalogue().files["cnil.ref.protection-enfance.2022"]).read_text(encoding="utf-8")
    profile.write_text(source.replace("sharing: [child_protection]", "sharing: [child_protect]")
                       .replace("id: cnil.ref.protection-enfance.2022", "id: org.test"), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        validate_profile_file(profile)
    line = next(i for i, row in enumerate(profile.read_text().splitlines(), 1) if "child_protect]" in row)
    assert (err.value.line, err.value.key) == (line, "sharing.0")
    assert "unknown sharing condition 'child_protect' (did you mean 'child_protection'?)" in err.value.message
