"""Application permissions kept in the service's own tables (Django's auth, CakePHP's ACL), read
from the rows the audit has read anyway (sample files, or the live database's sample) into the
inventory's access model: a role per group, a grant per permission.

A mapping is one SQL query over the permission tables, named as in the schema, that returns one row
per permission: `role`, `privilege` (SELECT, INSERT, UPDATE, DELETE) and `target` (the table or the
model the application names). It runs in the audit's in-memory DuckDB, over the rows read; a target
is matched to a table of the inventory by its name, then by the application's convention
(`app_model` for Django). Ready-made mappings:

- `django`: `auth_group`, `auth_group_permissions`, `auth_permission`, `django_content_type`; the
  codename's verb says the privilege (`view_usager` SELECT, `add_` INSERT, `change_` UPDATE,
  `delete_` DELETE), the content type the table (`app_label`_`model`, or the model alone);
- `cakephp`: `aros`, `acos`, `aros_acos`; an ARO with an alias is a role — a group's, never a
  user's (an ARO of the `User` model is often aliased with the login, a person's name) — an ACO alias
  a controller, which names its table (`Personnes` -> personnes); `_read`, `_create`, `_update`,
  `_delete` at 1 grant the privilege.

Role names come from the rows (group names): the reports show them as they show database roles. The
tables are read whole: when one holds more rows than the sample, the audit asks for a larger one
rather than join samples and lose permissions.

Each permission is located at its row (`table#key`) in the evidence, never by a value of the rows
beyond the role and table names it grants.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from auditor.errors import ConfigError
from auditor.models.inventory import Grant, Inventory, Role, SourceLocation
from auditor.models.table_index import TableIndex
from auditor.sources.app_permissions import AppPermissions
from auditor.sources.samples import SampleCounts

_COLUMNS = ("role", "privilege", "target", "alias", "row")
_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE"}


@dataclass(frozen=True)
class Mapping:
    name: str
    tables: tuple[str, ...]   # the permission tables the query reads
    query: str                # -> role, privilege, target, row (the permission row's key, as text)
    prefixes: tuple[str, ...] = ()  # how the application names a table from its target


MAPPINGS = {
    "django": Mapping(
        "django", ("auth_group", "auth_group_permissions", "auth_permission", "django_content_type"),
        """SELECT g.name AS role,
                  CASE split_part(p.codename, '_', 1) WHEN 'view' THEN 'SELECT' WHEN 'add' THEN 'INSERT'
                       WHEN 'change' THEN 'UPDATE' WHEN 'delete' THEN 'DELETE' END AS privilege,
                  ct.app_label || '_' || ct.model AS target, ct.model AS alias,
                  'auth_group_permissions#' || CAST(gp.id AS VARCHAR) AS row
           FROM auth_group_permissions gp
           JOIN auth_group g ON g.id = gp.group_id
           JOIN auth_permission p ON p.id = gp.permission_id
           JOIN django_content_type ct ON ct.id = p.content_type_id"""),
    "cakephp": Mapping(
        "cakephp", ("aros", "acos", "aros_acos"),
        """SELECT aro.alias AS role, priv.privilege, lower(aco.alias) AS target, lower(aco.alias) AS alias,
                  'aros_acos#' || CAST(aa.id AS VARCHAR) AS row
           FROM aros_acos aa
           JOIN aros aro ON aro.id = aa.aro_id
           JOIN acos aco ON aco.id = aa.aco_id
           JOIN (VALUES ('_read', 'SELECT'), ('_create', 'INSERT'), ('_update', 'UPDATE'),
                        ('_delete', 'DELETE')) AS priv(flag, privilege)
             ON CAST(CASE priv.flag WHEN '_read' THEN aa._read WHEN '_create' THEN aa._create
                                     WHEN '_update' THEN aa._update ELSE aa._delete END AS VARCHAR) = '1'
           WHERE aro.alias IS NOT NULL AND aco.alias IS NOT NULL
             AND lower(coalesce(aro.model, '')) NOT IN ('user', 'users', 'utilisateur', 'utilisateurs')"""),
}


def read_permission_tables(samples: SampleCounts | None, inventory: Inventory,
                           chosen: str | tuple[list[str], str]) -> AppPermissions:
    """The permissions a mapping reads in the permission tables' rows: a ready-made one by its name,
    or the configuration's own (its tables, its query)."""
    if isinstance(chosen, str):
        if chosen not in MAPPINGS:
            known = ", ".join(MAPPINGS)
            raise ConfigError(f"access.permission_tables: unknown mapping {chosen!r}; known: {known}")
        mapping = MAPPINGS[chosen]
    else:
        mapping = Mapping("configured", tuple(chosen[0]), chosen[1])
    name = mapping.name
    out = AppPermissions(source=f"{name} permission tables")
    tables = TableIndex(inventory.tables)
    if samples is None or samples.store is None:
        raise ConfigError(f"access.permission_tables: {name} permissions are read from the tables' rows: "
                          "give `data:` (sample files) or a live `database:`")
    con = samples.store.cursor()
    try:
        for needed in mapping.tables:
            found = tables.find(needed)
            counts = samples.tables.get(found.qualified_name) if found else None
            if counts is None or counts.relation is None:
                raise ConfigError(f"access.permission_tables: no rows read for table {needed!r} "
                                  f"({name} keeps its permissions in {', '.join(mapping.tables)})")
            if counts.sampled is not None and counts.sampled < counts.rows:  # a join of samples loses rows
                raise ConfigError(f"access.permission_tables: table {needed!r} has {counts.rows:,} rows, "
                                  f"more than the sample reads ({counts.sampled:,}): raise --sample")
            con.execute(f'CREATE OR REPLACE TEMP VIEW "{needed}" AS SELECT * FROM {counts.relation}')
        answer = con.execute(mapping.query)
        names = [d[0].lower() for d in answer.description or []]
        missing = [c for c in _COLUMNS if c not in names]
        if missing:
            raise ConfigError(f"access.permission_tables: the {name} query returns no column "
                              f"{', '.join(missing)} (it must return {', '.join(_COLUMNS)})")
        rows = [dict(zip(names, r, strict=True)) for r in answer.fetchall()]
    except duckdb.Error as err:
        raise ConfigError(f"access.permission_tables: the {name} query does not run on those tables "
                          f"({type(err).__name__}: check its table and column names)") from None
    finally:
        con.close()
    roles: dict[str, Role] = {}
    for found_row in rows:
        role, privilege, row = found_row["role"], str(found_row["privilege"] or "").upper(), found_row["row"]
        table = tables.find(str(found_row["target"])) or tables.find(str(found_row["alias"]))
        if not role or privilege not in _PRIVILEGES or table is None:
            continue
        where = SourceLocation(object=str(row))
        roles.setdefault(str(role), Role(name=str(role), login=False, location=where))
        out.grants.append(Grant(grantee=str(role), privilege=str(privilege), schema_name=table.schema_name,
                                table=table.name, columns=None, source=mapping.name, location=where))
    out.roles = list(roles.values())
    return out
