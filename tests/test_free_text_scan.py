"""The free-text scan: masked snippets and identifiers, per-row flags, counts from the engine."""

from __future__ import annotations

import duckdb
import pytest

from auditor.classify.free_text import load_lexicon, masked_snippet, term_pattern
from auditor.profiles import load_taxonomy
from auditor.sources.free_text_scan import flag_rows, mask_identifier, scan_relation

LEXICON = load_lexicon(load_taxonomy())
HEALTH = next(c for c in LEXICON.categories if c.category == "special.health")


@pytest.mark.parametrize("text, expected", [
    ("Mme Dupont, 43 ans, suivie au CMP de Rennes pour une dépression depuis 2019.",
     "… ••• ••• suivie au cmp de ••• pour une …"),
    ("Diabète.", "diabete"),
    ("Rien à signaler.", None),
])
def test_masked_snippet_keeps_terms_and_function_words_only(text, expected):
    assert masked_snippet(text, term_pattern(HEALTH)) == expected


@pytest.mark.parametrize("value, expected", [
    ("2 85 05 78 006 084 41", "2 85 05 ** *** *** 41"),
    ("285057800608441", "28505********41"),
    ("FR7630006000011234567890189", "FR763********************89"),
    ("06 12 34 56 78", "06 ** ** ** 78"),
    ("marie.dupont@mail.example", "m***@***.example"),
])
def test_identifiers_are_masked(value, expected):
    assert mask_identifier(value) == expected


def test_scan_counts_rows_and_never_returns_a_note():
    con = duckdb.connect()
    notes = ["Violences conjugales signalées.", "Pas de violence au domicile.", "Mme Santé est venue.",
             "Hospitalisé en psychiatrie, NIR 2 85 05 78 006 084 41.", "", None, "Tél 06 12 34 56 78"]
    con.execute("CREATE TABLE n (note VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?)", [(t,) for t in notes])
    scan = scan_relation(con, "n", "note", LEXICON)
    assert scan.rows == 5
    assert {m.category: m.rows for m in scan.matches} == {
        "offences.violence": 1, "special.health": 1, "identity.nir": 1, "contact.phone": 1}
    assert {m.category: m.snippets for m in scan.matches}["identity.nir"] == ["2 85 05 ** *** *** 41"]
    shown = repr(scan)
    assert "Santé" not in shown and "084" not in shown and "56 78" not in shown
    assert flag_rows(con, "n", "note", LEXICON) == [
        {"offences.violence"}, set(), set(), {"special.health", "identity.nir"}, {"contact.phone"}]
