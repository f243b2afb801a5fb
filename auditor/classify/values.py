"""Signals from sample values: a detector whose share of accepted values reaches its
`min_share` gives its category, with a reason naming the detector and the share."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.classify.detectors import Detectors
from auditor.models.classification import Reason
from auditor.models.values import ColumnValues

MIN_VALUES = 5  # fewer sampled values than this say nothing


@dataclass
class Signal:
    category: str
    confidence: float
    reason: Reason
    strong: bool  # a whole-name match or a value detector: drops weaker partial-name signals


def value_signals(values: ColumnValues | None, detectors: Detectors) -> list[Signal]:
    if values is None or values.sampled < MIN_VALUES:
        return []
    signals = []
    for count in values.counts:
        det = count.detector
        share = count.valid / values.sampled
        if share >= det.min_share:
            signals.append(Signal(det.category, det.confidence,
                                  Reason(source="values", category=det.category, confidence=det.confidence,
                                         detector=det.id, matched=count.valid, sampled=values.sampled,
                                         validator=det.validator),
                                  strong=True))
    signals += vocabulary_signals(values, detectors)
    bd, rules = values.birth_dates, detectors.birth_dates
    if bd is not None:
        share = bd.parsed / values.sampled
        low, high = rules.median_age
        spread = bd.span_years >= rules.min_span_years and low <= bd.median_age <= high
        if share >= rules.min_share and spread:
            signals.append(Signal(rules.category, rules.confidence,
                                  Reason(source="values", category=rules.category,
                                         confidence=rules.confidence,
                                         detector="birth_dates", matched=bd.parsed, sampled=values.sampled,
                                         span_years=bd.span_years, median_age=round(bd.median_age)),
                                  strong=True))
    return signals


def vocabulary_signals(values: ColumnValues, detectors: Detectors) -> list[Signal]:
    """A categorical column (few distinct values) whose values are mostly of one vocabulary (faiths,
    origins, parties, illnesses, family situations…); when several match, the ones matching most."""
    vocabs = detectors.vocabularies
    if vocabs is None or values.distinct is None or values.distinct > vocabs.max_distinct:
        return []
    passing = [c for c in values.vocabularies
               if c.rows / values.sampled >= vocabs.min_share and c.distinct >= min(vocabs.min_distinct,
                                                                                     values.distinct)]
    best = max((c.rows for c in passing), default=0)
    signals = []
    for c in passing:
        if c.rows < best:
            continue
        vocab = c.vocabulary
        reason = Reason(source="vocabulary", category=vocab.category, confidence=vocab.confidence,
                        detector=vocab.id, matched=c.rows, sampled=values.sampled, distinct=c.distinct,
                        distinct_sampled=values.distinct)
        signals.append(Signal(vocab.category, vocab.confidence, reason, strong=True))
    return signals


def value_matches(values: ColumnValues | None) -> dict[str, float]:
    if values is None or not values.sampled:
        return {}
    return {c.detector.id: round(c.valid / values.sampled, 3) for c in values.counts if c.valid}


def hashed(values: ColumnValues | None, detectors: Detectors) -> bool | None:
    """True when most sampled values are hashes, False when none is, None without samples."""
    if values is None or values.sampled < MIN_VALUES:
        return None
    hashes = sum(c.valid for c in values.counts if c.detector.hashed)
    return hashes / values.sampled >= 0.8
