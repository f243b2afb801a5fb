"""Application permissions from a Hasura metadata directory, as roles, grants and row policies of
the inventory's access model.

Services built on Hasura connect to the database with one login; who may read what is decided by
Hasura's permissions, per role and table: `select_permissions` (the columns a role reads, and the
`filter` that limits its rows), `insert_permissions`, `update_permissions` (columns) and
`delete_permissions`. Each becomes what a database would have said:

- a role per Hasura role (no login: Hasura's roles are the application's);
- a grant per permission: SELECT, INSERT, UPDATE or DELETE on the table, on its listed columns
  (`"*"`: every column), located at the permission's line in its YAML file;
- a row policy for a non-empty `filter` (or `check`), its condition kept as written, so that a role
  limited to its own caseload (`referent_id: {_eq: X-Hasura-User-Id}`) is told apart from one that
  reads everything.

Layouts read: metadata v3 (`databases/databases.yaml`, each database's `tables: "!include …"`, then
`tables.yaml`, a list of `"!include public_usager.yaml"`) and v2 (`tables.yaml` at the top, the tables
inline). Files are read with the auditor's YAML reader (size and depth bounded, lines kept); a file
that cannot be read is an error naming it, never a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.errors import ConfigError
from auditor.models.inventory import Grant, Policy, Role, SourceLocation
from auditor.sources.app_permissions import AppPermissions
from auditor.yaml_source import load_yaml_file, locate

INCLUDE = "!include "
_PERMISSIONS = {"select_permissions": "SELECT", "insert_permissions": "INSERT",
                "update_permissions": "UPDATE", "delete_permissions": "DELETE"}
SOURCE = "Hasura"


def _load(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError("Hasura metadata file not found", file=str(path))
    return load_yaml_file(path, ConfigError)


def _included(value: object, base: Path) -> Path | None:
    if isinstance(value, str) and value.startswith(INCLUDE):
        return base / value[len(INCLUDE):].strip()
    return None


def _table_entries(directory: Path) -> list[tuple[Path, Any]]:
    """(file, entry) for every tracked table of the metadata, in file order."""
    found: list[tuple[Path, Any]] = []

    reading: list[Path] = []  # the includes being read, to refuse a file that includes itself

    def include(target: Path, by: Path) -> None:
        if target.resolve() in reading:
            raise ConfigError(f"Hasura metadata: {target.name} includes itself", file=str(by))
        reading.append(target.resolve())
        tables_of(_load(target), target)
        reading.pop()

    def tables_of(value: object, file: Path) -> None:
        target = _included(value, file.parent)
        if target is not None:
            include(target, file)
        elif isinstance(value, list):
            for item in value:
                inner = _included(item, file.parent)
                if inner is not None:
                    include(inner, file)
                else:
                    found.append((file, item))
        elif isinstance(value, dict) and "table" in value:
            found.append((file, value))

    databases = directory / "databases" / "databases.yaml"
    if databases.is_file():  # v3
        for source in _load(databases) or []:
            if isinstance(source, dict) and "tables" in source:
                tables_of(source["tables"], databases)
    elif (directory / "tables.yaml").is_file():  # v2
        tables_of(_load(directory / "tables.yaml"), directory / "tables.yaml")
    else:
        raise ConfigError("no Hasura metadata here: expected databases/databases.yaml (metadata v3) "
                          "or tables.yaml (v2)", file=str(directory))
    return found


def read_hasura(directory: Path) -> AppPermissions:
    """The roles, grants and row policies of a Hasura metadata directory."""
    out = AppPermissions(source=str(directory))
    roles: dict[str, Role] = {}
    for file, entry in _table_entries(directory):
        if not isinstance(entry, dict) or not isinstance(entry.get("table"), dict):
            continue
        table = entry["table"]
        name, schema = str(table.get("name", "")), table.get("schema")
        schema = None if schema in (None, "public") else str(schema)
        for key, privilege in _PERMISSIONS.items():
            for i, permission in enumerate(entry.get(key) or []):
                if not isinstance(permission, dict) or "role" not in permission:
                    continue
                role = str(permission["role"])
                where = SourceLocation(file=str(file), line=locate(entry, (key, i)))
                roles.setdefault(role, Role(name=role, login=False, location=where))
                rules = permission.get("permission") or {}
                if not isinstance(rules, dict):
                    raise ConfigError(f"Hasura metadata: the {key} of role {role!r} on {name!r} is not a "
                                      "mapping (expected permission: {columns, filter})",
                                      file=str(file), line=where.line)
                columns = rules.get("columns")
                # the columns when listed; "*", none or a delete: the whole table
                listed = ([str(c) for c in columns] if isinstance(columns, list) and privilege != "DELETE"
                          else None)
                out.grants.append(Grant(grantee=role, privilege=privilege, schema_name=schema, table=name,
                                        columns=listed, source=SOURCE, location=where))
                condition = rules.get("filter") if privilege != "INSERT" else rules.get("check")
                if condition:
                    out.policies.append(Policy(
                        name=f"hasura_{key.split('_')[0]}_{role}", schema_name=schema, table=name,
                        command=privilege, roles=[role], using=_plain(condition), source=SOURCE,
                        location=where))
    out.roles = list(roles.values())
    return out


def _plain(value: object) -> str:
    """A Hasura boolean expression as compact JSON (the YAML reader's mappings and lists are dicts and
    lists: their line numbers are not serialised)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
