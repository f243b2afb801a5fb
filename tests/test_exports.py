"""Exports for the tools DPOs already use, each from the same audit result and checked against the
format's own definition: the DPIA draft the CNIL's PIA software imports."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.cli import main
from auditor.models.findings import AuditResult
from auditor.reporters.pia_json import build
from tests.conftest import EXAMPLE, example_personal_values, leaked

# The PIA guide's questions (LINCnil/pia, src/assets/files/pia_architecture.json): context 111-113 and
# 121-123, fundamental principles 211-215 and 221-227
PIA_QUESTIONS = {111, 112, 113, 121, 122, 123, 211, 212, 213, 214, 215, 221, 222, 223, 224, 225, 226, 227}


def _import(data: dict) -> dict:
    """What the PIA software's importer reads of a file (pia.service.ts importData: it gives up
    without `pia` or, in the versions that check it, without `pia.dbVersion`; it parses the status as
    an integer, then walks the four lists, giving each measure a new id and following it in the
    evaluations `3.1.<id>`)."""
    assert "pia" in data and "dbVersion" in data["pia"], "import-wrong-pia-file"
    pia = data["pia"]
    imported = {"name": "(IMPORT) " + pia["name"], "status": int(pia["status"]),
                "author_name": pia["author_name"], "answers": {}, "measures": {}, "evaluations": [], "comments": []}
    for answer in data["answers"]:
        assert isinstance(answer["reference_to"], int) and answer["reference_to"] in PIA_QUESTIONS, answer
        assert set(answer["data"]) == {"text", "gauge", "list"}
        assert isinstance(answer["data"]["text"], str) and isinstance(answer["data"]["gauge"], int)
        imported["answers"][answer["reference_to"]] = answer["data"]["text"]
    new_ids = {}
    for number, measure in enumerate(data["measures"], start=1000):
        new_ids[measure["id"]] = number
        imported["measures"][number] = (measure["title"], measure["content"], measure["placeholder"])
    for evaluation in data["evaluations"]:
        ref = evaluation["reference_to"]
        if ref.startswith("3.1."):
            ref = f"3.1.{new_ids[int(ref[4:])]}"
        imported["evaluations"].append(ref)
    imported["comments"] = [c["reference_to"] for c in data["comments"]]
    return imported


def test_the_dpia_draft_imports_into_the_pia_software(tmp_path):
    out = tmp_path / "pia.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--pia", str(out),
                                       "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == ["pia", "answers", "measures", "evaluations", "comments"]
    imported = _import(data)
    assert imported["name"] == "(IMPORT) Dossier social départemental (exemple) — brouillon d'AIPD (gdpr-auditor)"
    assert imported["status"] == 0 and imported["evaluations"] == [] and imported["comments"] == []
    assert list(imported["answers"]) == [111, 113, 121, 122, 211, 212, 213, 215]
    answers = imported["answers"]
    assert answers[111].startswith("<p>Traitement étudié : Dossier social départemental (exemple). Audit de sa base "
                                   "de données par gdpr-auditor le 1 décembre 2026 : 9 tables et vues lues, 51 "
                                   "colonnes de données personnelles.</p><p>Une analyse d&#39;impact est requise")
    assert "<li><strong>Origine raciale ou ethnique</strong> : usager.origine_ethnique</li>" in answers[121]
    assert ("<li>usager : durée 2 ans depuis « Dernier contact émanant de la personne ou de son représentant » ; "
            "400 lignes comptées, dont 235 au-delà de la durée en base active</li>") in answers[122]
    assert "<strong>Accompagnement social et médico-social adapté aux difficultés rencontrées</strong>" in answers[211]
    assert "<li><strong>Instruire, gérer, ouvrir les droits et verser les prestations sociales légales et " \
           "facultatives (APA, ASH…)</strong> : Obligation légale</li>" in answers[212]
    assert "usager.origine_ethnique contient une donnée sensible « Origine raciale ou ethnique »" in answers[213]
    report = AuditResult.model_validate_json((tmp_path / "r.json").read_text(encoding="utf-8"))
    planned = [a for a in report.actions if a.kind.value in ("security", "access") and a.status != "waived"]
    assert [title for title, _, _ in imported["measures"].values()] == [
        "Donnée à chiffrer selon le profil, stockée lisible",
        "Un rôle peut lire des données que son destinataire ne doit pas connaître",
        "Un rôle peut lire des données que son destinataire ne doit pas connaître",
        "Données sensibles ou notes lisibles par un rôle comptable, administratif, statistique ou prestataire",
        "Données personnelles lisibles par tous les comptes (PUBLIC)",
        "Identifiants de comptes tiers ou jetons stockés en clair",
        "Droits d'écriture, ALL ou GRANT OPTION là où la lecture suffit",
        "Droits d'écriture, ALL ou GRANT OPTION là où la lecture suffit",
        "Un rôle statistique lit des données nominatives",
        "Un rôle peut lire des données que son destinataire ne doit pas connaître",
        "Donnée à chiffrer selon le profil, stockée lisible",
        "Donnée à chiffrer selon le profil, stockée lisible"]
    assert len(planned) == len(imported["measures"])
    assert leaked(example_personal_values(), text) == []  # names, counts and the profiles' texts only
    assert build(report) == data  # the same result gives the same file


def test_the_dpia_draft_in_english(tmp_path):
    out = tmp_path / "pia.json"
    CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--lang", "en", "--pia", str(out)])
    answers = _import(json.loads(out.read_text(encoding="utf-8")))["answers"]
    assert answers[111].startswith("<p>Processing studied: Dossier social départemental (exemple). Its database "
                                   "audited by gdpr-auditor on December 1, 2026: 9 tables and views read")
    assert "<li><strong>Racial or ethnic origin</strong>: usager.origine_ethnique</li>" in answers[121]


def test_the_record_of_processing_entry_in_the_cnil_model_fields(tmp_path):
    import csv

    import openpyxl

    sheet, table = tmp_path / "record.xlsx", tmp_path / "record.csv"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--record", str(table)])
    assert result.exit_code == 1, result.output
    CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--record", str(sheet)])
    with table.open(encoding="utf-8", newline="") as fh:
        rows = [tuple(r) for r in csv.reader(fh)]
    book = openpyxl.load_workbook(sheet)
    assert book.sheetnames == ["Fiche de registre"]
    assert [tuple(r) for r in book.active.iter_rows(values_only=True)] == rows  # one content, two formats
    fields = dict(rows)
    # the model's header, purposes and persons; what the audit cannot know is left to complete
    assert rows[0] == ("Rubrique", "Contenu")
    assert fields["Nom de l'activité de traitement"] == "Dossier social départemental (exemple)"
    assert fields["Responsable du traitement et délégué à la protection des données"] == "À compléter"
    assert fields["Transferts hors de l'Union européenne"] == "À compléter"
    assert fields["Catégories de personnes concernées"] == "Personne accompagnée; Personnel, agent; Proche, entourage"
    # the six data families, each with the retention of the tables that hold it
    assert [field for field, _ in rows if field.endswith(" : durée de conservation")] == [
        "Numéro de sécurité sociale (NIR) : durée de conservation",
        "État civil, identité, données d'identification, images : durée de conservation",
        "Informations d'ordre économique et financier : durée de conservation",
        "Données de connexion : durée de conservation", "Données de localisation : durée de conservation",
        "Vie personnelle (habitudes de vie, situation familiale, etc.) : durée de conservation"]
    assert fields["Numéro de sécurité sociale (NIR)"] == \
        "NIR (numéro de sécurité sociale) (usager.nir, export_statistique.nir)"
    assert fields["Données de connexion : durée de conservation"] == "6 mois (Collecte ou saisie de la donnée)"
    # the nine kinds of sensitive data, found or not
    sensitive = {f: v for f, v in rows if f.startswith("Donnée sensible : ")}
    assert len(sensitive) == 9
    assert sensitive["Donnée sensible : Origine raciale ou ethnique"] == "Oui : usager.origine_ethnique"
    assert sensitive["Donnée sensible : Opinions politiques"] == "Non trouvée"
    assert leaked(example_personal_values(), table.read_text(encoding="utf-8")) == []


def test_the_fides_manifest_parses_with_fideslang_and_references_known_keys(tmp_path):
    """The manifest loads into fideslang's models, and every key it references (data categories,
    uses, subjects, the dataset) exists in fideslang's default taxonomy or in the manifest itself."""
    import yaml
    from fideslang import DEFAULT_TAXONOMY
    from fideslang.parse import load_manifests_into_taxonomy
    from fideslang.relationships import get_referenced_missing_keys

    out = tmp_path / "fides.yml"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--fides", str(out)])
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    manifest = yaml.safe_load(text)
    assert list(manifest) == ["dataset", "system", "data_use", "data_subject"]
    ours = load_manifests_into_taxonomy(manifest)
    merged = DEFAULT_TAXONOMY.model_copy(update={
        key: [*getattr(DEFAULT_TAXONOMY, key), *getattr(ours, key)]
        for key in ("data_use", "data_subject", "dataset", "system")})
    assert get_referenced_missing_keys(merged) == set()
    # the fields carry the categories the audit found, in fideslang's keys
    fields = {(c.name, f.name): f.data_categories for d in ours.dataset for c in d.collections for f in c.fields}
    assert fields[("usager", "nir")] == ["user.government_id.national_identification_number"]
    assert fields[("usager", "religion")] == ["user.demographic.religious_belief"]
    assert fields[("usager", "id")] is None
    # one declaration per declared purpose, each under its own data use
    declarations = manifest["system"][0]["privacy_declarations"]
    assert [d["data_use"] for d in declarations] == [u["fides_key"] for u in manifest["data_use"]] == [
        f"essential.service.cnil_ref_social_medicosocial_2021_{p}" for p in
        ("p2_droits_prestations", "p3_accompagnement", "p4_partage", "p5_gestion", "p6_signalement")]
    assert {u["parent_key"] for u in manifest["data_use"]} == {"essential.service"}
    rights = declarations[0]
    assert rights["legal_basis_for_processing"] == "Legal obligations"   # « Obligation légale »
    assert "legal_basis_for_processing" not in declarations[1]           # private or public: two bases named
    assert rights["dataset_references"] == ["dossier_social_departemental_exemple"]
    assert rights["processes_special_category_data"] is True
    assert "user.government_id.national_identification_number" in rights["data_categories"]
    # whom: the subjects of the columns the purpose may hold; staff (the agents' table) is no one's
    # here, and the persons fideslang has no key for are declared in the file
    assert rights["data_subjects"] == ["beneficiary", "next_of_kin"]
    assert manifest["data_subject"] == [{"fides_key": "beneficiary", "name": "Personne accompagnée"}]
    assert leaked(example_personal_values(), text) == []


def test_every_category_names_a_key_of_the_fideslang_default_taxonomy():
    """The keys of the released fideslang package (3.1): fides deployments load them, and
    fideslang 3.2 (its repository, not yet released) keeps them as deprecated keys it still reads,
    while its new keys (`user.health`, `user.children`) are unknown to 3.1."""
    from fideslang import DEFAULT_TAXONOMY

    from auditor.profiles import load_taxonomy

    known = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    assert {k: c.fideslang for k, c in load_taxonomy().categories.items() if c.fideslang not in known} == {}
