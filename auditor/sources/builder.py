"""Mutable state a source fills, statement by statement, before it is frozen into an Inventory.

Order matters in a script: `GRANT … ON ALL TABLES IN SCHEMA` covers the tables that exist at
that point, a REVOKE removes what an earlier GRANT gave. The builder keeps that semantics.
"""

from __future__ import annotations

from auditor.models.inventory import (
    Column,
    Grant,
    Inventory,
    Policy,
    ReadError,
    Role,
    RoleMembership,
    SourceLocation,
    Table,
)
from auditor.sources.engine_errors import Failure

ALL_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def normalise_privilege(privilege: str) -> str:
    p = " ".join(privilege.upper().split())
    return "ALL" if p in {"ALL", "ALL PRIVILEGES"} else p


class InventoryBuilder:
    def __init__(self, source: str, dialect: str | None, default_schema: str | None = None) -> None:
        self.inventory = Inventory(source=source, dialect=dialect)
        self.default_schema = default_schema
        self._tables: dict[tuple[str | None, str], Table] = {}
        self._by_name: dict[str, dict[tuple[str | None, str], Table]] = {}  # name -> the keys with it
        self._roles: dict[str, Role] = {}

    # -- tables ---------------------------------------------------------------------------
    def _key(self, schema: str | None, name: str) -> tuple[str | None, str]:
        return ((schema or "").lower() or None, name.lower())

    def add_table(self, table: Table) -> None:
        key = self._key(table.schema_name, table.name)
        if key in self._tables:
            self.inventory.tables.remove(self._tables[key])
        self._tables[key] = table
        self._by_name.setdefault(key[1], {})[key] = table
        self.inventory.tables.append(table)

    def table(self, schema: str | None, name: str) -> Table | None:
        found = self._tables.get(self._key(schema, name))
        if found is not None:
            return found
        if schema is None or (self.default_schema and schema.lower() == self.default_schema):
            # An unqualified name, or the default schema: match by name alone if unambiguous.
            same = [t for (s, _), t in self._by_name.get(name.lower(), {}).items()
                    if schema is None or s is None]
            if len(same) == 1:
                return same[0]
        return None

    def tables_in_schema(self, schema: str | None) -> list[Table]:
        """Tables and views of a schema (PostgreSQL's ALL TABLES IN SCHEMA includes views)."""
        default = (self.default_schema or "").lower()
        want = (schema or "").lower() or default
        return [t for t in self.inventory.tables if ((t.schema_name or "").lower() or default) == want]

    def add_columns(self, table: Table, columns: list[Column]) -> None:
        for col in columns:
            if table.column(col.name) is None:
                table.columns.append(col)

    # -- roles ----------------------------------------------------------------------------
    def add_role(self, role: Role) -> None:
        existing = self._roles.get(role.name.lower())
        if existing is None:
            self._roles[role.name.lower()] = role
            self.inventory.roles.append(role)
        elif role.login is not None:
            existing.login = role.login

    def ensure_role(self, name: str, location: SourceLocation) -> None:
        if name.upper() != "PUBLIC" and name.lower() not in self._roles:
            self.add_role(Role(name=name, location=location))

    def add_membership(self, membership: RoleMembership) -> None:
        self.ensure_role(membership.role, membership.location)
        self.ensure_role(membership.member, membership.location)
        self.inventory.memberships.append(membership)

    # -- grants ---------------------------------------------------------------------------
    def add_grant(self, grant: Grant) -> None:
        self.ensure_role(grant.grantee, grant.location)
        self.inventory.grants.append(grant)

    def revoke(self, grantee: str, privilege: str, table: Table,
               columns: list[str] | None) -> None:
        """Remove what `grantee` held of `privilege` on `table` (or on some of its columns)."""
        priv = normalise_privilege(privilege)
        kept: list[Grant] = []
        for g in self.inventory.grants:
            same = (g.grantee.lower() == grantee.lower() and g.table.lower() == table.name.lower()
                    and (g.schema_name or "").lower() == (table.schema_name or "").lower()
                    and (priv == "ALL" or g.privilege in {priv, "ALL"}))
            if not same:
                kept.append(g)
                continue
            if g.privilege == "ALL" and priv != "ALL":
                # REVOKE SELECT after GRANT ALL: the other privileges remain.
                kept.extend(g.model_copy(update={"privilege": p})
                            for p in ALL_PRIVILEGES if p != priv)
            elif columns is not None and g.columns is not None:
                rest = [c for c in g.columns if c.lower() not in {x.lower() for x in columns}]
                if rest:
                    kept.append(g.model_copy(update={"columns": rest}))
            elif columns is not None and g.columns is None:
                kept.append(g)  # a column REVOKE does not narrow a table-level grant
        self.inventory.grants = kept

    # -- the rest -------------------------------------------------------------------------
    def add_policy(self, policy: Policy) -> None:
        for role in policy.roles:
            self.ensure_role(role, policy.location)
        self.inventory.policies.append(policy)

    def error(self, source: str, location: SourceLocation | str, message: str, code: str | None = None,
              **values: str) -> None:
        """Something of the source that could not be read: `message` in English for logs, `code` and
        `values` for the reports' sentence in their language."""
        self.inventory.errors.append(
            ReadError(source=source, location=str(location), message=message, code=code, values=values))

    def failure(self, source: str, location: str, failure: Failure) -> None:
        self.inventory.errors.append(failure.error(source, location))

    def build(self) -> Inventory:
        return self.inventory
