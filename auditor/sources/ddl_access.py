"""Roles, grants, role membership, row-level security: the access half of a DDL script.

sqlglot parses simple GRANT/REVOKE statements; it returns the rest (ON ALL TABLES IN SCHEMA,
role-to-role grants, MySQL 'user'@'host', CREATE ROLE/USER, CREATE POLICY, ENABLE ROW LEVEL
SECURITY) as an opaque Command. Both forms are reduced here to one `GrantSpec`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp

from auditor.models.inventory import (
    DefaultPrivilege,
    Grant,
    Policy,
    Role,
    RoleMembership,
    SourceLocation,
)
from auditor.sources.builder import InventoryBuilder, normalise_privilege

_NAME = r'(?:"[^"]+"|`[^`]+`|\'[^\']+\'|[\w$]+)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*(?:{_NAME}|\*))*|\*(?:\s*\.\s*\*)?"
_GRANT_RE = re.compile(
    r"^(?P<verb>GRANT|REVOKE)\s+(?:GRANT\s+OPTION\s+FOR\s+)?(?P<privs>.+?)\s+ON\s+(?P<target>.+?)\s+"
    r"(?:TO|FROM)\s+(?P<grantees>.+?)(?P<opt>\s+WITH\s+GRANT\s+OPTION)?"
    r"(?:\s+(?:CASCADE|RESTRICT|GRANTED\s+BY\s+\S+))?\s*$", re.IGNORECASE | re.DOTALL)
_MEMBERSHIP_RE = re.compile(
    r"^(?P<verb>GRANT|REVOKE)\s+(?:ADMIN\s+OPTION\s+FOR\s+)?(?P<roles>[^()]+?)\s+(?:TO|FROM)\s+"
    r"(?P<members>.+?)(?P<admin>\s+WITH\s+ADMIN\s+OPTION)?(?:\s+(?:CASCADE|RESTRICT))?\s*$",
    re.IGNORECASE | re.DOTALL)
_ROLE_RE = re.compile(
    rf"^CREATE\s+(?P<kind>ROLE|USER|GROUP)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<names>{_NAME}(?:@{_NAME})?"
    rf"(?:\s*,\s*{_NAME}(?:@{_NAME})?)*)(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_RLS_RE = re.compile(
    rf"^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(?P<table>{_QUALIFIED})\s+"
    r"(?P<action>ENABLE|FORCE)\s+ROW\s+LEVEL\s+SECURITY\s*$", re.IGNORECASE)
_POLICY_RE = re.compile(
    rf"^CREATE\s+POLICY\s+(?P<name>{_NAME})\s+ON\s+(?P<table>{_QUALIFIED})(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
_DEFAULTS_RE = re.compile(
    rf"^ALTER\s+DEFAULT\s+PRIVILEGES\s+(?:FOR\s+(?:ROLE|USER)\s+(?P<roles>{_NAME}(?:\s*,\s*{_NAME})*)\s+)?"
    rf"(?:IN\s+SCHEMA\s+(?P<schemas>{_NAME}(?:\s*,\s*{_NAME})*)\s+)?(?P<rest>(?:GRANT|REVOKE)\b.*)$",
    re.IGNORECASE | re.DOTALL)
_DEFAULT_OBJECTS = {"TABLES", "SEQUENCES", "FUNCTIONS", "ROUTINES", "TYPES", "SCHEMAS"}
_TABLE_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
                     "ALL", "MAINTAIN"}


def unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] in "\"`'[" and name[-1] in "\"`']":
        return name[1:-1]
    return name


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def grantee_name(text: str) -> str:
    """'bob'@'%' -> bob ; 'bob'@'10.0.0.1' -> bob@10.0.0.1 ; GROUP x / ROLE x -> x."""
    text = re.sub(r"^(GROUP|ROLE|USER)\s+", "", text.strip(), flags=re.IGNORECASE)
    if "@" in text:
        user, host = (unquote(p) for p in text.split("@", 1))
        return user if host in {"%", ""} else f"{user}@{host}"
    name = unquote(text)
    return "PUBLIC" if name.upper() == "PUBLIC" else name


def _split_qualified(text: str) -> list[str]:
    return [unquote(p) for p in re.findall(rf"{_NAME}|\*", text)]


@dataclass
class GrantSpec:
    revoke: bool
    privileges: list[tuple[str, list[str] | None]]
    target: str  # table text, or "ALL TABLES IN SCHEMA s1, s2"
    grantees: list[str]
    grant_option: bool = False
    schemas: list[str] = field(default_factory=list)


def spec_from_ast(node: exp.Grant | exp.Revoke) -> GrantSpec | None:
    securable = node.args.get("securable")
    if not isinstance(securable, exp.Table):
        return None
    privileges = []
    for priv in node.args.get("privileges") or []:
        cols = [c.name for c in priv.expressions] or None
        privileges.append((normalise_privilege(priv.this.name), cols))
    kind = str(node.args.get("kind") or "TABLE").upper()
    if kind not in {"TABLE", "VIEW"}:
        return None
    return GrantSpec(revoke=isinstance(node, exp.Revoke), privileges=privileges,
                     target=securable.sql(), grantees=[grantee_name(p.this.sql()) if p.this else ""
                                                       for p in node.args.get("principals") or []],
                     grant_option=bool(node.args.get("grant_option")))


def _privileges_from_text(text: str) -> list[tuple[str, list[str] | None]]:
    privileges: list[tuple[str, list[str] | None]] = []
    for item in split_top_level(text):
        m = re.match(r"^([A-Za-z ]+?)\s*(?:\((.*)\))?$", item.strip(), re.DOTALL)
        if not m:
            continue
        cols = [unquote(c) for c in split_top_level(m.group(2))] if m.group(2) else None
        privileges.append((normalise_privilege(m.group(1)), cols))
    return privileges


def spec_from_text(text: str) -> GrantSpec | None:
    m = _GRANT_RE.match(" ".join(text.split()))
    if not m:
        return None
    target = m.group("target").strip()
    schemas: list[str] = []
    all_in = re.match(r"^ALL\s+(?:TABLES|VIEWS)\s+IN\s+SCHEMA\s+(.+)$", target, re.IGNORECASE)
    if all_in:
        schemas = [unquote(s) for s in split_top_level(all_in.group(1))]
    elif re.match(r"^(SCHEMA|SEQUENCE|FUNCTION|PROCEDURE|ROUTINE|DATABASE|TYPE|DOMAIN|LANGUAGE|"
                  r"FOREIGN|LARGE|TABLESPACE|ALL\s+(SEQUENCES|FUNCTIONS|PROCEDURES|ROUTINES))\b",
                  target, re.IGNORECASE):
        return None
    target = re.sub(r"^TABLE\s+", "", target, flags=re.IGNORECASE)
    return GrantSpec(revoke=m.group("verb").upper() == "REVOKE",
                     privileges=_privileges_from_text(m.group("privs")), target=target,
                     grantees=[grantee_name(g) for g in split_top_level(m.group("grantees"))],
                     grant_option=bool(m.group("opt")), schemas=schemas)


def apply_default_privileges(text: str, builder: InventoryBuilder, loc: SourceLocation) -> str | bool | None:
    """ALTER DEFAULT PRIVILEGES … GRANT/REVOKE … ON TABLES TO …: what future tables will carry.
    False: not this statement; a string: what could not be read; None: applied."""
    m = _DEFAULTS_RE.match(" ".join(text.split()))
    if not m:
        return False
    grant = _GRANT_RE.match(m.group("rest"))
    if not grant or grant.group("target").upper() not in _DEFAULT_OBJECTS:
        return "ALTER DEFAULT PRIVILEGES not understood"
    creators = [unquote(r) for r in split_top_level(m.group("roles"))] if m.group("roles") else [None]
    schemas = [unquote(s) for s in split_top_level(m.group("schemas"))] if m.group("schemas") else [None]
    privileges = [p for p, _ in _privileges_from_text(grant.group("privs"))]
    grantees = [grantee_name(g) for g in split_top_level(grant.group("grantees"))]
    target = grant.group("target").upper()
    if grant.group("verb").upper() == "REVOKE":
        builder.inventory.default_privileges = [
            d for d in builder.inventory.default_privileges
            if not (d.creator in creators and d.schema_name in schemas and d.object_type == target
                    and d.grantee in grantees and (d.privilege in privileges or "ALL" in privileges))]
        return None
    for creator in creators:
        for schema in schemas:
            for grantee in grantees:
                builder.ensure_role(grantee, loc)
                builder.inventory.default_privileges.extend(
                    DefaultPrivilege(creator=creator, schema_name=schema, object_type=target, grantee=grantee,
                                     privilege=p, grant_option=bool(grant.group("opt")), location=loc)
                    for p in privileges)
    return None


def apply_grant(spec: GrantSpec, builder: InventoryBuilder, loc: SourceLocation) -> str | None:
    """Apply a GRANT/REVOKE on tables. Returns an error message, or None."""
    via = None
    if spec.schemas:
        tables = [t for s in spec.schemas for t in builder.tables_in_schema(s)]
        via = f"ALL TABLES IN SCHEMA {', '.join(spec.schemas)}"
    else:
        tables = []
        for target in split_top_level(spec.target):
            parts = _split_qualified(target)
            if parts and parts[-1] == "*":  # MySQL db.* or *.*
                schema = parts[0] if len(parts) == 2 and parts[0] != "*" else None
                tables += builder.tables_in_schema(schema) if schema else list(builder.inventory.tables)
                via = spec.target
                continue
            table = builder.table(parts[-2] if len(parts) > 1 else None, parts[-1])
            if table is None:
                return f"{'REVOKE' if spec.revoke else 'GRANT'} on unknown table {target}"
            tables.append(table)
    for table in tables:
        for privilege, cols in spec.privileges:
            if privilege not in _TABLE_PRIVILEGES:
                continue
            for grantee in spec.grantees:
                if spec.revoke:
                    builder.revoke(grantee, privilege, table, cols)
                else:
                    builder.add_grant(Grant(grantee=grantee, privilege=privilege,
                                            schema_name=table.schema_name, table=table.name,
                                            columns=cols, grant_option=spec.grant_option,
                                            via=via, location=loc))
    return None


def apply_membership(text: str, builder: InventoryBuilder, loc: SourceLocation) -> bool:
    m = _MEMBERSHIP_RE.match(" ".join(text.split()))
    if not m or re.search(r"\sON\s", f" {m.group('roles')} ", re.IGNORECASE):
        return False
    roles = [grantee_name(r) for r in split_top_level(m.group("roles"))]
    members = [grantee_name(r) for r in split_top_level(m.group("members"))]
    if m.group("verb").upper() == "REVOKE":
        builder.inventory.memberships = [
            ms for ms in builder.inventory.memberships
            if not (ms.role in roles and ms.member in members)]
        return True
    for role in roles:
        for member in members:
            builder.add_membership(RoleMembership(role=role, member=member,
                                                  admin_option=bool(m.group("admin")),
                                                  location=loc))
    return True


def apply_create_role(text: str, builder: InventoryBuilder, loc: SourceLocation) -> bool:
    m = _ROLE_RE.match(" ".join(text.split()))
    if not m:
        return False
    rest = m.group("rest").upper()
    login = m.group("kind").upper() == "USER" or bool(re.search(r"\bLOGIN\b", rest))
    if re.search(r"\bNOLOGIN\b", rest):
        login = False
    names = [grantee_name(n) for n in split_top_level(m.group("names"))]
    for name in names:
        builder.add_role(Role(name=name, login=login, location=loc))
    for clause, as_member in (("IN ROLE", True), ("IN GROUP", True), ("ROLE", False),
                              ("ADMIN", False)):
        found = re.search(rf"(?:^|\s){clause}\s+({_NAME}(?:\s*,\s*{_NAME})*)",
                          " ".join(m.group("rest").split()), re.IGNORECASE)
        if not found or (clause == "ROLE" and re.search(r"\bIN\s+ROLE\b", rest)):
            continue
        for other in split_top_level(found.group(1)):
            for name in names:
                role, member = (grantee_name(other), name) if as_member else (name,
                                                                             grantee_name(other))
                builder.add_membership(RoleMembership(role=role, member=member, location=loc))
    return True


def apply_rls(text: str, builder: InventoryBuilder) -> str | bool | None:
    m = _RLS_RE.match(" ".join(text.split()))
    if not m:
        return False
    parts = _split_qualified(m.group("table"))
    table = builder.table(parts[-2] if len(parts) > 1 else None, parts[-1])
    if table is None:
        return f"ROW LEVEL SECURITY on unknown table {m.group('table')}"
    table.row_level_security = True
    return None


def _clause_expr(rest: str, keyword: str) -> str | None:
    m = re.search(rf"\b{keyword}\s*\(", rest, re.IGNORECASE)
    if not m:
        return None
    depth, start = 0, m.end() - 1
    for i in range(start, len(rest)):
        depth += {"(": 1, ")": -1}.get(rest[i], 0)
        if depth == 0:
            return rest[start + 1:i].strip()
    return rest[start + 1:].strip()


def apply_policy(text: str, builder: InventoryBuilder, loc: SourceLocation) -> str | bool | None:
    m = _POLICY_RE.match(text.strip())
    if not m:
        return False
    parts = _split_qualified(m.group("table"))
    table = builder.table(parts[-2] if len(parts) > 1 else None, parts[-1])
    if table is None:
        return f"CREATE POLICY on unknown table {m.group('table')}"
    rest = m.group("rest")
    head = re.split(r"\b(?:USING|WITH\s+CHECK)\b", rest, maxsplit=1, flags=re.IGNORECASE)[0]
    command = re.search(r"\bFOR\s+(ALL|SELECT|INSERT|UPDATE|DELETE)\b", head, re.IGNORECASE)
    roles = re.search(r"\bTO\s+(.+)$", head, re.IGNORECASE | re.DOTALL)
    builder.add_policy(Policy(
        name=unquote(m.group("name")), schema_name=table.schema_name, table=table.name,
        command=command.group(1).upper() if command else "ALL",
        roles=[grantee_name(r) for r in split_top_level(roles.group(1))] if roles else ["PUBLIC"],
        permissive=not re.search(r"\bAS\s+RESTRICTIVE\b", head, re.IGNORECASE),
        using=_clause_expr(rest, "USING"), with_check=_clause_expr(rest, r"WITH\s+CHECK"),
        location=loc))
    return None
