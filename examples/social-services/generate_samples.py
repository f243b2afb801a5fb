"""Generate the example's sample CSV files (fake people, fixed seed: same files on every run).

    python examples/social-services/generate_samples.py

Every value is invented. NIRs are shaped like real ones (with a valid mod-97 key) but belong to
nobody: the auditor must never copy any of them into a report.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20261123
OUT = Path(__file__).with_name("samples")
AS_OF = dt.date(2026, 11, 1)
PRENOMS = ["Camille", "Léa", "Hugo", "Inès", "Louis", "Chloé", "Nathan", "Manon", "Yanis", "Sarah",
           "Lucas", "Jade", "Amine", "Zoé", "Théo", "Aïcha", "Jules", "Emma", "Mathis", "Lina"]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Benali", "Nguyen", "Diallo"]
VILLES = [("Rennes", "35000"), ("Brest", "29200"), ("Vannes", "56000"), ("Saint-Brieuc", "22000"),
          ("Lorient", "56100"), ("Quimper", "29000")]
SITUATIONS = ["célibataire", "marié(e)", "pacsé(e)", "divorcé(e)", "veuf(ve)"]
LOGEMENTS = ["locataire HLM", "locataire privé", "hébergé chez un tiers", "sans domicile", "CHRS"]
ACCOMPAGNEMENTS = ["accompagnement social global", "accompagnement budgétaire", "RSA – insertion",
                   "accès au logement"]
NOTES = ["Entretien de suivi : point sur les démarches administratives en cours.",
         "Rendez-vous pris avec la CAF pour la mise à jour du dossier.",
         "La personne souhaite être accompagnée dans sa recherche de logement.",
         "Point budgétaire : échéancier mis en place avec le bailleur.",
         "Pas de difficulté particulière signalée ce mois-ci."]


def nir(rng: random.Random, sex: str, birth: dt.date) -> str:
    body = f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}" \
           f"{rng.choice(['35', '29', '56', '22'])}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return body + f"{97 - int(body) % 97:02d}"


def iban(rng: random.Random) -> str:
    bban = f"30006{rng.randint(0, 99999):05d}{rng.randint(0, 10**11 - 1):011d}{rng.randint(0, 99):02d}"
    numeric = int(bban + "152700")  # "FR00" moved to the end, letters as numbers
    return f"FR{98 - numeric % 97:02d}{bban}"


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(OUT / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


EXACT_NATIONALITIES = ["algérienne", "portugaise", "malienne", "roumaine", "marocaine"]
# What social workers really write, now and then: the audit must find these in the notes.
SENSITIVE_NOTES = ["Évoque des violences conjugales, orientée vers l'association d'aide aux victimes.",
                   "Suivi au CMP pour une dépression, traitement antidépresseur en cours.",
                   "Pas de problème de santé signalé.",
                   "Sortie de prison en mars, suivi par le SPIP.",
                   "Mme Santé a rappelé pour son dossier logement.",
                   "NIR communiqué pour la CPAM : {nir}.",
                   "La famille est musulmane, rendez-vous décalés pendant le ramadan."]


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(exist_ok=True)
    agents = [[i, rng.choice(NOMS), rng.choice(PRENOMS), f"agent{i}@departement.example",
               "$2b$12$" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(53)),
               rng.choice(["CDAS Nord", "CDAS Sud"])] for i in range(1, 13)]
    write("agent", ["id", "nom", "prenom", "email", "mot_de_passe", "service"], agents)
    usagers, foyers, accs, entretiens, aides, journal = [], [], [], [], [], []
    for i in range(1, 401):
        sex = rng.choice("MF")
        birth = dt.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        _ville, cp = rng.choice(VILLES)
        last = AS_OF - dt.timedelta(days=rng.randint(0, 5 * 365))
        usagers.append([
            i, f"D{2020 + i % 6}-{i:05d}", rng.choice(NOMS), rng.choice(PRENOMS), birth, sex,
            rng.choice(VILLES)[0], rng.choice(["française", "française", "UE", "hors UE"]),
            nir(rng, sex, birth) if rng.random() < 0.8 else "", f"usager{i}@mail.example",
            f"06{rng.randint(0, 99999999):08d}", f"{rng.randint(1, 120)} rue des Lilas", cp,
            rng.choice(SITUATIONS), rng.randint(0, 4), rng.choice(LOGEMENTS),
            f"{rng.randint(0, 2200)}.00", iban(rng) if rng.random() < 0.6 else "",
            rng.choice(["true", "false", "false"]), "" if rng.random() < 0.9 else "non précisée",
            "" if rng.random() < 0.95 else "non renseignée", rng.choice(["false"] * 9 + ["true"]), "",
            "" if rng.random() < 0.7 else f"48.{rng.randint(0, 999999):06d}",
            "" if rng.random() < 0.7 else f"-1.{rng.randint(0, 999999):06d}",
            "" if rng.random() < 0.9 else f"caf-{rng.randint(10**6, 10**7 - 1)}",
            f"{last - dt.timedelta(days=rng.randint(30, 900))} 09:00:00", last])
        if i % 25 == 0:  # older records keep the exact nationality, finer than FR / UE / hors UE
            usagers[-1][7] = EXACT_NATIONALITIES[(i // 25) % len(EXACT_NATIONALITIES)]
        for _j in range(rng.randint(0, 3)):
            foyers.append([len(foyers) + 1, i, usagers[-1][2], rng.choice(PRENOMS),
                           dt.date(rng.randint(1950, 2024), rng.randint(1, 12), rng.randint(1, 28)),
                           rng.choice(["conjoint", "enfant", "parent"]), ""])
        start = last - dt.timedelta(days=rng.randint(60, 800))
        accs.append([i, i, rng.randint(1, 12), rng.choice(ACCOMPAGNEMENTS),
                     "Évaluation réalisée lors du premier accueil.", "Accès aux droits ; logement.",
                     start, last if rng.random() < 0.5 else ""])
        for _ in range(rng.randint(1, 4)):
            entretiens.append([len(entretiens) + 1, i, start + dt.timedelta(days=rng.randint(0, 60)),
                               rng.choice(NOTES)])
        if rng.random() < 0.3:
            aides.append([len(aides) + 1, i, f"{rng.randint(50, 800)}.00",
                          rng.choice(["secours d'urgence", "aide à l'énergie", "aide au loyer"]),
                          iban(rng), start + dt.timedelta(days=rng.randint(0, 90))])
        journal.append([i, rng.randint(1, 12), i, rng.choice(["lecture", "modification"]),
                        f"{last} 10:{rng.randint(0, 59):02d}:00",
                        f"10.0.{rng.randint(0, 9)}.{rng.randint(1, 254)}"])
    notes_rng = random.Random(SEED + 1)  # separate stream: the other samples stay as they were
    for k, row in enumerate(entretiens):
        if k % 50 == 7:
            text = SENSITIVE_NOTES[(k // 50) % len(SENSITIVE_NOTES)]
            birth = dt.date(notes_rng.randint(1950, 2000), notes_rng.randint(1, 12), 1)
            row[3] = text.format(nir=nir(notes_rng, notes_rng.choice("MF"), birth))
    write("usager", ["id", "numero_dossier", "nom", "prenom", "date_naissance", "sexe", "lieu_naissance",
                     "nationalite", "nir", "email", "telephone", "adresse", "code_postal",
                     "situation_familiale", "nombre_enfants", "logement", "revenus_mensuels", "iban",
                     "handicap", "religion", "origine_ethnique", "casier_judiciaire", "photo", "latitude",
                     "longitude", "mot_de_passe_caf", "date_creation", "date_dernier_contact"], usagers)
    write("membre_foyer", ["id", "usager_id", "nom", "prenom", "date_naissance", "lien_parente",
                           "profession"], foyers)
    write("accompagnement", ["id", "usager_id", "agent_id", "type_accompagnement", "evaluation_sociale",
                             "objectifs", "date_debut", "date_fin"], accs)
    write("entretien", ["id", "accompagnement_id", "date_entretien", "notes"], entretiens)
    write("aide_financiere", ["id", "usager_id", "montant", "motif_aide", "iban_beneficiaire",
                              "date_decision"], aides)
    write("journal_acces", ["id", "agent_id", "usager_id", "action", "date_acces", "adresse_ip"], journal)
    stats = [[k + 1, 2025, rng.choice(VILLES)[1], rng.choice(["18-25", "26-40", "41-60", "60+"]),
              nir(rng, "M", dt.date(1980, 1, 1)) if k % 10 == 0 else ""] for k in range(120)]
    write("export_statistique", ["id", "annee", "code_postal", "tranche_age", "nir"], stats)


if __name__ == "__main__":
    main()
