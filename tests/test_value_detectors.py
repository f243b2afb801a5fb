"""Value detectors on sample data: validated identifiers (not just the right shape), birth dates
told from other dates, hashes told from clear text, deterministic sampling, counts only."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from auditor.classify.columns import classify
from auditor.classify.detectors import load_detectors
from auditor.classify.validators import VALIDATORS
from auditor.classify.vocabulary import load_vocabulary
from auditor.profiles import load_taxonomy
from auditor.reporters.evidence_text import EvidenceText
from auditor.sources.ddl_reader import read_ddl
from auditor.sources.sample_values import profile_values
from auditor.sources.samples import count_samples

AS_OF = dt.date(2026, 11, 1)
TAXONOMY = load_taxonomy()
DETECTORS = load_detectors(TAXONOMY)


def nir_with_key(body: str) -> str:
    """A 15-character NIR: the 13-character body and its key (97 - body mod 97; 2A=19, 2B=18)."""
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - numeric % 97:02d}"


def luhn_complete(prefix: str) -> str:
    for digit in "0123456789":
        if VALIDATORS["luhn"](prefix + digit):
            return prefix + digit
    raise AssertionError(prefix)


NIRS = [nir_with_key(b) for b in ("1850578006084", "2930275120005", "1770799123456", "18505" "2A" "006084",
                                  "28812" "2B" "123456", "1690135012345", "2010259350123", "1450744109012")]
SPACED = [f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}" for n in NIRS]
BAD_KEYS = [n[:13] + f"{(int(n[13:]) + 1) % 97:02d}" for n in NIRS]

COLUMNS = {
    "nir": NIRS,
    "num_secu_espaces": SPACED,
    "numero_dossier": BAD_KEYS,                                 # right shape, wrong key: not a NIR
    "siret_employeur": ["73282932000074", "55208131766522", "44306184100047", "35600000000048",
                        "55210055400013", "54205118000066", "38012986643097", luhn_complete("3273794670002")],
    "rib": ["FR76 3000 6000 0112 3456 7890 189", "FR7630004000031234567890143", "DE89370400440532013000",
            "FR1420041010050500013M02606", "GB29NWBK60161331926819", "FR7610107001011234567890129",
            "FR7630001007941234567890185", "NL91ABNA0417164300"],
    "carte": [luhn_complete(p) for p in ("497010123456789", "513000000000000", "400000000000000",
                                         "222100000000000", "601100000000000", "471000000000000",
                                         "550000000000000", "424242424242424")],
    "contact1": ["06 12 34 56 78", "+33 1 44 55 66 77", "07.81.22.33.44", "01 23 45 67 89", "+44 20 7946 0958",
                 "06-98-76-54-32", "04 72 00 00 00", "+33612345678"],
    "contact2": ["a.dupont@mail.example", "B@x.fr", "c.d@e.org", "x+y@z.net", "m@n.io", "p.q@r.com", "s@t.eu",
                 "u@v.fr"],
    "ip_origine": ["10.0.0.1", "192.168.1.254", "2001:db8::1", "fe80::1", "8.8.8.8", "172.16.0.3",
                   "::1", "127.0.0.1"],
    "cp": ["75011", "69003", "13001", "97400", "20000", "33000", "59000", "06000"],
    "valeur_test": ["00000", "99999", "96000", "00123", "98000", "99123", "96555", "00999"],
    "lat": ["48.856613", "45.764043", "43.296482", "-21.115141", "50.629250", "44.837789", "47.218371",
            "43.604652"],
    "pwd": ["$2b$12$" + "a" * 53, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "$2y$10$" + "B" * 53,
            "pbkdf2_sha256$260000$salt$hash=", "$6$rounds=5000$salt$hash", "$2a$08$" + "c" * 53,
            "$scrypt$ln=16,r=8,p=1$salt$hash", "$2b$12$" + "d" * 53],
    "pwd_clair": ["soleil2024", "motdepasse", "azerty", "Marie1985!", "chien", "123456", "bonjour", "secret"],
    "colonne_a": ["1985-05-12", "1942-11-30", "2001-01-01", "1967-07-14", "1999-12-31", "1950-03-03",
              "2015-06-06", "1978-08-08"],
    "cree_le": ["2024-05-12", "2025-11-30", "2026-01-01", "2023-07-14", "2024-12-31", "2025-03-03",
                "2026-06-06", "2022-08-08"],
    "libelle": ["CDAS Nord", "aide au loyer", "conjoint", "enfant", "BNPAFRPP", "secours", "énergie", "loyer"],
}


@pytest.fixture(scope="module")
def classified(tmp_path_factory):
    root = tmp_path_factory.mktemp("values")
    (root / "schema.sql").write_text(
        "CREATE TABLE dossier (" + ", ".join(f"{c} varchar(80)" for c in COLUMNS) + ");", encoding="utf-8")
    (root / "samples").mkdir()
    with open(root / "samples" / "dossier.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(COLUMNS))
        writer.writerows(zip(*COLUMNS.values(), strict=True))
    inventory = read_ddl([root / "schema.sql"], "postgres")
    samples = count_samples(root / "samples", inventory)
    values = profile_values(samples, inventory, DETECTORS, AS_OF)
    again = profile_values(samples, inventory, DETECTORS, AS_OF)
    columns = classify(inventory, TAXONOMY, load_vocabulary(TAXONOMY), detectors=DETECTORS, values=values)
    return {c.column: c for c in columns}, values, again


def test_generated_test_values_are_what_they_claim():
    assert all(VALIDATORS["nir"](n) for n in NIRS) and not any(VALIDATORS["nir"](n) for n in BAD_KEYS)
    assert all(VALIDATORS["luhn"](c) for c in COLUMNS["carte"])


@pytest.mark.parametrize("column, detector, share", [
    ("nir", "nir", 1.0), ("num_secu_espaces", "nir", 1.0), ("siret_employeur", "siret", 1.0),
    ("rib", "iban", 1.0), ("carte", "payment_card", 1.0), ("contact1", "phone", 1.0),
    ("contact2", "email", 1.0), ("ip_origine", "ipv4", 0.625), ("ip_origine", "ipv6", 0.375),
    ("cp", "postal_code_fr", 1.0), ("lat", "coordinate", 1.0), ("pwd", "password_hash", 1.0),
])
def test_detector_share(classified, column, detector, share):
    by_column, _, _ = classified
    assert by_column[column].value_matches[detector] == share


@pytest.mark.parametrize("column, categories", [
    ("nir", ["identity.nir"]),
    ("num_secu_espaces", ["identity.nir"]),
    ("numero_dossier", ["identity.case_number"]),       # from its name only: the keys are wrong
    ("siret_employeur", ["identity.case_number"]),
    ("rib", ["financial.bank_account"]),
    ("carte", ["financial.payment_card"]),
    ("contact1", ["contact.phone"]),
    ("contact2", ["contact.email"]),
    ("ip_origine", ["logs.ip_address"]),
    ("cp", ["contact.postal_code"]),
    ("valeur_test", []),               # five digits, but no French département
    ("lat", ["location"]),
    ("colonne_a", ["identity.birth_date"]),
    ("cree_le", []),
    ("libelle", []),
])
def test_columns_are_classified_from_their_values(classified, column, categories):
    by_column, _, _ = classified
    assert by_column[column].categories == categories, by_column[column].reasons


def test_invalid_keys_are_not_counted_as_nir(classified):
    _, values, _ = classified
    count = next(c for c in values.get("dossier", "numero_dossier").counts if c.detector.id == "nir")
    assert (count.matched, count.valid) == (8, 0)


def test_hashes_are_told_from_clear_text(classified):
    by_column, _, _ = classified
    assert (by_column["pwd"].hashed, by_column["pwd_clair"].hashed, by_column["cp"].hashed) == (True, False, False)


def test_reasons_give_counts_never_values(classified):
    by_column, _, _ = classified
    en, fr = EvidenceText("en"), EvidenceText("fr")
    assert [en.reason(r) for r in by_column["nir"].reasons] == [
        "name 'nir'", "values: 8 of 8 sampled values (100%) pass detector 'nir', nir check digits verified"]
    assert [fr.reason(r) for r in by_column["colonne_a"].reasons] == [
        "valeurs : 8 sur 8 valeurs d'échantillon sont des dates passées étalées sur 73 ans, âge médian 44 ans"]
    text = repr(by_column) + repr(classified[1])
    for column_values in COLUMNS.values():
        for value in column_values:
            if len(value) > 5:
                assert value not in text


def test_sampling_is_deterministic(classified):
    _, values, again = classified
    assert values == again


def test_large_sample_is_reservoir_sampled_the_same_way_twice(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (telephone text);", encoding="utf-8")
    (tmp_path / "s").mkdir()
    rows = "\n".join(f"06{i:08d}" if i % 3 else f"x{i}" for i in range(30_000))
    (tmp_path / "s" / "t.csv").write_text("telephone\n" + rows + "\n", encoding="utf-8")
    inventory = read_ddl([tmp_path / "schema.sql"], "postgres")
    samples = count_samples(tmp_path / "s", inventory)
    first = profile_values(samples, inventory, DETECTORS, AS_OF, sample_rows=1000)
    second = profile_values(samples, inventory, DETECTORS, AS_OF, sample_rows=1000)
    assert first.get("t", "telephone").sampled == 1000
    assert first == second
    phone = next(c for c in first.get("t", "telephone").counts if c.detector.id == "phone")
    assert 600 <= phone.matched <= 730  # two thirds of the rows are phone-shaped


def test_detector_file_errors_name_the_line(tmp_path):
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    text = (data_dir("rules") / "classification" / "value_detectors.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "value_detectors.yaml"
    bad.write_text(text.replace("validator: siret", "validator: sirett", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_detectors(TAXONOMY, Path(bad))
    line = text.splitlines().index("    validator: siret") + 1
    assert str(err.value).startswith(f"{bad}:{line}: detectors.1.validator: unknown validator 'sirett'")
