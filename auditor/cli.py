"""Command line: the only module that prints and exits. Each command calls the library.

The library is imported inside the commands, not here: `--version` and `--help` load click and
nothing else, and a DDL audit never loads SQLAlchemy or a database driver."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor import __version__
from auditor.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, AuditorError
from auditor.setting_values import SEVERITIES, as_of_problem, memory_size_problem

F = TypeVar("F", bound=Callable[..., Any])


def _print_trace(err: BaseException) -> None:
    """--debug: where an error came from, as frames and exception classes. An exception's text is
    printed only when the auditor wrote it (AuditorError): an engine's or a driver's may quote a
    value read from the database."""
    chain: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for link in reversed(chain):
        frames = "".join(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        kind = f"{type(link).__module__}.{type(link).__qualname__}"
        text = f": {link}" if isinstance(link, AuditorError) else " (message not shown: it may quote data)"
        click.echo(f"Traceback (most recent call last):\n{frames}{kind}{text}", err=True)


_DEBUG = "gdpr_audit.debug"  # ctx.meta key: --debug given after the command name


def _debug_after_command(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_DEBUG] = True


def _guard(func: F) -> F:
    """Turn typed errors into a one-line message and exit code 2; no traceback unless --debug, which
    the command accepts too (`gdpr-audit audit --debug` as well as `gdpr-audit --debug audit`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug")) or bool(ctx.meta.get(_DEBUG))
        try:
            return func(*args, **kwargs)
        except AuditorError as err:
            if debug:
                _print_trace(err)
            for problem in err.problems():  # every problem found, each at its place
                click.echo(f"gdpr-audit: error: {problem.located()}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except Exception as err:
            if debug:
                _print_trace(err)
            click.echo(f"gdpr-audit: internal error ({type(err).__name__}); rerun with --debug "
                       "and report it", err=True)
            sys.exit(EXIT_ERROR)

    option = click.option("--debug", is_flag=True, expose_value=False, callback=_debug_after_command,
                          help="Show tracebacks of errors.")
    return option(wrapper)  # type: ignore[return-value]


# --format NAME -> the report it writes (auditor/reporters)
FORMATS = {"html": "html", "json": "json", "sarif": "sarif", "junit": "junit", "md": "markdown", "csv": "csv",
           "actions": "actions", "pia": "pia", "record": "record", "fides": "fides",
           "notes-rows": "notes_rows"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gdpr-audit")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
def main(debug: bool) -> None:
    """Audit a service's database against the GDPR purposes it declares."""


def _flags(schema: str | None, dialect: str | None, profile: str | None,
           purposes: tuple[str, ...], data: str | None, lang: str | None,
           fail_on: str | None, as_of: dt.datetime | None, db: str | None = None) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    if db:
        flags["database"] = {"url": db}
    if schema:
        flags["schema"] = {"files": [str(Path(schema).resolve())], "dialect": dialect or "postgres"}
    elif dialect:
        flags["schema"] = {"dialect": dialect}
    if profile:
        flags["profiles"] = [{"id": profile, "purposes": list(purposes)}]
    elif purposes:
        flags["_purposes"] = list(purposes)
    if data:
        flags["data"] = {"dir": str(Path(data).resolve())}
    if lang:
        flags["report"] = {"lang": lang}
    if fail_on:
        flags["fail_on"] = fail_on
    if as_of:
        flags["as_of"] = as_of.date()
    return flags


def _memory_size(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    problem = memory_size_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(problem)
    return value


def _audit_date(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> dt.datetime | None:
    problem = as_of_problem(value.date()) if value is not None else None
    if problem:
        raise click.BadParameter(problem)
    return value


_AS_OF = click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), callback=_audit_date,
                      help="Audit date (default today).")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Configuration file (default: PATH/gdpr-audit.yml).")
@click.option("--schema", help="DDL file to audit (zero-config run).")
@click.option("--db", help="Live database URL, read-only (postgresql://…, mysql+pymysql://…, sqlite:///f).")
@click.option("--schemas", "db_schemas", multiple=True, help="With --db: schemas to read (glob); repeatable.")
@click.option("--tables", "db_tables", multiple=True, help="With --db: tables to read (glob); repeatable.")
@click.option("--exclude", "db_exclude", multiple=True, help="With --db: tables to skip (glob); repeatable.")
@click.option("--dialect", help="SQL dialect of the DDL: postgres, mysql, sqlite, duckdb, tsql…")
@click.option("--profile", help="Purpose profile id (see 'gdpr-audit profiles list').")
@click.option("--purpose", "purposes", multiple=True, help="Declared purpose; repeatable.")
@click.option("--data", help="Directory of sample data files (<table>.csv).")
@click.option("--html", "html_path", type=click.Path(path_type=Path), help="HTML report path.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="JSON report path.")
@click.option("--sarif", "sarif_path", type=click.Path(path_type=Path), help="SARIF 2.1.0 path.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="JUnit XML path.")
@click.option("--md", "markdown_path", type=click.Path(path_type=Path), help="Markdown summary path.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="CSV of findings path.")
@click.option("--actions", "actions_path", type=click.Path(path_type=Path),
              help="CSV of the action plan path: one action a row, with its owner and due date.")
@click.option("--pia", "pia_path", type=click.Path(path_type=Path),
              help="DPIA draft for the CNIL's PIA software (JSON to import): what the audit knows, the "
                   "risks left to the DPO.")
@click.option("--record", "record_path", type=click.Path(path_type=Path),
              help="The record of processing entry in the CNIL model's fields: CSV, or XLSX for a .xlsx name "
                   "(the office extra).")
@click.option("--fides", "fides_path", type=click.Path(path_type=Path),
              help="A fides manifest (YAML): the dataset with its fields' data categories and the system "
                   "with one privacy declaration per declared purpose.")
@click.option("--notes-rows", "notes_rows_path", type=click.Path(path_type=Path),
              help="The flagged notes, one row each: table, column, key, categories, qualifiers; never the "
                   "text (CSV, or JSON Lines for a .jsonl name).")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path),
              help="Baseline file: its findings are reported but do not fail (baseline create).")
@click.option("--previous", "previous_path", type=click.Path(path_type=Path),
              help="JSON report of the previous audit: say which findings are new, resolved or unchanged "
                   "(default: against the baseline, when there is one).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Report language (default fr).")
@click.option("--fail-on", type=click.Choice(SEVERITIES),
              help="Exit 1 if a finding is at or above this severity (default high).")
@_AS_OF
@click.option("--sample", type=click.IntRange(min=0),
              help="Rows per table the value checks read, the same on every run (default 10000).")
@click.option("--jobs", type=click.IntRange(1, 32), help="With --db: tables read at once (default 2).")
@click.option("--memory-limit", callback=_memory_size,
              help="Memory the embedded engine may use, e.g. 512MB (default 2GB).")
@click.option("--gx", "gx_run", is_flag=True, default=None,
              help="With --db: also run the value expectations in great-expectations, in the database.")
@click.option("--all-notes", is_flag=True, default=None,
              help="With --db: read every note of the free-text columns, not a sample (exact counts).")
@click.option("--progress/--no-progress", default=None,
              help="Show the phase and the tables done on stderr (default: when stderr is a terminal).")
@click.option("--timings", is_flag=True, help="Print where the time went, phase by phase, on stderr.")
@click.option("--format", "one_format", type=click.Choice(list(FORMATS)),
              help="Write one report in this format to -o (default: standard output, instead of the terminal "
                   "summary).")
@click.option("--output", "-o", "one_output", type=click.Path(path_type=Path),
              help="With --format: the file to write (- for standard output).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing but errors and warnings; the exit code says.")
@_guard
def audit(path: Path | None, config_file: Path | None, schema: str | None, db: str | None,
          db_schemas: tuple[str, ...], db_tables: tuple[str, ...], db_exclude: tuple[str, ...],
          dialect: str | None, profile: str | None, purposes: tuple[str, ...], data: str | None,
          html_path: Path | None, json_path: Path | None, sarif_path: Path | None,
          junit_path: Path | None, markdown_path: Path | None, csv_path: Path | None,
          actions_path: Path | None, pia_path: Path | None, record_path: Path | None, fides_path: Path | None,
          notes_rows_path: Path | None,
          baseline_path: Path | None,
          previous_path: Path | None,
          lang: str | None, fail_on: str | None,
          as_of: dt.datetime | None,
          sample: int | None, jobs: int | None, memory_limit: str | None, gx_run: bool | None,
          all_notes: bool | None, progress: bool | None, timings: bool, one_format: str | None,
          one_output: Path | None, quiet: bool) -> None:
    """Audit a schema against purpose profiles; write the reports; exit 0, 1 or 2."""
    from auditor.api import run_audit
    from auditor.progress import Progress
    from auditor.reporters import terminal
    from auditor.reporters.report_files import write_reports

    settings, raw = _audit_settings(path, config_file, schema, db, db_schemas, db_tables, db_exclude,
                                    dialect, profile, purposes, data, lang, fail_on, as_of, sample, jobs,
                                    gx_run, memory_limit, all_notes)
    if baseline_path is not None:
        settings.baseline = str(baseline_path.resolve())
    if previous_path is not None:
        settings.previous = str(previous_path.resolve())
    show = sys.stderr.isatty() if progress is None else progress
    report = settings.report
    outputs = {"html": html_path or _default(settings, report.html),
               "json": json_path or _default(settings, report.json_path),
               "sarif": sarif_path or _default(settings, report.sarif),
               "junit": junit_path or _default(settings, report.junit),
               "markdown": markdown_path or _default(settings, report.markdown),
               "csv": csv_path or _default(settings, report.csv),
               "actions": actions_path or _default(settings, report.actions),
               "pia": pia_path or _default(settings, report.pia),
               "record": record_path or _default(settings, report.record),
               "fides": fides_path or _default(settings, report.fides),
               "notes_rows": notes_rows_path or _default(settings, report.notes_rows)}
    if one_output is not None and one_format is None:
        raise click.UsageError("-o/--output goes with --format (or give each report its own option: "
                               "--json F…)")
    to_stdout = one_format is not None and (one_output is None or str(one_output) == "-")
    if one_format is not None and not to_stdout:
        assert one_output is not None
        outputs[FORMATS[one_format]] = one_output
    written = {fmt: out for fmt, out in outputs.items() if out is not None}
    with terminal.audit_progress(sys.stderr, enabled=show and not quiet) as listener:
        phases = Progress(listener)
        result = run_audit(settings, raw, phases)
        with phases.phase("reports"):
            write_reports(written, result)
    if to_stdout:
        assert one_format is not None
        from auditor.reporters import REPORTERS

        REPORTERS[FORMATS[one_format]](result, sys.stdout)
    elif not quiet:
        terminal.render(result, sys.stdout, color=sys.stdout.isatty())
    if timings:
        click.echo(terminal.timings_line(phases.timings()), err=True)
    for w in result.waivers:
        if w.status == "unused":
            click.echo(f"gdpr-audit: warning: waiver {w.rule} {w.target} matches no finding", err=True)
    if not (quiet or to_stdout):
        for fmt, out in written.items():
            click.echo(f"{fmt.upper()}: {out}")
    sys.exit(EXIT_FINDINGS if result.summary.status == "fail" else EXIT_OK)


def _one_source(schema: str | None, db: str | None) -> None:
    if schema and db:
        raise click.UsageError("--schema and --db both name the schema to audit: give one of them")


def _audit_settings(path: Path | None, config_file: Path | None, schema: str | None, db: str | None,
                    db_schemas: tuple[str, ...], db_tables: tuple[str, ...], db_exclude: tuple[str, ...],
                    dialect: str | None, profile: str | None, purposes: tuple[str, ...], data: str | None,
                    lang: str | None, fail_on: str | None, as_of: dt.datetime | None,
                    sample: int | None = None, jobs: int | None = None,
                    gx_run: bool | None = None, memory_limit: str | None = None,
                    all_notes: bool | None = None) -> tuple[Any, Any]:
    """The settings of an audit: config file < flags (shared by `audit` and `baseline create`)."""
    from auditor.config import CONFIG_NAMES, find_config, load_settings

    _one_source(schema, db)
    config = config_file or (find_config(path) if path else None)
    if config is None and not (schema or db):  # no argument: the current directory's configuration
        config = next((Path(name) for name in CONFIG_NAMES if os.path.lexists(name)), None)
    if config is None and not ((schema or db) and profile):
        raise click.UsageError("give a directory or --config, or --schema (or --db) and --profile, or run "
                               f"where a {CONFIG_NAMES[0]} is")
    flags = _flags(schema, dialect, profile, purposes, data, lang, fail_on, as_of, db)
    if db:
        flags["database"].update({"schemas": list(db_schemas), "tables": list(db_tables),
                                  "exclude": list(db_exclude)})
    if sample is not None:
        flags["sample"] = sample
    if memory_limit is not None:
        flags["memory_limit"] = memory_limit
    settings, raw = load_settings(config, flags)
    if (jobs is not None or gx_run or all_notes) and settings.database is None:
        raise click.UsageError("--jobs, --gx and --all-notes apply to a live database (--db, or database: in "
                               "the config)")
    if settings.database is not None:
        settings.database.jobs = jobs if jobs is not None else settings.database.jobs
        settings.database.gx = bool(gx_run) or settings.database.gx
        settings.database.all_notes = bool(all_notes) or settings.database.all_notes
    return settings, raw


@main.command("init")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--schema", help="DDL file of the service.")
@click.option("--dialect", help="SQL dialect of the DDL: postgres, mysql, sqlite, duckdb, tsql…")
@click.option("--db", help="Live database URL, read-only.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: PATH/gdpr-audit.yml).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@_guard
def init_command(path: Path, schema: str | None, dialect: str | None, db: str | None, output: Path | None,
                 force: bool) -> None:
    """Write a first gdpr-audit.yml from a schema or a live database: the profile and purposes that fit
    the data found, the retention start dates and role kinds guessed, TODO lines where a person decides."""
    from auditor.api import run_audit
    from auditor.classify.columns import classify
    from auditor.classify.vocabulary import load_vocabulary
    from auditor.config import load_settings
    from auditor.config_scaffold import scaffold
    from auditor.profiles import load_catalogue

    if (schema is None) == (db is None):
        raise click.UsageError("give --schema FILE or --db URL")
    target = output or path / "gdpr-audit.yml"
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists: --force replaces it")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {"service": path.resolve().name}
    if schema is not None:
        from auditor.sources.ddl_reader import read_ddl

        file = Path(schema).resolve()
        try:
            shown = str(file.relative_to(target.parent.resolve()))
        except ValueError:
            shown = str(file)
        settings["schema"] = {"files": [shown], "dialect": dialect or "postgres"}
        inventory = read_ddl([file], dialect or "postgres")
        source = shown
    else:
        from auditor.sources.database import read_database
        from auditor.sources.database.connection import secretless_url

        assert db is not None
        inventory = read_database(db)
        settings["database"] = {"url": secretless_url(db)}  # never a password in the file
        source = inventory.source
    catalogue = load_catalogue()
    columns = classify(inventory, catalogue.taxonomy, load_vocabulary(catalogue.taxonomy))

    def audit(config: Path) -> Any:
        loaded, raw = load_settings(config, {})
        return run_audit(loaded, raw)

    scaffold(target, settings, columns, catalogue, source, audit)
    click.echo(f"gdpr-audit.yml: {target}")


@main.command("classify")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Configuration file (default: PATH/gdpr-audit.yml).")
@click.option("--schema", help="DDL file to classify (zero-config run).")
@click.option("--db", help="Live database URL, read-only.")
@click.option("--dialect", help="SQL dialect of the DDL: postgres, mysql, sqlite, duckdb, tsql…")
@click.option("--data", help="Directory of sample data files (<table>.csv).")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write the YAML here (default: stdout).")
@click.option("--gx-suites", "gx_dir", type=click.Path(path_type=Path),
              help="Also write one great-expectations suite per table into this directory.")
@_guard
def classify_command(path: Path | None, config_file: Path | None, schema: str | None, db: str | None,
                     dialect: str | None, data: str | None, output: Path | None, gx_dir: Path | None) -> None:
    """Print every column's categories with reasons, as YAML to review and paste as overrides."""
    from auditor.api import classify_service
    from auditor.classify.detectors import load_detectors
    from auditor.config import find_config, load_settings
    from auditor.reporters.classification_yaml import render_classification
    from auditor.reporters.gx_suites import build_suites, write_suites

    _one_source(schema, db)
    config = config_file or (find_config(path) if path else None)
    if config is None and not (schema or db):
        raise click.UsageError("give a directory or --config, or --schema or --db")
    flags = _flags(schema, dialect, None, (), data, None, None, None, db)
    settings, raw = load_settings(config, flags)
    stage = classify_service(settings, raw)
    if stage.samples is not None:
        stage.samples.close()
    rows = stage.samples.rows if stage.samples else None
    if output is None:
        render_classification(stage.columns, sys.stdout, service=settings.service, rows=rows)
    else:
        try:
            with open(output, "w", encoding="utf-8") as stream:
                render_classification(stage.columns, stream, service=settings.service, rows=rows)
        except OSError as err:
            raise AuditorError(f"cannot write the classification ({err.strerror})",
                               file=str(output)) from None
    if gx_dir is not None:
        suites = build_suites(stage.columns, load_detectors(stage.catalogue.taxonomy), settings.service)
        for written in write_suites(suites, gx_dir):
            click.echo(f"GX suite: {written}", err=True)
    for problem in stage.errors:
        click.echo(f"gdpr-audit: warning: {problem.location}: {problem.message}", err=True)


def _default(settings: Any, name: str | None) -> Path | None:
    return settings.path(name) if name else None


@main.group()
def baseline() -> None:
    """Baselines: record today's findings so that CI fails only on new ones."""


@baseline.command("create")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Configuration file (default: PATH/gdpr-audit.yml).")
@click.option("--schema", help="DDL file to audit (zero-config run).")
@click.option("--db", help="Live database URL, read-only.")
@click.option("--dialect", help="SQL dialect of the DDL.")
@click.option("--profile", help="Purpose profile id.")
@click.option("--purpose", "purposes", multiple=True, help="Declared purpose; repeatable.")
@click.option("--data", help="Directory of sample data files.")
@_AS_OF
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Baseline path (default: `baseline:` of the config, else gdpr-audit-baseline.json "
                   "beside it).")
@_guard
def baseline_create(path: Path | None, config_file: Path | None, schema: str | None, db: str | None,
                    dialect: str | None, profile: str | None, purposes: tuple[str, ...], data: str | None,
                    as_of: dt.datetime | None, output: Path | None) -> None:
    """Audit, then write the fingerprints of every finding (not waived) to the baseline file."""
    from auditor.api import run_audit
    from auditor.baseline import baseline_document, write_baseline

    settings, raw = _audit_settings(path, config_file, schema, db, (), (), (), dialect, profile, purposes,
                                    data, None, None, as_of)
    target = output or settings.path(settings.baseline or "gdpr-audit-baseline.json")
    settings.baseline = None  # a new baseline records every finding, the known ones included
    result = run_audit(settings, raw)
    document = baseline_document(result.findings, settings.service, result.as_of)
    write_baseline(target, document)
    click.echo(f"baseline: {len(document['findings'])} findings recorded in {target}")


@main.group()
def rules() -> None:
    """The rules the audit applies."""


@rules.command("list")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr")
@_guard
def rules_list(lang: str) -> None:
    """List every rule: code, kind, severity, summary."""
    from auditor.ruleset import load_rules

    for code, rule in sorted(load_rules().rules.items()):
        click.echo(f"{code}  {rule.kind.value:<12} {rule.severity:<12} {rule.summary.get(lang)}")


@rules.command("explain")
@click.argument("code")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr")
@_guard
def rules_explain(code: str, lang: str) -> None:
    """Explain one rule: why, what to do, legal references."""
    from auditor.ruleset import load_rules

    rule = load_rules().get(code)
    click.echo(f"{rule.code} ({rule.name}) — {rule.summary.get(lang)}\n")
    click.echo(rule.rationale.get(lang).strip() + "\n")
    click.echo(("Action corrective : " if lang == "fr" else "Remedy: ") + rule.remedy.get(lang))
    click.echo(("Gravité : " if lang == "fr" else "Severity: ") + rule.severity)
    for ref in rule.references_in(lang):
        click.echo(f"- {ref.label}" + (f" <{ref.url}>" if ref.url else ""))


@main.group()
def profiles() -> None:
    """The purpose profiles (CNIL référentiels and statutory texts)."""


_PROFILE_DIR = click.option("--profile-dir", "profile_dirs", multiple=True, type=click.Path(path_type=Path),
                            help="Directory of the organisation's own profiles; repeatable.")


@profiles.command("list")
@_PROFILE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr")
@_guard
def profiles_list(profile_dirs: tuple[Path, ...], lang: str) -> None:
    """List the known profiles."""
    from auditor.profiles import load_catalogue

    for pid, profile in sorted(load_catalogue(profile_dirs).profiles.items()):
        click.echo(f"{pid}  {profile.source.reference.get(lang)}  {profile.title.get(lang)}")


@profiles.command("show")
@click.argument("profile_id")
@_PROFILE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr")
@_guard
def profiles_show(profile_id: str, profile_dirs: tuple[Path, ...], lang: str) -> None:
    """Show a profile (with what it extends): purposes, categories, retention, recipients, sources."""
    from auditor.profiles import load_catalogue
    from auditor.reporters.profile_text import render_profile

    catalogue = load_catalogue(profile_dirs)
    click.echo(render_profile(catalogue.get(profile_id), catalogue.taxonomy, lang))


@profiles.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_PROFILE_DIR
@_guard
def profiles_validate(files: tuple[Path, ...], profile_dirs: tuple[Path, ...]) -> None:
    """Check profile files: schema, known categories, sources, extends. Exit 2 on the first error
    of any file (each file is checked)."""
    from auditor.profiles import validate_profile_file

    failed = False
    for path in files:
        try:
            _, profile = validate_profile_file(path, profile_dirs)
        except AuditorError as err:
            click.echo(f"gdpr-audit: error: {err}", err=True)
            failed = True
            continue
        click.echo(f"{path}: ok — {profile.id}: {len(profile.purposes)} purposes, "
                   f"{len(profile.retention)} retention rules, {len(profile.recipients)} recipients")
    if failed:
        sys.exit(EXIT_ERROR)


@profiles.command("schema")
@_guard
def profiles_schema() -> None:
    """Print the JSON Schema of a profile file (for editors: docs/schema/profile.schema.json)."""
    from auditor.profiles import load_taxonomy
    from auditor.profiles.schema import profile_json_schema_text

    click.echo(profile_json_schema_text(load_taxonomy()), nl=False)


@profiles.command("docs")
@_PROFILE_DIR
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en")
@_guard
def profiles_docs(profile_dirs: tuple[Path, ...], lang: str) -> None:
    """Print the catalogue as Markdown (docs/profiles.md is this output, --lang en)."""
    from auditor.profiles import load_catalogue
    from auditor.reporters.profile_markdown import render_catalogue_markdown

    click.echo(render_catalogue_markdown(load_catalogue(profile_dirs), lang), nl=False)
