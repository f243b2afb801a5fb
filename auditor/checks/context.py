"""What every check reads: the settings, the catalogue, the rules, the classified columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from auditor.config import Settings
from auditor.models.classification import ColumnClassification
from auditor.models.findings import AccessRow, Finding, Reference, RetentionStatus
from auditor.models.inventory import Inventory, Policy
from auditor.models.profile import Fact, Profile, Purpose
from auditor.models.table_index import TableIndex
from auditor.profiles import Catalogue
from auditor.progress import Progress
from auditor.ruleset import RuleSet
from auditor.sources.query_runner import QueryRunner
from auditor.sources.samples import SampleCounts


@dataclass
class AuditContext:
    settings: Settings
    catalogue: Catalogue
    rules: RuleSet
    purposes: dict[str, list[str]]  # profile id -> declared purposes
    columns: list[ColumnClassification]
    samples: SampleCounts | None = None
    lang: str = "fr"
    findings: list[Finding] = field(default_factory=list)
    inventory: Inventory | None = None
    query: QueryRunner | None = None  # where checks that count rows run their SQL
    retention: list[RetentionStatus] = field(default_factory=list)  # filled by the retention check
    access: list[AccessRow] = field(default_factory=list)  # the access matrix, filled by the access check
    progress: Progress | None = None  # told the tables done by the checks that go table by table

    @cached_property
    def table_index(self) -> TableIndex:
        """The inventory's tables by name, indexed once for every check."""
        return TableIndex(self.inventory.tables if self.inventory is not None else [])

    @cached_property
    def read_policies(self) -> dict[str, list[Policy]]:
        """Qualified table name -> the policies that limit the rows read from it: an application's row
        filters, and database policies where the table's row level security is on. Indexed once."""
        by_table: dict[str, list[Policy]] = {}
        for policy in self.inventory.policies if self.inventory is not None else []:
            table = self.table_index.find(policy.table, policy.schema_name)
            if table is None or policy.command.upper() not in {"ALL", "SELECT"}:
                continue
            if policy.source or table.row_level_security:
                by_table.setdefault(table.qualified_name, []).append(policy)
        return by_table

    def limited_for(self, role: str, table: str) -> list[str]:
        """The policies that limit what `role` reads of `table` (its own, or PUBLIC's)."""
        who = {role.lower(), "public"}
        return [p.name for p in self.read_policies.get(table, []) if who & {r.lower() for r in p.roles}]

    @cached_property
    def _columns_by_table(self) -> dict[str, list[ColumnClassification]]:
        by_table: dict[str, list[ColumnClassification]] = {}
        for col in self.columns:
            by_table.setdefault(col.table, []).append(col)
        return by_table

    def columns_of(self, table: str) -> list[ColumnClassification]:
        """The classified columns of one table (qualified name), in inventory order."""
        return self._columns_by_table.get(table, [])

    def profiles(self) -> list[Profile]:
        return [self.catalogue.get(pid) for pid in self.purposes]

    def table_purposes(self, table: str, profile: Profile) -> list[Purpose] | None:
        """The profile's purposes this table serves (the table's own, from the config, or all the
        declared ones); None when the config ties the table to other profiles' purposes only."""
        declared = self.purposes[profile.id]
        short = table.rsplit(".", 1)[-1]
        for key in (table, short):
            tsettings = self.settings.tables.get(key)
            if tsettings is not None and tsettings.purposes is not None:
                declared = [p for p in tsettings.purposes if p in declared]
                if tsettings.purposes and not declared:
                    return None
                break
        return [p for p in profile.purposes if p.id in declared]


def fact_references(profile: Profile, facts: list[Fact], lang: str) -> list[Reference]:
    """The profile's text, then the clause each fact comes from as the profile quotes it (in
    French, the language of the texts the built-in profiles cite), with how it was verified."""
    refs = [Reference(label=profile.source.reference.get(lang), url=profile.source.url)]
    seen = set()
    for fact in facts:
        if fact.source not in seen:
            seen.add(fact.source)
            refs.append(Reference(label=fact.source, lang="fr", verification=fact.verification.value))
    return refs
