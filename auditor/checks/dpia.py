"""What the audit can say for the DPIA question (art. 35 GDPR): the items of the CNIL's lists the
declared profiles rest on, and the EDPB criteria of high risk (WP248 rev.01) that the data found in
the database meets. The CNIL holds that a processing meeting two criteria is in principle to be
assessed. A database shows three of the nine criteria (sensitive or highly personal data, vulnerable
people, evaluation); the others (systematic monitoring, large scale, matching, automated decisions,
innovative use, exclusion from a right) are the DPO's to assess: a GPS column is no proof of
monitoring, a row count no proof of scale."""

from __future__ import annotations

from auditor.models.classification import ColumnClassification
from auditor.models.findings import DpiaCriterionMet, DpiaListItem
from auditor.models.profile import Profile, Sensitivity
from auditor.profiles import Taxonomy

# what a database shows of each criterion: categories (and their sub-categories) and data subjects
_HIGHLY_PERSONAL = ("financial", "location", "identity.nir")   # WP248: financial, location, ids
_VULNERABLE = ("minor", "patient", "beneficiary")
_EVALUATION = ("social_assessment", "professional.evaluation")


def listed_items(profiles: list[Profile], taxonomy: Taxonomy, lang: str) -> list[DpiaListItem]:
    """The list items the declared profiles' DPIA answers name, each once, in profile order."""
    out: dict[str, DpiaListItem] = {}
    for profile in profiles:
        for key in profile.dpia.listed if profile.dpia else []:
            item = taxonomy.dpia_items[key]
            out.setdefault(key, DpiaListItem(key=key, required=item.required, label=item.label.get(lang),
                                             source=item.source, verification=item.verification.value,
                                             criteria=list(item.criteria)))
    return list(out.values())


def criteria_met(columns: list[ColumnClassification], taxonomy: Taxonomy,
                 lang: str) -> list[DpiaCriterionMet]:
    """The criteria the personal data found meets, each with the categories or subjects that meet it."""
    personal = [c for c in columns if c.subject and c.categories]
    found = {k for c in personal for k in c.categories}
    found |= {m.category for c in columns for m in c.text_mentions}

    def within(prefixes: tuple[str, ...]) -> list[str]:
        return sorted(k for k in found if any(taxonomy.covers(p, k) for p in prefixes))

    sensitive = sorted(k for k in found if k in taxonomy.categories and taxonomy.sensitivity(k) in
                       {Sensitivity.special, Sensitivity.offences}) + within(_HIGHLY_PERSONAL)
    evidence: list[tuple[str, list[str], list[str]]] = [
        ("sensitive", sensitive, []),
        ("vulnerable", [], sorted({c.subject for c in personal if c.subject in _VULNERABLE})),
        ("evaluation", within(_EVALUATION), []),
    ]
    return [DpiaCriterionMet(key=key, label=taxonomy.dpia_criteria[key].label.get(lang),
                             categories=categories, subjects=subjects)
            for key, categories, subjects in evidence
            if (categories or subjects) and key in taxonomy.dpia_criteria]
