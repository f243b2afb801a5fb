"""What the values of a categorical column reveal (issue 15): a vaguely named column whose sampled
values are faiths, blood groups, unions, family situations or residence statuses gets that
category, with counts as evidence; columns whose values are something else, or too varied to be
categories, do not."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from auditor.classify.columns import classify
from auditor.classify.detectors import load_detectors
from auditor.classify.vocabulary import load_vocabulary
from auditor.profiles import load_taxonomy
from auditor.sources.ddl_reader import read_ddl
from auditor.sources.sample_values import profile_values
from auditor.sources.samples import count_samples

TAXONOMY = load_taxonomy()
DETECTORS = load_detectors(TAXONOMY)
COLUMNS = {
    "communaute": ["Catholique", "musulman pratiquant", "Musulmane", "juif", "Protestant", "catholique",
                   "sans religion", "Bouddhiste", "Catholique", "Musulmane"],
    "groupe": ["A+", "O-", "AB+", "B+", "O+", "A-", "0+", "A+", "O+", "B-"],
    "appartenance": ["CGT", "CFDT", "FO", "Sud", "UNSA", "CGT", "non syndiqué", "CFTC", "CGT", "FO"],
    "etat": ["Célibataire", "Marié", "Pacsé(e)", "Divorcée", "veuf", "célibataire", "en couple", "Marié",
             "Célibataire", "Séparée"],
    "statut": ["réfugié", "demandeur d'asile", "titre de séjour", "débouté", "sans papiers", "réfugiée", "APS",
               "récépissé", "réfugié", "titre de séjour"],
    "langue": ["français", "arabe", "anglais", "français", "wolof", "tamoul", "français", "portugais", "dari",
               "français"],
    "secteur": ["Nord", "Sud", "Est", "Ouest", "Centre", "Nord", "Sud", "Est", "Ouest", "Centre"],
    "couleur": ["rouge", "vert", "bleu", "jaune", "rouge", "vert", "orange", "violet", "bleu", "rouge"],
}


@pytest.fixture(scope="module")
def classified(tmp_path_factory):
    root = tmp_path_factory.mktemp("vocab")
    (root / "schema.sql").write_text(
        "CREATE TABLE usager (" + ", ".join(f"{c} varchar(80)" for c in COLUMNS) + ");", encoding="utf-8")
    (root / "samples").mkdir()
    with open(root / "samples" / "usager.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(COLUMNS))
        writer.writerows(zip(*COLUMNS.values(), strict=True))
    inventory = read_ddl([root / "schema.sql"], "postgres")
    samples = count_samples(root / "samples", inventory)
    values = profile_values(samples, inventory, DETECTORS, dt.date(2026, 11, 1))
    columns = classify(inventory, TAXONOMY, load_vocabulary(TAXONOMY), detectors=DETECTORS, values=values)
    samples.close()
    return {c.column: c for c in columns}


@pytest.mark.parametrize("column, categories", [
    ("communaute", ["special.religion"]),
    ("groupe", ["special.health"]),
    ("appartenance", ["special.trade_union"]),
    ("etat", ["family"]),
    ("statut", ["residence_status"]),
    ("langue", ["identity.language"]),   # its name says so too
    ("secteur", []),                     # « Sud » is a union, but two values in ten are not a vocabulary
    ("couleur", []),
])
def test_categorical_values_reveal_their_category(classified, column, categories):
    assert classified[column].categories == categories, [r.text() for r in classified[column].reasons]


def test_the_evidence_is_counts_of_a_named_vocabulary(classified):
    reason = next(r for r in classified["communaute"].reasons if r.source == "vocabulary")
    assert (reason.detector, reason.matched, reason.sampled, reason.distinct, reason.distinct_sampled) == \
        ("religions", 10, 10, 8, 8)
    from auditor.reporters.evidence_text import EvidenceText

    assert EvidenceText("en").reason(reason) == ("values: 10 of 10 sampled values (100%; 8 of 8 distinct values) "
                                                 "are in vocabulary 'religions'")


def test_a_vocabulary_needs_a_categorical_column():
    """A column whose every value differs is not a list of categories, whatever the values say."""
    from auditor.classify.values import vocabulary_signals
    from auditor.models.values import ColumnValues, VocabularyCount

    vocab = DETECTORS.vocabularies
    assert vocab is not None
    religions = next(v for v in vocab.vocabularies if v.id == "religions")
    many = ColumnValues(sampled=200, distinct=vocab.max_distinct + 1,
                        vocabularies=[VocabularyCount(religions, 190, vocab.max_distinct)])
    few = ColumnValues(sampled=200, distinct=12, vocabularies=[VocabularyCount(religions, 190, 10)])
    assert vocabulary_signals(many, DETECTORS) == []
    assert [s.category for s in vocabulary_signals(few, DETECTORS)] == ["special.religion"]
