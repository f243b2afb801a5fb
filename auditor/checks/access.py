"""Access scope (GDPR art. 5.1.f, 25, 32; the profile's recipients): who can read what?

Each database role's effective privileges (privileges.py) are joined with the categories of the
columns it can read. The config maps roles to the profile's recipients (`access.roles`); a
role's kind (accounting, statistics…) comes from the config, else from its name or recipient
(rules/classification/role_kinds.yaml). Findings:

ACC001 a role reads a category its recipient may not read (or is denied);
ACC002 art. 9, art. 10 data or free-text notes readable by an accounting, administrative,
       statistics or subcontractor role;
ACC003 PUBLIC (every login) can read personal data;
ACC004 write, ALL or GRANT OPTION where the recipient only needs to read;
ACC005 a statistics role reads nominative data rather than aggregated or pseudonymised data;
ACC006 a role that reads personal data is mapped to no recipient: nobody has said who it is.

The access matrix (roles × categories) is kept for the report, each cell allowed or excess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import Field

from auditor.checks import severity as policy
from auditor.checks.context import AuditContext, fact_references
from auditor.checks.privileges import Privileges, TableAccess, role_names
from auditor.classify.identifiers import normalise_identifier, token_pattern
from auditor.config import RoleMapping
from auditor.errors import ConfigError, RuleError
from auditor.models.classification import ColumnClassification
from auditor.models.evidence import fact
from auditor.models.findings import AccessRow, Finding, Severity
from auditor.models.inventory import Inventory, ReadError
from auditor.models.profile import Fact, Profile, Recipient, Sensitivity, Strict, Text
from auditor.profiles.taxonomy import Taxonomy, did_you_mean
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate

_RESTRICTED_KINDS = {"accounting", "administrative", "statistics", "subcontractor"}
_SENSITIVE = {Sensitivity.special, Sensitivity.offences, Sensitivity.free_text}
_SECRET = ("social_assessment", "child_welfare", "legal_protection")  # besides _SENSITIVE
_NOMINATIVE = ("identity.name", "identity.nir", "identity.case_number", "identity.birth_date",
               "identity.photo", "contact.email", "contact.phone", "contact.address",
               "financial.bank_account")
MAX_SHOWN = 6


class RoleKinds(Strict):
    version: int
    kinds: dict[str, list[str]]
    labels: dict[str, Text] = Field(default_factory=dict)
    notes: str | None = Field(default=None)


@lru_cache(maxsize=1)
def _role_kinds() -> RoleKinds:
    path = data_dir("rules") / "classification" / "role_kinds.yaml"
    return validate(RoleKinds, load_yaml_file(path, RuleError), str(path), RuleError)


@lru_cache(maxsize=1)
def _kinds() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, token_pattern(fragments)) for kind, fragments in _role_kinds().kinds.items()]


def kind_label(kind: str, lang: str) -> str:
    """How a kind of recipient is named in the report's language (the kind itself if unnamed)."""
    label = _role_kinds().labels.get(kind)
    return label.get(lang) if label else kind


def infer_kind(*names: str) -> str | None:
    for name in names:
        low = normalise_identifier(name)
        for kind, pattern in _kinds():
            if pattern.search(low):
                return kind
    return None


@dataclass
class RoleView:
    role: str
    mapping: RoleMapping | None
    profile: Profile | None
    recipient: Recipient | None
    kind: str | None
    access: dict[str, TableAccess]
    reads: dict[str, list[str]] = field(default_factory=dict)  # category -> table.column
    future: list[str] = field(default_factory=list)  # what default privileges give it on later tables


def _recipient(ctx: AuditContext, recipient_id: str) -> tuple[Profile, Recipient] | None:
    for profile in ctx.profiles():
        for recipient in profile.recipients:
            if recipient.id == recipient_id:
                return profile, recipient
    return None


def check_settings(ctx: AuditContext, inventory: Inventory, raw: object) -> list[ReadError]:
    """access.roles maps to real recipients of the declared profiles (else a ConfigError naming
    the line); a mapped role absent from this database is reported, not fatal: the same config
    serves environments whose roles differ."""
    file = ctx.settings.config_file or "command line"
    known_roles = [r.lower() for r in role_names(inventory)]
    recipients = [r.id for p in ctx.profiles() for r in p.recipients]
    unused = []
    for role, mapping in ctx.settings.access.roles.items():
        line = locate(raw, ("access", "roles", role))
        if mapping.recipient is not None and mapping.recipient not in recipients:
            raise ConfigError(f"access.roles.{role}: no recipient {mapping.recipient!r} in the declared "
                              f"profiles; their recipients: {', '.join(recipients) or 'none'}"
                              + did_you_mean(mapping.recipient, recipients), file=file, line=line)
        if role.lower() not in known_roles and role.upper() != "PUBLIC":
            unused.append(ReadError(source="config", location=f"{file}:{line}" if line else file,
                                    message=f"access.roles: no role {role!r} in the schema, mapping unused"
                                    + did_you_mean(role, known_roles),
                                    code="role_mapping_unused", values={"role": role}))
    return unused


def _line_order(at: str) -> tuple[str, int]:
    """`file:line` in the order of the file."""
    file, _, line = at.rpartition(":")
    return (file, int(line)) if line.isdigit() else (at, 0)


def _personal_columns(ctx: AuditContext) -> dict[str, list[ColumnClassification]]:
    by_table: dict[str, list[ColumnClassification]] = {}
    for col in ctx.columns:
        if col.subject is not None and col.categories:
            by_table.setdefault(col.table, []).append(col)
    return by_table


def role_views(ctx: AuditContext, inventory: Inventory, privileges: Privileges,
               personal: dict[str, list[ColumnClassification]]) -> list[RoleView]:
    views = []
    for role in [*role_names(inventory), "PUBLIC"]:
        mapping = next((m for r, m in ctx.settings.access.roles.items() if r.lower() == role.lower()), None)
        found = _recipient(ctx, mapping.recipient) if mapping and mapping.recipient else None
        profile, recipient = found if found else (None, None)
        kind = (mapping.kind if mapping and mapping.kind else
                None if role == "PUBLIC" else infer_kind(role, recipient.id if recipient else ""))
        # PUBLIC's grants are judged once, on PUBLIC's own row (ACC003), not again on every role
        view = RoleView(role, mapping, profile, recipient, kind,
                        privileges.effective(role, with_public=False),
                        future=privileges.future_tables(role) if role != "PUBLIC" else [])
        for table, access in sorted(view.access.items()):
            if not access.can("SELECT"):
                continue
            for col in personal.get(table, []):
                if access.can("SELECT", col.column):
                    for category in col.categories:
                        view.reads.setdefault(category, []).append(col.target)
        views.append(view)
    return views


def _excess(ctx: AuditContext, recipient: Recipient, category: str) -> bool:
    taxonomy = ctx.catalogue.taxonomy
    if any(taxonomy.covers(d, category) for d in recipient.deny):
        return True
    return not any(taxonomy.covers(r, category) for r in recipient.read)


def check_access(ctx: AuditContext) -> list[Finding]:
    if ctx.inventory is None or not (ctx.inventory.grants or ctx.inventory.memberships):
        return []
    findings: list[Finding] = []
    personal = _personal_columns(ctx)  # once: every role and table reads it
    privileges = Privileges(ctx.inventory, ctx.table_index)
    for view in role_views(ctx, ctx.inventory, privileges, personal):
        if not view.reads and not any(a.writes for a in view.access.values()):
            continue
        ctx.access.append(_matrix_row(ctx, ctx.inventory, view))
        if view.kind != "application":
            findings += _role_findings(ctx, view, set(personal))
    return findings


def _role_findings(ctx: AuditContext, view: RoleView, personal: set[str]) -> list[Finding]:
    taxonomy = ctx.catalogue.taxonomy
    if view.role == "PUBLIC":
        return [_finding(ctx, "ACC003", view, table=t, targets=cols)
                for t, cols in _by_table(view.reads).items()]
    findings = []
    if view.recipient is not None:
        recipient = view.recipient
        excess = {c: t for c, t in sorted(view.reads.items()) if _excess(ctx, recipient, c)}
        if excess:
            findings.append(_finding(ctx, "ACC001", view, targets=[], excess=excess))
    elif view.reads and view.mapping is None:
        targets = sorted({t for ts in view.reads.values() for t in ts})
        findings.append(_finding(ctx, "ACC006", view, targets=targets))
    if view.kind in _RESTRICTED_KINDS:
        findings += [_finding(ctx, "ACC002", view, category=c, targets=t)
                     for c, t in sorted(view.reads.items()) if taxonomy.sensitivity(c) in _SENSITIVE]
    if view.kind == "statistics":
        nominative = {c: t for c, t in view.reads.items()
                      if any(taxonomy.covers(n, c) for n in _NOMINATIVE)}
        findings += [_finding(ctx, "ACC005", view, table=t, targets=cols)
                     for t, cols in _by_table(nominative).items()]
    for table, access in sorted(view.access.items()):
        held = _excess_privileges(view, table, access, personal)
        if held:
            findings.append(_finding(ctx, "ACC004", view, table=table, targets=[], privilege=held))
    return findings


def _by_table(reads: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for targets in reads.values():
        for target in targets:
            table = target.rsplit(".", 1)[0]
            if target not in out.setdefault(table, []):
                out[table].append(target)
    return dict(sorted(out.items()))


def _excess_privileges(view: RoleView, table: str, access: TableAccess, personal: set[str]) -> str | None:
    """What this role holds beyond reading, when nothing says it needs it (`personal`: the tables
    holding personal data)."""
    if table not in personal:
        return None
    parts = []
    if access.all_privileges:
        parts.append("ALL")
    elif access.writes:
        # a recipient the profile lets write (some category) may need to; one it gives read only,
        # or a restricted kind with no recipient, does not
        read_only = view.recipient is not None and not view.recipient.write
        if read_only or (view.recipient is None and view.kind in _RESTRICTED_KINDS):
            parts.append(", ".join(access.writes))
    if access.grant_option:
        parts.append("WITH GRANT OPTION")
    return " + ".join(parts) or None


def _matrix_row(ctx: AuditContext, inventory: Inventory, view: RoleView) -> AccessRow:
    taxonomy = ctx.catalogue.taxonomy
    cells = {}
    for category in sorted(view.reads):
        excess = (view.role == "PUBLIC"
                  or (view.recipient is not None and _excess(ctx, view.recipient, category))
                  or (view.kind in _RESTRICTED_KINDS and taxonomy.sensitivity(category) in _SENSITIVE)
                  or (view.kind == "statistics" and any(taxonomy.covers(n, category) for n in _NOMINATIVE)))
        known = view.recipient is not None or view.kind == "application"
        cells[category] = "excess" if excess else "allowed" if known else "no_recipient"
    role = next((r for r in inventory.roles if r.name.lower() == view.role.lower()), None)
    via = sorted({v for a in view.access.values() for v in a.via if v.startswith("role ")})
    # tables whose row level security is on, or where an application's row filter limits this role
    rls = sorted(t for t in view.access if ((tab := ctx.table_index.find(t.rsplit(".", 1)[-1])) is not None
                                            and tab.row_level_security) or ctx.limited_for(view.role, t))
    return AccessRow(role=view.role, recipient=view.recipient.id if view.recipient else None, kind=view.kind,
                     login=role.login if role else None, inherits=[v.removeprefix("role ") for v in via],
                     categories=cells, tables=sorted(view.access), row_level_security=rls,
                     future_tables=view.future)


def _row_policies(ctx: AuditContext, role: str, tables: set[str]) -> list[str]:
    """The tables where a row policy limits what `role` reads (`accompagnement: accompagnement_referent`,
    a PostgreSQL policy or an application's row filter): it reads the rows the policy lets through,
    not the whole table."""
    out = []
    for name in sorted(tables):
        names = ctx.limited_for(role, name)
        if names:
            out.append(f"{name}: {', '.join(names)}")
    return out


def _secret(taxonomy: Taxonomy, category: str) -> bool:
    """Data a professional learns under secrecy: sensitive data, offences, assessments, notes,
    child-welfare and protection measures."""
    return taxonomy.sensitivity(category) in _SENSITIVE or any(
        taxonomy.covers(k, category) for k in _SECRET)


def _labels(ctx: AuditContext, categories: dict[str, list[str]], shown: int = 5) -> str:
    labels = [ctx.catalogue.taxonomy.get(c).label.get(ctx.lang) for c in categories]
    more = f" (+{len(labels) - shown})" if len(labels) > shown else ""
    return ", ".join(labels[:shown]) + more


def _finding(ctx: AuditContext, code: str, view: RoleView, *, category: str | None = None,
             table: str | None = None, targets: list[str], privilege: str = "",
             excess: dict[str, list[str]] | None = None) -> Finding:
    rule = ctx.rules.get(code)
    lang = ctx.lang
    taxonomy = ctx.catalogue.taxonomy
    recipient = (view.recipient.label.get(lang) if view.recipient
                 else kind_label(view.kind, lang) if view.kind else "—")
    fill = {"role": view.role, "recipient": recipient, "target": table or view.role,
            "category": category or "", "privilege": privilege,
            "category_label": (taxonomy.get(category).label.get(lang) if category
                               else _labels(ctx, excess or {})),
            "categories": len(excess or {}),
            "profile": view.profile.id if view.profile else "", "rows": len(targets)}
    parts = [fact("readable_columns", columns=targets[:MAX_SHOWN],
                  more=max(len(targets) - MAX_SHOWN, 0))] if targets else []
    if excess:
        deny = view.recipient.deny if view.recipient else []
        parts += [fact("excess_category", category=c, columns=t[:3], more=max(len(t) - 3, 0),
                       denied=any(taxonomy.covers(d, c) for d in deny)) for c, t in excess.items()]
        targets = [t for ts in excess.values() for t in ts]
    tables = {t.rsplit(".", 1)[0] for t in targets} | ({table} if table else set())
    vias = sorted({v for t in tables for v in view.access.get(t, TableAccess()).via})
    if vias:
        parts.append(fact("through", grants=vias))
    if view.future:
        parts.append(fact("future_tables", grants=list(view.future)))
    limited = _row_policies(ctx, view.role, tables)
    if limited:
        parts.append(fact("rows_limited", policies=limited))
    if view.kind and not (view.mapping and view.mapping.kind):
        parts.append(fact("kind_from_role_name", kind=view.kind))
    concerned = [category] if category else list(excess or {})
    if view.profile and view.profile.sharing and any(_secret(taxonomy, c) for c in concerned):
        # what the profession's secrecy lets its members share: not « anyone in the service »
        parts.append(fact("sharing", conditions=list(view.profile.sharing)))
    facts: list[Fact] = [view.recipient] if view.recipient and code == "ACC001" else []
    severity = policy.from_facts(rule, facts, bool(view.profile and view.profile.source.binding),
                                   Severity.medium)
    references = rule.references_in(lang)
    if view.profile is not None and facts:
        references += fact_references(view.profile, facts, lang)
    # the GRANT that gives the access, where the schema declares it (SARIF points at it)
    declared = [at for t in sorted(tables) for at in view.access.get(t, TableAccess()).declared_at]
    finding = Finding(rule=rule.code, kind=rule.kind, severity=severity, table=table, column=None,
                      role=view.role, category=category, rows=None,
                      message=rule.message.get(lang).format(**fill), evidence=parts,
                      remedy=rule.remedy.get(lang), references=references,
                      location=min(declared, key=_line_order) if declared else None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding
