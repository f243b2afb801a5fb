"""Application permissions: the example's access rules written as Hasura metadata, audited with no
database role, give the access matrix and findings of its database grants."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from auditor.cli import main
from auditor.sources.hasura import read_hasura
from auditor.sources.statements import split_statements
from tests.conftest import EXAMPLE

HASURA = Path(__file__).parent / "fixtures" / "hasura" / "metadata"
_ACCESS_STATEMENTS = ("CREATE ROLE", "GRANT", "REVOKE", "ALTER DEFAULT", "CREATE POLICY")


def _audit(tmp_path: Path, name: str, hasura: bool) -> dict:
    config = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    schema = (EXAMPLE / "schema.sql").read_text(encoding="utf-8")
    if hasura:  # the schema without its roles, grants and policies: the application decides
        kept = [s.text for s in split_statements(schema, "postgres").statements
                if not s.text.strip().upper().startswith(_ACCESS_STATEMENTS)
                and "ROW LEVEL SECURITY" not in s.text.upper()]
        (tmp_path / f"{name}.sql").write_text(";\n".join(kept) + ";\n", encoding="utf-8")
        config["schema"]["files"] = [str(tmp_path / f"{name}.sql")]
        config["access"]["hasura"] = str(HASURA)
        config["access"]["roles"].pop("app_user")  # a database login: Hasura has none
    else:
        config["schema"]["files"] = [str(EXAMPLE / "schema.sql")]
    config["data"]["dir"] = str(EXAMPLE / "samples")
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / f"{name}.json"
    result = CliRunner().invoke(main, ["audit", "--config", str(path), "--as-of", "2026-11-01", "--json", str(out)])
    assert result.exit_code == 1, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_hasura_permissions_give_the_access_of_the_database_grants(tmp_path):
    grants, hasura = _audit(tmp_path, "grants", False), _audit(tmp_path, "hasura", True)
    professions = ["comptable", "direction", "statisticien", "travailleur_social"]

    def matrix(report: dict) -> dict:
        return {a["role"]: (a["recipient"], a["kind"], a["categories"], a["row_level_security"])
                for a in report["access"] if a["role"] in professions}

    assert matrix(hasura) == matrix(grants)
    assert [a["role"] for a in hasura["access"]] == professions  # no PUBLIC, no database login

    def access_findings(report: dict) -> set:
        return {(f["rule"], f["severity"], f["target"], f["category"]) for f in report["findings"]
                if f["rule"].startswith("ACC")}

    # what only a database has: PUBLIC (ACC003) and a grant option (statisticien's ACC004)
    database_only = {f for f in access_findings(grants)
                     if f[2] == "PUBLIC@export_statistique" or f[:3] == ("ACC004", "medium", "statisticien@export_statistique")}
    assert len(database_only) == 2
    assert access_findings(hasura) == access_findings(grants) - database_only
    # each finding points at the permission it comes from: its YAML file and line, through Hasura
    notes = next(f for f in hasura["findings"] if f["rule"] == "ACC002")
    assert notes["location"] == f"{HASURA}/databases/default/tables/public_entretien.yaml:10"
    assert {"code": "through", "values": {"grants": ["Hasura"]}, "reason": None} in notes["evidence"]


def test_hasura_metadata_as_grants_and_row_policies():
    read = read_hasura(HASURA)
    assert [r.name for r in read.roles] == ["direction", "comptable", "travailleur_social", "statisticien"]
    comptable = [(g.privilege, g.table, g.columns) for g in read.grants if g.grantee == "comptable"]
    assert comptable == [("SELECT", "usager", ["id", "numero_dossier", "nom", "prenom", "iban"]),
                         ("SELECT", "entretien", None), ("SELECT", "aide_financiere", None),
                         ("INSERT", "aide_financiere", None)]
    [policy] = read.policies
    assert (policy.table, policy.command, policy.roles, policy.using) == (
        "accompagnement", "SELECT", ["travailleur_social"], '{"agent_id": {"_eq": "X-Hasura-User-Id"}}')
    assert (Path(policy.location.file or "").name, policy.location.line) == ("public_accompagnement.yaml", 14)


def test_hasura_metadata_v2_and_a_missing_directory(tmp_path):
    (tmp_path / "tables.yaml").write_text(
        "- table: {schema: public, name: usager}\n"
        "  select_permissions:\n"
        "    - role: accueil\n"
        "      permission: {columns: [nom, prenom], filter: {structure_id: {_eq: X-Hasura-Structure-Id}}}\n",
        encoding="utf-8")
    read = read_hasura(tmp_path)
    assert [(g.grantee, g.table, g.columns, g.location.line) for g in read.grants] == [
        ("accueil", "usager", ["nom", "prenom"], 3)]
    assert read.policies[0].using == '{"structure_id": {"_eq": "X-Hasura-Structure-Id"}}'
    config = tmp_path / "gdpr-audit.yml"
    config.write_text(f"service: s\nprofiles: [{{id: cnil.ref.social-medicosocial.2021}}]\n"
                      f"schema: {{files: ['{EXAMPLE / 'schema.sql'}']}}\naccess: {{hasura: nowhere}}\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(config), "-q"])
    assert result.exit_code == 2
    assert result.output.strip() == (f"gdpr-audit: error: {tmp_path / 'nowhere'}: no Hasura metadata here: expected "
                                     "databases/databases.yaml (metadata v3) or tables.yaml (v2)")
