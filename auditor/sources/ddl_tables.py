"""CREATE TABLE / CREATE VIEW / ALTER TABLE / COMMENT ON, from sqlglot trees to inventory models."""

from __future__ import annotations

import re

from sqlglot import exp

from auditor.models.inventory import Column, ForeignKey, SourceLocation, Table
from auditor.sources.builder import InventoryBuilder


def table_ref(node: exp.Expression) -> tuple[str | None, str]:
    """(schema, name) of a sqlglot Table node."""
    table = node.this if isinstance(node, exp.Schema) else node
    schema = table.args.get("db")
    return (schema.name if schema is not None else None), table.name


def _type_sql(col: exp.ColumnDef, dialect: str) -> str | None:
    kind = col.args.get("kind")
    return kind.sql(dialect=dialect) if kind is not None else None


def _reference(ref: exp.Reference, columns: list[str]) -> ForeignKey:
    target = ref.this
    schema, name = table_ref(target)
    ref_cols = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else []
    on_delete = None
    for opt in ref.args.get("options") or []:
        text = opt if isinstance(opt, str) else opt.sql()
        m = re.match(r"ON DELETE (.+)", text, re.IGNORECASE)
        if m:
            on_delete = m.group(1).upper()
    return ForeignKey(columns=columns, ref_schema=schema, ref_table=name, ref_columns=ref_cols,
                      on_delete=on_delete)


def column_from_def(node: exp.ColumnDef, dialect: str, loc: SourceLocation,
                    table: Table) -> Column:
    col = Column(name=node.name, type=_type_sql(node, dialect), location=loc)
    for constraint in node.args.get("constraints") or []:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
            col.nullable = False
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            col.primary_key = True
            col.nullable = False
            if col.name not in table.primary_key:
                table.primary_key.append(col.name)
        elif isinstance(kind, exp.DefaultColumnConstraint):
            col.default = kind.this.sql(dialect=dialect) if kind.this is not None else None
        elif isinstance(kind, exp.CommentColumnConstraint):
            col.comment = kind.this.name if kind.this is not None else None
        elif isinstance(kind, exp.Reference):
            table.foreign_keys.append(_reference(kind, [col.name]))
    return col


def _table_constraint(node: exp.Expression, table: Table) -> None:
    """Table-level PRIMARY KEY / FOREIGN KEY, bare or inside CONSTRAINT name …"""
    parts = node.expressions if isinstance(node, exp.Constraint) else [node]
    for part in parts:
        if isinstance(part, exp.PrimaryKey):
            names = [e.name for e in part.expressions]
            table.primary_key = names
            for name in names:
                col = table.column(name)
                if col is not None:
                    col.primary_key = True
                    col.nullable = False
        elif isinstance(part, exp.ForeignKey):
            ref = part.args.get("reference")
            if isinstance(ref, exp.Reference):
                table.foreign_keys.append(_reference(ref, [e.name for e in part.expressions]))


def _table_comment(create: exp.Create) -> str | None:
    props = create.args.get("properties")
    for prop in props.expressions if props is not None else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            return str(prop.this.name)
    return None


def create_table(create: exp.Create, builder: InventoryBuilder, dialect: str,
                 loc: SourceLocation) -> Table:
    schema, name = table_ref(create.this)
    table = Table(schema_name=schema, name=name, comment=_table_comment(create), location=loc)
    body = create.this
    if isinstance(body, exp.Schema):
        for node in body.expressions:
            if isinstance(node, exp.ColumnDef):
                table.columns.append(column_from_def(node, dialect, loc, table))
        for node in body.expressions:
            if not isinstance(node, exp.ColumnDef):
                _table_constraint(node, table)
    query = create.args.get("expression")
    if isinstance(query, exp.Query):  # CREATE TABLE … AS SELECT
        table.columns = _projection_columns(query, builder, loc)
    builder.add_table(table)
    return table


def _projection_columns(query: exp.Query, builder: InventoryBuilder,
                        loc: SourceLocation) -> list[Column]:
    """Columns a SELECT exposes, each with a comment naming where it comes from."""
    columns: list[Column] = []
    aliases = {t.alias_or_name.lower(): t for t in query.find_all(exp.Table)}
    for proj in query.selects:
        if isinstance(proj, exp.Star) or (isinstance(proj, exp.Column)
                                          and isinstance(proj.this, exp.Star)):
            qualifier = proj.table if isinstance(proj, exp.Column) else ""
            sources = [aliases[qualifier.lower()]] if qualifier else list(aliases.values())
            for src in sources:
                schema, name = table_ref(src)
                known = builder.table(schema, name)
                for col in known.columns if known else []:
                    columns.append(Column(name=col.name, type=col.type, location=loc,
                                          comment=f"{known.name}.{col.name}" if known else None))
            continue
        name = proj.alias_or_name
        if not name:
            continue
        origin = proj.unalias() if isinstance(proj, exp.Alias) else proj
        source = None
        if isinstance(origin, exp.Column) and origin.table:
            src_table = aliases.get(origin.table.lower())
            source = f"{src_table.name if src_table else origin.table}.{origin.name}"
        elif isinstance(origin, exp.Column) and len(aliases) == 1:
            source = f"{next(iter(aliases.values())).name}.{origin.name}"
        columns.append(Column(name=name, location=loc, comment=source))
    return columns


def create_view(create: exp.Create, builder: InventoryBuilder, loc: SourceLocation,
                dialect: str) -> None:
    schema, name = table_ref(create.this)
    query = create.args.get("expression")
    view = Table(schema_name=schema, name=name, kind="view", location=loc,
                 view_sql=query.sql(dialect=dialect) if query is not None else None)
    if isinstance(create.this, exp.Schema):  # CREATE VIEW v (a, b) AS …
        view.columns = [Column(name=e.name, location=loc) for e in create.this.expressions]
    elif isinstance(query, exp.Query):
        view.columns = _projection_columns(query, builder, loc)
    builder.add_table(view)


def alter_table(alter: exp.Alter, builder: InventoryBuilder, dialect: str,
                loc: SourceLocation) -> bool:
    """Apply ADD COLUMN / ADD CONSTRAINT. Returns False if the table is unknown."""
    schema, name = table_ref(alter.this)
    table = builder.table(schema, name)
    if table is None:
        return False
    for action in alter.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            builder.add_columns(table, [column_from_def(action, dialect, loc, table)])
        elif isinstance(action, exp.AddConstraint):
            for node in action.expressions:
                _table_constraint(node, table)
        elif isinstance(action, (exp.Constraint, exp.PrimaryKey, exp.ForeignKey)):
            _table_constraint(action, table)
    return True


def comment_on(comment: exp.Comment, builder: InventoryBuilder) -> str | None:
    """Apply COMMENT ON TABLE/COLUMN/VIEW. Returns an error message, or None."""
    kind = str(comment.args.get("kind") or "").upper()
    text_node = comment.expression
    text = text_node.name if isinstance(text_node, exp.Literal) else None
    target = comment.this
    if kind in {"TABLE", "VIEW", "MATERIALIZED VIEW"}:
        schema, name = table_ref(target)
        table = builder.table(schema, name)
        if table is None:
            return f"COMMENT ON {kind} {name}: unknown table"
        table.comment = text
    elif kind == "COLUMN" and isinstance(target, exp.Column):
        schema = target.args.get("db")
        table = builder.table(schema.name if schema is not None else None, target.table)
        column = table.column(target.name) if table else None
        if column is None:
            return f"COMMENT ON COLUMN {target.table}.{target.name}: unknown column"
        column.comment = text
    return None
