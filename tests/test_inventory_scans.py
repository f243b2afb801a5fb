"""The checks read the inventory a fixed number of times, whatever its size: no table name is
looked up by scanning every table, no list of tables is read again for each table, and no column
name is normalised twice. Counted, not timed, on generated schemas of 60 and 240 tables with
grants (bench/schemas.py), so that a search that grows with the square of the schema fails here."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import auditor.checks.retention as retention
from auditor.api import CHECKS, classify_service
from auditor.checks.access import check_settings as check_access_settings
from auditor.checks.context import AuditContext
from auditor.checks.retention import check_settings as check_retention_settings
from auditor.config import declared_purposes, load_settings
from auditor.models.inventory import Inventory
from auditor.ruleset import load_rules
from bench.schemas import schema_ddl

PROFILES = ["cnil.ref.social-medicosocial.2021", "fr.casf.rsa.r262", "cnil.ref.rh.2019"]


class CountedTables(list):
    """The inventory's list of tables, counting how many times it is read through."""

    def __init__(self, tables):
        super().__init__(tables)
        self.scans = 0

    def __iter__(self):
        self.scans += 1
        return super().__iter__()


def _grants(ddl: str) -> str:
    names = [line.split()[2] for line in ddl.splitlines() if line.startswith("CREATE TABLE")]
    lines = ["CREATE ROLE lecteur;", "CREATE ROLE comptable;", "CREATE ROLE alice LOGIN;", "GRANT lecteur TO alice;"]
    lines += [f"GRANT SELECT ON {n} TO lecteur;" for n in names]
    lines += [f"GRANT SELECT, UPDATE ON {n} TO comptable;" for n in names[::3]]
    return ddl + "\n" + "\n".join(lines) + "\n"


def _count(tmp_path, monkeypatch, tables: int) -> tuple[int, int, Counter[str]]:
    path = tmp_path / f"schema_{tables}.sql"
    path.write_text(_grants(schema_ddl(tables)), encoding="utf-8")
    flags = {"schema": {"files": [str(path)], "dialect": "postgres"}, "profiles": [{"id": p} for p in PROFILES],
             "as_of": dt.date(2026, 11, 1)}
    settings, raw = load_settings(None, flags)
    stage = classify_service(settings, raw)
    inventory = stage.inventory
    counted = CountedTables(inventory.tables)
    inventory.tables = counted
    lookups = []
    normalised: Counter[str] = Counter()
    scan = Inventory.find_table
    monkeypatch.setattr(Inventory, "find_table", lambda self, *a: lookups.append(a) or scan(self, *a))
    normalise = retention.normalise_identifier
    monkeypatch.setattr(retention, "normalise_identifier", lambda name: normalised.update([name]) or normalise(name))
    ctx = AuditContext(settings, stage.catalogue, load_rules(), declared_purposes(settings, stage.catalogue),
                       stage.columns, None, "fr", inventory=inventory)
    check_retention_settings(ctx, inventory, raw)
    check_access_settings(ctx, inventory, raw)
    findings = [f for check in CHECKS for f in check(ctx)]
    assert {f.rule for f in findings} >= {"RET003", "ACC006", "ACC004"}  # every check had work to do
    monkeypatch.undo()
    return counted.scans, len(lookups), normalised


def test_checks_read_the_inventory_a_fixed_number_of_times(tmp_path, monkeypatch):
    small, big = _count(tmp_path, monkeypatch, 60), _count(tmp_path, monkeypatch, 240)
    assert big[0] == small[0]  # whole-inventory reads: the same at 240 tables as at 60
    assert (small[1], big[1]) == (0, 0)  # no name looked up by scanning the tables
    for normalised in (small[2], big[2]):
        assert normalised and max(normalised.values()) == 1  # each column name normalised once


def test_the_counted_list_sees_every_read():
    counted = CountedTables(range(60))
    assert (sum(1 for _ in counted), [x for x in counted][-1], sorted(counted)[0], counted.scans) == (60, 59, 0, 3)
