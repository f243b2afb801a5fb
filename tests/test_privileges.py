"""Effective privileges: inheritance through memberships, PUBLIC, ALL, column grants,
schema-wide grants, REVOKE, and what default privileges will give; and the example's access matrix."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.checks.privileges import effective_privileges, future_tables, inherited_roles
from auditor.cli import main
from tests.conftest import EXAMPLE

SCHEMA = """
CREATE ROLE lecteur NOLOGIN; CREATE ROLE chef NOLOGIN; CREATE ROLE alice LOGIN;
GRANT lecteur TO chef; GRANT chef TO alice;
CREATE TABLE usager (id int, nom text, nir text, notes text);
CREATE TABLE agent (id int, nom text);
GRANT SELECT (id, nom) ON usager TO lecteur;
GRANT ALL ON agent TO chef;
GRANT SELECT ON usager TO PUBLIC;
REVOKE SELECT ON usager FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO alice;
REVOKE DELETE ON agent FROM chef;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO lecteur;
"""


def test_inheritance_columns_all_and_revoke(ddl):
    inv = ddl(SCHEMA)
    assert inherited_roles(inv, "alice") == ["alice", "chef", "lecteur"]
    lecteur = effective_privileges(inv, "lecteur")
    assert lecteur["usager"].privileges == {"SELECT": {"id", "nom"}}  # column grant only
    assert lecteur["usager"].can("SELECT", "nom") and not lecteur["usager"].can("SELECT", "nir")
    chef = effective_privileges(inv, "chef")
    assert sorted(chef["agent"].privileges) == ["INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"]
    assert chef["agent"].writes == ["INSERT", "UPDATE", "TRUNCATE"]  # DELETE revoked from ALL
    assert chef["usager"].via == {"role lecteur"}
    alice = effective_privileges(inv, "alice")
    assert alice["usager"].privileges == {"SELECT": None}  # ALL TABLES IN SCHEMA: every column
    assert alice["usager"].via == {"direct", "role lecteur"}
    assert "usager" not in effective_privileges(inv, "PUBLIC")  # revoked
    assert future_tables(inv, "alice") == ["SELECT ON TABLES IN SCHEMA public"]  # inherited from lecteur
    assert future_tables(inv, "agent_inconnu") == []


def test_example_access_matrix(tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01", "--json", str(out),
                                       "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1, result.output
    rows = {r["role"]: r for r in json.loads(out.read_text(encoding="utf-8"))["access"]}
    assert sorted(rows) == ["PUBLIC", "app_user", "comptable", "direction", "statisticien", "travailleur_social"]
    assert rows["comptable"]["categories"] == {
        "financial.bank_account": "allowed", "financial.income": "excess", "free_text": "excess",
        "identity.case_number": "allowed", "identity.name": "allowed", "support_actions": "excess"}
    assert (rows["app_user"]["kind"], rows["app_user"]["login"], rows["app_user"]["inherits"]) == (
        "application", True, ["travailleur_social"])
    assert rows["travailleur_social"]["row_level_security"] == ["accompagnement"]
    assert rows["direction"]["future_tables"] == ["SELECT ON TABLES IN SCHEMA public"]
    assert rows["statisticien"]["categories"] == {"contact.postal_code": "no_recipient",
                                                  "identity.age": "no_recipient", "identity.nir": "excess"}
    assert set(rows["PUBLIC"]["categories"].values()) == {"excess"}


ACCOUNTING_NOTES = """
CREATE ROLE compta NOLOGIN;
CREATE TABLE entretien (id int PRIMARY KEY, notes text, a_payer boolean);
GRANT SELECT ON entretien TO compta;
CREATE POLICY entretien_a_payer ON entretien FOR SELECT TO compta USING (a_payer);
"""


def _notes_finding(tmp_path, sql: str) -> dict:
    """The ACC002 finding (accounting reads notes) of a schema-only audit of `sql`."""
    schema = tmp_path / "schema.sql"
    schema.write_text(sql, encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", "--schema", str(schema), "--profile",
                                       "cnil.ref.social-medicosocial.2021", "--json", str(out), "-q"])
    assert result.exit_code == 1, result.output
    [notes] = [f for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["rule"] == "ACC002"]
    return notes


def test_a_postgresql_policy_is_said_on_the_findings_it_limits(tmp_path):
    """Accounting reads the notes (ACC002), but a row-level-security policy limits it to the files it
    pays: the finding says which policy lets which rows through."""
    notes = _notes_finding(tmp_path, ACCOUNTING_NOTES + "ALTER TABLE entretien ENABLE ROW LEVEL SECURITY;\n")
    assert {"code": "rows_limited", "values": {"policies": ["entretien: entretien_a_payer"]},
            "reason": None} in notes["evidence"]


def test_a_policy_without_row_level_security_limits_nothing(tmp_path):
    """PostgreSQL applies a table's policies only once its row level security is on."""
    notes = _notes_finding(tmp_path, ACCOUNTING_NOTES)
    assert [e for e in notes["evidence"] if e["code"] == "rows_limited"] == []
