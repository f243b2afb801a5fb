"""The inventory: what a source says about a database, the same model for every source.

A DDL file, a SQLite file or a live PostgreSQL server all yield one `Inventory`, so that
classification, checks and reporters never know where the schema came from.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class SourceLocation(BaseModel):
    """Where an object was declared: a file and line for DDL, an object name for a live database."""

    file: str | None = Field(default=None, description="Path of the file, as given by the user")
    line: int | None = Field(default=None, description="1-based line of the statement's start")
    object: str | None = Field(default=None, description="Database object, for live sources")

    def __str__(self) -> str:
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.object or ""


class ForeignKey(BaseModel):
    columns: list[str]
    ref_schema: str | None = None
    ref_table: str
    ref_columns: list[str] = Field(default_factory=list)
    on_delete: str | None = None
    implied: bool = Field(default=False, description=(
        "Not declared: read from the names (`usager_id` -> usager.id) on an engine that declares no keys"))


class Column(BaseModel):
    name: str
    type: str | None = Field(default=None, description="Declared type, as written in the source")
    nullable: bool = True
    default: str | None = None
    comment: str | None = None
    primary_key: bool = False
    opaque: bool = Field(default=False, description=(
        "A type the auditor cannot compare (spatial, or unknown to it): its values are counted, never "
        "compared for distinct counts"))
    location: SourceLocation = Field(default_factory=SourceLocation)


# What each kind of object is to the audit. A partitioned table is one table: its partitions hold
# its rows and are named, never audited apart. A foreign table's rows live on another server.
TABLE_KINDS = ("table", "partitioned_table", "view", "materialized_view", "foreign_table", "virtual")
BASE_TABLE_KINDS = frozenset({"table", "partitioned_table"})  # where rows are kept and retained
STORED_KINDS = BASE_TABLE_KINDS | {"materialized_view"}  # whose rows are stored in this database
ROW_KINDS = STORED_KINDS | {"foreign_table"}  # whose rows can be counted and sampled


class Table(BaseModel):
    schema_name: str | None = Field(default=None, description="Schema (namespace) or None")
    name: str
    kind: str = Field(default="table", description=" | ".join(TABLE_KINDS))
    partitions: list[str] = Field(default_factory=list,
                                  description="Partitions of a partitioned table, audited as part of it")
    comment: str | None = None
    columns: list[Column] = Field(default_factory=list)
    primary_key: list[str] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    row_level_security: bool = False
    view_sql: str | None = Field(default=None, description="Definition of a view")
    location: SourceLocation = Field(default_factory=SourceLocation)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}" if self.schema_name else self.name

    @property
    def is_base_table(self) -> bool:
        """A table of its own (partitioned or not): not a view, a copy or another server's table."""
        return self.kind in BASE_TABLE_KINDS

    @property
    def stores_rows(self) -> bool:
        """Its rows are stored in this database: a table or a materialized view."""
        return self.kind in STORED_KINDS

    def column(self, name: str) -> Column | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)


class Role(BaseModel):
    name: str
    login: bool | None = Field(default=None, description="True for a user/login role; None if unknown")
    location: SourceLocation = Field(default_factory=SourceLocation)


class RoleMembership(BaseModel):
    """`member` inherits the privileges of `role` (GRANT role TO member)."""

    role: str
    member: str
    admin_option: bool = False
    location: SourceLocation = Field(default_factory=SourceLocation)


class Grant(BaseModel):
    """One privilege held by a grantee on a table, or on some columns of it."""

    grantee: str = Field(description="Role name, or PUBLIC")
    privilege: str = Field(description="SELECT, INSERT, UPDATE, DELETE, … or ALL")
    schema_name: str | None = None
    table: str
    columns: list[str] | None = Field(default=None, description="None: the whole table")
    grant_option: bool = False
    via: str | None = Field(default=None, description="e.g. 'ALL TABLES IN SCHEMA public'")
    source: str | None = Field(default=None, description=(
        "The application whose permission this is (Hasura); None: a database grant"))
    location: SourceLocation = Field(default_factory=SourceLocation)


class DefaultPrivilege(BaseModel):
    """A privilege that tables created later will carry (ALTER DEFAULT PRIVILEGES, pg_default_acl):
    not a grant on any existing table yet, but on every future one of `creator` in `schema_name`."""

    creator: str | None = Field(default=None,
                                description="Role whose new tables get it; None: the current one")
    schema_name: str | None = Field(default=None, description="None: in every schema")
    object_type: str = Field(default="TABLES", description="TABLES, SEQUENCES, FUNCTIONS, TYPES, SCHEMAS")
    grantee: str
    privilege: str
    grant_option: bool = False
    location: SourceLocation = Field(default_factory=SourceLocation)


class Policy(BaseModel):
    """A row-level security policy."""

    name: str
    schema_name: str | None = None
    table: str
    command: str = "ALL"
    roles: list[str] = Field(default_factory=lambda: ["PUBLIC"])
    permissive: bool = True
    using: str | None = None
    with_check: str | None = None
    source: str | None = Field(default=None, description=(
        "The application whose row filter this is (Hasura); None: a database policy, which holds only where "
        "the table's row level security is on"))
    location: SourceLocation = Field(default_factory=SourceLocation)


class ReadError(BaseModel):
    """A statement, table or file that could not be read; the audit goes on without it."""

    source: str = Field(description="What was being read: 'ddl', 'samples', 'database'…")
    location: str = Field(description="file:line or object name")
    message: str = Field(description="In English, for logs; the reports put `code` into words when given")
    code: str | None = Field(default=None, description="The reporters' sentence for it (evidence.yaml)")
    values: dict[str, int | float | str | list[str]] = Field(default_factory=dict,
                                                             description="Its counts and names")


class Inventory(BaseModel):
    source: str = Field(description="What was read, e.g. the DDL file names or a masked URL")
    dialect: str | None = None
    tables: list[Table] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    memberships: list[RoleMembership] = Field(default_factory=list)
    grants: list[Grant] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    default_privileges: list[DefaultPrivilege] = Field(default_factory=list)
    errors: list[ReadError] = Field(default_factory=list)
    statements_read: int = 0
    statements_skipped: int = 0

    def find_table(self, name: str, schema: str | None = None) -> Table | None:
        low = name.lower()
        candidates = [t for t in self.tables if t.name.lower() == low]
        if schema is not None:
            exact = [t for t in candidates if (t.schema_name or "").lower() == schema.lower()]
            if exact:
                return exact[0]
        return candidates[0] if candidates else None
