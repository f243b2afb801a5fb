"""Property tests (hypothesis): the DDL reader, the statement splitter, the config loader, the
validators and the maskers, fed arbitrary input, raise nothing but the auditor's typed errors and
keep their promises (a masked snippet never shows a digit). A longer run of the same properties (20 000 examples each):
`HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py` (docs/robustness.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.classify.free_text import load_lexicon
from auditor.classify.notes import NoteReader
from auditor.classify.validators import VALIDATORS, passes
from auditor.config import load_settings
from auditor.errors import AuditorError
from auditor.profiles import load_taxonomy
from auditor.sources.ddl_reader import read_ddl
from auditor.sources.statements import split_statements

settings.register_profile("default", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FRAGMENTS = ["CREATE TABLE ", "CREATE VIEW v AS SELECT ", "ALTER TABLE t ADD ", "GRANT SELECT ON ", "REVOKE ",
             "COMMENT ON COLUMN t.c IS ", "CREATE POLICY p ON t ", "ALTER DEFAULT PRIVILEGES ", "COPY t FROM stdin;\n",
             "\\.\n", "$$", "$tag$", "'", '"', "`", "(", ")", ",", ";", "\n", "--", "/*", "*/", "/*!40101 ", "t",
             "usager", " int", " text", " PRIMARY KEY", " REFERENCES ", "DELIMITER //\n", "GO\n", "\\restrict x\n",
             "é", "\x00", "\u202e"]
sql_like = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join)
DIALECTS = st.sampled_from(["postgres", "mysql", "sqlite", "duckdb", "tsql", "oracle"])


@given(sql_like, DIALECTS)
def test_statement_splitter_never_crashes(text, dialect):
    result = split_statements(text, dialect)
    assert all(s.line >= 1 for s in result.statements)


@given(st.binary(max_size=400) | sql_like.map(str.encode), DIALECTS)
def test_ddl_reader_raises_only_typed_errors(data, dialect):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.sql"
        path.write_bytes(data)
        try:
            inventory = read_ddl([path], dialect)
        except AuditorError:
            return
        assert all(t.name for t in inventory.tables)
        assert all(e.location for e in inventory.errors)


YAML_FRAGMENTS = ["service: s\n", "profiles:\n", "  - id: cnil.ref.social-medicosocial.2021\n", "schema:\n",
                  "  files: [s.sql]\n", "data: {dir: d}\n", "\t", ": ", "- ", "[", "]", "{", "}", "'", '"', "&a ",
                  "*a", "!!python/object:os.system ", "fail_on: ", "sample: ", "waivers: [", "retention:\n",
                  "  start_events: {collection: x.y}\n", "access: {roles: {a: b}}\n", "as_of: 2026-13-45\n", "é"]
yaml_like = st.lists(st.sampled_from(YAML_FRAGMENTS) | st.text(max_size=6), max_size=25).map("".join)


@given(yaml_like | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_config_loader_raises_only_typed_errors(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gdpr-audit.yml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        try:
            load_settings(path, {})
        except AuditorError as err:
            assert str(err).startswith(str(path)) or "give the schema" in str(err) or str(err)


@given(st.sampled_from(sorted(VALIDATORS)), st.text(max_size=40))
def test_validators_answer_true_or_false(name, value):
    assert passes(VALIDATORS[name], value) in (True, False)


_READER = NoteReader(load_lexicon(load_taxonomy()))
_PLANTED = ["zqxjdupont", "kwvxmartin", "0612345678", "185057800608441"]


@given(st.text(max_size=200), st.sampled_from(["diabete", "incontinence", "prostituee", "dublinee", "violences",
                                               "chiite", "sous curatelle", "cmp", "asthme"]),
       st.sampled_from(_PLANTED), st.text(max_size=100))
def test_a_reading_never_holds_note_text(before, term, planted, after):
    reading = _READER.read(f"{before} {planted}{term} {term}{planted} {term} {planted} {after}")
    shown = repr((reading.categories, reading.cues, reading.identifiers))
    for secret in _PLANTED:
        assert secret not in shown.replace(" ", "")
