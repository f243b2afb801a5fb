"""A DPIA draft the CNIL's PIA software imports (LINCnil/pia, its export/import JSON).

One object `{pia, answers, measures, evaluations, comments}`. The answers are keyed by the
questions of the PIA guide the audit can answer (`reference_to`): 111 the processing studied, 113 the
applicable frameworks, 121 the data processed, 122 their life cycle, 211 the purposes, 212 the legal
bases, 213 minimisation, 215 retention; their text is HTML, as the software writes it. The planned
measures are the action plan's security and access actions. Risks (3.2–3.4), evaluations, the DPO's
opinion and the validation are left to the DPO: the software asks for them. The file holds what the
report holds (names, counts, the profiles' texts), never a value of the audited data.

Format read in LINCnil/pia: `src/app/services/pia.service.ts` (importData: a `pia` object, with
`dbVersion` for the versions that check it, and the four lists),
`src/assets/files/2018-02-21-pia-example.json` (field shapes), `src/assets/files/pia_architecture.json`
and `src/assets/i18n/fr.json` (question ids).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TextIO

from markupsafe import Markup, escape

from auditor.durations import humane_iso
from auditor.models.findings import AuditResult, Kind
from auditor.reporters import locale_format as fmt
from auditor.reporters.evidence_text import for_result
from auditor.reporters.labels import labels
from auditor.reporters.rule_text import action_remedy, rule_summary

DB_VERSION = 201707071818  # the PIA software's data version its importer checks for (`pia.dbVersion`)
QUESTIONS = (111, 113, 121, 122, 211, 212, 213, 215)
_MEASURE_KINDS = (Kind.security, Kind.access)


def _list(items: list[str]) -> str:
    return str(Markup("<ul>") + Markup("").join(Markup("<li>{}</li>").format(Markup(i)) for i in items)
               + Markup("</ul>")) if items else ""


def _para(text: str) -> str:
    return str(Markup("<p>{}</p>").format(text))


def build(result: AuditResult) -> dict[str, Any]:
    """The PIA file of one audit, as a JSON-ready dict."""
    lang = result.lang
    t = labels(lang)
    words = for_result(result)
    midnight = dt.datetime.combine(result.as_of, dt.time(), tzinfo=dt.timezone.utc)
    stamp = midnight.isoformat().replace("+00:00", "Z")

    def answer(question: int, text: str) -> dict[str, Any]:
        return {"reference_to": question, "data": {"text": text, "gauge": 0, "list": []},
                "created_at": stamp, "updated_at": stamp}

    day = fmt.date(result.as_of, lang)
    personal = [c for c in result.columns if c.subject and c.categories]
    studied = _para(escape(t["pia_111"].format(service=result.service, date=day,
                                               tables=fmt.number(result.tables_read, lang),
                                               columns=fmt.number(len(personal), lang))))
    if result.dpia_required:
        studied += _para(escape(t["pia_dpia_required"])) + _list(
            [str(escape(words.reference(r))) for r in result.dpia_basis]
            + [str(escape(f"{item.label} — {item.source} ({words.verification(item)})"))
               for item in result.dpia_listed if item.required])
    if result.dpia_criteria:
        studied += _para(escape(t["dpia_criterion"] + t["colon"])) + _list(
            [str(escape(words.dpia_criterion(c))) for c in result.dpia_criteria])
    frameworks = _list([str(Markup("<strong>{}</strong> — {}").format(p.title, p.reference))
                        + (str(Markup(" <em>{}</em>").format(p.caveat)) if p.caveat else "")
                        for p in result.profiles])
    by_category: dict[str, list[str]] = {}
    for c in personal:
        for key in c.categories:
            by_category.setdefault(key, []).append(f"{c.table}.{c.column}")
    data = _list([str(Markup("<strong>{}</strong>{} {}").format(words.category(k), t["colon"],
                                                                  ", ".join(cols)))
                  for k, cols in sorted(by_category.items(), key=lambda kv: words.category(kv[0]))])
    life = _list([str(escape(t["pia_122_row"].format(
        table=r.table, event=words.taxonomy.start_event_label(r.start_event, lang),
        active=humane_iso(r.active, lang), rows=fmt.number(r.rows or 0, lang),
        past=fmt.number(r.past_active or 0, lang)))) for r in result.retention if r.counted])
    purposes = _list([str(Markup("<strong>{}</strong> — {}").format(p.purpose_labels.get(q, q), p.title))
                      for p in result.profiles for q in p.purposes])
    bases = _list([str(Markup("<strong>{}</strong>{} {}").format(p.purpose_labels.get(q, q), t["colon"],
                                                                    p.purpose_bases[q]))
                   for p in result.profiles for q in p.purposes if q in p.purpose_bases])

    def findings_of(*codes: str) -> str:
        return _list([str(escape(words.message(f))) for f in result.findings
                      if f.rule.startswith(codes) and not f.waived])

    answers = [answer(111, studied), answer(113, frameworks), answer(121, data),
               answer(122, life or _para(escape(t["pia_nothing_counted"]))), answer(211, purposes),
               answer(212, bases or _para(escape(t["pia_no_basis"]))),
               answer(213, _para(escape(t["pia_213"])) + findings_of("MIN")),
               answer(215, _para(escape(t["pia_215"])) + findings_of("RET"))]
    measures = [{"id": number, "title": rule_summary(a.rule, lang),
                 "content": _para(escape(action_remedy(a, lang)))
                 + _list([str(Markup("<code>{}</code>").format(target)) for target in a.targets]),
                 "placeholder": "", "created_at": stamp, "updated_at": stamp}
                for number, a in enumerate((a for a in result.actions
                                            if a.kind in _MEASURE_KINDS and a.status != "waived"), start=1)]
    pia = {"dbVersion": DB_VERSION, "tableName": "pia", "name": t["pia_name"].format(service=result.service),
           "category": "", "status": 0, "author_name": f"gdpr-auditor {result.tool.version}",
           "evaluator_name": "", "validator_name": "", "dpo_status": 0, "dpo_opinion": "", "dpos_names": "",
           "concerned_people_opinion": "", "concerned_people_status": 0,
           "concerned_people_searched_opinion": False, "concerned_people_searched_content": "",
           "people_names": "", "rejection_reason": "", "applied_adjustments": "",
           "created_at": stamp, "updated_at": stamp}
    return {"pia": pia, "answers": answers, "measures": measures, "evaluations": [], "comments": []}


def render(result: AuditResult, stream: TextIO) -> None:
    json.dump(build(result), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
