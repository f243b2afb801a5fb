"""The audit as a fides manifest (fideslang): a `dataset` whose fields carry the data categories the
audit found, and a `system` with one privacy declaration per declared purpose.

Keys are those of fideslang's default taxonomy: each of our categories names its nearest one
(`fideslang:` in cnil_profiles/taxonomy.yaml). What the default taxonomy has no key for is declared
in the same file, as fides allows organisation-specific keys: each declared purpose is a `data_use`
under `essential.service` (a social service's purposes are the service it provides), and the persons
fides does not name (a supported person, a legal representative, a minor…) are `data_subject`s.
Legal bases are read from the profiles' own texts into fideslang's closed lists; a text none of them
matches leaves the field empty rather than guessed. Names of tables, columns, purposes and profiles
only: never a value of the audited data.

Format read in the fideslang package (`fideslang/models.py`: Dataset, DatasetCollection,
DatasetField, System, PrivacyDeclaration, DataUse, DataSubject, LegalBasisForProcessingEnum,
SpecialCategoryLegalBasisEnum); a test loads the file with `fideslang.parse` and checks every key it
references exists.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TextIO

import yaml

from auditor.models.findings import AuditResult
from auditor.models.profile import Sensitivity
from auditor.reporters.evidence_text import for_result
from auditor.reporters.labels import labels

PARENT_USE = "essential.service"
# our data subjects -> fideslang's default ones, where one means the same person
SUBJECTS = {"staff": "employee", "patient": "patient", "customer": "customer", "relative": "next_of_kin"}
# what a profile's legal-basis text says (French or English) -> fideslang's GDPR art. 6 list
BASES = [
    (r"obligation l[ée]gale|legal obligation", "Legal obligations"),
    (r"int[ée]r[êe]t public|public interest|public task|mission de service public", "Public interest"),
    (r"int[ée]r[êe]t l[ée]gitime|legitimate interest", "Legitimate interests"),
    (r"contrat|contract", "Contract"),
    (r"consentement|consent", "Consent"),
    (r"int[ée]r[êe]ts? vita|vital interest", "Vital interests"),
]
# GDPR art. 9.2 points cited in a basis -> fideslang's special-category list
SPECIAL_BASES = {"a": "Explicit consent", "b": "Employment, social security and social protection",
                 "c": "Vital interests", "d": "Not-for-profit bodies", "e": "Made public by the data subject",
                 "f": "Legal claims or judicial acts",
                 "g": "Reasons of substantial public interest (with a basis in law)",
                 "h": "Health or social care (with a basis in law)",
                 "i": "Public health (with a basis in law)",
                 "j": "Archiving, research and statistics (with a basis in law)"}
_ART_9 = re.compile(r"9\s*[.(§]?\s*2\s*[.(]?\s*([a-j])\b", re.IGNORECASE)
_SPECIAL = {Sensitivity.special}


def fides_key(text: str) -> str:
    """A fides key from a name: ASCII letters, digits and underscores (`CCAS d'Exemple` ->
    `ccas_d_exemple`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "service"


def legal_basis(text: str) -> str | None:
    """The fideslang art. 6 basis a profile's text names, when it names one only; None when it
    names none or several (« contract (private); public task (public) »: the controller's kind
    decides, and the DPO knows it)."""
    found = {basis for pattern, basis in BASES if re.search(pattern, text, re.IGNORECASE)}
    return found.pop() if len(found) == 1 else None


def special_basis(text: str) -> str | None:
    m = _ART_9.search(text)
    return SPECIAL_BASES[m.group(1).lower()] if m else None


def build(result: AuditResult) -> dict[str, list[dict[str, Any]]]:
    """The manifest of one audit: `dataset`, `system`, and the `data_use` and `data_subject` keys
    it declares."""
    t = labels(result.lang)
    words = for_result(result)
    taxonomy = words.taxonomy
    service = fides_key(result.service)

    def category_key(key: str) -> str:
        return taxonomy.categories[key].fideslang

    def subject_key(key: str) -> str:
        return SUBJECTS.get(key, key)

    collections: dict[str, list[dict[str, Any]]] = {}
    subject_of: dict[str, str] = {}  # table.column -> whom it is about
    for c in result.columns:
        field: dict[str, Any] = {"name": c.column}
        if c.subject and c.categories:
            field["data_categories"] = sorted({category_key(k) for k in c.categories})
            subject_of[f"{c.table}.{c.column}"] = c.subject
        collections.setdefault(c.table, []).append(field)
    described = t["fides_dataset"].format(service=result.service, date=result.as_of.isoformat())
    dataset: dict[str, Any] = {
        "fides_key": service, "name": result.service, "description": described,
        "collections": [{"name": table, "fields": fields} for table, fields in collections.items()]}

    uses: list[dict[str, Any]] = []
    declarations: list[dict[str, Any]] = []
    used_subjects: set[str] = set()
    matrices = {m.profile: m for m in result.compliance}
    for profile in result.profiles:
        matrix = matrices.get(profile.id)
        for purpose in profile.purposes:
            label = profile.purpose_labels.get(purpose, purpose)
            use = f"{PARENT_USE}.{fides_key(profile.id)}_{fides_key(purpose)}"
            uses.append({"fides_key": use, "name": label, "parent_key": PARENT_USE,
                         "description": f"{profile.title} — {profile.reference}"})
            rows = [row for row in (matrix.rows if matrix else [])
                    if row.statuses.get(purpose) in {"allowed", "conditional"}]
            ours = sorted({row.category for row in rows})
            whom = {subject_of[col] for row in rows for col in row.columns if col in subject_of}
            subjects = sorted({subject_key(s) for s in whom})
            used_subjects.update(whom)
            basis_text = profile.purpose_bases.get(purpose, "")
            declaration: dict[str, Any] = {
                "name": label, "data_use": use, "data_categories": sorted({category_key(k) for k in ours}),
                "data_subjects": subjects, "dataset_references": [service]}
            basis = legal_basis(basis_text)
            if basis:
                declaration["legal_basis_for_processing"] = basis
            special = any(taxonomy.sensitivity(k) in _SPECIAL for k in ours)
            declaration["processes_special_category_data"] = special
            if special and special_basis(basis_text):
                declaration["special_category_legal_basis"] = special_basis(basis_text)
            declarations.append(declaration)
    system: dict[str, Any] = {
        "fides_key": f"{service}_system", "name": result.service, "system_type": "Application",
        "description": t["fides_system"].format(service=result.service), "privacy_declarations": declarations}
    declared = [{"fides_key": key, "name": words.subject(key)}
                for key in sorted(used_subjects) if key not in SUBJECTS]
    return {"dataset": [dataset], "system": [system], "data_use": uses, "data_subject": declared}


def render(result: AuditResult, stream: TextIO) -> None:
    yaml.safe_dump(build(result), stream, allow_unicode=True, sort_keys=False, width=100)
