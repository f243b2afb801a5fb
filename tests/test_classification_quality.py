"""Precision and recall of the classifier on the labelled fixtures meet the targets, and the
committed report (docs/classification-quality.md) is current."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT
from tests.quality import FIXTURES, measure_columns, measure_free_text, report

TARGET = 0.95


def _check(scores):
    assert scores.precision() >= TARGET and scores.recall() >= TARGET, scores.errors
    for category in scores.categories:
        if scores.support(category) >= 10:
            assert scores.precision(category) >= TARGET, (category, scores.errors)
            assert scores.recall(category) >= TARGET, (category, scores.errors)


def test_fixtures_are_as_large_as_the_issue_asks():
    tables = yaml.safe_load((FIXTURES / "labelled_columns.yaml").read_text(encoding="utf-8"))["tables"]
    sentences = yaml.safe_load((FIXTURES / "free_text_sentences.yaml").read_text(encoding="utf-8"))["sentences"]
    assert sum(len(t["columns"]) for t in tables) >= 300
    assert len(sentences) >= 400
    assert sum(1 for _, labels in sentences if not labels) >= 100  # tricky negatives


def test_column_classification_meets_the_targets():
    scores, _, subject_errors = measure_columns()
    _check(scores)
    assert subject_errors == []


def test_free_text_detection_meets_the_targets():
    scores, _ = measure_free_text()
    _check(scores)


def test_quality_report_is_current():
    from tests.conftest import CORPUS

    current = (ROOT / "docs" / "classification-quality.md").read_text(encoding="utf-8")
    if not CORPUS.is_dir():  # the real-project sections need ../shared/corpus
        current = current[:current.index("## Columns on real services")]
        assert current.rstrip() == report(with_corpus=False).rstrip(), "docs/classification-quality.md is stale"
        return
    assert current == report(), "docs/classification-quality.md is stale: run python -m tests.quality > " \
                                "docs/classification-quality.md"


def test_corpus_results_are_current():
    import pytest

    from tests.conftest import CORPUS
    from tests.corpus_report import BEGIN, END
    from tests.corpus_report import report as corpus_report

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    text = (ROOT / "docs" / "corpus-results.md").read_text(encoding="utf-8")
    generated = text[text.index(BEGIN):text.index(END) + len(END)]
    assert generated == corpus_report(), "docs/corpus-results.md is stale: paste python -m tests.corpus_report"
