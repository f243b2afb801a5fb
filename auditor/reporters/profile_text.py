"""A profile as readable text, for `gdpr-audit profiles show`."""

from __future__ import annotations

from auditor.models.profile import Fact, Profile
from auditor.profiles import Taxonomy
from auditor.reporters.labels import labels


def _fact(fact: Fact, h: dict[str, str]) -> str:
    return f"[{fact.source}; {h['verification_' + fact.verification.value]}]"


def _head(profile: Profile, taxonomy: Taxonomy, lang: str, h: dict[str, str]) -> list[str]:
    src = profile.source
    out = [profile.title.get(lang), f"{profile.id} — {src.reference.get(lang)}",
           f"{h['instrument_' + src.instrument.value]}, {h['binding'] if src.binding else h['not_binding']}"
           + (f" — {src.url}" if src.url else "")]
    if profile.extends:
        out.append(f"{h['extends']}: {', '.join(profile.extends)}")
    if src.caveat:
        out.append(f"{h['caveat']}: {src.caveat.get(lang)}")
    out += ["", f"{h['scope']}: {profile.scope.get(lang)}",
            f"{h['subjects']}: " + "; ".join(taxonomy.data_subjects[s].get(lang)
                                            for s in profile.data_subjects)]
    out += [f"{h['excluded']}: {e.get(lang)}" for e in profile.excluded]
    if profile.dpia:
        cond = f" — {profile.dpia.condition.get(lang)}" if profile.dpia.condition else ""
        required = h["yes"] if profile.dpia.required else h["no"]
        out.append(f"{h['dpia']}: {required}{cond} {_fact(profile.dpia, h)}")
    if profile.archives:
        out.append(f"{h['archives_' + profile.archives.public]}: {profile.archives.bodies.get(lang)} "
                   f"{_fact(profile.archives, h)}")
    return out


def _purposes(profile: Profile, lang: str, h: dict[str, str]) -> list[str]:
    out = ["", f"{h['purposes']}:"]
    for p in profile.purposes:
        out.append(f"  {p.id} — {p.label.get(lang)} {_fact(p, h)}")
        out.append(f"    {h['allowed']}: {', '.join(p.allowed) or '—'}")
        for c in p.conditional:
            out.append(f"    {h['conditional']}: {c.category} — {c.condition.get(lang)} {_fact(c, h)}")
        for g in p.granularity:
            out.append(f"    {h['granularity']}: {g.category} — {g.form.get(lang)} {_fact(g, h)}")
        for f in p.forbidden:
            out.append(f"    {h['forbidden']}: {f.category} — {f.reason.get(lang)} {_fact(f, h)}")
    for f in profile.forbidden:
        out.append(f"  {h['forbidden']}: {f.category} — {f.reason.get(lang)} {_fact(f, h)}")
    return out


def _retention(profile: Profile, taxonomy: Taxonomy, lang: str, h: dict[str, str]) -> list[str]:
    out = ["", f"{h['retention']}:"] if profile.retention else []
    for r in profile.retention:
        scope = ", ".join(r.purposes + r.categories + r.data_subjects)
        inter = f" + {h['intermediate'].lower()} {r.intermediate}" if r.intermediate else ""
        event = taxonomy.start_events[r.start_event].label.get(lang)
        out.append(f"  {r.id}: {r.label.get(lang)} ({scope})")
        out.append(f"    {event} + {r.active}{inter} → {h['end_' + r.end_action.value]}, "
                   f"{h['basis_' + r.basis.value]} {_fact(r, h)}")
        if r.note:
            out.append(f"    {r.note.get(lang)}")
    return out


def _recipients(profile: Profile, lang: str, h: dict[str, str]) -> list[str]:
    out = ["", f"{h['recipients']}:"] if profile.recipients else []
    for rec in profile.recipients:
        out.append(f"  {rec.id} — {rec.label.get(lang)} {_fact(rec, h)}")
        for attr in ("read", "write", "deny"):
            keys = getattr(rec, attr)
            if keys:
                out.append(f"    {h[attr].lower()}: {', '.join(keys)}")
    if profile.security:
        out += ["", f"{h['security']}:"]
        out += [f"  {m.id} — {m.label.get(lang)}" + (f" ({', '.join(m.categories)})" if m.categories else "")
                + f" {_fact(m, h)}" for m in profile.security]
    return out


def render_profile(profile: Profile, taxonomy: Taxonomy, lang: str) -> str:
    h = labels(lang, "profile_labels.yaml")
    return "\n".join(_head(profile, taxonomy, lang, h) + _purposes(profile, lang, h)
                     + _retention(profile, taxonomy, lang, h) + _recipients(profile, lang, h))
