"""Roles, memberships, grants and RLS policies of PostgreSQL, from catalogs any login can read.

`information_schema.role_table_grants` returns nothing to a plain audit login and spreads table
grants over every column; `pg_class.relacl` and `pg_attribute.attacl` through `aclexplode` give the
real table and column-only grants for any login (see ../shared/reference/dependencies.md §4). A
NULL ACL means the defaults: the owner only, which grants nobody else anything on a table.
"""

from __future__ import annotations

import sqlalchemy as sa

from auditor.models.inventory import (
    DefaultPrivilege,
    Grant,
    Policy,
    Role,
    RoleMembership,
    SourceLocation,
    Table,
)
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.catalog import wanted
from auditor.sources.database.connection import Target

_PRIVILEGES = """
SELECT n.nspname, c.relname, NULL AS column_name,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       a.privilege_type, a.is_grantable
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT n.nspname, c.relname, att.attname,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
       a.privilege_type, a.is_grantable
FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
     aclexplode(att.attacl) a
WHERE att.attacl IS NOT NULL AND NOT att.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3 NULLS FIRST, 4, 5
"""

_ROLES = "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1"
_MEMBERS = """
SELECT r.rolname, m.rolname, am.admin_option FROM pg_auth_members am
JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
WHERE r.rolname NOT LIKE 'pg\\_%' ORDER BY 1, 2
"""
_RLS = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relrowsecurity AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""
# Privileges future objects will carry; any login can read pg_default_acl.
_DEFAULTS = """
SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
       a.privilege_type, a.is_grantable
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
WHERE a.grantee <> d.defaclrole ORDER BY 1, 2 NULLS FIRST, 3, 4, 5
"""
_OBJECT_TYPES = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}
_POLICIES = (
    "SELECT schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check "
    "FROM pg_policies ORDER BY 1, 2, 3"
)


def _table(builder: InventoryBuilder, schema: str, name: str) -> Table | None:
    """The inventory table, which names tables of the default schema without it."""
    return builder.table(None if schema == "public" else schema, name)


def read_postgres_access(conn: sa.Connection, target: Target, builder: InventoryBuilder,
                         schemas: list[str] | None = None) -> None:
    """Roles and memberships (the server's), and the grants, policies and default privileges of the
    audited tables and schemas (`schemas`: globs; empty or None: every schema)."""
    def where(obj: str) -> SourceLocation:
        return SourceLocation(object=f"{target.masked}#{obj}")

    for name, login in conn.execute(sa.text(_ROLES)):
        builder.add_role(Role(name=name, login=bool(login), location=where(f"role {name}")))
    for role, member, admin in conn.execute(sa.text(_MEMBERS)):
        builder.add_membership(
            RoleMembership(
                role=role, member=member, admin_option=bool(admin), location=where(f"role {member}")
            )
        )
    # one Grant per role, privilege and table; a column-only grant lists its columns, as GRANT (a, b) does
    grouped: dict[tuple[str, str, str, bool, bool], list[str]] = {}
    tables: dict[str, Table] = {}
    for schema, table, column, grantee, privilege, grantable in conn.execute(sa.text(_PRIVILEGES)):
        found = _table(builder, schema, table)
        if found is None:  # a table outside --schemas / --tables
            continue
        tables[found.qualified_name] = found
        key = (found.qualified_name, grantee, privilege, bool(grantable), column is not None)
        grouped.setdefault(key, []).extend([column] if column else [])
    for (qualified, grantee, privilege, grantable, by_column), columns in grouped.items():
        found = tables[qualified]
        order = [c.name for c in found.columns]
        columns.sort(key=lambda c: order.index(c) if c in order else len(order))
        builder.add_grant(
            Grant(
                grantee=grantee,
                privilege=privilege,
                schema_name=found.schema_name,
                table=found.name,
                columns=columns if by_column else None,
                grant_option=grantable,
                location=where(qualified),
            )
        )
    for schema, table in conn.execute(sa.text(_RLS)):
        found = _table(builder, schema, table)
        if found is not None:
            found.row_level_security = True
    for schema, table, name, permissive, roles, cmd, qual, check in conn.execute(sa.text(_POLICIES)):
        found = _table(builder, schema, table)
        if found is None:
            continue
        roles = list(roles) if not isinstance(roles, str) else roles.strip("{}").split(",")
        builder.add_policy(
            Policy(
                name=name,
                schema_name=found.schema_name,
                table=found.name,
                command=cmd,
                roles=["PUBLIC" if r == "public" else r for r in roles],
                permissive=permissive == "PERMISSIVE",
                using=qual,
                with_check=check,
                location=where(f"{schema}.{table} policy {name}"),
            )
        )
    for creator, schema, objtype, grantee, privilege, grantable in conn.execute(sa.text(_DEFAULTS)):
        if schema is not None and schemas and not wanted(schema, schemas, []):
            continue  # a schema not audited
        builder.inventory.default_privileges.append(
            DefaultPrivilege(
                creator=creator,
                schema_name=schema,
                object_type=_OBJECT_TYPES.get(objtype, objtype),
                grantee=grantee,
                privilege=privilege,
                grant_option=bool(grantable),
                location=where(f"default privileges of {creator}" + (f" in {schema}" if schema else "")),
            )
        )
