"""Permissions an application keeps outside the database's grants (Hasura metadata, its own
permission tables), in the inventory's access model: roles, grants located where they are declared,
row policies. Each source has a reader (hasura.py, permission_tables.py); this module holds what
they produce and adds it to the inventory, so that the access checks work on these roles exactly as
on database roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.models.inventory import Grant, Inventory, Policy, Role


@dataclass
class AppPermissions:
    """What an application's permission source says, in the inventory's access model."""

    source: str
    roles: list[Role] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)


def add_permissions(inventory: Inventory, permissions: AppPermissions) -> None:
    """The application's roles, grants and row filters added to the inventory's. A filter limits the
    rows of its own role only: the table is not marked as limiting every role's rows."""
    known = {r.name.lower() for r in inventory.roles}
    inventory.roles += [r for r in permissions.roles if r.name.lower() not in known]
    inventory.grants += permissions.grants
    inventory.policies += permissions.policies
