"""Case notes at any size for the notes benchmark, shaped like a case file's notes column.

    python -m bench.notes --rows 1000000 [--threads 2] [--workers 2]

A share `--written` of the notes (default 25 %) are notes of the development corpus
(tests/fixtures/dev/notes: varied real-life style, two thirds of them revealing something, the
rest hard negatives); the others are ordinary notes of case work (appointments, documents,
payments, calls), built from fragments that mention nothing sensitive. Each note gets a dossier
number so that no two are the same text. The scan is the one an audit runs: candidates kept by the
engine, read with qualifiers. Prints the scan's time, the engine's share alone, notes/s and peak
memory (one JSON line with --json).
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "dev" / "notes"

ORDINARY = {
    "when": ["RDV le {d}/{m}", "Appel du {d}/{m}", "VAD prévue le {d}/{m}", "Passage à l'accueil ce matin",
             "Entretien téléphonique", "Mail reçu ce jour", "Relance faite", "Point d'étape"],
    "what": ["dossier FSL complété", "demande de secours alimentaire transmise", "attestation CAF imprimée",
             "devis du déménageur reçu", "quittances de loyer à jour", "inscription à la cantine faite",
             "dossier de domiciliation renouvelé", "demande de logement social actualisée",
             "justificatif de domicile fourni", "facture EDF échelonnée avec le fournisseur",
             "aide au permis à présenter en commission", "carte de transport solidaire demandée",
             "CV mis à jour avec la conseillère", "bons alimentaires remis pour 15 jours",
             "avis d'imposition photocopié", "dossier de bourse des collèges envoyé",
             "abonnement internet résilié", "ouverture de compte à la Banque Postale accompagnée"],
    "next": ["Prochain RDV dans 15 jours.", "Rappeler lundi.", "Attente de la réponse de la commission.",
             "Pièces manquantes : RIB et quittance.", "Dossier complet.", "À revoir avec la référente.",
             "Pas de démarche supplémentaire pour l'instant.", "Courrier envoyé ce jour."],
}


def ordinary(rng: random.Random) -> str:
    when = rng.choice(ORDINARY["when"]).format(d=rng.randint(1, 28), m=rng.randint(1, 12))
    return f"{when} : {rng.choice(ORDINARY['what'])}. {rng.choice(ORDINARY['next'])}"


def corpus_notes() -> list[str]:
    """The notes of batches A, B and C (the mix every earlier run of this bench measured)."""
    return [n["text"] for path in sorted(CORPUS.glob("notes-[ABC].yaml"))
            for n in yaml.safe_load(path.read_text(encoding="utf-8"))["notes"]]


def build(con: duckdb.DuckDBPyConnection, rows: int, written: float = 0.25, seed: int = 11) -> None:
    """Table `notes_src(note)` with `rows` notes, built inside DuckDB from the two kinds."""
    rng = random.Random(seed)
    kinds = corpus_notes()
    plain = [ordinary(rng) for _ in range(500)]
    con.execute("CREATE TABLE k (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO k VALUES (?, ?)", list(enumerate(kinds)))
    con.execute("CREATE TABLE o (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO o VALUES (?, ?)", list(enumerate(plain)))
    share = int(written * 1000)
    con.execute(f"""CREATE TABLE notes_src AS
        SELECT CASE WHEN hash(r.range, {seed}) % 1000 < {share}
                    THEN (SELECT t FROM k WHERE i = hash(r.range) % {len(kinds)})
                    ELSE (SELECT t FROM o WHERE i = hash(r.range) % {len(plain)}) END
               || ' (dossier ' || r.range || ')' AS note
        FROM range({rows}) r""")


def measure(rows: int, written: float = 0.25, threads: int = 2, workers: int = 2) -> dict[str, object]:
    """Build `rows` notes, scan them as an audit does, then time the engine's share alone on the same
    notes (one pass of the candidate patterns, no reading): the floor no reader can go below. Returns
    the times, the reading's cost as the scan's time over that floor, and the peak RSS."""
    import sys

    sys.path.insert(0, str(ROOT))
    from auditor.classify.free_text import load_lexicon
    from auditor.profiles import load_taxonomy
    from auditor.sources.free_text_scan import scan_relation
    from bench.baselines import ceiling_sql

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}")
    build(con, rows, written)
    lexicon = load_lexicon(load_taxonomy())
    start = time.perf_counter()
    scan = scan_relation(con, "notes_src", "note", lexicon, workers=workers)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    con.execute(ceiling_sql("notes_src", lexicon, "note")).fetchall()
    floor = time.perf_counter() - start
    con.close()
    return {"rows": scan.rows, "candidates": scan.candidates, "written_share": written,
            "scan_s": round(elapsed, 2), "notes_per_s": round(scan.rows / elapsed),
            "engine_filter_s": round(floor, 2), "engine_stage_s": round(scan.engine_s, 2),
            "times_the_filter": round(elapsed / floor, 1), "threads": threads, "workers": workers,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "flagged": {m.category: m.rows for m in scan.matches}}


def main() -> None:
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--written", type=float, default=0.25)
    parser.add_argument("--json", action="store_true", help="Print the measures as one JSON line")
    args = parser.parse_args()
    result = measure(args.rows, args.written, args.threads, args.workers)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['rows']} notes, {result['candidates']} candidates, scanned in {result['scan_s']} s "
          f"({result['notes_per_s']:,} notes/s; the engine's patterns alone {result['engine_filter_s']} s), "
          f"{args.threads} threads, {args.workers} workers, peak RSS {result['peak_rss_mb']} MB")
    for category, rows in result["flagged"].items():
        print(f"  {category:28} {rows:>9} notes")


if __name__ == "__main__":
    main()
