"""An organisation's own profiles: extends, overrides, and errors naming file, line and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import ProfileError
from auditor.profiles import load_catalogue, validate_profile_file

SOCIAL = "cnil.ref.social-medicosocial.2021"

POLICY = textwrap.dedent("""\
    id: org.cd99.social
    version: "2026.1"
    title: {fr: "Politique interne du CD 99", en: "CD 99 internal policy"}
    source:
      authority: "Département 99"
      instrument: internal_policy
      reference: {fr: "Politique de conservation du 1er mars 2026", en: "Retention policy of 1 March 2026"}
      binding: false
    extends: [cnil.ref.social-medicosocial.2021]
    scope: {fr: "Direction de la solidarité", en: "Solidarity department"}
    purposes:
      - id: P7_domiciliation
        label: {fr: "Domiciliation des personnes sans domicile stable", en: "Postal address for homeless people"}
        source: "CASF L.264-1"
        verification: verified
        allowed: [identity.name, identity.birth_date, contact.address]
    retention:
      - id: R1_accompagnement
        label: {fr: "Accompagnement : un an", en: "Support: one year"}
        purposes: [P3_accompagnement]
        start_event: last_contact_with_person
        active: P1Y
        basis: recommended
        source: "Politique interne, art. 4"
        verification: verified
    """)


def _write(directory: Path, text: str, name: str = "org.cd99.social.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_keeps_the_parent_and_replaces_by_id(tmp_path):
    _write(tmp_path / "policies", POLICY)
    catalogue = load_catalogue([tmp_path / "policies"])
    parent, child = catalogue.get(SOCIAL), catalogue.get("org.cd99.social")
    assert [p.id for p in child.purposes] == [p.id for p in parent.purposes] + ["P7_domiciliation"]
    assert [r.id for r in child.retention] == ["R1_accompagnement", "R5_journaux"]
    assert child.retention[0].active == "P1Y" and parent.retention[0].active == "P2Y"
    assert child.retention[0].source == "Politique interne, art. 4"
    assert child.data_subjects == parent.data_subjects
    assert child.forbidden == parent.forbidden and child.recipients == parent.recipients
    assert child.dpia == parent.dpia
    assert child.archives == parent.archives and child.archives.public == "public_bodies"
    assert child.source.instrument.value == "internal_policy"
    assert [p.id for p in catalogue.lineage("org.cd99.social")] == ["org.cd99.social", SOCIAL]


def test_an_organisation_directory_can_replace_a_built_in_profile(tmp_path):
    text = POLICY.replace("id: org.cd99.social", "id: rh.only").replace(
        "extends: [cnil.ref.social-medicosocial.2021]\n", "data_subjects: [staff]\n")
    _write(tmp_path, text.replace("id: rh.only", f"id: {SOCIAL}").replace(
        "purposes: [P3_accompagnement]", "purposes: [P7_domiciliation]"), name="mine.yaml")
    catalogue = load_catalogue([tmp_path])
    assert [p.id for p in catalogue.get(SOCIAL).purposes] == ["P7_domiciliation"]
    assert catalogue.files[SOCIAL] == str(tmp_path / "mine.yaml")


@pytest.mark.parametrize("old, new, expected", [
    ("extends: [cnil.ref.social-medicosocial.2021]", "extends: [cnil.ref.social-medicosocial.2012]",
     ":9: extends.0: extends unknown profile 'cnil.ref.social-medicosocial.2012' "
     "(did you mean 'cnil.ref.social-medicosocial.2021'?)"),
    ("purposes: [P3_accompagnement]", "purposes: [P3_acompagnement]",
     ":20: retention.0.purposes: retention rule 'R1_accompagnement' names unknown purpose "
     "'P3_acompagnement' (did you mean 'P3_accompagnement'?)"),
    ("start_event: last_contact_with_person", "start_event: last_contact",
     ":21: retention.0.start_event: unknown start event 'last_contact' "
     "(did you mean 'last_contact_with_person'?)"),
    ("allowed: [identity.name, identity.birth_date, contact.address]",
     "allowed: [identity.name, identity.birthdate, contact.address]",
     ":16: purposes.0.allowed.1: unknown data category 'identity.birthdate' (did you mean 'identity.birth_date'?)"),
    ("    verification: verified\n    allowed:", "    verification: sure\n    allowed:",
     ":15: purposes.0.verification: Input should be 'verified', 'secondary' or 'unverified'"),
    ("active: P1Y", "active: 1 year",
     ":22: retention.0.active: '1 year' is not an ISO 8601 duration such as P2Y or P6M"),
    ("instrument: internal_policy", "instrument: policy",
     ":6: source.instrument: Input should be 'referentiel', 'statute', 'guidance' or 'internal_policy'"),
    ("\nscope:", "\nscpe:",
     ":10: scpe: unknown key 'scpe' (did you mean 'scope'?)"),
])
def test_profile_errors_name_file_line_and_key(tmp_path, old, new, expected):
    assert old in POLICY
    path = _write(tmp_path / "policies", POLICY.replace(old, new, 1))
    with pytest.raises(ProfileError) as err:
        load_catalogue([tmp_path / "policies"])
    assert str(err.value) == f"{path}{expected}"
    if new == "\nscpe:":  # and the problem the typo causes, at its own line
        assert [p.located() for p in err.value.problems()][1:] == [f"{path}:1: scope: Field required"]


def test_a_cycle_in_extends_is_an_error(tmp_path):
    a = POLICY.replace("extends: [cnil.ref.social-medicosocial.2021]", "extends: [org.b]")
    _write(tmp_path, a, "org.cd99.social.yaml")
    _write(tmp_path, a.replace("id: org.cd99.social", "id: org.b").replace("extends: [org.b]",
                                                                           "extends: [org.cd99.social]"), "org.b.yaml")
    with pytest.raises(ProfileError, match=r"extends forms a cycle: org\.b -> org\.cd99\.social -> org\.b"):
        load_catalogue([tmp_path])


def test_a_profile_without_extends_needs_purposes_and_subjects(tmp_path):
    path = _write(tmp_path, POLICY.replace("extends: [cnil.ref.social-medicosocial.2021]\n", ""))
    with pytest.raises(ProfileError) as err:
        load_catalogue([tmp_path])
    assert str(err.value) == f"{path}:1: a profile that extends no other needs `data_subjects`"


def test_granularity_must_name_an_allowed_category(tmp_path):
    text = POLICY.replace("    allowed: [identity.name, identity.birth_date, contact.address]\n",
                          "    allowed: [identity.name, identity.birth_date, contact.address]\n"
                          "    granularity:\n"
                          "      - {category: nationality, form: {fr: a, en: a}, values: [FR], source: \"CASF x\","
                          " verification: verified}\n")
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as err:
        load_catalogue([tmp_path])
    assert str(err.value) == (f"{path}:18: purposes.0.granularity.0.category: granularity of 'nationality': "
                              "the purpose neither allows it nor allows it under a condition")


def test_duplicate_ids_in_one_directory(tmp_path):
    _write(tmp_path, POLICY, "a.yaml")
    second = _write(tmp_path, POLICY, "b.yaml")
    with pytest.raises(ProfileError) as err:
        load_catalogue([tmp_path])
    assert str(err.value) == f"{second}:1: id: profile id 'org.cd99.social' is also defined in {tmp_path / 'a.yaml'}"


def test_validate_command(tmp_path):
    good = _write(tmp_path / "ok", POLICY)
    bad = _write(tmp_path / "bad", POLICY.replace("active: P1Y", "active: P1X"))
    runner = CliRunner()
    result = runner.invoke(main, ["profiles", "validate", str(good)])
    assert result.exit_code == 0
    assert result.output == f"{good}: ok — org.cd99.social: 7 purposes, 2 retention rules, 5 recipients\n"
    result = runner.invoke(main, ["profiles", "validate", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"gdpr-audit: error: {bad}:22: retention.0.active: 'P1X' is not an ISO 8601 duration" in result.output
    assert f"{good}: ok" in result.output
    result = runner.invoke(main, ["profiles", "validate", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.output == f"gdpr-audit: error: {tmp_path / 'missing.yaml'}: profile file not found\n"


def test_validate_a_built_in_file_in_place():
    _, profile = validate_profile_file(Path("cnil_profiles") / f"{SOCIAL}.yaml")
    assert profile.id == SOCIAL


def test_a_child_says_its_own_archives_status(tmp_path):
    own = POLICY.replace("purposes:\n", "archives:\n  public: always\n"
                         "  bodies: {fr: \"le département\", en: \"the département\"}\n"
                         "  source: \"Code du patrimoine, art. L211-4 1°\"\n  verification: verified\npurposes:\n", 1)
    _write(tmp_path / "policies", own)
    child = load_catalogue([tmp_path / "policies"]).get("org.cd99.social")
    assert (child.archives.public, child.archives.bodies.en) == ("always", "the département")
