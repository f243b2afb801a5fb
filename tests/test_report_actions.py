"""The action plan: findings grouped into actions (the two coordinates of a table one action, the
retention of four tables one action), each with its priority, suggested owner (`owners:`), due
date from its severity and status; in the HTML, the JSON and a CSV (--actions)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from click.testing import CliRunner

from auditor.action_plan import plan
from auditor.cli import main
from auditor.config import OwnerSettings
from auditor.models.findings import AuditResult, Finding, Kind, Severity
from tests.conftest import EXAMPLE
from tests.report_text import visible_text


def test_the_example_plan(example_reports):
    result = AuditResult.model_validate(example_reports["fr"][1])
    actions = {a.id: a for a in result.actions}
    assert len(actions) == 26
    assert [(a.rule, a.severity.value, a.priority, a.owner, a.due.isoformat(), a.status)
            for a in (actions["A1"], actions["A11"], actions["A13"], actions["A22"], actions["A26"])] == [
        # the conditions of one table without their justification: one action, as severe as its most
        # severe finding (a criminal record: art. 10, high)
        ("MIN005", "high", 1, "Chef de projet du logiciel", "2026-12-31", "open"),
        ("RET002", "medium", 2, "Responsable du service social", "2027-03-01", "open"),
        ("MIN001", "medium", 2, "Chef de projet du logiciel", "2027-03-01", "open"),
        ("RET002", "low", 3, "RSSI", "2027-05-30", "open"),
        ("MIN001", "medium", 2, "Chef de projet du logiciel", "2027-03-01", "waived")]
    assert actions["A1"].targets == ["usager.casier_judiciaire", "usager.religion", "usager.mot_de_passe_caf",
                                     "usager.nationalite"]
    # retention: one action for the four tables of one profile rule; the access log's rule is another
    assert actions["A11"].tables == ["accompagnement", "entretien", "membre_foyer", "usager"]
    assert len(actions["A11"].findings) == 4 and actions["A22"].targets == ["journal_acces"]
    # the two coordinates of a table: one action; the waived photo apart, last
    assert actions["A13"].targets == ["usager.latitude", "usager.longitude"]
    assert actions["A26"].targets == ["usager.photo"]
    # every finding is in exactly one action
    assert sorted(fp for a in result.actions for fp in a.findings) == sorted(f.fingerprint for f in result.findings)


def test_the_plan_in_the_html(example_reports):
    html, _ = example_reports["en"]
    section = html[html.index('<section aria-labelledby="actions">'):]
    text = visible_text(section[:section.index("</section>")])
    assert text.startswith("Action plan The findings grouped into actions")
    # targets are codes and owners names, left out of the visible words
    # the example's service is a département's (retention.public_archives): its files are public
    # archives, so the remedy is their agreed disposition, not a deletion
    assert ("A11 2 · to plan medium Data kept past its retention period These files are public archives: "
            "do not delete them on your own.") in text
    assert "and schedule this at the end of the set period. March 1, 2027 to do A12" in text
    assert text.endswith("(record of processing, DPIA). March 1, 2027 waived")
    row = section[section.index('<tr id="a-A11">'):]
    assert '<td><span translate="no">Responsable du service social</span></td><td>March 1, 2027</td>' in row


def test_the_plan_as_csv(tmp_path):
    out = tmp_path / "plan.csv"
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--lang", "en",
                                       "--actions", str(out)])
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 26
    assert rows[10] == {
        "id": "A11", "priority": "2", "severity": "medium", "rule": "RET002", "kind": "retention",
        "action": "Data kept past its retention period", "remedy": rows[10]["remedy"],
        "tables": "accompagnement; entretien; membre_foyer; usager",
        "targets": "accompagnement; entretien; membre_foyer; usager", "findings": "4",
        "owner": "Responsable du service social", "due": "2027-03-01", "status": "open"}
    assert rows[10]["remedy"].startswith("These files are public archives: do not delete them on your own.")


def _finding(rule: str, kind: Kind, severity: Severity, table: str | None, column: str | None = None,
             role: str | None = None) -> Finding:
    f = Finding(rule=rule, kind=kind, severity=severity, table=table, column=column, role=role,
                message="m", remedy="r")
    f.fingerprint = f.compute_fingerprint()
    return f


def test_owners_by_table_then_kind_then_default():
    owners = OwnerSettings(tables={"usager": "Tables owner"}, kinds={"access": "DBA"}, default="DPO")
    findings = [_finding("MIN001", Kind.minimisation, Severity.medium, "usager", "a"),
                _finding("ACC004", Kind.access, Severity.critical, "usager", role="r"),
                _finding("ACC001", Kind.access, Severity.info, None, role="r"),
                _finding("SEC003", Kind.security, Severity.low, "dossier", "x")]
    actions = plan(findings, owners, dt.date(2026, 1, 1))
    assert [(a.rule, a.owner, a.due.isoformat(), a.priority) for a in actions] == [
        ("ACC004", "Tables owner", "2026-01-08", 1), ("MIN001", "Tables owner", "2026-04-01", 2),
        ("SEC003", "DPO", "2026-06-30", 3), ("ACC001", "DBA", "2027-01-01", 3)]


def test_an_unknown_kind_of_owner_is_refused(tmp_path):
    config = tmp_path / "gdpr-audit.yml"
    config.write_text("service: s\nprofiles: [{id: cnil.ref.rh.2019}]\nschema: {files: [s.sql]}\n"
                      "owners: {kinds: {acces: DBA}}\n", encoding="utf-8")
    (tmp_path / "s.sql").write_text("CREATE TABLE t (id int);\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown kind 'acces'" in result.output


@pytest.mark.parametrize("severity, days", [(Severity.critical, 7), (Severity.high, 30), (Severity.medium, 90),
                                            (Severity.low, 180), (Severity.info, 365)])
def test_due_dates_follow_severity(severity, days):
    [action] = plan([_finding("MIN001", Kind.minimisation, severity, "t", "c")], OwnerSettings(), dt.date(2026, 1, 1))
    assert action.due == dt.date(2026, 1, 1) + dt.timedelta(days=days)


def test_an_action_carries_the_remedy_its_findings_share_else_the_rules():
    from auditor.reporters.rule_text import action_remedy, rule_remedy

    same = [_finding("MIN001", Kind.minimisation, Severity.medium, "usager", c) for c in ("a", "b")]
    mixed = [_finding("MIN001", Kind.minimisation, Severity.medium, "dossier", c) for c in ("a", "b")]
    mixed[1].remedy = "another"
    actions = plan([*same, *mixed], OwnerSettings(), dt.date(2026, 1, 1))
    assert [(a.tables, a.remedy) for a in actions] == [(["dossier"], None), (["usager"], "r")]
    assert [action_remedy(a, "en") for a in actions] == [rule_remedy("MIN001", "en"), "r"]
