"""Classify every column of an inventory from its name, comment, declared type, its table and,
when rows were read, its sampled values.

A name is read as lemmas (tokens.py) and matched against concepts (concepts.py) in its context:
the column's declared type and its table (whose data subject, and whether it is about people at
all: an organisation, a place, a reference list or a setting is not). Each signal gives a
category a confidence; signals for the same category combine as independent evidence
(1 - Π(1 - c)). Every category comes with the reasons that led there, as data, so that a DPO can
check the classification rather than trust it. Config overrides win.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.classify.concepts import Context, Hit
from auditor.classify.detectors import Detectors
from auditor.classify.identifiers import normalise_identifier
from auditor.classify.tokens import Lexicon, Reading, split_identifier
from auditor.classify.values import Signal, hashed, value_matches, value_signals
from auditor.classify.vocabulary import Vocabulary
from auditor.models.classification import ColumnClassification, Reason
from auditor.models.inventory import Column, Inventory, Table
from auditor.models.profile import Sensitivity
from auditor.models.values import ColumnValues, ValueProfile
from auditor.profiles import Taxonomy

COMMENT_CONFIDENCE = 0.7
TABLE_CONFIDENCE = 0.7
TYPE_CONFIDENCE = 0.7
PROSE_CONFIDENCE = 0.6   # a long text column in a people table, whatever its name
THRESHOLD = 0.5
_ALWAYS_SENSITIVE = {Sensitivity.special, Sensitivity.offences}
# Categories a whole table can be about, which then every descriptive column of it holds
# (a `grossesse` table, a `condamnations` table, a `mesures_protection` table).
_LOG = frozenset({"log"})   # what a history of who did what is read as (a word of the group log_tables)
_TOPIC_CATEGORIES = ("special", "offences", "child_welfare", "legal_protection", "residence_status")

_TYPES = [  # first match wins: declared type -> class
    ("flag", re.compile(r"^\s*(BOOL|BOOLEAN|BIT\b|TINYINT\s*\(\s*1\s*\)|TINYINT\s*$)", re.IGNORECASE)),
    ("json", re.compile(r"\b(JSONB?|HSTORE)\b", re.IGNORECASE)),
    ("date", re.compile(r"^\s*(DATE|DATETIME\w*|TIMESTAMP\w*|SMALLDATETIME|TIMESTAMPTZ)\b", re.IGNORECASE)),
    ("binary", re.compile(r"(BYTEA|BLOB|BINARY|VARBINARY|IMAGE\b|RAW\b)", re.IGNORECASE)),
    ("inet", re.compile(r"^\s*(INET|CIDR)\b", re.IGNORECASE)),   # PostgreSQL's network addresses
    ("text", re.compile(r"(CHAR|TEXT|CLOB|STRING|XML|CITEXT|NAME\b|ENUM|SET\s*\()", re.IGNORECASE)),
    ("number", re.compile(r"(INT|SERIAL|NUMERIC|DECIMAL|FLOAT|DOUBLE|REAL|MONEY|NUMBER)", re.IGNORECASE)),
]
# Word groups of rules/classification/concepts.yaml the table and column logic below reads.
SETTINGS = "settings"          # a JSON column named for settings is not a person's document
LOOKUP = "lookup_columns"      # what a reference table holds besides its keys
LABELS = "labels"              # of which one at least names the rows
PERSON_COLUMNS = "person_columns"  # columns only a table of people has
ORG_COLUMNS = "org_columns"  # registration numbers: an organisation's, or a sole trader's (a SIRET)
ORG_ONLY = "org_only_columns"  # those only an organisation has (FINESS, RNA)
KEYS = "keys"
REFERENCE = "reference"  # words of a reference list's name (`ref_`, `types_`, `nomenclature`)
SETTINGS_TABLES = "settings_tables"  # what a settings table's name says it is: a report, a block
DISPLAY_COLUMNS = "display_columns"  # parts of what an application shows or sends: a settings table's
HISTORY = "history"            # a table named for a history: a log only when it traces actions
TRACES = "traces"              # the columns of a history that make it a log of who did what
REFS = "references"            # with a person word: a reference to a person's row
QUANTITIES = "quantities"      # a count or a bound (`max_number_of_contacts`), not a reference
OWN_NAMES = "own_names"        # a column that names the table's own rows
STATES = "states"              # bookkeeping of a row's state, not its content
FLAG_WORDS = "flag_words"      # a name starting with one declares a yes/no value (`top_handicap`)
KINDS = "kinds"                # a table named for a kind of value is a code list (`contact_type`)
AGENCIES = "agencies"          # organisations that hold people's files (CAF, France Travail)
STATISTICS = "statistics"      # a table of counts about people holds nobody's row
_TEXT_TYPE = re.compile(r"^\s*\w*(TEXT|CLOB)\b", re.IGNORECASE)
PROSE_SHARE = 0.4
_PROSE = re.compile(r"^\s*\w*(TEXT|CLOB)\b|\(\s*(\d{4,}|[3-9]\d\d|2[5-9]\d)\s*\)|\bMAX\b", re.IGNORECASE)
_LENGTH = re.compile(r"\(\s*(\d+)\s*(?:CHAR|BYTE)?\s*\)", re.IGNORECASE)


def type_class(declared: str | None) -> str:
    """text | date | flag | number | json | binary | inet | other | unknown (no declared type)."""
    if not declared:
        return "unknown"
    for name, pattern in _TYPES:
        if pattern.search(declared):
            return name
    return "other"


def is_prose(declared: str | None) -> bool:
    """A declared type that holds sentences, not a code: TEXT, CLOB, a string of 250 characters or
    more (or no declared type: nothing says otherwise)."""
    return not declared or (type_class(declared) == "text" and bool(_PROSE.search(declared)))


def declared_length(declared: str | None) -> int | None:
    """The length a string type declares (`VARCHAR(9)`: 9); None for any other type or none."""
    if type_class(declared) != "text":
        return None
    found = _LENGTH.search(declared or "")
    return int(found.group(1)) if found else None


def _matches(pattern: str, name: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


@dataclass
class TableView:
    """What the classifier knows of a table before reading its columns."""

    table: Table
    key: str                          # normalised name without technical or product prefixes
    reading: Reading
    subject: str | None = None        # None: no natural person (organisation, place, reference…)
    how: str = "unknown"              # what said the subject: config, name, lookup, none-by-name, unknown
    names_people: bool = False        # has columns only people have (first name, birth date, civility)
    confirmed: bool = False           # known to be about people: its name, its columns or its keys say so
    thing_rows: bool = False          # rows of a thing that names them (a document's, a subject's `name`)
    person_columns: bool = False      # has a column only people have (its own, not an organisation's contact)
    person_qualifiers: frozenset[str] | None = None  # words beside a first name (found once, when needed)
    topics: list[Hit] = field(default_factory=list)
    column_prefix: str | None = None
    traces_actions: bool = False      # a history of who did what (`historique (action, ip)`): an access log

    @property
    def lemmas(self) -> frozenset[str]:
        return self.reading.lemma_set | _LOG if self.traces_actions else self.reading.lemma_set


class Classifier:
    """Reads an inventory's tables once, then classifies their columns."""

    def __init__(self, inventory: Inventory, taxonomy: Taxonomy, vocab: Vocabulary,
                 overrides: dict[str, list[str]] | None = None, subjects: dict[str, str] | None = None,
                 detectors: Detectors | None = None, values: ValueProfile | None = None) -> None:
        self.inventory, self.taxonomy, self.vocab = inventory, taxonomy, vocab
        self.overrides = overrides or {}
        self.subject_overrides = subjects or {}
        self.detectors, self.values = detectors, values
        self.product = schema_prefix(inventory)
        self._by_name = {t.name.lower(): t.qualified_name for t in inventory.tables}
        self._tables_by_lemmas: dict[frozenset[str], list[str]] | None = None  # built when first needed
        self.views = self._views()
        self.text_says_prose = text_says_prose(inventory)
        # words that make a TEXT column something other than what people type: once, not per column
        self._not_prose = frozenset().union(*(self.group(g) for g in (
            "meta", "file", SETTINGS, "schema_words", LOOKUP, "org", "place")))

    def group(self, name: str) -> frozenset[str]:
        return self.vocab.concepts.group(name)

    # -- tables ------------------------------------------------------------------------------
    def _views(self) -> dict[str, TableView]:
        lex = self.vocab.lexicon
        views = {}
        for table in self.inventory.tables:
            key = table_key(table, self.vocab, self.product)
            view = views[table.qualified_name] = TableView(table, key, lex.read(key))
            view.person_columns = self._has_person_columns(view)
            # a history of the file's states is the person's data over time; a history of who did what
            # (an action, an operation, an IP address among its columns) is an access log
            view.traces_actions = bool(view.reading.lemma_set & self.group(HISTORY)) and any(
                lex.read(c.name).lemma_set & self.group(TRACES) for c in table.columns)
        targets = {fk.ref_table.lower() for t in self.inventory.tables for fk in t.foreign_keys}
        named = {q: self._named_subject(v, targets) for q, v in views.items()}
        by_name = {t.name.lower(): t.qualified_name for t in self.inventory.tables}
        first = dict(named)  # read from the names alone: the order of the tables does not matter
        for qname, view in views.items():
            if first[qname][1] == "unknown" and self._maps_lists(view, first, by_name):
                named[qname] = ("none", "reference")
        default = self.vocab.default_subject
        for qname, view in views.items():
            subject, how = named[qname]
            view.how = how
            if how in {"unknown", "none-by-name", "reference"}:
                # a key naming a role played on the row (`referent_id`, `auteur_id`) says who
                # handles it, not whom it is about: it does not pass that person's subject on
                roles = self.group("role_words")
                targets_of = {named.get(by_name.get(fk.ref_table.lower(), ""), ("?", "unknown"))
                              for fk in view.table.foreign_keys
                              if not any(lex.read(c).lemma_set & roles for c in fk.columns)}
                fk_subjects = {default if h == "unknown" else s for s, h in targets_of}
                people = fk_subjects - {"none"}
                view.names_people = view.person_columns
                if how == "unknown":
                    subject = people.pop() if len(people) == 1 else default
            view.subject = None if subject == "none" else subject
            view.column_prefix = column_prefix(view.table, view.key, lex)
        self._confirm(views, by_name)
        person_tables = self.vocab.concepts.group("person_tables")
        for view in views.values():
            view.topics = self._topics(view)
            # `pieces_jointes.name`, `sujets.name`: a table of things (no person word at either end of
            # its name, where French and English put the head noun; no subject rule names it for
            # people) that names its rows, with no column only a person's row has
            known = [w.lemma for w in view.reading.words if w.known]
            named_for_people = view.how in {"config", "name"} and view.subject is not None
            view.thing_rows = (bool(known) and not named_for_people
                               and not {known[0], known[-1]} & person_tables
                               and self._names_itself(view) and not view.person_columns)
        return views

    def _confirm(self, views: dict[str, TableView], by_name: dict[str, str]) -> None:
        """Which tables are known to be about people. Seeds: named for them by the config or the
        subject rules, named with a person word, or holding columns only people have. Then what
        a person's row points to, transitively (`personnes.foyer_id`: the household, whose
        `dossier_id` is the case), and every table that points to one of those, transitively
        (contracts, addresses, notes of the person or of the household). Never through
        organisations or reference lists (subject none).
        Two walks of the key graph: linear in the number of keys."""
        person = self.vocab.concepts.group("person_tables")
        targets: dict[str, list[str]] = {q: [] for q in views}
        sources: dict[str, list[str]] = {q: [] for q in views}
        bookkeeping = self.vocab.concepts.group("tech_time") | {"by"}
        lex = self.vocab.lexicon
        for qname, view in views.items():
            for fk in view.table.foreign_keys:
                target = by_name.get(fk.ref_table.lower())
                # `created_id`, `modified_by`: who wrote the row, not whom it is about
                if any(lex.read(c).lemma_set & bookkeeping for c in fk.columns):
                    continue
                if target is not None and target != qname:
                    targets[qname].append(target)
                    sources[target].append(qname)

        def usable(q: str) -> bool:
            return views[q].subject is not None

        seeds = [q for q, v in views.items() if v.subject is not None and (
            v.how in {"config", "name"} or v.lemmas & person or v.names_people or self._refers_to_person(v))]
        for q in seeds:
            views[q].confirmed = True

        def walk(start: list[str], edges: dict[str, list[str]], through: Callable[[str], bool]) -> list[str]:
            seen, queue = set(start), [q for q in start if usable(q)]
            while queue:
                current = queue.pop()
                for other in edges[current]:
                    if other not in seen and through(other):
                        seen.add(other)
                        queue.append(other)
            return list(seen)

        # up: what a person's row points to, unless it names its own rows: a teller, a charge, a
        # product or a ledger account a row points to is a thing, not a person's file
        ancestors = walk(seeds, targets, lambda q: usable(q) and not self._names_itself(views[q]))
        for q in walk(ancestors, sources, usable):
            views[q].confirmed = True
        # a table the graph does not reach is still taken to be about the service's people unless
        # it names its own rows (`name`, `libelle`, `title`): then it is a thing (a commission, a
        # catalogue entry, a setting) and its `adresse` or `description` are not a person's
        for view in views.values():
            if not view.confirmed and view.subject is not None and not self._names_itself(view):
                view.confirmed = True

    def _named_subject(self, view: TableView, targets: set[str]) -> tuple[str, str]:
        """(subject, how): from the config, the name rules, a lookup table's shape, or the words
        of the name (an organisation, a place, a setting); ("?", "unknown") when none says."""
        table = view.table
        for pattern, subject in self.subject_overrides.items():
            if _matches(pattern, table.qualified_name) or _matches(pattern, table.name):
                return subject, "config"
        for subject, regex in self.vocab.subjects:
            if regex.match(view.key):
                return subject, "none-by-name" if subject == "none" else "name"
        if self._is_lookup(view, targets):
            return "none", "lookup"
        if self._is_organisation(view):
            return "none", "organisation"
        if self._is_settings(view):
            return "none", "settings"
        if self._lists_establishments(view):
            return "none", "organisation"
        return self._subject_from_words(view)

    def _lists_establishments(self, view: TableView) -> bool:
        """A table named for a kind of establishment alone (`ecole`, `hopitaux`), with no column only a
        person's row has and no key to a person: a list of establishments (`hospital_admissions`,
        `ecole_inscriptions` are about the people admitted or enrolled)."""
        lemmas = {w.lemma for w in view.reading.words if w.known}
        return bool(lemmas) and lemmas <= self.group("establishment_kinds") and not view.person_columns \
            and not self._refers_to_person(view, undeclared=True)

    def _is_settings(self, view: TableView) -> bool:
        """What the application shows or sends, set up by its administrators (a report's or a page
        block's intro text, header and footer, a schedule's template): a table whose name says it is one,
        with three columns or more that are parts of a display, no column only a person's row has, no
        key to a person."""
        lex, display = self.vocab.lexicon, self.group(DISPLAY_COLUMNS)
        if not view.reading.lemma_set & self.group(SETTINGS_TABLES):
            return False  # an invitation, a mail queue, a CV: people's data laid out
        parts = sum(1 for c in view.table.columns if lex.read(c.name).lemma_set & display)
        return parts >= 3 and not view.person_columns and not self._refers_to_person(view, undeclared=True)

    def _subject_from_words(self, view: TableView) -> tuple[str, str]:
        """(subject, how) from the words of a table's name: statistics, a kind of value, an
        organisation, a place or a setting are no one's; ("?", "unknown") when none says."""
        groups = self.vocab.concepts
        lemmas = [w.lemma for w in view.reading.words if w.known]
        if not lemmas:
            return "?", "unknown"
        person = groups.group("person")
        reference = groups.group("reference")
        if lemmas[0] in self.group(STATISTICS):
            # `statistiques_beneficiaires`, `stat_integration`: counts about people. The head noun
            # only: `export_statistique` is an export (of people's rows, for statistics)
            return "none", "none-by-name"
        if lemmas[0] in self.group(KINDS) or lemmas[-1] in self.group(KINDS):
            # named for a kind of value, at either end (French puts the head noun first, English
            # last): `types_usagers`, `motifs_contacts`, `contact_type`, `participant_status_type`
            return "none", "reference"
        if not set(lemmas) & person:
            places = groups.group("org") | groups.group("place")
            not_people = places | groups.group("schema_words") | reference
            ends = {lemmas[0], lemmas[-1]}
            last = lemmas[-1] in not_people and lemmas[-1] not in self.group(AGENCIES)
            if (ends & reference or lemmas[0] in not_people or last) and not ends & places \
                    and self._refers_to_person(view, undeclared=True):
                # `room_tags.user_id`, `event_reports.user_id` (no declared key: the key graph
                # cannot say it): rows a person wrote or set, named after what they are, are theirs
                return "?", "unknown"
            if ends & reference:
                return "none", "reference"
            if lemmas[0] in not_people or last:
                return "none", "none-by-name"
        elif lemmas[0] in groups.group("org") and set(lemmas) & person <= groups.group("role_words"):
            # French puts the head noun first: `structures_referentes`, `services_instructeurs`,
            # `organismes_payeurs` are organisations that play a role, not people
            return "none", "none-by-name"
        return "?", "unknown"

    def _is_lookup(self, view: TableView, targets: set[str]) -> bool:
        """A reference list: a few columns besides its keys, all of them labels, codes, orders
        or flags, with a label or code among them (or, for a list named by its `name` alone, other
        tables pointing to it)."""
        table = view.table
        if len(table.columns) == 1:  # an enum table (Hasura, Postgres): its one column is the value
            return self.vocab.lexicon.read(table.columns[0].name).lemma_set <= self.group(LOOKUP) \
                and table.name.lower() in targets
        if len(table.columns) > 8:
            return False
        fk_cols = {c.lower() for fk in table.foreign_keys for c in fk.columns}
        lex = self.vocab.lexicon
        descriptive = []
        for col in table.columns:
            reading = lex.read(col.name)
            lemmas = reading.lemma_set
            if col.primary_key or col.name.lower() in fk_cols or lemmas & self.group(KEYS):
                continue
            if self._declares_flag(col.name, reading):
                continue  # `isautre`, `has_detail`: how the list shows an entry
            if not lemmas <= self.group(LOOKUP):
                return False
            descriptive.append(lemmas)
        if not descriptive or self._refers_to_person(view):
            return False  # `civicrm_im (contact_id, name, is_primary)`: rows of a person, not a list
        if any(lemmas & self.group(LABELS) for lemmas in descriptive):
            return True
        return table.name.lower() in targets and not view.lemmas & self.vocab.concepts.group("person")

    def _maps_lists(self, view: TableView, named: dict[str, tuple[str, str]],
                    by_name: dict[str, str]) -> bool:
        """A table that only pairs entries of code lists (`piecesaides_typesaides`: which documents
        each kind of aid asks for): every key points to a list, and nothing else is said."""
        table, lex = view.table, self.vocab.lexicon
        if not table.foreign_keys:
            return False
        for fk in table.foreign_keys:
            target = by_name.get(fk.ref_table.lower())
            if target is None or named[target][1] not in {"lookup", "reference"}:
                return False
        fk_cols = {c.lower() for fk in table.foreign_keys for c in fk.columns}
        plain = self.group(KEYS) | self.group(STATES) | self.group("meta") | self.group("tech_time")
        return all(col.primary_key or col.name.lower() in fk_cols or lex.read(col.name).lemma_set <= plain
                   for col in table.columns)

    def _names_itself(self, view: TableView) -> bool:
        lex = self.vocab.lexicon
        own = self.group(OWN_NAMES)
        return any(lex.read(c.name).lemma_set <= own | self.group(STATES) and lex.read(c.name).lemma_set & own
                   for c in view.table.columns)

    def _refers_to_person(self, view: TableView, undeclared: bool = False) -> bool:
        """A column that names a person's key (`usagerRef`, `user_id`, `personUUID`), declared as a
        foreign key or not (`undeclared`: not): the rows are about, or by, that person."""
        person = self.vocab.concepts.group("person")
        lex = self.vocab.lexicon
        fk_cols = {c.lower() for fk in view.table.foreign_keys for c in fk.columns} if undeclared else set()
        # a key into the table itself (`parent_id` of an account, a category, a folder) links the
        # rows into a tree: a parent row, not a person's
        tree = {c.lower() for fk in view.table.foreign_keys for c in fk.columns
                if fk.ref_table.lower() == view.table.name.lower()}
        for col in view.table.columns:
            if col.name.lower() in fk_cols or col.name.lower() in tree:
                continue
            lemmas = lex.read(col.name).lemma_set
            if undeclared and not lemmas - self.group(REFS) <= person:
                continue  # only the person's key itself (`user_id`), not `participant_listing_id`
            if lemmas & person and lemmas & self.group(REFS) and len(lemmas) <= 3 \
                    and not self._counts(lemmas):
                return True
        return False

    def _counts(self, lemmas: frozenset[str]) -> bool:
        """A count of people (`nb_contacts`) or a bound on one (`max_number_of_contacts`): `number`
        with a bound is a count, not a person's number; a bound alone is not (`default_contact_id`)."""
        counts = self.group(QUANTITIES) & {"count", "total", "nombre"}
        return bool(lemmas & counts or (lemmas & self.group(QUANTITIES) and "number" in lemmas))

    def _is_organisation(self, view: TableView) -> bool:
        """An organisation's rows (`tis`: a court, its address and phone), whatever the table's name
        says: a registration number with an organisation's word in the table's name or in a column
        naming it (`etablissement`, `raison_sociale`), or an association's or an establishment's number
        (RNA, FINESS) alone (a business number alone may be a sole trader's: `independants (nom,
        siret, telephone)`); and no column only people have, no person word in the name, no person's key."""
        lex, named = self.vocab.lexicon, self.group("org") | {"company_name"}
        readings = [lex.read(c.name).lemma_set for c in view.table.columns]
        if not any(lemmas & self.group(ORG_COLUMNS) for lemmas in readings):
            return False
        said = bool(view.lemmas & named) or any(
            lemmas & self.group(ORG_ONLY) or (lemmas & named and lemmas <= named | self.group(OWN_NAMES))
            for lemmas in readings)
        return (said and not view.person_columns and not view.lemmas & self.group("person")
                and not self._refers_to_person(view))

    def _person_qualifiers(self, view: TableView) -> frozenset[str]:
        """The words beside a first name in a table's columns (`prenomsuivi`: suivi), which name the
        person the table's other columns with that word are about."""
        if view.person_qualifiers is None:
            lex, own = self.vocab.lexicon, self.group(PERSON_COLUMNS)
            plain = own | self.group(OWN_NAMES) | self.group(KEYS) | self.group("meta")
            found: set[str] = set()
            for col in view.table.columns:
                lemmas = lex.read(col.name).lemma_set
                if lemmas & own:
                    found |= lemmas - plain
            view.person_qualifiers = frozenset(found)
        return view.person_qualifiers

    def _has_person_columns(self, view: TableView) -> bool:
        lex = self.vocab.lexicon
        return any(lex.read(c.name).lemma_set & self.group(PERSON_COLUMNS) for c in view.table.columns)

    def _topics(self, view: TableView) -> list[Hit]:
        if view.subject is None:
            return []
        hits = self.vocab.concepts.match(view.reading, Context("unknown", view.subject, view.lemmas, True))
        return [h for h in hits if h.concept.category.startswith(_TOPIC_CATEGORIES)]

    # -- columns -----------------------------------------------------------------------------
    def classify(self) -> list[ColumnClassification]:
        results = []
        for table in self.inventory.tables:
            view = self.views[table.qualified_name]
            for col in table.columns:
                col_values = self.values.get(table.qualified_name, col.name) if self.values else None
                results.append(self.column(view, col, col_values))
        return results

    def column(self, view: TableView, col: Column,
               values: ColumnValues | None = None) -> ColumnClassification:
        table = view.table
        result = ColumnClassification(table=table.qualified_name, column=col.name, type=col.type,
                                      subject=view.subject, confidence=0.0, location=col.location)
        if values is not None and self.detectors is not None:
            result.values_sampled = values.sampled
            result.value_matches = value_matches(values)
            result.hashed = hashed(values, self.detectors)
        for pattern, categories in self.overrides.items():
            if _matches(pattern, result.target) or _matches(pattern, f"{table.name}.{col.name}"):
                result.categories = list(categories)
                result.confidence = 1.0
                result.reasons = [Reason(source="override", category=c, confidence=1.0, subject=pattern)
                                  for c in categories]
                return result
        signals = self._signals(view, col)
        if self.detectors is not None:
            signals += value_signals(values, self.detectors)
        strong = {s.category for s in signals if s.strong}
        if strong:  # a whole-name or value match wins over partial matches of other categories
            signals = [s for s in signals if s.category in strong
                       or self.taxonomy.sensitivity(s.category) in _ALWAYS_SENSITIVE]
        combined: dict[str, float] = defaultdict(float)
        reasons: dict[str, list[Reason]] = defaultdict(list)
        for s in signals:
            combined[s.category] = 1 - (1 - combined[s.category]) * (1 - s.confidence)
            reasons[s.category].append(s.reason)
        kept = sorted((c for c, v in combined.items() if v >= THRESHOLD), key=lambda c: (-combined[c], c))
        kept = [c for c in kept if not any(k != c and self.taxonomy.covers(c, k) for k in kept)]
        result.categories = kept
        result.confidence = round(max((combined[c] for c in kept), default=0.0), 2)
        result.reasons = [r for c in kept for r in reasons[c]]
        return result

    def _signals(self, view: TableView, col: Column) -> list[Signal]:
        """Signals from the column's name (read whole, then without a prefix shared by the table's
        columns), its comment, its type, and the table it belongs to."""
        if view.how == "settings":
            return []  # what the application shows or sends: its administrators' texts, its rules
        lex, concepts = self.vocab.lexicon, self.vocab.concepts
        reading, kind = self._read(view, col)
        context = Context(kind, view.subject, view.lemmas, view.confirmed, is_prose(col.type),
                          declared_length(col.type), view.thing_rows, view.person_columns,
                          self._is_coded(view, col))
        only: tuple[str, ...] | None = None
        prefix = view.column_prefix
        norm = normalise_identifier(col.name)
        # `usr_nom` in t_usr: the prefix abbreviates the table; the name says the rest
        stripped = lex.read(norm[len(prefix) + 1:]) \
            if prefix and norm.startswith(prefix + "_") and len(norm) > len(prefix) + 1 else None
        if view.subject is None:
            # the prefix is no person word (`PRE_ADR1` in T_PRESTATAIRE: not a first name's)
            person = self._named_in_organisation(view, stripped or reading, kind)
            if person is None:
                return []  # an organisation's phone, a reference list's label: nobody's data
            context, only = dataclasses.replace(context, person_table=True), person
        if self._links_to_entity(view, col):
            return []  # a plain link to another row of the application, not a coded value
        if stripped is not None:
            hits = concepts.match(stripped, context)
            if hits:
                reading = stripped
            else:
                hits = concepts.match(reading, context)
        else:
            hits = concepts.match(reading, context)
        if only:
            hits = [h for h in hits if h.concept.category.startswith(only)]
        signals = [Signal(h.concept.category, h.confidence,
                          Reason(source="name", category=h.concept.category, confidence=h.confidence,
                                 subject=col.name, words=list(h.words), partial=not h.whole),
                          strong=h.whole) for h in hits]
        # the name as written: a key's `id` stays a meta word even when a code list's key is read
        # without it
        meta = bool(lex.read(col.name).lemma_set & (concepts.group("meta") | concepts.group("tech_time")))
        if col.comment and not col.primary_key:  # a row's own key: its comment names the rows
            for h in concepts.match(lex.read_text(col.comment), context, text=True):
                if meta and h.concept.rule.kind != "attribute":
                    continue  # `location_type_id` "Which location does this email belong to": not the e-mail
                if kind == "date" and h.concept.rule.kind == "attribute" \
                        and not h.concept.category.startswith(_TOPIC_CATEGORIES):
                    continue  # a date's comment names what it dates (« date the relationship started »),
                    # a situation of the person only when it is sensitive (« date du diagnostic »)
                signals.append(Signal(h.concept.category, COMMENT_CONFIDENCE,
                                      Reason(source="comment", category=h.concept.category,
                                             confidence=COMMENT_CONFIDENCE, words=list(h.words)),
                                      strong=False))
        signals += self._type_signals(view, col, reading, kind, bool(hits))
        # what people typed in a table about health or offences holds it too (`medicalfile.encrypted`)
        named = {h.concept.category for h in hits if h.whole} - {"free_text"}
        if view.topics and not named and self._descriptive(col, reading, view):
            for h in view.topics:
                signals.append(Signal(h.concept.category, TABLE_CONFIDENCE,
                                      Reason(source="table", category=h.concept.category,
                                             confidence=TABLE_CONFIDENCE, subject=view.table.name,
                                             words=list(h.words)), strong=False))
        return signals

    def _named_in_organisation(self, view: TableView, reading: Reading,
                               kind: str) -> tuple[str, ...] | None:
        """In a table of no natural person, whether a column is a named person's, and which of its
        categories are theirs (None: nobody's; empty: all)."""
        concepts = self.vocab.concepts
        if (reading.lemma_set & concepts.group("named_person") and kind in {"text", "unknown", "json"}
                and not reading.lemma_set & concepts.group("meta")):
            # the column names the person an organisation's row is about (its `president`, the
            # `adresse_directeur`): what it holds is that person's
            return ()
        if not view.names_people:
            return None
        # an organisation's table that names a person (its contact, by first name): the name and
        # e-mail are that person's, the address and phone the organisation's, unless the column
        # carries the word that qualifies the person's name (`nomsuivi`, `prenomsuivi`: `numtelsuivi`
        # is the follow-up adviser's phone)
        return () if reading.lemma_set & self._person_qualifiers(view) else ("identity", "contact.email")

    def _read(self, view: TableView, col: Column) -> tuple[Reading, str]:
        """The column's name read as lemmas, and its type class, as the name corrects them."""
        reading, kind = self.vocab.lexicon.read(col.name), type_class(col.type)
        if self._fk_target(view, col) is not False:
            # a key into a code list (`typeorient_id` -> typesorients): the person's coded value;
            # the name without its key words says what is coded
            keys = self.group(KEYS)
            reading = Reading(tuple(w for w in reading.words if w.lemma not in keys))
        if kind in {"text", "number", "unknown"} and self._declares_flag(col.name, reading):
            kind = "flag"
        return reading, kind

    def _fk_target(self, view: TableView, col: Column) -> TableView | bool | None:
        """The view a foreign-key column points to; None when it points outside the inventory,
        False when the column is no foreign key. A key the schema does not declare (MyISAM, dumps
        without constraints) is known by its name: a key word and the name of one table of the
        inventory (`id_grossesse` in `grossesse`, its own; `id_ecole` beside a table `ecole`)."""
        low = col.name.lower()
        for fk in view.table.foreign_keys:
            if low in (c.lower() for c in fk.columns):
                target = self._by_name.get(fk.ref_table.lower())
                return None if target is None else self.views[target]
        return self._named_key_target(view, col)

    def _named_key_target(self, view: TableView, col: Column) -> TableView | bool:
        keys = self.group(KEYS)
        lemmas = self.vocab.lexicon.read(col.name).lemma_set
        rest = lemmas - keys
        if rest == lemmas or not rest:
            return False
        if self._tables_by_lemmas is None:
            by_lemmas: dict[frozenset[str], list[str]] = defaultdict(list)
            for qname, v in self.views.items():
                by_lemmas[v.reading.lemma_set].append(qname)
            self._tables_by_lemmas = by_lemmas
        found = self._tables_by_lemmas.get(rest, [])
        # a number or a UUID points to a row; a text key may be what names the person (Matrix's
        # `user_id` '@name:server', a login)
        surrogate = type_class(col.type) == "number" or "uuid" in (col.type or "").lower()
        if view.table.qualified_name in found and (col.primary_key or surrogate):
            return view  # the row's own key, named after its table
        if len(found) != 1 or not surrogate:
            return False
        target = self.views[found[0]]
        # a link to a person's or an establishment's row; a key to any other table may be a code of a list
        # the schema does not say is one (`religion_id` -> `religions (id, name)`): read by its name
        people = target.subject is not None and (target.how in {"name", "config"} or target.person_columns)
        return target if people or target.how == "organisation" else False

    def _is_coded(self, view: TableView, col: Column) -> bool:
        """A foreign-key column pointing to a reference list: its value is a code of that list."""
        target = self._fk_target(view, col)
        if not isinstance(target, TableView):
            return False
        # a list by its shape, or by its name (`ref_vaccin`)
        return target.how in {"lookup", "reference"} or (
            target.how == "none-by-name" and bool(target.reading.lemma_set & self.group(REFERENCE)))

    def _links_to_entity(self, view: TableView, col: Column) -> bool:
        """A foreign-key column pointing to a table that is not a reference list."""
        return self._fk_target(view, col) is not False and not self._is_coded(view, col)

    def _declares_flag(self, name: str, reading: Reading) -> bool:
        """`top_handicap`, `topsansdomfixe` (CAF flows), `is_active`, `has_children`: a yes/no value
        whatever the declared type (a CHAR(1) 'O'/'N')."""
        flags = self.group(FLAG_WORDS)
        pieces = split_identifier(name)
        if not pieces:
            return False
        first_word = reading.words[0].lemma if reading.words else None
        if pieces[0] in flags or (first_word in flags and len(reading.words) > 1):
            return True
        lex = self.vocab.lexicon
        first = lex.read(pieces[0]).words
        if len(first) == 1 and first[0].known and first[0].text == pieces[0]:
            return False  # a word of its own: `topic`, `island`, `hash`
        for flag in flags:  # glued: `isautre`, `hasrevenu`, `toppersdrodevorsa`
            rest = lex.read(pieces[0][len(flag):]).words if pieces[0].startswith(flag) else ()
            if rest and rest[0].known and pieces[0][len(flag):].startswith(rest[0].text):
                return True
        return False

    def _type_signals(self, view: TableView, col: Column, reading: Reading, kind: str,
                      named: bool) -> list[Signal]:
        """What the declared type alone says: a JSON document or a TEXT typed by people is free text,
        a network-address type an IP address."""
        declared = (col.type or "").split("(")[0].lower()

        def typed(category: str, confidence: float, strong: bool = False) -> Signal:
            reason = Reason(source="type", category=category, confidence=confidence, subject=declared)
            return Signal(category, confidence, reason, strong=strong)

        out = []
        if kind == "json" and not reading.lemma_set & self.group(SETTINGS):
            out.append(typed("free_text", TYPE_CONFIDENCE))
        if kind == "inet" and not col.primary_key:  # whose address it is, the table says
            out.append(typed("logs.ip_address", TYPE_CONFIDENCE, strong=True))
        if not named and self._typed_prose(view, col, reading, kind):
            out.append(typed("free_text", PROSE_CONFIDENCE))
        return out

    def _typed_prose(self, view: TableView, col: Column, reading: Reading, kind: str) -> bool:
        """A column declared TEXT (or CLOB) in a table known to be about people, in a schema whose other
        strings have a length, and whose name says nothing of its content: whatever the people who
        fill it type. (A long VARCHAR is not enough: schemas give organisations' names and places 250.)"""
        if kind != "text" or not self.text_says_prose or not _TEXT_TYPE.search(col.type or "") \
                or view.subject is None or not view.confirmed:
            return False
        if not self._descriptive(col, reading, view):
            return False
        return not reading.lemma_set & self._not_prose

    def _descriptive(self, col: Column, reading: Reading, view: TableView) -> bool:
        """A column that says something of the table's topic: not a key, not bookkeeping."""
        lemmas = reading.lemma_set
        fk_cols = {c.lower() for fk in view.table.foreign_keys for c in fk.columns}
        if col.primary_key or col.name.lower() in fk_cols or lemmas & self.group(KEYS) or not lemmas:
            return False
        return not (lemmas & self.vocab.concepts.group("tech_time") or lemmas <= self.group(STATES))


def text_says_prose(inventory: Inventory) -> bool:
    """Whether TEXT is a choice in this schema: most of its string columns have a declared length.
    Where TEXT is every string's type (SQLite, many PostgreSQL schemas), it says nothing."""
    strings = [c.type for t in inventory.tables for c in t.columns if type_class(c.type) == "text"]
    unbounded = sum(1 for s in strings if _TEXT_TYPE.search(s or ""))
    return bool(strings) and unbounded <= PROSE_SHARE * len(strings)


def schema_prefix(inventory: Inventory) -> str | None:
    """A first token most table names share (civicrm_, m_ in fineract): a product prefix."""
    names = [normalise_identifier(t.name) for t in inventory.tables]
    firsts = Counter(n.split("_", 1)[0] for n in names if "_" in n)
    if len(inventory.tables) >= 5 and firsts:
        token, count = firsts.most_common(1)[0]  # one pass: linear in the number of tables
        if count >= 0.8 * len(inventory.tables):
            return token
    return None


def table_key(table: Table, vocab: Vocabulary, prefix: str | None = None) -> str:
    """The normalised table name without a technical or product prefix (tbl_client, m_client,
    civicrm_contact -> client, client, contact)."""
    norm = normalise_identifier(table.name)
    if prefix and norm.startswith(prefix + "_"):
        norm = norm[len(prefix) + 1:]
    if vocab.table_prefixes is not None:
        m = vocab.table_prefixes.match(norm)
        if m and m.end() < len(norm):
            return norm[m.end() + 1:]
    return norm


def column_prefix(table: Table, key: str, lexicon: Lexicon | None = None) -> str | None:
    """A token most columns start with that abbreviates the table (`usr_nom`, `usr_tel` in
    t_usr; `cli_nom` in tbl_client), stripped before matching column names. A word of the lexicon is
    the table's abbreviation only when it means what the table's name means (`cnx` in T_CONNEXION; not
    `ip` in `impressions`, nor `caf` in `contrat_famille`)."""
    names = [normalise_identifier(c.name) for c in table.columns]
    firsts = Counter(n.split("_", 1)[0] for n in names if "_" in n)
    if len(names) >= 3 and firsts:
        token, count = firsts.most_common(1)[0]
        if count >= 0.6 * len(names) and (key.startswith(token[:3]) or (
                _abbreviates(token, key) and _means_the_table(token, key, lexicon))):
            return token
    return None


def _means_the_table(token: str, key: str, lexicon: Lexicon | None) -> bool:
    if lexicon is None:
        return True
    words = lexicon.read(token).words
    if not (len(words) == 1 and words[0].known):
        return True  # no word of its own: an abbreviation of the table's name
    return words[0].lemma in lexicon.read(key).lemma_set


def _abbreviates(token: str, key: str) -> bool:
    """`cmm` for commission_membre, `pce` for pch_element: the token's letters, in order, starting
    with the table's first letter."""
    letters = iter(key.replace("_", ""))
    return 2 <= len(token) <= 5 and token.isalpha() and token[0] == key[:1] \
        and all(c in letters for c in token)


def classify(inventory: Inventory, taxonomy: Taxonomy, vocab: Vocabulary,
             overrides: dict[str, list[str]] | None = None,
             subjects: dict[str, str] | None = None, detectors: Detectors | None = None,
             values: ValueProfile | None = None) -> list[ColumnClassification]:
    """One ColumnClassification per column of every table and view, in inventory order."""
    return Classifier(inventory, taxonomy, vocab, overrides, subjects, detectors, values).classify()
