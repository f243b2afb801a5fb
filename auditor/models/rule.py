"""A declarative rule, as written in rules/<kind>/<CODE>.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from auditor.models.findings import Kind, Reference
from auditor.models.profile import Sensitivity, Strict, Text


class RuleMatch(Strict):
    """Which classified columns the rule fires on (see auditor/checks/minimisation.py)."""

    status: str = Field(pattern="^(not_allowed|conditional_unjustified|too_fine"
                                "|text_not_allowed|text_permitted|text_identifier"
                                "|past_active|past_retention|no_retention_date|closed_without_date"
                                "|role_reads_beyond_recipient|restricted_role_sensitive|public_access|excess_privilege"
                                "|statistics_on_nominative|unmapped_role"
                                "|weak_password_storage|secret_in_clear|sensitive_in_clear|no_access_log"
                                "|waiver_expired|subject_not_covered)$")
    sensitivity: list[Sensitivity] = Field(default_factory=list,
                                           description="Empty: any sensitivity")
    measure: str | None = Field(default=None,
                                description="Security measure id of the profiles this rule checks")


class RuleReference(Strict):
    label: Text
    url: str | None = None


Variant = Literal["public_archives"]


class RuleVariant(Strict):
    """What a rule says instead when a known condition holds (`public_archives`: the files are public
    archives): its remedy, and the references it cites in place of the rule's."""

    remedy: Text
    references: list[RuleReference] = Field(default_factory=list)


class Rule(Strict):
    code: str = Field(pattern=r"^[A-Z]{3}\d{3}$")
    name: str = Field(pattern=r"^[a-z_]+\.[a-z0-9-]+$")
    kind: Kind
    summary: Text = Field(description="One line, used as the finding's title")
    rationale: Text
    remedy: Text
    message: Text = Field(description="Finding message; placeholders: {target} {category} "
                                      "{category_label} {condition} {profile} {form} "
                                      "{subject} {profiles} "
                                      "{rows} {scanned} {event} {active} {intermediate} "
                                      "{retention} {retention_rule} {role} {recipient} {privilege} "
                                      "{categories} {rule} {expires} {reason}")
    severity: str = Field(pattern="^(from_profile|from_sensitivity|critical|high|medium|low|info)$")
    severity_by_sensitivity: dict[Sensitivity, str] = Field(
        default_factory=dict, description="With `severity: from_sensitivity`: the severity of the most "
                                          "sensitive category concerned")
    references: list[RuleReference] = Field(min_length=1)
    exposure: bool = Field(default=False, description=(
        "The finding says that people who should not can read the data: on art. 9 or art. 10 data it is "
        "critical (docs/severity.md)"))
    match: RuleMatch
    variants: dict[Variant, RuleVariant] = Field(default_factory=dict)

    def references_in(self, lang: str) -> list[Reference]:
        """The rule's references, labelled in the report's language."""
        return [Reference(label=r.label.get(lang), url=r.url) for r in self.references]

    def variant_references_in(self, variant: Variant, lang: str) -> list[Reference]:
        """A variant's references, labelled in the report's language (none if the rule has no such
        variant)."""
        found = self.variants.get(variant)
        return [Reference(label=r.label.get(lang), url=r.url) for r in found.references] if found else []
