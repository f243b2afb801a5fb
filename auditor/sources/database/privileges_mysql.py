"""Users, roles and grants of MySQL/MariaDB from `mysql.tables_priv`, `mysql.columns_priv`,
`mysql.db` and `mysql.roles_mapping`, when the audit login may read them; otherwise the reader
says what could not be read (information_schema shows only the login's own grants). Only the
grants on the audited databases are read: the URL's, and those `schemas` names."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from auditor.models.inventory import Grant, Role, RoleMembership, SourceLocation
from auditor.sources.builder import InventoryBuilder
from auditor.sources.database.connection import Target

_TABLES = "SELECT User, Host, Table_name, Table_priv FROM mysql.tables_priv WHERE Db = :db"
_COLUMNS = "SELECT User, Host, Table_name, Column_name, Column_priv FROM mysql.columns_priv WHERE Db = :db"
_DB = "SELECT * FROM mysql.db WHERE Db = :db"
_ROLES = "SELECT User, Host, Role FROM mysql.roles_mapping"


def _grantee(user: str, host: str) -> str:
    return user if not host or host == "%" else f"{user}@{host}"


def _split(privs: object) -> list[str]:
    items = list(privs) if isinstance(privs, (set, frozenset, list, tuple)) else str(privs or "").split(",")
    return sorted({p.strip().upper() for p in items if p and p.strip()})


def _catalog(conn: sa.Connection, database: str) -> tuple[list[Any], list[Any], list[Any]] | str:
    """The three privilege tables of this database, or why they could not be read."""
    try:
        args = {"db": database}
        return (
            list(conn.execute(sa.text(_TABLES), args).fetchall()),
            list(conn.execute(sa.text(_COLUMNS), args).fetchall()),
            list(conn.execute(sa.text(_DB), args).mappings().fetchall()),
        )
    except sa.exc.SQLAlchemyError as err:
        return str(getattr(err, "orig", err)).splitlines()[0][:120]


def read_mysql_access(conn: sa.Connection, target: Target, builder: InventoryBuilder) -> None:
    """The grants on the audited databases (the URL's, and the `schemas` asked for) and the role
    memberships."""
    default = str(conn.execute(sa.text("SELECT DATABASE()")).scalar() or "")
    databases = sorted({t.schema_name or default for t in builder.inventory.tables})
    if not databases and default:
        databases = [default]

    def where(obj: str) -> SourceLocation:
        return SourceLocation(object=f"{target.masked}#{obj}")

    catalogs: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
    for database in databases:
        catalog = _catalog(conn, database)
        if isinstance(catalog, str):
            builder.error(
                "database",
                f"{target.masked}#mysql.tables_priv",
                "grants not read: the audit login may not read mysql.tables_priv, mysql.columns_priv and "
                f"mysql.db ({catalog}); grant it SELECT on them",
            )
            return
        catalogs[database] = catalog
    _memberships(conn, target, builder, where)
    for database, catalog in catalogs.items():
        _grants(builder, None if database == default else database, database, catalog, where)


def _grants(builder: InventoryBuilder, schema: str | None, database: str,
            catalog: tuple[list[Any], list[Any], list[Any]], where: Any) -> None:
    """The grants of one database on its audited tables (`schema`: as the inventory names it)."""
    tables, columns, db_wide = catalog
    for user, host, table, privs in tables:
        found = builder.table(schema, table)
        for privilege in _split(privs) if found else []:
            builder.add_grant(
                Grant(
                    grantee=_grantee(user, host),
                    privilege=privilege,
                    schema_name=schema,
                    table=table,
                    location=where(f"{database}.{table}"),
                )
            )
    by_grant: dict[tuple[str, str, str], list[str]] = {}
    for user, host, table, column, privs in columns:
        if builder.table(schema, table) is not None:
            for privilege in _split(privs):
                by_grant.setdefault((_grantee(user, host), privilege, table), []).append(column)
    for (grantee, privilege, table), cols in by_grant.items():
        builder.add_grant(
            Grant(
                grantee=grantee,
                privilege=privilege,
                schema_name=schema,
                table=table,
                columns=cols,
                location=where(f"{database}.{table}"),
            )
        )
    audited = [t for t in builder.inventory.tables if t.schema_name == schema]
    for row in db_wide:
        for privilege in ("Select", "Insert", "Update", "Delete"):
            if row.get(f"{privilege}_priv") == "Y":
                for table in audited:
                    builder.add_grant(
                        Grant(
                            grantee=_grantee(row["User"], row["Host"]),
                            privilege=privilege.upper(),
                            schema_name=schema,
                            table=table.name,
                            via=f"{database}.*",
                            location=where(f"{database}.*"),
                        )
                    )


def _memberships(conn: sa.Connection, target: Target, builder: InventoryBuilder, where: Any) -> None:
    try:
        rows = conn.execute(sa.text(_ROLES)).fetchall()
    except sa.exc.SQLAlchemyError:
        builder.error("database", f"{target.masked}#mysql.roles_mapping", "role memberships not read")
        return
    for user, host, role in rows:
        builder.add_role(Role(name=role, login=False, location=where(f"role {role}")))
        builder.add_membership(
            RoleMembership(role=role, member=_grantee(user, host), location=where(f"role {role}"))
        )
