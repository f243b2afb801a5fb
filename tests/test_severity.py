"""The severity policy (docs/severity.md): legal force, then verification, then the data and who
can see it; the confidence every finding carries."""

from __future__ import annotations

import pytest

from auditor.checks import severity as policy
from auditor.models.evidence import fact
from auditor.models.findings import Finding, Kind, Reference, Severity
from auditor.profiles import load_catalogue
from auditor.ruleset import load_rules

CATALOGUE = load_catalogue([])
RULES = load_rules()
TAXONOMY = CATALOGUE.taxonomy
SOCIAL = CATALOGUE.get("cnil.ref.social-medicosocial.2021")
RSA = CATALOGUE.get("fr.casf.rsa.r262")
UNVERIFIED = next(f for f in SOCIAL.forbidden if f.verification.value == "unverified")


def test_legal_force_then_verification():
    rule = RULES.get("MIN001")
    assert policy.from_facts(rule, [RSA.purposes[0]], binding=True) == Severity.high
    assert policy.from_facts(rule, [SOCIAL.purposes[0]], binding=False) == Severity.medium
    assert policy.from_facts(rule, [SOCIAL.purposes[0]], binding=False, default=Severity.low) == Severity.low
    # every fact unverified: one step lower, not hidden at info
    assert policy.from_facts(rule, [UNVERIFIED], binding=True) == Severity.medium
    assert policy.from_facts(rule, [UNVERIFIED], binding=False) == Severity.low
    assert policy.from_facts(rule, [UNVERIFIED, RSA.purposes[0]], binding=True) == Severity.high
    # a rule whose severity is its own (the GDPR, a statute) keeps it
    assert policy.from_facts(RULES.get("MIN002"), [UNVERIFIED], binding=False) == Severity.high


def _finding(rule: str, severity: Severity, category: str | None = None, verifications: tuple[str, ...] = (),
             evidence: list | None = None) -> Finding:
    return Finding(rule=rule, kind=RULES.get(rule).kind, severity=severity, category=category, message="m",
                   remedy="r", evidence=evidence or [],
                   references=[Reference(label="RGPD")] + [Reference(label=f"fact {i}", verification=v)
                                                           for i, v in enumerate(verifications)])


@pytest.mark.parametrize("rule, severity, category, verifications, evidence, expected, confidence", [
    # art. 9 / 10 data never below high, whatever the verification
    ("MIN005", Severity.info, "special.religion", ("unverified",), None, Severity.high, "unverified"),
    ("TXT002", Severity.medium, "offences", ("unverified", "secondary"), None, Severity.high, "unverified"),
    ("SEC003", Severity.low, "special.health", ("verified",), None, Severity.high, "verified"),
    # other data keeps what the check gave
    ("SEC003", Severity.low, "identity.nir", ("unverified",), None, Severity.low, "unverified"),
    ("MIN001", Severity.medium, "location", ("secondary", "verified"), None, Severity.medium, "secondary"),
    # exposure of art. 9 / 10 data to people who should not read it: critical, high while unverified
    ("ACC001", Severity.medium, None, ("verified",),
     [fact("excess_category", category="contact.email"), fact("excess_category", category="special.health")],
     Severity.critical, "verified"),
    ("ACC001", Severity.low, None, ("unverified",), [fact("excess_category", category="offences")],
     Severity.high, "unverified"),
    ("ACC001", Severity.medium, None, ("verified",), [fact("excess_category", category="contact.email")],
     Severity.medium, "verified"),
    ("ACC003", Severity.high, "special.ethnic_origin", (), None, Severity.critical, None),
    # a rule that is no exposure: the floor only
    ("ACC004", Severity.medium, "special.health", (), None, Severity.high, None),
    # a table's columns, named in the evidence
    ("MIN007", Severity.low, "contact.email", (),
     [fact("column_categories", column="c", categories=["contact.email", "special.sex_life"])], Severity.high, None),
])
def test_the_data_and_who_sees_it(rule, severity, category, verifications, evidence, expected, confidence):
    finding = _finding(rule, severity, category, verifications, evidence)
    policy.apply([finding], RULES.rules, TAXONOMY)
    assert (finding.severity, finding.confidence) == (expected, confidence)


def test_exposure_rules_are_marked_in_their_yaml():
    assert sorted(code for code, rule in RULES.rules.items() if rule.exposure) == [
        "ACC001", "ACC002", "ACC003", "ACC005"]
    assert all(RULES.get(code).kind == Kind.access for code in ("ACC001", "ACC002", "ACC003", "ACC005"))
