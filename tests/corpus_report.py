"""What the classifier finds in each corpus schema (../shared/corpus/ddl), for
docs/corpus-results.md: `python -m tests.corpus_report` prints the generated part (files read,
columns classified, categories found per file, the special-category and offence columns); the
spot-checked errors below it in the doc are written by hand after reading the output."""

from __future__ import annotations

from collections import Counter

from auditor.classify.columns import classify
from auditor.classify.vocabulary import load_vocabulary
from auditor.models.profile import Sensitivity
from auditor.profiles import load_taxonomy
from auditor.sources.ddl_reader import read_ddl
from tests.conftest import CORPUS

DIALECTS = {"SocialGouv__domifa__schema.sql": "postgres", "SocialGouv__emjpm__hasura-init.sql": "postgres",
            "SocialGouv__mano__e2e-db.sql": "postgres", "apache__fineract__load-sample-data.sql": "mysql",
            "element-hq__synapse__full-schema-72-sqlite.sql": "sqlite",
            "openstreetmap__openstreetmap-website__structure.sql": "postgres",
            "wikimedia__wikimedia-fundraising-crm-civicrm__civicrm.sql": "mysql"}
BEGIN, END = "<!-- generated: python -m tests.corpus_report -->", "<!-- end of generated part -->"


def report() -> str:
    taxonomy = load_taxonomy()
    vocabulary = load_vocabulary(taxonomy)
    out = [BEGIN, "", "| file | tables | columns | with a category | subjects (tables) |", "|---|---:|---:|---:|---|"]
    details = []
    for name, dialect in DIALECTS.items():
        inventory = read_ddl([CORPUS / name], dialect)
        columns = classify(inventory, taxonomy, vocabulary)
        found = [c for c in columns if c.categories]
        subjects = Counter((c.subject or "none") for c in columns if c.column == next(
            x.column for x in columns if x.table == c.table))
        out.append(f"| {name} | {len(inventory.tables)} | {len(columns)} | {len(found)} | "
                   + ", ".join(f"{s} {n}" for s, n in subjects.most_common()) + " |")
        categories = Counter(k for c in found for k in c.categories)
        sensitive = [f"`{c.target}` ({', '.join(c.categories)})" for c in found
                     if any(taxonomy.sensitivity(k) in {Sensitivity.special, Sensitivity.offences}
                            for k in c.categories)]
        details += [f"### {name}", "", "Categories: " + ", ".join(f"`{k}` {n}" for k, n in categories.most_common()),
                    "", "Special categories and offences: " + (", ".join(sensitive) or "none"), ""]
    return "\n".join([*out, "", *details, END])


if __name__ == "__main__":
    print(report())
