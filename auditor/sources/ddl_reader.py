"""Read SQL DDL files (any sqlglot dialect) into an Inventory, statement by statement.

One statement that cannot be parsed is reported (file, line, reason) and the rest is read.
Statements that carry no schema or access information (INSERT, CREATE INDEX, SET…) are skipped
without being parsed, which keeps large dumps fast.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from auditor.errors import SourceError
from auditor.models.inventory import Column, Inventory, SourceLocation, Table
from auditor.progress import Progress
from auditor.sources import ddl_access as access
from auditor.sources import ddl_tables as tables
from auditor.sources.builder import InventoryBuilder
from auditor.sources.statements import Statement, split_statements
from auditor.sources.text_files import read_text

logging.getLogger("sqlglot").setLevel(logging.CRITICAL)

DIALECT_ALIASES = {"postgresql": "postgres", "pg": "postgres", "mariadb": "mysql",
                   "sqlserver": "tsql", "mssql": "tsql"}
DEFAULT_SCHEMA = {"postgres": "public", "tsql": "dbo", "duckdb": "main"}

_INTERESTING = re.compile(
    r"^\s*(?:CREATE\b[^(;]*?\b(?:TABLE|VIEW|ROLE|USER|GROUP|POLICY)\b|ALTER\s+TABLE\b|"
    r"ALTER\s+DEFAULT\s+PRIVILEGES\b|COMMENT\s+ON\b|GRANT\b|REVOKE\b)", re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CREATE_TABLE_HEAD = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?"
    r"(?P<virtual>VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>[^\s(]+)\s*"
    r"(?:USING\s+\w+\s*)?\(", re.IGNORECASE)
_NOT_A_COLUMN = re.compile(r"^(CONSTRAINT|PRIMARY|FOREIGN|UNIQUE|CHECK|KEY|INDEX|EXCLUDE|"
                           r"FULLTEXT|SPATIAL|LIKE|PERIOD)\b", re.IGNORECASE)


def resolve_dialect(name: str) -> str:
    """Return sqlglot's name for a dialect, or raise SourceError listing the known ones."""
    key = DIALECT_ALIASES.get(name.lower(), name.lower())
    try:
        sqlglot.Dialect.get_or_raise(key)
    except ValueError:
        known = ", ".join(sorted(d for d in sqlglot.Dialect.classes if d))
        raise SourceError(f"unknown SQL dialect {name!r}; known dialects: {known}") from None
    return key


def read_ddl(paths: Iterable[str | Path], dialect: str, progress: Progress | None = None) -> Inventory:
    """The inventory the files declare; `progress` hears each statement read."""
    dialect = resolve_dialect(dialect)
    path_list = [Path(p) for p in paths]
    builder = InventoryBuilder(", ".join(str(p) for p in path_list), dialect,
                               DEFAULT_SCHEMA.get(dialect))
    for path in path_list:
        text, note = read_text(path)
        if note:
            builder.error("ddl", str(path), note)
        split = split_statements(text, dialect)
        for err in split.errors:
            builder.error("ddl", f"{path}:{err.line}", err.message)
        statements = progress.each(split.statements, _line(path)) if progress else split.statements
        for stmt in statements:
            _read_statement(stmt, str(path), dialect, builder)
    return builder.build()


def _line(path: Path) -> Callable[[Statement], str]:
    return lambda stmt: f"{path.name}:{stmt.line}"


def _read_statement(stmt: Statement, file: str, dialect: str, builder: InventoryBuilder) -> None:
    loc = SourceLocation(file=file, line=stmt.line)
    if not _INTERESTING.match(stmt.text):
        builder.inventory.statements_skipped += 1
        return
    builder.inventory.statements_read += 1
    try:
        node = sqlglot.parse_one(stmt.text, read=dialect)
    except (ParseError, TokenError) as err:
        _unparsed(stmt, loc, _describe(err, stmt), builder, dialect)
        return
    except Exception as err:
        _unparsed(stmt, loc, f"sqlglot failed ({type(err).__name__})", builder, dialect)
        return
    problem = _dispatch(node, stmt.text, builder, dialect, loc)
    if problem:
        builder.error("ddl", loc, problem)


def _dispatch(node: exp.Expr, text: str, builder: InventoryBuilder, dialect: str,
              loc: SourceLocation) -> str | None:
    if isinstance(node, exp.Create):
        kind = str(node.args.get("kind") or "").upper()
        target = node.this.this if isinstance(node.this, exp.Schema) else node.this
        unnamed = isinstance(target, exp.Table) and not target.name
        if kind in {"TABLE", "VIEW", "MATERIALIZED VIEW"} and unnamed:
            return f"CREATE {kind} without a name"  # found by the fuzzer: CREATE TABLE ''
        if kind == "TABLE":
            head = _CREATE_TABLE_HEAD.match(text)
            if head and head.group("virtual"):
                return _tolerant_table(text, loc, builder, kind="virtual", note=None)
            tables.create_table(node, builder, dialect, loc)
        elif kind in {"VIEW", "MATERIALIZED VIEW"} or "VIEW" in kind:
            tables.create_view(node, builder, loc, dialect)
        return None
    if isinstance(node, exp.Alter):
        return None if tables.alter_table(node, builder, dialect, loc) else \
            f"ALTER TABLE on unknown table {node.this.sql(dialect=dialect)}"
    if isinstance(node, exp.Comment):
        return tables.comment_on(node, builder)
    if isinstance(node, (exp.Grant, exp.Revoke)):
        spec = access.spec_from_ast(node)
        return access.apply_grant(spec, builder, loc) if spec else None
    if isinstance(node, exp.Command):
        return _command(text, builder, loc)
    return None


def _command(text: str, builder: InventoryBuilder, loc: SourceLocation) -> str | None:
    """Statements sqlglot keeps as opaque text: roles, memberships, policies, RLS, wide grants."""
    head = text.lstrip()[:12].upper()
    if head.startswith(("GRANT", "REVOKE")):
        spec = access.spec_from_text(text)
        if spec is not None:
            return access.apply_grant(spec, builder, loc)
        access.apply_membership(text, builder, loc)
        return None
    if head.startswith("CREATE"):
        if access.apply_create_role(text, builder, loc):
            return None
        result = access.apply_policy(text, builder, loc)
        if result is not False:
            return result if isinstance(result, str) else None
        if _CREATE_TABLE_HEAD.match(text):
            return _tolerant_table(text, loc, builder, kind="table", note=None)
        return None
    if head.startswith("ALTER"):
        defaults = access.apply_default_privileges(text, builder, loc)
        if defaults is not False:
            return defaults if isinstance(defaults, str) else None
        result = access.apply_rls(text, builder)
        return result if isinstance(result, str) else None  # False: not RLS; None: applied
    return None


def _describe(err: Exception, stmt: Statement) -> str:
    if isinstance(err, ParseError) and err.errors:
        first = err.errors[0]
        line = stmt.line + int(first.get("line") or 1) - 1
        return f"line {line}, column {first.get('col')}: {_ANSI.sub('', str(first.get('description')))}"
    return _ANSI.sub("", str(err)).splitlines()[0][:200]


def _unparsed(stmt: Statement, loc: SourceLocation, reason: str, builder: InventoryBuilder,
              dialect: str) -> None:
    if _CREATE_TABLE_HEAD.match(stmt.text):
        _tolerant_table(stmt.text, loc, builder, kind="table",
                        note=f"sqlglot could not parse it ({reason}); columns read by the "
                             "tolerant reader", code="ddl_tolerant", reason=reason)
        return
    builder.error("ddl", loc, f"statement not parsed ({dialect}): {reason}", "ddl_not_parsed",
                  dialect=dialect, reason=reason)


def _tolerant_table(text: str, loc: SourceLocation, builder: InventoryBuilder, kind: str,
                    note: str | None, code: str | None = None, reason: str = "") -> str | None:
    """Read a CREATE TABLE's column names (and types) without a full parse."""
    m = _CREATE_TABLE_HEAD.match(text)
    if m is None:
        return "CREATE TABLE not understood"
    parts = [access.unquote(p) for p in re.findall(r'"[^"]+"|`[^`]+`|\[[^\]]+\]|[^.\s]+',
                                                   m.group("name"))]
    body_start = m.end()
    depth, end = 1, len(text)
    for i in range(body_start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            end = i
            break
    table = Table(schema_name=parts[-2] if len(parts) > 1 else None, name=parts[-1], kind=kind,
                  location=loc)
    for item in access.split_top_level(text[body_start:end]):
        if not item or _NOT_A_COLUMN.match(item):
            continue
        tok = re.match(r'("[^"]+"|`[^`]+`|\[[^\]]+\]|[^\s(]+)\s*(.*)$', item, re.DOTALL)
        if tok:
            ctype = tok.group(2).split()[0] if tok.group(2).split() else None
            table.columns.append(Column(name=access.unquote(tok.group(1)), type=ctype,
                                        nullable="NOT NULL" not in tok.group(2).upper(),
                                        location=loc))
    builder.add_table(table)
    if note:
        builder.error("ddl", loc, f"table {table.name}: {note}", code, table=table.name, reason=reason)
    return None
