"""What a user would otherwise run on the same notes, timed and scored against the same labels.

Every speed ratio is paired: the auditor's scan (A) and the peer (B) run alternately on the same
notes in the same process, A B A B…, and the ratio is the median of the pairs' B / A, so that a
slow moment of a shared machine weighs on one pair, not on one side.

- the ceiling: one DuckDB pass of the engine's own candidate patterns over the normalised notes
  (every term, name of the terminology and identifier pattern; no reading, no qualifier, no
  category told apart): the least any scan of this vocabulary can cost. (One combined regex of
  every term was the ceiling while the lexicon was small; with a thousand terms and the
  terminology RE2's automaton outgrows its memory and that regex is slower than the scan itself);
- plain DuckDB: one regex per category of the auditor's lexicon, no normalisation, negation,
  exclusion or surname handling: what the lexicon's extra steps buy in precision;
- a piicatcher-style scan, re-implemented (piicatcher's own install is tried by the runner and
  reported): its method is column names matched against PII name patterns, then sampled values
  matched against data regexes (email, phone, credit card, SSN-like numbers, IP), in Python;
- Presidio's analyzer with the French spaCy model (`pip install gdpr-auditor[bench]`, offline),
  batch mode, on at most `PRESIDIO_MAX` notes, extrapolated;
- great-expectations on pandas: the same category regexes as `expect_column_values_to_match_regex`.

Scores count, per note, the categories of the labels' space only (what the dataset labels:
special categories, offences, identifiers in notes); a detector's other entities (names, places)
are neither right nor wrong here.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

PRESIDIO_MAX = 5_000
# piicatcher's column-name detector, as its documentation lists the PII types it names
PIICATCHER_NAMES = {
    "person": r"^.*(firstname|fname|lastname|lname|fullname|maidenname|_name|nickname|name_suffix|name).*",
    "email": r"^.*(email|e-mail|mail).*",
    "birth_date": r"^.*(date_of_birth|dateofbirth|dob|birthday|date_of_death).*",
    "gender": r"^.*(gender).*", "nationality": r"^.*(nationality).*",
    "address": r"^.*(address|city|state|county|country|zipcode|postal|zone|borough).*",
    "user_name": r"^.*user(id|name|).*", "password": r"^.*pass.*",
    "ssn": r"^.*(ssn|social_number|social_sec).*",
    "phone": r"^.*(phone|mobile).*", "credit_card": r"^.*(credit|card|ccn|cc_number).*",
}
PIICATCHER_DATA = {
    "contact.email": r"[\w.+-]+@[\w-]+\.[\w.-]+",
    "contact.phone": r"(?:\+?\d{1,3}[ .-]?)?(?:\(?\d{2,3}\)?[ .-]?){2,4}\d{2,4}",
    "financial.payment_card": r"\b(?:\d[ -]*?){13,16}\b",
    "identity.nir": r"\b\d{3}-\d{2}-\d{4}\b",  # a US SSN: what piicatcher looks for instead of a NIR
}
PRESIDIO_MAP = {"EMAIL_ADDRESS": "contact.email", "PHONE_NUMBER": "contact.phone",
                "IBAN_CODE": "financial.bank_account", "CREDIT_CARD": "financial.payment_card"}


def score(found: list[set[str]], labels: list[set[str]]) -> tuple[float | None, float | None]:
    space = set().union(*labels) if labels else set()
    tp = fp = fn = 0
    for got, truth in zip(found, labels, strict=False):
        got = got & space
        tp, fp, fn = tp + len(got & truth), fp + len(got - truth), fn + len(truth - got)
    return (round(tp / (tp + fp), 3) if tp + fp else None, round(tp / (tp + fn), 3) if tp + fn else None)


def paired(first: Callable[[], object], second: Callable[[], object], pairs: int) -> dict[str, Any]:
    """Run `first` and `second` alternately `pairs` times; the median of second / first, and the
    times of each."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(pairs):
        for side, run in zip(times, (first, second), strict=True):
            start = time.perf_counter()
            run()
            side.append(time.perf_counter() - start)
    ratios = [b / a for a, b in zip(*times, strict=True) if a]
    return {"ratio": round(statistics.median(ratios), 3) if ratios else None,
            "first_s": [round(t, 3) for t in times[0]], "second_s": [round(t, 3) for t in times[1]]}


def ceiling_sql(relation: str, lexicon: Any, column: str = "notes") -> str:
    """One pass of the engine's candidate patterns over the normalised notes: the speed ceiling.
    Each note is normalised once, in a subquery, and its text tested with every pattern (written
    inside each pattern's call, the normalisation would run once per pattern: 6 times slower)."""
    from auditor.classify.free_text import candidate_sql, normalised_sql

    kept = candidate_sql("t", lexicon)
    return (f"SELECT count(*) FILTER (WHERE {kept}) FROM "
            f"(SELECT {normalised_sql(column, lexicon)} AS t FROM {relation})")


def plain_duckdb(con: Any, relation: str, lexicon: Any) -> tuple[float, list[set[str]]]:
    cats = lexicon.categories
    flags = ", ".join(f"regexp_matches(lower(notes), '\\b(?:{'|'.join(c.terms)})\\b') AS c{i}"
                      for i, c in enumerate(cats))
    start = time.perf_counter()
    rows = con.execute(f"SELECT {flags} FROM {relation}").fetchall()
    elapsed = time.perf_counter() - start
    return elapsed, [{c.category for c, hit in zip(cats, row, strict=True) if hit} for row in rows]


def piicatcher_style(notes: list[str], column_names: list[str]) -> tuple[float, list[set[str]], list[str]]:
    start = time.perf_counter()
    named = sorted({pii for col in column_names for pii, rx in PIICATCHER_NAMES.items()
                    if re.match(rx, col, re.IGNORECASE)})
    compiled = {cat: re.compile(rx) for cat, rx in PIICATCHER_DATA.items()}
    found = [{cat for cat, rx in compiled.items() if rx.search(note)} for note in notes]
    return time.perf_counter() - start, found, named


def presidio() -> Callable[[list[str]], list[set[str]]] | None:
    """Presidio's batch analyzer with the French model, loaded once: a function of the notes that
    finds their entities; None when Presidio is not installed."""
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, PhoneRecognizer
    except ImportError:
        return None
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # no network
    with contextlib.suppress(ImportError):
        # spaCy 3.8 registers its own pipes lazily; once edsnlp (the auditor's qualifiers) is imported,
        # loading a packaged model no longer does it ("Can't find factory for 'tok2vec'")
        from spacy.pipeline.factories import register_factories

        register_factories()
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
            "ner_model_configuration": {"labels_to_ignore": ["MISC"]}}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine(),
                            supported_languages=["fr"])
    engine.registry.remove_recognizer("PhoneRecognizer", language="fr")
    engine.registry.add_recognizer(PhoneRecognizer(supported_language="fr", supported_regions=["FR"]))
    engine.registry.add_recognizer(CreditCardRecognizer(supported_language="fr"))
    batch = BatchAnalyzerEngine(analyzer_engine=engine)

    def analyze(notes: list[str]) -> list[set[str]]:
        results = batch.analyze_iterator(notes, language="fr", batch_size=256)
        return [{PRESIDIO_MAP[r.entity_type] for r in res if r.entity_type in PRESIDIO_MAP}
                for res in results]

    return analyze


def gx_pandas(notes: list[str], lexicon: Any) -> Callable[[], object]:
    """great-expectations on pandas, set up once: a function that validates the category regexes
    over the notes."""
    import great_expectations as gx
    import pandas as pd
    from great_expectations.expectations.core.expect_column_values_to_match_regex import (
        ExpectColumnValuesToMatchRegex,
    )

    context = gx.get_context(mode="ephemeral")
    frame = pd.DataFrame({"notes": [n.lower() for n in notes]})
    batch = (context.data_sources.add_pandas("bench").add_dataframe_asset("notes")
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame}))
    suite = context.suites.add(gx.ExpectationSuite(name="categories", expectations=[
        ExpectColumnValuesToMatchRegex(column="notes", regex=rf"\b(?:{'|'.join(c.terms)})\b", mostly=0.0)
        for c in lexicon.categories]))
    basic = {"result_format": "BASIC", "partial_unexpected_count": 0}
    return lambda: batch.validate(suite, result_format=basic)
