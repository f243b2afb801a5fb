"""A profile as readable text, for `gdpr-audit profiles show`."""

from __future__ import annotations

from auditor.models.profile import Profile
from auditor.profiles import Taxonomy

_HEAD = {
    "fr": {"purposes": "Finalités", "allowed": "autorisées", "conditional": "sous condition",
           "forbidden": "interdites", "retention": "Conservation", "recipients": "Destinataires",
           "read": "lecture", "write": "écriture", "deny": "refus", "dpia": "AIPD requise",
           "source": "source", "scope": "Champ", "excluded": "Exclus", "yes": "oui", "no": "non",
           "binding": "texte contraignant", "not_binding": "référentiel (écart à justifier)"},
    "en": {"purposes": "Purposes", "allowed": "allowed", "conditional": "conditional",
           "forbidden": "forbidden", "retention": "Retention", "recipients": "Recipients",
           "read": "read", "write": "write", "deny": "deny", "dpia": "DPIA required",
           "source": "source", "scope": "Scope", "excluded": "Excluded", "yes": "yes", "no": "no",
           "binding": "binding text", "not_binding": "framework (deviation to justify)"},
}


def render_profile(profile: Profile, taxonomy: Taxonomy, lang: str) -> str:
    h = _HEAD[lang]
    out = [f"{profile.title.get(lang)}", f"{profile.id} — {profile.source.reference.get(lang)}",
           f"{h['binding'] if profile.source.binding else h['not_binding']}"
           + (f" — {profile.source.url}" if profile.source.url else ""), "",
           f"{h['scope']}: {profile.scope.get(lang)}"]
    out += [f"{h['excluded']}: {e.get(lang)}" for e in profile.excluded]
    if profile.dpia:
        out.append(f"{h['dpia']}: {h['yes'] if profile.dpia.required else h['no']} "
                   f"[{h['source']}: {profile.dpia.source}; {profile.dpia.verification.value}]")
    out += ["", f"{h['purposes']}:"]
    for p in profile.purposes:
        out.append(f"  {p.id} — {p.label.get(lang)} [{p.source}; {p.verification.value}]")
        out.append(f"    {h['allowed']}: {', '.join(p.allowed) or '—'}")
        for c in p.conditional:
            out.append(f"    {h['conditional']}: {c.category} — {c.condition.get(lang)} "
                       f"[{c.source}; {c.verification.value}]")
        for f in p.forbidden:
            out.append(f"    {h['forbidden']}: {f.category} [{f.source}; {f.verification.value}]")
    if profile.forbidden:
        out.append(f"  {h['forbidden']}: " + ", ".join(
            f"{f.category} [{f.verification.value}]" for f in profile.forbidden))
    if profile.retention:
        out += ["", f"{h['retention']}:"]
        for r in profile.retention:
            scope = ", ".join(r.purposes + r.categories)
            inter = f" + {r.intermediate}" if r.intermediate else ""
            out.append(f"  {r.id}: {r.label.get(lang)} ({scope}) — {r.start_event} + {r.active}"
                       f"{inter}, {r.basis.value} [{r.source}; {r.verification.value}]")
    if profile.recipients:
        out += ["", f"{h['recipients']}:"]
        for rec in profile.recipients:
            out.append(f"  {rec.id} — {rec.label.get(lang)} [{rec.verification.value}]")
            for attr in ("read", "write", "deny"):
                keys = getattr(rec, attr)
                if keys:
                    out.append(f"    {h[attr]}: {', '.join(keys)}")
    return "\n".join(out)
