"""Purposes × categories: what a profile says of each category it names, purpose by purpose.

Used by the readable renderings of a profile (terminal, Markdown). The same precedence as the
minimisation check: a category the profile forbids outright is forbidden everywhere; otherwise
allowed beats conditional, which beats a purpose's own prohibition.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.models.classification import ColumnClassification
from auditor.models.findings import ComplianceMatrix, ComplianceRow
from auditor.models.profile import Profile, Purpose
from auditor.profiles.taxonomy import Taxonomy


def named_categories(profile: Profile, taxonomy: Taxonomy) -> list[str]:
    """The categories the profile's purposes and prohibitions name, in taxonomy order."""
    named = {f.category for f in profile.forbidden}
    for p in profile.purposes:
        named.update(p.allowed)
        named.update(c.category for c in p.conditional)
        named.update(f.category for f in p.forbidden)
    return [key for key in taxonomy.categories if key in named]


def status(profile: Profile, purpose: Purpose, key: str, taxonomy: Taxonomy) -> str:
    """allowed | conditional | forbidden | not_needed."""
    def covered(keys: list[str]) -> bool:
        return any(taxonomy.covers(k, key) for k in keys)

    if covered([f.category for f in profile.forbidden]):
        return "forbidden"
    if covered(purpose.allowed):
        return "allowed"
    if covered([c.category for c in purpose.conditional]):
        return "conditional"
    if covered([f.category for f in purpose.forbidden]):
        return "forbidden"
    return "not_needed"


def compliance_matrix(profile: Profile, purposes: list[str], columns: list[ColumnClassification],
                      taxonomy: Taxonomy, lang: str, justified: Iterable[str] = ()) -> ComplianceMatrix:
    """The categories found on columns about the profile's data subjects, against each declared
    purpose: what the audited schema holds next to what the profile permits."""
    found: dict[str, list[str]] = {}
    for col in columns:
        if col.subject in profile.data_subjects:
            for category in col.categories:
                found.setdefault(category, []).append(col.target)
    declared = [p for p in profile.purposes if p.id in purposes]
    justified = list(justified)
    rows = [ComplianceRow(category=key, label=taxonomy.get(key).label.get(lang), columns=found[key],
                          statuses={p.id: status(profile, p, key, taxonomy) for p in declared},
                          justified=any(taxonomy.covers(j, key) for j in justified))
            for key in taxonomy.categories if key in found]
    return ComplianceMatrix(profile=profile.id, purposes=[p.id for p in declared], rows=rows)
