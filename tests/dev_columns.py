"""The column classifier on real projects' schemas, scored against labels written before it ran.

Development set (tests/fixtures/dev/columns/, rules in its LABELLING.md): for each corpus schema
(../shared/corpus/ddl), the columns that hold personal data. domifa's labels are the project's
own masking configuration (../shared/corpus/labels/): every column it masks is personal, the other
columns of the tables it names are not, and tables it does not name are not scored. The other
projects were labelled by helper sessions from the DDL alone, every table listed.

A column counts as found when the classifier gives it any category. Precision and recall are
over columns (binary: personal or not); `category agreement` is the share of found personal
columns whose categories meet the label's (same key, or one covers the other).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from auditor.classify.columns import classify
from auditor.classify.vocabulary import load_vocabulary
from auditor.profiles import load_taxonomy
from auditor.sources.ddl_reader import read_ddl
from tests.conftest import CORPUS

DEV = Path(__file__).with_name("fixtures") / "dev" / "columns"
TEST = Path(__file__).with_name("fixtures") / "dev" / "columns-test"
TEST_DIALECTS = {"ccas-aides-legacy.sql": "mysql", "rdv-social-rails.sql": "postgres",
                 "insertion-django.sql": "postgres", "ase-symfony.sql": "mysql",
                 "siao-hebergement-laravel.sql": "mysql", "mdph-dossiers-legacy.sql": "postgres"}
WRITTEN = Path(__file__).with_name("fixtures") / "dev" / "columns-written"
WRITTEN_DIALECTS = {"apa-pch-oracle.sql": "oracle", "mission-locale-hibernate.sql": "postgres",
                    "pmi-php-mysql.sql": "mysql", "epicerie-domiciliation-prisma.sql": "postgres"}
DOMIFA_LABELS = CORPUS.parent / "labels" / "SocialGouv__domifa__anonymizer-config.yaml"
DIALECTS = {"SocialGouv__domifa__schema.sql": "postgres", "SocialGouv__emjpm__hasura-init.sql": "postgres",
            "SocialGouv__mano__e2e-db.sql": "postgres", "atolcd__webrsa__schema-public.sql": "postgres",
            "apache__fineract__load-sample-data.sql": "mysql",
            "element-hq__synapse__full-schema-72-sqlite.sql": "sqlite",
            "openstreetmap__openstreetmap-website__structure.sql": "postgres",
            "wikimedia__wikimedia-fundraising-crm-civicrm__civicrm.sql": "mysql"}
SOCIAL = ("SocialGouv__domifa__schema.sql", "SocialGouv__emjpm__hasura-init.sql", "SocialGouv__mano__e2e-db.sql",
          "atolcd__webrsa__schema-public.sql")


@dataclass
class Labels:
    schema: str
    project: str
    by: str
    columns: dict[tuple[str, str], list[str]]   # (table, column) lower-case -> categories (personal only)
    tables: set[str]                            # tables scored, lower-case


@dataclass
class ProjectScore:
    labels: Labels
    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: int = 0
    columns: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def agreement(self) -> float:
        return self.agree / self.tp if self.tp else 1.0


def domifa_labels() -> Labels:
    config = yaml.safe_load(DOMIFA_LABELS.read_text(encoding="utf-8"))
    columns: dict[tuple[str, str], list[str]] = {}
    tables = set()
    for entry in config["dump"]["transformation"]:
        table = entry["name"].lower()
        tables.add(table)
        for transformer in entry.get("transformers") or []:
            params = transformer.get("params") or {}
            names = [params["column"]] if "column" in params else []
            names += [c if isinstance(c, str) else c["name"] for c in params.get("columns") or []]
            for name in names:
                columns[(table, name.lower())] = []
    return Labels("SocialGouv__domifa__schema.sql", "SocialGouv/domifa", "the project's own masking configuration",
                  columns, tables)


def helper_labels(path: Path) -> Labels:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = {(t.lower(), c.lower()): list(cats)
               for t, entry in data["tables"].items() for c, cats in (entry.get("personal") or {}).items()}
    return Labels(data["schema"], data["project"], data["labelled_by"], columns,
                  {t.lower() for t in data["tables"]})


def all_labels() -> list[Labels]:
    found = [domifa_labels()] if DOMIFA_LABELS.is_file() else []
    found += [helper_labels(p) for p in sorted(DEV.glob("*.yaml"))]
    order = list(DIALECTS)
    return sorted(found, key=lambda labels: order.index(labels.schema))


def score(labels: Labels) -> ProjectScore:
    taxonomy = load_taxonomy()
    if labels.schema in TEST_DIALECTS:
        inventory = read_ddl([TEST / labels.schema], TEST_DIALECTS[labels.schema])
    elif labels.schema in WRITTEN_DIALECTS:
        inventory = read_ddl([WRITTEN / labels.schema], WRITTEN_DIALECTS[labels.schema])
    else:
        inventory = read_ddl([CORPUS / labels.schema], DIALECTS[labels.schema])
    result = ProjectScore(labels)
    for col in classify(inventory, taxonomy, load_vocabulary(taxonomy)):
        table = col.table.rsplit(".", 1)[-1].lower()
        if table not in labels.tables:
            continue
        result.columns += 1
        gold = labels.columns.get((table, col.column.lower()))
        found = bool(col.categories)
        if gold is not None and found:
            result.tp += 1
            if not gold or any(taxonomy.covers(g, c) or taxonomy.covers(c, g)
                               for g in gold for c in col.categories):
                result.agree += 1
        elif found:
            result.fp += 1
            result.errors.append(f"false positive: {table}.{col.column} {col.categories}")
        elif gold is not None:
            result.fn += 1
            result.errors.append(f"missed: {table}.{col.column} {gold}")
    return result


def scores() -> list[ProjectScore]:
    return [score(labels) for labels in all_labels()]


def written_scores() -> list[ProjectScore]:
    """Development schemas written and labelled blind by helper sessions: their errors are read."""
    return [score(helper_labels(p)) for p in sorted(WRITTEN.glob("*.yaml"))]


def test_scores() -> list[ProjectScore]:
    """The test set: schemas written and labelled by helper sessions for it; scored, never read."""
    return [score(helper_labels(p)) for p in sorted(TEST.glob("*.yaml"))]


if __name__ == "__main__":
    import sys

    for s in [*scores(), *written_scores()]:
        name = s.labels.schema if s.labels.schema in WRITTEN_DIALECTS else s.labels.project
        print(f"{name:45} P {s.precision:.3f} R {s.recall:.3f} agree {s.agreement:.3f} "
              f"(tp {s.tp} fp {s.fp} fn {s.fn}, {s.columns} columns)")
        if "-v" in sys.argv:
            for e in s.errors:
                print("   ", e)
    for s in test_scores():  # errors never printed: the test set is not read
        print(f"{s.labels.schema:45} P {s.precision:.3f} R {s.recall:.3f} agree {s.agreement:.3f} "
              f"(tp {s.tp} fp {s.fp} fn {s.fn}, {s.columns} columns)")
