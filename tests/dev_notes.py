"""The notes detector on the development corpus of case notes (tests/fixtures/dev/notes/),
written and labelled before the detector ran on it (rules in its LABELLING.md).

The corpus is split once by id: notes whose id ends in 0, 3 or 7 are the test split, whose scores
are reported but whose errors are never read; the others are the development split."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

NOTES = Path(__file__).with_name("fixtures") / "dev" / "notes"
TEST_DIGITS = ("0", "3", "7")
CATEGORIES = ["special.health", "special.religion", "special.ethnic_origin", "special.political_opinion",
              "special.trade_union", "special.sex_life", "offences", "offences.violence", "residence_status",
              "identity.nir", "financial.bank_account", "contact.phone", "contact.email"]
SENSITIVE = [c for c in CATEGORIES if not c.startswith(("identity.", "financial.", "contact."))]


@dataclass
class Note:
    id: str
    text: str
    labels: set[str]
    third_party: set[str]

    @property
    def split(self) -> str:
        return "test" if self.id.endswith(TEST_DIGITS) else "dev"


TUNED = ("A", "B", "C")  # the batches the lexicon was tuned on (their development split); D: not yet


def load_notes(split: str | None = None, batches: tuple[str, ...] = TUNED) -> list[Note]:
    notes = []
    for path in sorted(p for p in NOTES.glob("notes-*.yaml") if p.stem.removeprefix("notes-") in batches):
        for n in yaml.safe_load(path.read_text(encoding="utf-8"))["notes"]:
            note = Note(n["id"], n["text"], set(n.get("labels") or []), set(n.get("third_party") or []))
            if split is None or note.split == split:
                notes.append(note)
    return notes


@dataclass
class NoteScores:
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*CATEGORIES, "any"], 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*CATEGORIES, "any"], 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*CATEGORIES, "any"], 0))
    errors: list[str] = field(default_factory=list)
    notes: int = 0

    def add(self, note: Note, got: set[str]) -> None:
        self.notes += 1
        got = {c for c in got if c in CATEGORIES}
        for c in CATEGORIES:
            if c in got and c in note.labels:
                self.tp[c] += 1
            elif c in got:
                self.fp[c] += 1
                self.errors.append(f"{note.id} false positive {c}: {note.text!r}")
            elif c in note.labels:
                self.fn[c] += 1
                self.errors.append(f"{note.id} missed {c}: {note.text!r}")
        sensitive_got, sensitive_gold = bool(got & set(SENSITIVE)), bool(note.labels & set(SENSITIVE))
        key = "any"
        if sensitive_got and sensitive_gold:
            self.tp[key] += 1
        elif sensitive_got:
            self.fp[key] += 1
        elif sensitive_gold:
            self.fn[key] += 1

    def precision(self, c: str) -> float:
        return self.tp[c] / (self.tp[c] + self.fp[c]) if self.tp[c] + self.fp[c] else 1.0

    def recall(self, c: str) -> float:
        return self.tp[c] / (self.tp[c] + self.fn[c]) if self.tp[c] + self.fn[c] else 1.0

    def f1(self, c: str) -> float:
        p, r = self.precision(c), self.recall(c)
        return 2 * p * r / (p + r) if p + r else 0.0

    def support(self, c: str) -> int:
        return self.tp[c] + self.fn[c]


def detect(texts: list[str]) -> list[set[str]]:
    """The detector as an audit runs it: the notes in DuckDB, flagged there."""
    import duckdb

    from auditor.classify.free_text import load_lexicon
    from auditor.profiles import load_taxonomy
    from auditor.sources.free_text_scan import flag_rows

    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE s (i INTEGER, note VARCHAR)")
    con.executemany("INSERT INTO s VALUES (?, ?)", list(enumerate(texts)))
    flags = flag_rows(con, "(SELECT note FROM s ORDER BY i)", "note", load_lexicon(load_taxonomy()))
    con.close()
    return flags


def score(split: str | None, batches: tuple[str, ...] = TUNED) -> NoteScores:
    notes = load_notes(split, batches)
    result = NoteScores()
    for note, got in zip(notes, detect([n.text for n in notes]), strict=True):
        result.add(note, got)
    return result


if __name__ == "__main__":
    import sys

    for split in ("dev", "test"):
        s = score(split)
        print(f"-- {split} split: {s.notes} notes")
        for c in ["any", *CATEGORIES]:
            print(f"{c:28} support {s.support(c):4}  P {s.precision(c):.3f}  R {s.recall(c):.3f}  F1 {s.f1(c):.3f}")
        if split == "dev" and "-v" in sys.argv:
            for e in s.errors:
                print("   ", e)
