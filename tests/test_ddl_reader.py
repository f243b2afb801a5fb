"""The DDL reader: every statement type, every required dialect, errors, and the real corpus."""

from __future__ import annotations

import pytest

from auditor.errors import SourceError
from auditor.sources.ddl_reader import read_ddl
from tests.conftest import CORPUS


def grants(inv):
    return sorted((g.grantee, g.privilege, g.table, tuple(g.columns or ()), g.grant_option)
                  for g in inv.grants)


@pytest.mark.parametrize("dialect, sql", [
    ("postgres", 'CREATE TABLE "public"."Usager" (id serial PRIMARY KEY, nom varchar(100) NOT NULL)'),
    ("mysql", "CREATE TABLE `Usager` (`id` int NOT NULL AUTO_INCREMENT, `nom` varchar(100) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB"),
    ("sqlite", "CREATE TABLE Usager (id INTEGER PRIMARY KEY AUTOINCREMENT, nom TEXT NOT NULL)"),
    ("duckdb", "CREATE TABLE Usager (id INTEGER PRIMARY KEY, nom VARCHAR NOT NULL)"),
    ("tsql", "CREATE TABLE [dbo].[Usager] ([id] INT IDENTITY(1,1) NOT NULL PRIMARY KEY, [nom] NVARCHAR(100) NOT NULL)"),
    ("oracle", "CREATE TABLE Usager (id NUMBER(10) PRIMARY KEY, nom VARCHAR2(100) NOT NULL)"),
])
def test_create_table_in_each_dialect(ddl, dialect, sql):
    inv = ddl(sql + ";", dialect)
    assert [t.name for t in inv.tables] == ["Usager"]
    table = inv.tables[0]
    assert [(c.name, c.nullable, c.primary_key) for c in table.columns] == [
        ("id", False, True), ("nom", False, False)]
    assert table.primary_key == ["id"]
    assert table.location.line == 1 and inv.errors == []


def test_mysql_inline_column_and_table_comments(ddl):
    inv = ddl("CREATE TABLE u (email varchar(255) COMMENT 'PII: email') COMMENT='customers';", "mysql")
    assert inv.tables[0].comment == "customers"
    assert inv.tables[0].columns[0].comment == "PII: email"


def test_foreign_keys_inline_table_level_and_by_alter(ddl):
    inv = ddl("""
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int, a_id int REFERENCES a (id) ON DELETE CASCADE, x int,
                CONSTRAINT fk_x FOREIGN KEY (x) REFERENCES a (id));
ALTER TABLE ONLY public.b ADD CONSTRAINT fk_y FOREIGN KEY (id) REFERENCES public.a (id) ON DELETE SET NULL;
""")
    b = inv.find_table("b")
    assert [(fk.columns, fk.ref_table, fk.on_delete) for fk in b.foreign_keys] == [
        (["a_id"], "a", "CASCADE"), (["x"], "a", None), (["id"], "a", "SET NULL")]


def test_alter_add_column_and_primary_key(ddl):
    inv = ddl("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN phone varchar(20), ADD COLUMN nir char(15);\n"
              "ALTER TABLE ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id);")
    t = inv.tables[0]
    assert [c.name for c in t.columns] == ["id", "phone", "nir"]
    assert t.columns[1].location.line == 2
    assert t.primary_key == ["id"] and t.columns[0].primary_key


def test_comment_on_table_and_column_with_schema_and_quotes(ddl):
    inv = ddl('CREATE TABLE public."Usager" ("dateNaissance" date);\n'
              "COMMENT ON TABLE public.\"Usager\" IS 'people';\n"
              "COMMENT ON COLUMN public.\"Usager\".\"dateNaissance\" IS 'date de naissance';")
    t = inv.tables[0]
    assert (t.schema_name, t.name, t.comment) == ("public", "Usager", "people")
    assert t.columns[0].comment == "date de naissance"


def test_view_columns_and_their_origin(ddl):
    inv = ddl("CREATE TABLE u (id int, nom text, nir text);\n"
              "CREATE VIEW v AS SELECT u.id, u.nom AS name FROM u;\nCREATE VIEW w AS SELECT * FROM u;")
    v, w = inv.find_table("v"), inv.find_table("w")
    assert v.kind == "view" and [(c.name, c.comment) for c in v.columns] == [("id", "u.id"), ("name", "u.nom")]
    assert [c.name for c in w.columns] == ["id", "nom", "nir"]


def test_roles_users_and_memberships(ddl):
    inv = ddl("CREATE ROLE analyst NOLOGIN;\nCREATE ROLE app LOGIN PASSWORD 'x' IN ROLE analyst;\n"
              "CREATE USER 'bob'@'%' IDENTIFIED BY 'pw';\nGRANT analyst TO bob WITH ADMIN OPTION;")
    assert [(r.name, r.login) for r in inv.roles] == [("analyst", False), ("app", True), ("bob", True)]
    assert [(m.role, m.member, m.admin_option) for m in inv.memberships] == [
        ("analyst", "app", False), ("analyst", "bob", True)]


def test_grants_column_lists_all_public_grant_option_and_revoke(ddl):
    inv = ddl("""
CREATE TABLE u (id int, nom text, nir text);
CREATE TABLE v (id int);
GRANT SELECT (id, nom), UPDATE ON TABLE u TO analyst, PUBLIC WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON v TO admin;
REVOKE UPDATE ON u FROM PUBLIC;
REVOKE INSERT ON v FROM admin;
""")
    assert grants(inv) == [
        ("PUBLIC", "SELECT", "u", ("id", "nom"), True),
        ("admin", "DELETE", "v", (), False), ("admin", "REFERENCES", "v", (), False),
        ("admin", "SELECT", "v", (), False), ("admin", "TRIGGER", "v", (), False),
        ("admin", "TRUNCATE", "v", (), False), ("admin", "UPDATE", "v", (), False),
        ("analyst", "SELECT", "u", ("id", "nom"), True), ("analyst", "UPDATE", "u", (), True)]


def test_grant_and_revoke_on_all_tables_in_schema_cover_existing_tables_only(ddl):
    inv = ddl("CREATE TABLE a (id int);\nCREATE TABLE crm.b (id int);\n"
              "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;\n"
              "GRANT SELECT ON ALL TABLES IN SCHEMA crm TO PUBLIC;\n"
              "REVOKE ALL ON ALL TABLES IN SCHEMA crm FROM PUBLIC;\nCREATE TABLE c (id int);")
    assert [(g.grantee, g.table, g.via) for g in inv.grants] == [
        ("reader", "a", "ALL TABLES IN SCHEMA public")]


def test_mysql_grants_on_database_wildcard_and_user_at_host(ddl):
    inv = ddl("CREATE TABLE shop.c (id int, email text);\n"
              "GRANT SELECT, UPDATE (email) ON shop.c TO 'bob'@'%';\n"
              "GRANT SELECT ON shop.* TO `analyst`@`10.0.0.1`;", "mysql")
    assert grants(inv) == [("analyst@10.0.0.1", "SELECT", "c", (), False),
                           ("bob", "SELECT", "c", (), False), ("bob", "UPDATE", "c", ("email",), False)]


def test_row_level_security_and_policies(ddl):
    inv = ddl("CREATE TABLE crm.c (tenant int);\nALTER TABLE crm.c ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY p ON crm.c AS RESTRICTIVE FOR UPDATE TO support, app "
              "USING (tenant = current_setting('t')::int) WITH CHECK (true);")
    assert inv.tables[0].row_level_security
    p = inv.policies[0]
    assert (p.name, p.table, p.command, p.roles, p.permissive, p.using, p.with_check) == (
        "p", "c", "UPDATE", ["support", "app"], False, "tenant = current_setting('t')::int", "true")


def test_one_bad_statement_is_reported_and_the_rest_is_read(ddl):
    inv = ddl("CREATE TABLE a (id int);\nCREATE VIEW v AS SELECT FROM WHERE;\nCREATE TABLE b (id int);\n"
              "GRANT SELECT ON missing TO x;")
    assert [t.name for t in inv.tables] == ["a", "b"]
    assert [(e.location.rsplit(":", 1)[1], e.message.split(":")[0]) for e in inv.errors] == [
        ("2", "statement not parsed (postgres)"), ("4", "GRANT on unknown table missing")]


def test_create_table_sqlglot_rejects_is_read_by_the_tolerant_reader(ddl):
    inv = ddl("CREATE TABLE e (id integer, enquete_reponses_enqueteReponse.id integer, nom text);")
    assert [c.name for c in inv.tables[0].columns] == ["id", "enquete_reponses_enqueteReponse.id", "nom"]
    assert "tolerant reader" in inv.errors[0].message


def test_statements_without_schema_information_are_skipped_not_parsed(ddl):
    inv = ddl("INSERT INTO t VALUES (1);\nCREATE INDEX i ON t (a);\nSET x = 1;\nCREATE TABLE t (a int);")
    assert (inv.statements_read, inv.statements_skipped, inv.errors) == (1, 3, [])


def test_latin1_file_is_read_with_a_note(tmp_path):
    path = tmp_path / "latin1.sql"
    path.write_bytes("CREATE TABLE usager (prénom text);".encode("cp1252"))
    inv = read_ddl([path], "postgres")
    assert inv.tables[0].columns[0].name == "prénom"
    assert inv.errors[0].message == "not valid UTF-8 (first bad byte on line 1); decoded as Windows-1252"


def test_unknown_dialect_and_missing_file_are_errors(tmp_path):
    with pytest.raises(SourceError, match="unknown SQL dialect 'postgress'"):
        read_ddl([tmp_path / "x.sql"], "postgress")
    with pytest.raises(SourceError) as err:
        read_ddl([tmp_path / "missing.sql"], "postgres")
    assert str(err.value) == f"{tmp_path / 'missing.sql'}: file not found"


CORPUS_TABLES = {
    "SocialGouv__domifa__schema.sql": ("postgres", 30),
    "SocialGouv__emjpm__hasura-init.sql": ("postgres", 56),
    "SocialGouv__mano__e2e-db.sql": ("postgres", 21),
    "apache__fineract__load-sample-data.sql": ("mysql", 185),
    "element-hq__synapse__full-schema-72-sqlite.sql": ("sqlite", 132),
    "openstreetmap__openstreetmap-website__structure.sql": ("postgres", 57),
    "wikimedia__wikimedia-fundraising-crm-civicrm__civicrm.sql": ("mysql", 153),
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
@pytest.mark.parametrize("name", sorted(CORPUS_TABLES))
def test_every_corpus_file_is_read_with_its_table_count(name):
    dialect, expected = CORPUS_TABLES[name]
    inv = read_ddl([CORPUS / name], dialect)
    assert len([t for t in inv.tables if t.kind != "view"]) == expected
    assert all(t.columns for t in inv.tables if t.kind != "view")
    # Only emjpm's invalid column name needs the tolerant reader; nothing else is lost.
    assert len(inv.errors) == (1 if "emjpm" in name else 0)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
def test_civicrm_inline_column_comments_are_kept():
    inv = read_ddl([CORPUS / "wikimedia__wikimedia-fundraising-crm-civicrm__civicrm.sql"], "mysql")
    assert sum(1 for t in inv.tables for c in t.columns if c.comment) == 1560


def test_alter_default_privileges_for_future_tables(ddl):
    inv = ddl(
        "CREATE TABLE t (id int);\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO statisticien;\n"
        "ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT, INSERT ON TABLES TO PUBLIC WITH GRANT OPTION;\n"
        "ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE INSERT ON TABLES FROM PUBLIC;\n"
        "ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO x;\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SOMETHING TO y;\n"
    )
    assert [(d.creator, d.schema_name, d.object_type, d.grantee, d.privilege, d.grant_option, d.location.line)
            for d in inv.default_privileges] == [
        (None, "public", "TABLES", "statisticien", "SELECT", False, 2),
        ("app_owner", None, "TABLES", "PUBLIC", "SELECT", True, 3),
        (None, None, "FUNCTIONS", "x", "EXECUTE", False, 5),
    ]
    assert inv.grants == []  # no existing table gets anything
    assert [(e.location.rsplit(":", 1)[1], e.message) for e in inv.errors] == [
        ("6", "ALTER DEFAULT PRIVILEGES not understood")]
