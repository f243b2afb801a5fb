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


def _audit(tmp_path: Path, name: str, hasura: bool, metadata: Path = HASURA) -> dict:
    config = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    schema = (EXAMPLE / "schema.sql").read_text(encoding="utf-8")
    if hasura:  # the schema without its roles, grants and policies: the application decides
        kept = [s.text for s in split_statements(schema, "postgres").statements
                if not s.text.strip().upper().startswith(_ACCESS_STATEMENTS)
                and "ROW LEVEL SECURITY" not in s.text.upper()]
        (tmp_path / f"{name}.sql").write_text(";\n".join(kept) + ";\n", encoding="utf-8")
        config["schema"]["files"] = [str(tmp_path / f"{name}.sql")]
        config["access"]["hasura"] = str(metadata)
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
        return {a["role"]: (a["recipient"], a["kind"], a["categories"])
                for a in report["access"] if a["role"] in professions}

    assert matrix(hasura) == matrix(grants)
    # rows: the referent's filter limits the social worker alone; in PostgreSQL, RLS on the table
    # also leaves the management, which has no policy, with no row of it
    limited = {a["role"]: a["row_level_security"] for a in hasura["access"]}
    assert limited == {"comptable": [], "direction": [], "statisticien": [], "travailleur_social": ["accompagnement"]}
    assert {a["role"]: a["row_level_security"] for a in grants["access"] if a["role"] in professions} == {
        "comptable": [], "direction": ["accompagnement"], "statisticien": [], "travailleur_social": ["accompagnement"]}
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


DJANGO_DDL = """
CREATE TABLE django_content_type (id integer PRIMARY KEY, app_label varchar(100), model varchar(100));
CREATE TABLE auth_group (id integer PRIMARY KEY, name varchar(150));
CREATE TABLE auth_permission (id integer PRIMARY KEY, name varchar(255), content_type_id integer
    REFERENCES django_content_type (id), codename varchar(100));
CREATE TABLE auth_group_permissions (id integer PRIMARY KEY, group_id integer REFERENCES auth_group (id),
    permission_id integer REFERENCES auth_permission (id));
"""
# the example's professions as Django groups: what each may view, add or change
DJANGO_GROUPS = {"travailleur_social": {"usager": "vac", "membre_foyer": "vac", "entretien": "vac",
                                        "aide_financiere": "v"},
                 "comptable": {"usager": "v", "aide_financiere": "va", "entretien": "v"},
                 "statisticien": {"export_statistique": "v"}}


def _django_service(tmp_path: Path) -> Path:
    """The example with no database role, its permissions in Django's auth tables (sample files)."""
    import csv
    import shutil

    schema = (EXAMPLE / "schema.sql").read_text(encoding="utf-8")
    kept = [s.text for s in split_statements(schema, "postgres").statements
            if not s.text.strip().upper().startswith(_ACCESS_STATEMENTS) and "ROW LEVEL SECURITY" not in s.text.upper()]
    (tmp_path / "schema.sql").write_text(";\n".join(kept) + ";\n" + DJANGO_DDL, encoding="utf-8")
    shutil.copytree(EXAMPLE / "samples", tmp_path / "samples")
    models = sorted({m for perms in DJANGO_GROUPS.values() for m in perms})
    verbs = {"v": "view", "a": "add", "c": "change"}

    def write(table: str, header: list[str], rows: list[list[object]]) -> None:
        with open(tmp_path / "samples" / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])

    write("django_content_type", ["id", "app_label", "model"], [[i, "dossiers", m] for i, m in enumerate(models, 1)])
    write("auth_group", ["id", "name"], [[i, g] for i, g in enumerate(DJANGO_GROUPS, 1)])
    permissions = [(m, v) for m in models for v in verbs.values()]
    write("auth_permission", ["id", "name", "content_type_id", "codename"],
          [[i, f"Can {v} {m}", models.index(m) + 1, f"{v}_{m}"] for i, (m, v) in enumerate(permissions, 1)])
    links = [(gi, permissions.index((m, verbs[c])) + 1) for gi, g in enumerate(DJANGO_GROUPS, 1)
             for m, cs in DJANGO_GROUPS[g].items() for c in cs]
    write("auth_group_permissions", ["id", "group_id", "permission_id"],
          [[i, g, p] for i, (g, p) in enumerate(links, 1)])
    config = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    config["access"]["roles"].pop("app_user")
    config["access"]["roles"].pop("direction")
    config["access"]["permission_tables"] = "django"
    (tmp_path / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_django_permission_tables_give_the_access_matrix(tmp_path):
    service = _django_service(tmp_path)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["audit", str(service), "--as-of", "2026-11-01", "--json", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    access = {a["role"]: a for a in report["access"]}
    assert sorted(access) == ["comptable", "statisticien", "travailleur_social"]
    assert access["comptable"]["tables"] == ["aide_financiere", "entretien", "usager"]
    # accounting reads the interview notes: the finding names the permission's row, through Django
    [notes] = [f for f in report["findings"] if f["rule"] == "ACC002" and f["severity"] == "high"]
    assert notes["role"] == "comptable"
    assert notes["location"].startswith("auth_group_permissions#")
    assert {"code": "through", "values": {"grants": ["django"]}, "reason": None} in notes["evidence"]
    # Django grants whole models: accounting now reads the person's art. 9 data, which the database's
    # column grant hid (religion, origin, health) and their offences
    sensitive = sorted(f["category"] for f in report["findings"] if f["rule"] == "ACC002" and f["severity"] == "critical")
    assert sensitive == ["offences", "special.ethnic_origin", "special.health", "special.religion"]


def test_a_permission_mapping_without_its_tables_is_an_input_error(tmp_path):
    service = _django_service(tmp_path)
    (service / "samples" / "auth_group.csv").unlink()
    result = CliRunner().invoke(main, ["audit", str(service), "-q"])
    assert result.exit_code == 2
    assert result.output.strip() == ("gdpr-audit: error: access.permission_tables: no rows read for table "
                                     "'auth_group' (django keeps its permissions in auth_group, "
                                     "auth_group_permissions, auth_permission, django_content_type)")


def test_cakephp_acl_tables_give_the_access_matrix(tmp_path):
    """webrsa's ACL shape: AROs (groups) allowed on ACOs (controllers) with _read/_create/… flags."""
    (tmp_path / "samples").mkdir()
    (tmp_path / "schema.sql").write_text(
        "CREATE TABLE personnes (id integer PRIMARY KEY, nom varchar(50), prenom varchar(50), dtnai date,"
        " nir char(15));\n"
        "CREATE TABLE aros (id integer PRIMARY KEY, parent_id integer, model varchar(255), foreign_key integer,"
        " alias varchar(255), lft integer, rght integer);\n"
        "CREATE TABLE acos (id integer PRIMARY KEY, parent_id integer, model varchar(255), foreign_key integer,"
        " alias varchar(255), lft integer, rght integer);\n"
        "CREATE TABLE aros_acos (id integer PRIMARY KEY, aro_id integer, aco_id integer, _create char(2),"
        " _read char(2), _update char(2), _delete char(2));\n", encoding="utf-8")
    files = {"personnes": "id,nom,prenom,dtnai,nir\n1,Martin,Léa,1980-01-02,280017512345678\n",
             "aros": "id,parent_id,model,foreign_key,alias,lft,rght\n1,,Group,1,Accueil,1,2\n2,,Group,2,Comptabilite,3,4\n"
                     "3,1,User,7,jdupont,5,6\n",
             "acos": "id,parent_id,model,foreign_key,alias,lft,rght\n1,,,,Personnes,1,2\n",
             "aros_acos": "id,aro_id,aco_id,_create,_read,_update,_delete\n1,1,1,1,1,1,-1\n2,2,1,-1,-1,-1,-1\n"
                          "3,3,1,1,1,1,1\n"}
    for table, text in files.items():
        (tmp_path / "samples" / f"{table}.csv").write_text(text, encoding="utf-8")
    (tmp_path / "gdpr-audit.yml").write_text(
        "service: webrsa-like\nprofiles: [{id: fr.casf.rsa.r262}]\nschema: {files: [schema.sql]}\n"
        "data: {dir: samples}\naccess: {permission_tables: cakephp}\n", encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--json", str(out), "-q"])
    assert result.exit_code in (0, 1), result.output
    access = {a["role"]: a["tables"] for a in json.loads(out.read_text(encoding="utf-8"))["access"]}
    # Comptabilite is denied everywhere (-1); a user's own ARO (aliased with a login) is never a role
    assert access == {"Accueil": ["personnes"]}


def test_a_row_filter_is_said_on_the_findings_it_limits(tmp_path):
    """Accounting limited to the interviews of the files it pays: it still reads notes (ACC002), and
    the finding says that a policy limits the rows it reads."""
    import shutil

    metadata = tmp_path / "metadata"
    shutil.copytree(HASURA, metadata)
    entretien = metadata / "databases" / "default" / "tables" / "public_entretien.yaml"
    text = entretien.read_text(encoding="utf-8")
    limited = text.replace("  - role: comptable\n    permission:\n      columns: \"*\"\n      filter: {}\n",
                           "  - role: comptable\n    permission:\n      columns: \"*\"\n"
                           "      filter: {accompagnement: {aides: {statut: {_eq: a_payer}}}}\n")
    assert limited != text
    entretien.write_text(limited, encoding="utf-8")
    report = _audit(tmp_path, "limited", True, metadata)
    [notes] = [f for f in report["findings"] if f["rule"] == "ACC002"]
    assert {"code": "rows_limited", "values": {"policies": ["entretien: hasura_select_comptable"]},
            "reason": None} in notes["evidence"]


def test_django_permission_tables_read_live_in_postgresql(tmp_path):
    """The same service loaded into PostgreSQL (one login, no role of its own): the auth tables are
    read from the database's sample, and give the access matrix of the sample files."""
    import psycopg

    from tests.test_live_databases import PG_ADMIN

    (tmp_path / "files").mkdir()
    service = _django_service(tmp_path / "files")
    db = "gdpr_auditor_django_test"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db}")
        admin.execute(f"CREATE DATABASE {db}")
    try:
        with psycopg.connect(f"host=127.0.0.1 dbname={db} user=postgres", autocommit=True) as conn:
            for st in split_statements((service / "schema.sql").read_text(encoding="utf-8"), "postgres").statements:
                conn.execute(st.text)  # type: ignore[call-overload]  # the test's own schema
            order = ["agent", "usager", "membre_foyer", "accompagnement", "entretien", "aide_financiere",
                     "export_statistique", "journal_acces", "django_content_type", "auth_group",
                     "auth_permission", "auth_group_permissions"]
            for table in order:
                path = service / "samples" / f"{table}.csv"
                header = path.read_text(encoding="utf-8").splitlines()[0]
                with conn.cursor().copy(f"COPY {table} ({header}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                    copy.write(path.read_bytes())
        config = yaml.safe_load((service / "gdpr-audit.yml").read_text(encoding="utf-8"))
        config.pop("schema")
        config.pop("data")
        config["database"] = {"url": f"postgresql://postgres@127.0.0.1:5432/{db}"}
        live = tmp_path / "live.yml"
        live.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        reports = {}
        for name, args in (("files", [str(service)]), ("live", ["--config", str(live)])):
            out = tmp_path / f"{name}.json"
            result = CliRunner().invoke(main, ["audit", *args, "--as-of", "2026-11-01", "--json", str(out)])
            assert result.exit_code == 1, result.output
            reports[name] = json.loads(out.read_text(encoding="utf-8"))
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    def matrix(report: dict) -> dict:  # the Django groups (the cluster's own roles may hold more)
        return {a["role"]: (a["tables"], a["categories"]) for a in report["access"] if a["role"] in DJANGO_GROUPS}

    assert sorted(matrix(reports["live"])) == ["comptable", "statisticien", "travailleur_social"]
    assert matrix(reports["live"]) == matrix(reports["files"])


def test_a_configured_permission_query(tmp_path):
    """A service's own permission tables, described by their query: the Django tables read by hand
    give what the ready-made mapping gives."""
    service = _django_service(tmp_path)
    config = yaml.safe_load((service / "gdpr-audit.yml").read_text(encoding="utf-8"))
    config["access"]["permission_tables"] = {
        "tables": ["auth_group", "auth_group_permissions", "auth_permission", "django_content_type"],
        "query": "SELECT g.name AS role, CASE WHEN p.codename LIKE 'view%' THEN 'SELECT' END AS privilege,"
                 " ct.model AS target, NULL AS alias, 'auth_group_permissions#' || gp.id AS row"
                 " FROM auth_group_permissions gp JOIN auth_group g ON g.id = gp.group_id"
                 " JOIN auth_permission p ON p.id = gp.permission_id"
                 " JOIN django_content_type ct ON ct.id = p.content_type_id"}
    (service / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["audit", str(service), "--as-of", "2026-11-01", "--json", str(out), "-q"])
    assert result.exit_code == 1, result.output
    access = {a["role"]: a["tables"] for a in json.loads(out.read_text(encoding="utf-8"))["access"]}
    assert access == {"comptable": ["aide_financiere", "entretien", "usager"], "statisticien": ["export_statistique"],
                      "travailleur_social": ["aide_financiere", "entretien", "membre_foyer", "usager"]}
    config["access"]["permission_tables"]["query"] = "SELECT name AS role FROM auth_group"
    (service / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(service), "-q"])
    assert (result.exit_code, result.output.strip()) == (2, (
        "gdpr-audit: error: access.permission_tables: the configured query returns no column privilege, "
        "target, alias, row (it must return role, privilege, target, alias, row)"))
    config["access"]["permission_tables"]["query"] = "SELECT nothing FROM auth_group"
    (service / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(service), "-q"])
    assert (result.exit_code, result.output.strip()) == (2, (
        "gdpr-audit: error: access.permission_tables: the configured query does not run on those tables "
        "(BinderException: check its table and column names)"))
