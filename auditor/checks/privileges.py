"""Effective privileges: what each role can do on each table, once inheritance, PUBLIC, ALL,
schema-wide and column grants are resolved.

A role holds its own grants, those of every role it is a member of (transitively: `GRANT a TO b`
gives b what a has), and those of PUBLIC. ALL stands for every privilege. A table-level grant
covers every column; a column grant only its columns. Views count as tables: a role that reads
a view reads the columns the view exposes, which are classified like any other. Default
privileges (ALTER DEFAULT PRIVILEGES) say what every table created later will give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.models.inventory import Grant, Inventory
from auditor.models.table_index import TableIndex

READ = "SELECT"
WRITE = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
_EXPANDED = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@dataclass
class TableAccess:
    """One role's privileges on one table: privilege -> columns (None: the whole table)."""

    privileges: dict[str, set[str] | None] = field(default_factory=dict)
    via: set[str] = field(default_factory=set)  # "direct", "PUBLIC", "role <name>"
    grant_option: bool = False
    all_privileges: bool = False  # granted as ALL
    declared_at: list[str] = field(default_factory=list)  # where the grants that give it are declared

    def add(self, privilege: str, columns: list[str] | None) -> None:
        current = self.privileges.get(privilege, set())
        if current is None or columns is None:
            self.privileges[privilege] = None
        else:
            self.privileges[privilege] = current | {c.lower() for c in columns}

    def can(self, privilege: str, column: str | None = None) -> bool:
        if privilege not in self.privileges:
            return False
        cols = self.privileges[privilege]
        return cols is None or column is None or column.lower() in cols

    @property
    def writes(self) -> list[str]:
        return [p for p in WRITE if p in self.privileges]


class Privileges:
    """The grants, memberships and tables of one inventory, indexed once: what each role can do
    is then resolved from its own grants and its parents' without reading every grant again."""

    def __init__(self, inventory: Inventory, tables: TableIndex | None = None) -> None:
        self.inventory = inventory
        self.tables = tables or TableIndex(inventory.tables)
        self._parents: dict[str, list[str]] = {}
        for m in inventory.memberships:
            self._parents.setdefault(m.member.lower(), []).append(m.role)
        # grantee (lower case) -> its grants, numbered in script order
        self._grants: dict[str, list[tuple[int, Grant]]] = {}
        for i, grant in enumerate(inventory.grants):
            self._grants.setdefault(grant.grantee.lower(), []).append((i, grant))

    def inherited_roles(self, role: str) -> list[str]:
        """`role` and every role it is a member of, directly or not, nearest first."""
        order, todo, seen = [], [role], {role.lower()}
        while todo:
            current = todo.pop(0)
            order.append(current)
            for parent in self._parents.get(current.lower(), []):
                if parent.lower() not in seen:
                    seen.add(parent.lower())
                    todo.append(parent)
        return order

    def effective(self, role: str, *, with_public: bool = True) -> dict[str, TableAccess]:
        """Qualified table name -> what `role` can do there (PUBLIC: what everyone can). Without
        `with_public`, what the role holds beyond what PUBLIC gives everyone."""
        if role.upper() == "PUBLIC":
            chain = ["PUBLIC"]
        else:
            chain = [*self.inherited_roles(role), *(["PUBLIC"] if with_public else [])]
        lowered = {r.lower(): r for r in chain}
        held = sorted((g for grantee in lowered for g in self._grants.get(grantee, [])), key=lambda g: g[0])
        result: dict[str, TableAccess] = {}
        for _, grant in held:
            holder = lowered[grant.grantee.lower()]
            table = self.tables.find(grant.table, grant.schema_name)
            name = table.qualified_name if table else grant.table
            access = result.setdefault(name, TableAccess())
            privileges = _EXPANDED if grant.privilege == "ALL" else (grant.privilege,)
            access.all_privileges = access.all_privileges or grant.privilege == "ALL"
            for privilege in privileges:
                access.add(privilege, grant.columns)
            access.grant_option = access.grant_option or grant.grant_option
            access.via.add(grant.source or ("direct" if holder.lower() == role.lower() else
                                            "PUBLIC" if holder == "PUBLIC" else f"role {holder}"))
            # a DDL grant's file:line; an application's permission wherever it is kept (a YAML line, a row)
            declared = grant.location.file or (grant.source and grant.location.object)
            if declared and str(grant.location) not in access.declared_at:
                access.declared_at.append(str(grant.location))
        return result

    def future_tables(self, role: str) -> list[str]:
        """What default privileges will give `role` (or a role it inherits) on tables created later."""
        chain = {r.lower() for r in self.inherited_roles(role)} | {"public"}
        return sorted({f"{d.privilege} ON {d.object_type}"
                       + (f" IN SCHEMA {d.schema_name}" if d.schema_name else "")
                       for d in self.inventory.default_privileges
                       if d.grantee.lower() in chain and d.object_type == "TABLES"})


def inherited_roles(inventory: Inventory, role: str) -> list[str]:
    """`role` and every role it is a member of, directly or not, nearest first."""
    return Privileges(inventory).inherited_roles(role)


def role_names(inventory: Inventory) -> list[str]:
    names = {r.name for r in inventory.roles}
    names |= {g.grantee for g in inventory.grants if g.grantee.upper() != "PUBLIC"}
    return sorted(names, key=str.lower)


def effective_privileges(inventory: Inventory, role: str, *,
                         with_public: bool = True) -> dict[str, TableAccess]:
    """Qualified table name -> what `role` can do there (one role: `Privileges` for many)."""
    return Privileges(inventory).effective(role, with_public=with_public)


def future_tables(inventory: Inventory, role: str) -> list[str]:
    """What default privileges will give `role` (or a role it inherits) on tables created later."""
    return Privileges(inventory).future_tables(role)
