"""Retention: the counts of the example, checked against an independent computation over its CSV
files; calendar arithmetic; the SQL per engine; configuration errors naming file and line."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import sqlglot
import yaml
from click.testing import CliRunner

from auditor.checks.retention import minus
from auditor.checks.retention_sql import MAX_HOPS, retention_sql
from auditor.cli import main
from auditor.models.foreign_keys import ForeignKeyGraph
from auditor.sources.ddl_reader import read_ddl
from tests.conftest import EXAMPLE

AS_OF = dt.date(2026, 11, 1)


def _csv(table):
    with open(EXAMPLE / "samples" / f"{table}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day(text):
    return dt.date.fromisoformat(text[:10]) if text else None


def _expected_counts():
    """Rows past 2 years from the person's last contact (file or latest interview), and access-log
    rows past 6 months, computed in plain Python from the sample files."""
    usager = {u["id"]: _day(u["date_dernier_contact"]) for u in _csv("usager")}
    acc_owner = {a["id"]: a["usager_id"] for a in _csv("accompagnement")}
    interviews = _csv("entretien")
    latest_interview: dict[str, dt.date] = {}
    for e in interviews:
        owner, day = acc_owner[e["accompagnement_id"]], _day(e["date_entretien"])
        if day and (owner not in latest_interview or day > latest_interview[owner]):
            latest_interview[owner] = day

    def last_contact(person):
        days = [d for d in (usager.get(person), latest_interview.get(person)) if d]
        return max(days) if days else None

    cutoff = dt.date(2024, 11, 1)
    old = {p for p in usager if (d := last_contact(p)) and d < cutoff}
    # entretien rows: the latest of the interview's own date and its person's last contact
    entretien = sum(1 for e in interviews if max(
        d for d in (_day(e["date_entretien"]), last_contact(acc_owner[e["accompagnement_id"]])) if d) < cutoff)
    journal = sum(1 for j in _csv("journal_acces") if _day(j["date_acces"]) < dt.date(2026, 5, 1))
    return {
        "usager": len(old),
        "membre_foyer": sum(1 for m in _csv("membre_foyer") if m["usager_id"] in old),
        "accompagnement": sum(1 for a in _csv("accompagnement") if a["usager_id"] in old),
        "entretien": entretien,
        "journal_acces": journal,
    }


def test_example_retention_counts_match_an_independent_computation(tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-11-01", "--json", str(out),
                                       "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    found = {f["table"]: f["rows"] for f in report["findings"] if f["rule"] == "RET002"}
    expected = _expected_counts()
    assert found == expected
    assert all(n > 0 for n in expected.values())
    statuses = {s["table"]: s for s in report["retention"]}
    assert sorted(statuses) == ["accompagnement", "entretien", "journal_acces", "membre_foyer", "usager"]
    assert statuses["usager"]["date_sources"] == ["usager.date_dernier_contact", "entretien.date_entretien (via 2 FK)"]
    assert statuses["usager"]["rows"] == 400 and statuses["usager"]["guessed"] is False
    evidence = next(f["evidence"] for f in report["findings"] if f["table"] == "usager" and f["rule"] == "RET002")
    assert [(e["code"], e["values"]) for e in evidence[:2]] == [
        ("start_date", {"event": "last_contact_with_person",
                        "columns": ["usager.date_dernier_contact", "entretien.date_entretien (via 2 FK)"]}),
        ("past_active", {"past": expected["usager"], "rows": 400})]
    assert evidence[2]["code"] == "oldest"


@pytest.mark.parametrize("day, duration, expected", [
    (dt.date(2026, 11, 1), (2, 0, 0), dt.date(2024, 11, 1)),
    (dt.date(2026, 3, 31), (0, 1, 0), dt.date(2026, 2, 28)),
    (dt.date(2024, 2, 29), (1, 0, 0), dt.date(2023, 2, 28)),
    (dt.date(2026, 1, 15), (0, 13, 0), dt.date(2024, 12, 15)),
    (dt.date(2026, 1, 15), (0, 0, 14), dt.date(2026, 1, 1)),
])
def test_calendar_arithmetic(day, duration, expected):
    assert minus(day, *duration) == expected


SCHEMA = """
CREATE TABLE usager (id int PRIMARY KEY, date_dernier_contact date, deleted_at timestamp);
CREATE TABLE entretien (id int PRIMARY KEY, usager_id int REFERENCES usager (id), date_entretien date);
"""


def _query(tmp_path, dialect):
    path = tmp_path / "s.sql"
    path.write_text(SCHEMA, encoding="utf-8")
    inv = read_ddl([path], "postgres")
    usager, entretien = inv.find_table("usager"), inv.find_table("entretien")

    def ref(table):
        return sqlglot.exp.Table(this=sqlglot.exp.to_identifier(table.name, quoted=True))

    path = ForeignKeyGraph(inv).reach(usager, MAX_HOPS).path_to(entretien)
    sources = [([], "date_dernier_contact"), (path, "date_entretien")]
    return retention_sql(usager, sources, dialect, ref, active_cutoff=dt.date(2024, 11, 1),
                         total_cutoff=None, soft_delete="deleted_at").sql


def test_retention_sql_text_for_postgres(tmp_path):
    assert _query(tmp_path, "postgres") == (
        "SELECT COUNT(*) AS n_rows, COUNT(CASE WHEN d < CAST('2024-11-01 00:00:00' AS TIMESTAMP) THEN 1 END) "
        "AS past_active, NULL AS past_total, MIN(d) AS oldest, COUNT(CASE WHEN d IS NULL THEN 1 END) AS no_date, "
        "COUNT(CASE WHEN d IS NULL AND closed THEN 1 END) AS closed_no_date, "
        "COUNT(CASE WHEN deleted THEN 1 END) AS deleted FROM (SELECT "
        "GREATEST(COALESCE(y.\"d0\", y.\"d1\"), COALESCE(y.\"d1\", y.\"d0\")) AS d, y.\"closed\" AS closed, "
        "y.\"deleted\" AS deleted FROM (SELECT CAST(t.\"date_dernier_contact\" AS TIMESTAMP) AS d0, "
        "s1.\"latest\" AS d1, FALSE AS closed, NOT t.\"deleted_at\" IS NULL AS deleted FROM \"usager\" AS t "
        "LEFT JOIN (SELECT j1.\"usager_id\" AS k0, MAX(CAST(j1.\"date_entretien\" AS TIMESTAMP)) AS latest "
        "FROM \"entretien\" AS j1 GROUP BY j1.\"usager_id\") AS s1 ON t.\"id\" = s1.\"k0\") AS y) AS x")


@pytest.mark.parametrize("dialect", ["trino", "spark", "snowflake", "bigquery", "mysql", "sqlite", "duckdb"])
def test_retention_sql_parses_back_in_each_engine(tmp_path, dialect):
    sql = _query(tmp_path, dialect)
    assert sqlglot.transpile(sql, read=dialect, write=dialect)[0] == sql
    assert "2024-11-01" in sql and "date_entretien" in sql


def _config(tmp_path, retention):
    config = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    config["schema"]["files"] = [str(EXAMPLE / "schema.sql")]
    config["data"]["dir"] = str(EXAMPLE / "samples")
    config["retention"] = retention
    path = tmp_path / "gdpr-audit.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("retention, message", [
    ({"start_events": {"last_contact": ["usager.date_dernier_contact"]}},
     "unknown start event 'last_contact' (did you mean 'last_contact_with_person'?)"),
    ({"start_events": {"end_of_support": "accompagnement.date_cloture"}},
     "retention.start_events.end_of_support: no column 'accompagnement.date_cloture' in the schema (write table.column)"),
    ({"closed": {"dossier": "statut = 'clos'"}}, "retention.closed: no table 'dossier' in the schema"),
    ({"closed": {"accompagnement": "statut = = 'clos'"}},
     "retention.closed.accompagnement: cannot parse the condition as SQL"),
])
def test_retention_config_errors_name_the_file_and_line(tmp_path, retention, message):
    path = _config(tmp_path, retention)
    result = CliRunner().invoke(main, ["audit", "--config", str(path), "--json", str(tmp_path / "r.json"),
                                       "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("retention:")) + 2
    assert result.output == f"gdpr-audit: error: {path}:{line}: {message}\n"


def _retention_findings(tmp_path, profiles, public_archives, lang="en"):
    """RET002 on a file last touched eleven years ago, under `profiles`."""
    (tmp_path / "schema.sql").write_text(
        "CREATE TABLE usager (id int PRIMARY KEY, nom text, date_dernier_contact date);", encoding="utf-8")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "usager.csv").write_text(
        "id,nom,date_dernier_contact\n1,A,2026-01-10\n2,B,2015-05-01\n", encoding="utf-8")
    config = {"service": "t", "profiles": [{"id": p} for p in profiles], "schema": {"files": ["schema.sql"]},
              "data": {"dir": "samples"}, "as_of": "2026-11-01",
              "retention": {"start_events": {event: ["usager.date_dernier_contact"] for event in (
                  "last_contact_with_person", "last_individual_communication")}}}
    if public_archives is not None:
        config["retention"]["public_archives"] = public_archives
    (tmp_path / "gdpr-audit.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--lang", lang, "--json", str(tmp_path / "r.json"),
                                       "--html", str(tmp_path / "r.html")])
    assert result.exit_code in {0, 1}, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    return [f for f in report["findings"] if f["rule"] == "RET002"]


@pytest.mark.parametrize("profile, public_archives, said_by", [
    ("cnil.ref.social-medicosocial.2021", True, "public_archives_config"),   # a CCAS says so
    ("cnil.ref.social-medicosocial.2021", None, None),     # an association: the profile cannot tell
    ("fr.casf.insertion.r263", None, "public_archives_profile"),   # public bodies or a public service only
    ("fr.casf.insertion.r263", False, None),               # the audit's word wins
])
def test_public_archives_are_disposed_of_as_agreed_not_deleted(tmp_path, profile, public_archives, said_by):
    findings = _retention_findings(tmp_path, [profile], public_archives)
    assert [f["target"] for f in findings] == ["usager"]
    finding = findings[0]
    codes = [e["code"] for e in finding["evidence"]]
    labels = [r["label"] for r in finding["references"]]
    if said_by is None:
        assert finding["remedy"].startswith("Delete or anonymise these rows")
        assert not [c for c in codes if c.startswith("public_archives")]
        assert labels[:2] == ["GDPR, art. 5.1.e (storage limitation)", "GDPR, art. 17 (right to erasure)"]
    else:
        assert finding["remedy"].startswith("These files are public archives: do not delete them on your own.")
        assert codes[-1] == said_by
        # the heritage code in place of the right to erasure, before the profile and its clause
        assert labels[:4] == [
            "GDPR, art. 5.1.e (storage limitation)", "French Heritage Code, art. L211-4 (public archives)",
            "French Heritage Code, art. R212-10 to R212-12 (current, intermediate and permanent archives)",
            "French Heritage Code, regulatory part, book II, title I (the State's scientific and technical "
            "control of the selection and elimination of archives; version of 16 August 2022)"]
    # the variant changes the remedy, never the severity: a statute's period binds, a référentiel's not
    assert finding["severity"] == ("high" if profile.startswith("fr.casf") else "medium")


def test_a_table_is_public_archives_whichever_profile_it_exceeds(tmp_path):
    """Two profiles apply to one table and one of them is processed by public bodies only: both
    findings give the public archives' remedy, and so does their action."""
    findings = _retention_findings(tmp_path, ["cnil.ref.social-medicosocial.2021", "fr.casf.insertion.r263"],
                                   None)
    assert len(findings) == 2
    assert {f["remedy"].split(":")[0] for f in findings} == {"These files are public archives"}
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    actions = [a for a in report["actions"] if a["rule"] == "RET002"]
    assert [a["remedy"].split(":")[0] for a in actions] == ["These files are public archives"] * len(actions)


def test_the_public_archives_remedy_is_in_french_too(tmp_path):
    finding = _retention_findings(tmp_path, ["fr.casf.insertion.r263"], None, lang="fr")[0]
    assert finding["remedy"].startswith("Ces dossiers sont des archives publiques : ne pas les supprimer de son "
                                        "propre chef.")
    assert "Code du patrimoine, art. L211-4 (archives publiques)" in [r["label"] for r in finding["references"]]
