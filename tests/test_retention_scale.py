"""Retention on a generated 150-table schema (bench/schemas.py) whose foreign-key chains run past
the check's four-join bound, branch, and often reach several dates at the same distance: the
date sources, guessed by name under five profiles and configured, are those the check gave before
it was made linear (tests/fixtures/retention_sources_150_tables.json, computed with that code)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from auditor.api import run_audit
from auditor.config import load_settings
from bench.schemas import schema_ddl
from tests.conftest import ROOT

FROZEN = json.loads((ROOT / "tests" / "fixtures" / "retention_sources_150_tables.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema_150(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "schema.sql"
    path.write_text(schema_ddl(150), encoding="utf-8")
    return path


def _statuses(schema, profiles, start_events):
    flags = {"schema": {"files": [str(schema)], "dialect": "postgres"}, "profiles": [{"id": p} for p in profiles],
             "as_of": dt.date(2026, 11, 1)}
    if start_events:
        flags["retention"] = {"start_events": start_events}
    settings, raw = load_settings(None, flags)
    result = run_audit(settings, raw)
    return [[r.table, r.profile, r.rule, r.date_sources, r.guessed] for r in result.retention]


@pytest.mark.parametrize("case", ["guessed", "configured"])
def test_date_sources_of_a_generated_150_table_schema_are_unchanged(schema_150, case):
    frozen = FROZEN[case]
    assert _statuses(schema_150, frozen["profiles"], frozen["start_events"]) == frozen["statuses"]
