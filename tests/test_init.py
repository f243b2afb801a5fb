"""`gdpr-audit init`: a first configuration from a schema, that audits as it is."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import EXAMPLE

EXPECTED = '''# Every value below is a proposal; the lines marked TODO need a person's decision.
service: "svc"  # TODO: the service's name as reports show it

schema:
  files: ["schema.sql"]
  dialect: postgres

profiles:
  # proposed: its purposes allow 23 of the 30 personal data categories found
  # also possible: cnil.ref.protection-enfance.2022 (21 of 30)
  # also possible: cnil.ref.rh.2019 (20 of 30)
  - id: cnil.ref.social-medicosocial.2021
    # TODO: keep only the purposes this service pursues
    purposes: [P1_prestations, P2_droits_prestations, P3_accompagnement, P4_partage, P5_gestion]


retention:
  start_events:  # where each retention rule's start date is recorded
    last_contact_with_person: [usager.date_dernier_contact, entretien.date_entretien]  # TODO: guessed from the column names; check
    collection: [journal_acces.date_acces]  # TODO: guessed from the column names; check
  # public_archives: true  # TODO: a public body (département, CCAS…) or one managing a public service? Its files are public archives (code du patrimoine L211-4)

access:
  roles:  # which recipient of the profile each database role serves
    app_user: {kind: application}  # TODO: guessed from its name; or a recipient of the profile
    comptable: {kind: accounting}  # TODO: guessed from its name; or a recipient of the profile
    direction: {kind: management}  # TODO: guessed from its name; or a recipient of the profile
    statisticien: {kind: statistics}  # TODO: guessed from its name; or a recipient of the profile
    travailleur_social: {kind: social_work}  # TODO: guessed from its name; or a recipient of the profile

# TODO: no declared profile covers the people of these tables (MIN007): declare the
# profile that does (staff: cnil.ref.rh.2019), or say whose data they hold:
# tables:
#   agent: {subject: staff}
#   journal_acces: {subject: staff}

report:
  html: gdpr-audit-report.html
  json: gdpr-audit-report.json

fail_on: high
'''


def test_init_from_a_schema_writes_a_config_that_audits_as_it_is(tmp_path):
    service = tmp_path / "svc"
    service.mkdir()
    shutil.copy(EXAMPLE / "schema.sql", service / "schema.sql")
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(service), "--schema", str(service / "schema.sql")])
    assert result.exit_code == 0, result.output
    text = (service / "gdpr-audit.yml").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    assert first.startswith("# gdpr-audit.yml written by `gdpr-audit init` on ") and first.endswith(
        " from schema.sql.")
    assert rest == EXPECTED
    assert sorted(p.name for p in service.iterdir()) == ["gdpr-audit.yml", "schema.sql"]  # no trial file left
    audited = runner.invoke(main, ["audit", str(service), "--json", str(tmp_path / "r.json")])
    assert audited.exit_code == 1, audited.output  # findings, and no configuration error
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    # a schema alone: the notes could not be read, and the report says so
    assert [e["code"] for e in report["errors"]] == ["text_not_scanned"]
    assert report["profiles"][0]["id"] == "cnil.ref.social-medicosocial.2021"
    again = runner.invoke(main, ["init", str(service), "--schema", str(service / "schema.sql")])
    assert again.exit_code == 2 and again.output.endswith(f"Error: {service / 'gdpr-audit.yml'} exists: --force "
                                                          "replaces it\n")


def test_init_never_writes_a_password_into_the_file():
    from auditor.sources.database.connection import secretless_url

    assert secretless_url("postgresql://auditor:s3cret@db:5432/ccas?sslmode=require&sslpassword=k3y") == \
        "postgresql+psycopg://auditor@db:5432/ccas?sslmode=require"


def test_the_public_archives_question_is_asked_only_when_the_profile_cannot_answer_it():
    from auditor.config_scaffold import rest
    from auditor.models.findings import AuditResult

    empty = AuditResult.model_construct(retention=[], access=[], findings=[])
    asked = rest(empty, archives_asked=True)
    assert asked.startswith("# retention:\n#   public_archives: true  # TODO: a public body (département, CCAS…) "
                            "or one managing a public service? Its files are public archives (code du patrimoine "
                            "L211-4)\n\nreport:")
    assert "public_archives" not in rest(empty)
