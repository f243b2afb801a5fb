"""run_audit(settings) -> AuditResult: the whole pipeline, used by the CLI and the tests.

config → profiles → source → inventory → classify → checks → findings → waivers → result.
The source (schema files or a live database) is chosen once, by `open_source`. Nothing here
prints or exits; a `Progress` hears the phases and times them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from auditor import __version__
from auditor.action_plan import plan
from auditor.baseline import apply_baseline, load_baseline
from auditor.changes import compare, load_previous
from auditor.checks import severity as severity_policy
from auditor.checks.access import check_access
from auditor.checks.access import check_settings as check_access_settings
from auditor.checks.config_names import check_names
from auditor.checks.context import AuditContext
from auditor.checks.dpia import criteria_met, listed_items
from auditor.checks.free_text import check_free_text
from auditor.checks.granularity import check_granularity
from auditor.checks.minimisation import check_minimisation
from auditor.checks.retention import check_retention
from auditor.checks.retention import check_settings as check_retention_settings
from auditor.checks.security import check_security
from auditor.checks.subjects import check_uncovered_subjects
from auditor.classify.columns import classify
from auditor.classify.detectors import load_detectors
from auditor.classify.free_text import load_lexicon
from auditor.classify.vocabulary import load_vocabulary
from auditor.config import Settings, check_against_catalogue, declared_purposes
from auditor.errors import ConfigError
from auditor.models.classification import ColumnClassification
from auditor.models.findings import (
    AuditResult,
    Finding,
    GxCheck,
    Kind,
    ProfileUse,
    Reference,
    Severity,
    Summary,
    TableRead,
    Tool,
)
from auditor.models.inventory import Inventory, ReadError
from auditor.models.values import ValueProfile
from auditor.profiles import Catalogue, load_catalogue
from auditor.profiles.matrix import compliance_matrix
from auditor.progress import Progress
from auditor.reporters.gx_suites import build_suites
from auditor.ruleset import load_rules
from auditor.sources.app_permissions import add_permissions
from auditor.sources.free_text_scan import row_keys, scan_samples
from auditor.sources.hasura import read_hasura
from auditor.sources.permission_tables import read_permission_tables
from auditor.sources.sample_values import profile_values
from auditor.sources.samples import SampleCounts
from auditor.sources.source import Source, open_source
from auditor.waivers import apply_waivers, expired_waiver_findings

CHECKS = (check_minimisation, check_uncovered_subjects, check_granularity, check_free_text, check_retention,
          check_access, check_security)


def load_catalogue_for(settings: Settings) -> Catalogue:
    return load_catalogue([settings.path(d) for d in settings.profile_dirs])


def summarise(findings: list[Finding], fail_on: str) -> Summary:
    active = [f for f in findings if not f.waived]
    new = [f for f in active if not f.baselined]
    by_severity = Counter(f.severity.value for f in active)
    failing = fail_on != "never" and any(f.severity.at_least(Severity(fail_on)) for f in new)
    return Summary(total=len(active),
                   by_severity={s.value: by_severity.get(s.value, 0) for s in Severity},
                   by_kind={k.value: sum(1 for f in active if f.kind == k) for k in Kind},
                   waived=len(findings) - len(active), baselined=len(active) - len(new),
                   status="fail" if failing else "pass", fail_on=fail_on)


@dataclass
class Classified:
    """The inventory stage: what was read, and every column classified with its reasons."""

    catalogue: Catalogue
    source: Source
    inventory: Inventory
    samples: SampleCounts | None
    values: ValueProfile | None
    columns: list[ColumnClassification]
    scan_errors: list[ReadError]

    @property
    def errors(self) -> list[ReadError]:
        return [*self.inventory.errors, *(self.samples.errors if self.samples else []),
                *(self.values.errors if self.values else []), *self.scan_errors]


def classify_service(settings: Settings, raw_config: object = None,
                     progress: Progress | None = None) -> Classified:
    """config → profiles → source → inventory → classify (no checks): `gdpr-audit classify`.

    The caller closes `samples` (its in-memory row store) when it is done with the result."""
    progress = progress or Progress()
    with progress.phase("profiles and rules"):
        catalogue = load_catalogue_for(settings)
        check_against_catalogue(settings, raw_config, catalogue)
        vocabulary = load_vocabulary(catalogue.taxonomy)
        detectors = load_detectors(catalogue.taxonomy)
    source = open_source(settings)
    with progress.phase("schema", unit="statements"):
        inventory = source.read_inventory(progress)
        if settings.access.hasura:  # the application's own permissions, where it decides who reads what
            add_permissions(inventory, read_hasura(settings.path(settings.access.hasura)))
    with progress.phase("rows"):
        samples = source.read_rows(inventory, progress)
    try:
        mapping = settings.access.permission_tables
        if mapping:  # the application's permissions, kept in its tables: in the rows just read
            chosen = mapping if isinstance(mapping, str) else (mapping.tables, mapping.query)
            add_permissions(inventory, read_permission_tables(samples, inventory, chosen))
        as_of = settings.as_of or dt.date.today()
        values = None
        if samples:
            with progress.phase("value detectors"):
                values = profile_values(samples, inventory, detectors, as_of, settings.sample, progress)
        subjects = {t: s.subject for t, s in settings.tables.items() if s.subject}
        with progress.phase("classification"):
            columns = classify(inventory, catalogue.taxonomy, vocabulary, settings.overrides, subjects,
                               detectors, values)
        scan_errors = unscanned_text(columns)
        if samples:
            with progress.phase("free-text scan"):
                keys = row_keys(inventory, columns)
                scan_errors = source.read_notes(inventory, samples, columns, keys)
                scan_errors += scan_samples(samples, columns, load_lexicon(catalogue.taxonomy), keys)
    except BaseException:
        if samples is not None:
            samples.close()
        raise
    return Classified(catalogue, source, inventory, samples, values, columns, scan_errors)


def unscanned_text(columns: list[ColumnClassification]) -> list[ReadError]:
    """With no rows read, the columns that hold typed text or documents were not scanned: say so,
    rather than let a schema-only audit look as if the notes had been read."""
    text = [c.target for c in columns if c.subject is not None and "free_text" in c.categories]
    if not text:
        return []
    shown = ", ".join(text[:10]) + (f" and {len(text) - 10} more" if len(text) > 10 else "")
    return [ReadError(source="notes", location="schema",
                      message=f"{len(text)} free-text or document columns were not scanned, since no rows "
                              f"were read (give `data:` or a live database to scan them): {shown}",
                      code="text_not_scanned",
                      values={"count": len(text), "columns": text[:10], "more": max(len(text) - 10, 0)})]


def run_audit(settings: Settings, raw_config: object = None,
              progress: Progress | None = None) -> AuditResult:
    """The whole audit. `progress` is told each phase and the tables done, and times the phases."""
    if not settings.profiles:
        raise ConfigError("no profile is declared: add `profiles:` to the configuration or give --profile; "
                          "'gdpr-audit profiles list' shows them", file=settings.config_file)
    progress = progress or Progress()
    stage = classify_service(settings, raw_config, progress)
    catalogue, inventory, samples, columns = stage.catalogue, stage.inventory, stage.samples, stage.columns
    if not inventory.tables:
        inventory.errors.append(ReadError(source="schema", location=inventory.source,
                                          message="no table or view was read: nothing to audit",
                                          code="nothing_read"))
    lang = settings.report.lang
    ctx = AuditContext(settings, catalogue, load_rules(), declared_purposes(settings, catalogue),
                       columns, samples, lang, inventory=inventory, progress=progress)
    try:
        check_retention_settings(ctx, inventory, raw_config)
        config_warnings = check_names(ctx, inventory, raw_config)
        config_warnings += check_access_settings(ctx, inventory, raw_config)
        ctx.query = stage.source.query_runner(inventory, samples)
        findings = []
        for check in CHECKS:
            with progress.phase(check.__name__.removeprefix("check_").replace("_", "-")):
                findings += check(ctx)
    finally:
        if ctx.query is not None:
            ctx.query.close()
        if samples is not None:
            samples.close()
    retention_errors = [ReadError(source="retention", location=f"{r.table} ({r.rule})",
                                  message=f"cannot count: {r.error}", code=r.error_code,
                                  values=r.error_values)
                        for r in ctx.retention if r.error]
    gx_checks, gx_errors = run_gx(settings, stage, progress)
    severity_policy.apply(findings, ctx.rules.rules, catalogue.taxonomy)
    findings.sort(key=lambda f: (f.severity.rank, f.rule, f.table or "", f.column or "", f.role or ""))
    as_of = settings.as_of or dt.date.today()
    waivers = apply_waivers(findings, settings.waivers, as_of)
    findings += expired_waiver_findings(waivers, ctx.rules, lang)
    if settings.baseline:
        apply_baseline(findings, load_baseline(settings.path(settings.baseline)))
    changes = None
    compared = settings.previous or settings.baseline
    if compared:
        changes = compare(findings, *load_previous(settings.path(compared)))
    profiles = [catalogue.get(pid) for pid in ctx.purposes]
    dpia = [p.dpia.required for p in profiles if p.dpia is not None]
    return AuditResult(
        tool=Tool(version=__version__), as_of=as_of, lang=lang, service=settings.service,
        source=inventory.source,
        profiles=[ProfileUse(id=p.id, title=p.title.get(lang),
                             reference=p.source.reference.get(lang), purposes=ctx.purposes[p.id],
                             purpose_labels={q.id: q.label.get(lang) for q in p.purposes},
                             purpose_bases={q.id: q.legal_basis.get(lang) for q in p.purposes
                                            if q.legal_basis},
                             caveat=p.source.caveat.get(lang) if p.source.caveat else None)
                  for p in profiles],
        dpia_required=any(dpia) if dpia else None,
        dpia_basis=[Reference(label=p.dpia.source, lang="fr", verification=p.dpia.verification.value)
                    for p in profiles if p.dpia is not None and p.dpia.required and not p.dpia.listed],
        dpia_listed=listed_items(profiles, catalogue.taxonomy, lang),
        dpia_criteria=criteria_met(columns, catalogue.taxonomy, lang),
        tables_read=len(inventory.tables), statements_skipped=inventory.statements_skipped,
        rows_read=samples.rows if samples else None,
        rows_sampled=samples.rows_sampled if samples else None, tables=tables_read(inventory, samples),
        columns=columns, findings=findings,
        waivers=waivers, summary=summarise(findings, settings.fail_on),
        errors=[*stage.errors, *config_warnings, *retention_errors, *gx_errors],
        retention=ctx.retention, access=ctx.access, gx_checks=gx_checks,
        compliance=[compliance_matrix(p, ctx.purposes[p.id], columns, catalogue.taxonomy, lang,
                                      settings.justifications)
                    for p in profiles],
        unverified_facts=unverified_facts(findings), changes=changes,
        actions=plan(findings, settings.owners, as_of, ctx.retention))


def tables_read(inventory: Inventory, samples: SampleCounts | None) -> list[TableRead]:
    """Each object read, with its kind, its partitions and the rows counted in it."""
    counted = samples.tables if samples else {}
    return [TableRead(name=t.qualified_name, kind=t.kind, partitions=t.partitions,
                      rows=counted[t.qualified_name].rows if t.qualified_name in counted else None)
            for t in inventory.tables]


def unverified_facts(findings: list[Finding]) -> list[str]:
    """The profile clauses behind findings that nobody has yet checked against the official text."""
    return sorted({r.label for f in findings for r in f.references if r.verification == "unverified"})


def run_gx(settings: Settings, stage: Classified,
           progress: Progress) -> tuple[list[GxCheck], list[ReadError]]:
    """With `database.gx`, the value expectations of the recognised columns, run by
    great-expectations over whole columns inside the database."""
    if not stage.source.runs_expectations:
        return [], []
    with progress.phase("great-expectations"):
        suites = build_suites(stage.columns, load_detectors(stage.catalogue.taxonomy), settings.service)
        return stage.source.run_expectations(suites, stage.inventory)
