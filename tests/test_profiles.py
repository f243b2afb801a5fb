"""The catalogue: taxonomy integrity, every profile's facts, sources, durations and schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from auditor.models.profile import Fact, Profile, parse_duration
from auditor.profiles import load_catalogue
from auditor.profiles.schema import profile_json_schema
from auditor.resources import data_dir
from tests.conftest import ROOT

CATALOGUE = load_catalogue()
TAXONOMY = CATALOGUE.taxonomy
PROFILE_FILES = sorted(p for p in data_dir("cnil_profiles").glob("*.yaml") if p.name != "taxonomy.yaml")

# The frameworks issue 3 asks for, by the id each carries in the catalogue.
FRAMEWORKS = {
    "cnil.ref.social-medicosocial.2021": "2021-028",
    "cnil.ref.protection-enfance.2022": "2022-008",
    "fr.casf.rsa.r262": "R.262",
    "fr.casf.insertion.r263": "R.263",
    "fr.casf.apa-ash.r232": "R.232",
    "fr.casf.mdph.r247": "R.247",
    "cnil.ref.rh.2019": "2019-160",
    "cnil.ref.gestion-commerciale.2021": "2021-131",
    "cnil.ref.gestion-locative.2021": "2021-057",
    "cnil.ref.cabinets-medicaux.2020": "2020-081",
    "cnil.ref.alertes.2023": "2023-064",
}


def _facts(node: Any) -> list[Fact]:
    """Every Fact reachable from a model (purposes, conditions, retention rules…)."""
    found: list[Fact] = []
    if isinstance(node, Fact):
        found.append(node)
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found += _facts(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            found += _facts(item)
    return found


def test_every_framework_is_in_the_catalogue_and_cites_its_text():
    assert set(CATALOGUE.profiles) == set(FRAMEWORKS)
    for pid, text in FRAMEWORKS.items():
        assert text in CATALOGUE.get(pid).source.reference.fr, pid


def test_statutes_are_binding_and_referentiels_are_not():
    for pid, profile in CATALOGUE.profiles.items():
        assert profile.source.binding == (profile.source.instrument.value == "statute"), pid


def test_taxonomy_parents_exist_and_coverage_follows_the_hierarchy():
    for key, cat in TAXONOMY.categories.items():
        assert cat.parent is None or cat.parent in TAXONOMY.categories, key
    assert TAXONOMY.covers("identity", "identity.nir")
    assert not TAXONOMY.covers("identity.nir", "identity")
    assert not TAXONOMY.covers("special.health", "special.religion")


def test_taxonomy_covers_what_the_issue_lists():
    required = ["identity.name", "identity.birth_date", "identity.birth_place", "identity.photo",
                "identity.id_document", "identity.nir", "contact", "family", "professional", "housing",
                "financial.income", "financial.debts", "financial.bank_account", "social_security",
                "social_assessment", "support_actions", "legal_protection", "nationality", "residence_status",
                "credentials.third_party", "digital_inclusion", "logs", "location", "minors", "special.health",
                "special.religion", "special.ethnic_origin", "special.political_opinion", "special.trade_union",
                "special.sex_life", "special.genetic", "special.biometric", "offences", "free_text"]
    assert [k for k in required if k not in TAXONOMY.categories] == []
    # legal-protection measures are not offence data
    assert TAXONOMY.sensitivity("legal_protection").value == "standard"
    assert {TAXONOMY.sensitivity(k).value for k in TAXONOMY.categories if k.startswith("special")} == {"special"}


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.stem)
def test_profile_file_is_named_after_its_id(path: Path):
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == path.stem


@pytest.mark.parametrize("pid", sorted(FRAMEWORKS))
def test_every_fact_has_a_source_and_a_verification_level(pid: str):
    facts = _facts(CATALOGUE.get(pid))
    assert len(facts) >= 5
    assert [f for f in facts if len(f.source.strip()) < 8] == []
    assert {f.verification.value for f in facts} <= {"verified", "secondary", "unverified"}


@pytest.mark.parametrize("pid", sorted(FRAMEWORKS))
def test_every_reference_is_known_and_durations_parse(pid: str):
    profile = CATALOGUE.get(pid)
    purposes = {p.id for p in profile.purposes}
    for p in profile.purposes:
        for key in [*p.allowed, *(c.category for c in p.conditional), *(g.category for g in p.granularity)]:
            assert key in TAXONOMY.categories, (p.id, key)
    for rule in profile.retention:
        assert set(rule.purposes) <= purposes, rule.id
        assert rule.start_event in TAXONOMY.start_events, rule.id
        years, months, days = parse_duration(rule.active)
        inter = parse_duration(rule.intermediate) if rule.intermediate else (0, 0, 0)
        assert years + months + days + sum(inter) > 0, rule.id  # some time is kept somewhere
    for rec in profile.recipients:
        assert rec.read or rec.write, rec.id
    assert set(profile.data_subjects) <= set(TAXONOMY.data_subjects)
    assert profile.dpia is not None and profile.recipients and profile.retention


@pytest.mark.parametrize("pid", sorted(FRAMEWORKS))
def test_ids_are_unique_within_a_profile(pid: str):
    profile = CATALOGUE.get(pid)
    for attr in ("purposes", "retention", "recipients", "security"):
        ids = [e.id for e in getattr(profile, attr)]
        assert len(ids) == len(set(ids)), attr


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.stem)
def test_profile_round_trips_through_the_json_schema(path: Path):
    schema = profile_json_schema(TAXONOMY)
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    profile = Profile.model_validate(data)
    dumped = json.loads(profile.model_dump_json(exclude_defaults=True))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(dumped)) == []
    assert Profile.model_validate(dumped) == profile


def test_schema_rejects_an_unknown_category_and_an_unknown_key():
    validator = jsonschema.Draft202012Validator(profile_json_schema(TAXONOMY))
    data = json.loads(json.dumps(yaml.safe_load(PROFILE_FILES[0].read_text(encoding="utf-8")), default=str))
    data["purposes"][0]["allowed"].append("identity.shoe_size")
    data["purposes"][0]["colour"] = "blue"
    messages = sorted(e.message for e in validator.iter_errors(data))
    assert len(messages) == 2
    assert "'identity.shoe_size' is not one of" in messages[0]
    assert "'colour' was unexpected" in messages[1]


def test_facts_the_primary_texts_contradicted_are_corrected():
    """Checked against primary texts (../shared/reference/profile-verification-and-dpo-formats.md):
    the data list was D.226-3-3 in the numbering of a decree repealed on 1 January 2017 (the current
    D.226-3-3 organises the yearly transmission, D.226-3-4 the pseudonym), and the RSA paying body's
    three years are the 2009 wording of R.262-106 II."""
    enfance = CATALOGUE.profiles["cnil.ref.protection-enfance.2022"].purpose("PE4_observatoires")
    assert enfance is not None
    cited = [c.source for c in enfance.conditional] + [g.source for g in enfance.granularity]
    # D.226-3-5 and its annexe 2-8 read since: the month and year of birth, and the annex's closed health
    # indicators (CDAPH disability, adults' addiction or mental disability), both pseudonymised first
    assert all("D.226-3-4" in s for s in cited) and [c.verification.value for c in enfance.conditional] == [
        "verified", "verified"]
    assert [c.category for c in enfance.conditional] == ["identity.birth_date", "special.health"]
    assert "irréversible" in enfance.conditional[0].condition.get("fr")   # the input of a pseudonym, not sent
    rsa = {r.id: r for r in CATALOGUE.profiles["fr.casf.rsa.r262"].retention}["RSA_R2_organisme_payeur"]
    # three years in the wordings read (2009's II, III before décret 2024-1268); III as in force not read
    assert rsa.verification.value == "unverified" and rsa.active == "P3Y"
    assert "2024-1268" in rsa.source and "non lu" in rsa.source
    # newly read: the insertion processing logs every operation and keeps the logs six months
    insertion = CATALOGUE.profiles["fr.casf.insertion.r263"]
    logs = {r.id: r for r in insertion.retention}["PIE_R2_journaux"]
    assert (logs.categories, logs.active, logs.basis.value, logs.verification.value) == (
        ["logs"], "P6M", "mandatory", "verified")
    assert {m.id: m.verification.value for m in insertion.security}["access_logging"] == "verified"
    # each processing's logs kept as long as its own text says, not one generic period: @RSA one year
    # (R.262-107 I), the MDPH system three months
    for profile, rule, period in (("fr.casf.rsa.r262", "RSA_R3_traces", "P1Y"),
                                  ("fr.casf.mdph.r247", "MD_R1_journaux", "P3M")):
        logs = {r.id: r for r in CATALOGUE.profiles[profile].retention}[rule]
        assert (logs.categories, logs.active, logs.verification.value) == (["logs"], period, "verified")
        assert {m.id: m.verification.value for m in CATALOGUE.profiles[profile].security}["access_logging"] == "verified"


def test_the_catalogue_counts_its_facts_by_verification():
    from collections import Counter

    facts = [f for p in CATALOGUE.profiles.values() for f in p.facts()]
    counts = Counter(f.verification.value for f in facts)
    text = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert f"| Total | {counts['verified']} | {counts['secondary']} | {counts['unverified']} |" in text
    # the insertion profile: DPIA, archives (the bodies' status unread), purpose, its conditions, two
    # retention rules, recipient, two measures; its NIR condition rests on a cnil.fr page describing
    # décret 2019-341, not on the decree's own wording: secondary
    assert "- Sourced facts: 11: 6 verified in the official text, 2 from a secondary source, 3 unverified" in text
    # the MDPH profile: what R.247-1 says was read (three purposes) and the logs' article (retention and
    # measure), the rest was not (its archives fact: the GIP's status is unread)
    assert "- Sourced facts: 13: 5 verified in the official text, 4 from a secondary source, 4 unverified" in text
