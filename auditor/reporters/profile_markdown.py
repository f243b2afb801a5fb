"""The catalogue as Markdown (docs/profiles.md, docs/profiles.fr.md): one section per profile
with its purposes × categories table, conditions, retention, recipients, security and sources,
so that a DPO can review exactly what the tool encodes."""

from __future__ import annotations

from collections import Counter

from auditor.models.profile import Fact, Profile, Verification
from auditor.profiles import Catalogue
from auditor.profiles.matrix import named_categories, status
from auditor.reporters.labels import labels

_MARK = {"allowed": "✔", "conditional": "◐", "forbidden": "✘", "not_needed": ""}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _fact(fact: Fact, h: dict[str, str]) -> str:
    return f"{_cell(fact.source)} ({h['verification_' + fact.verification.value]})"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _header(profile: Profile, catalogue: Catalogue, lang: str, h: dict[str, str]) -> list[str]:
    src = profile.source
    out = [f"## {profile.title.get(lang)}", "", f"- id: `{profile.id}` (version {profile.version})",
           f"- {h['source']}: {src.reference.get(lang)}" + (f" <{src.url}>" if src.url else ""),
           f"- {h['instrument_' + src.instrument.value]}, "
           f"{h['binding'] if src.binding else h['not_binding']}"]
    if profile.extends:
        out.append(f"- {h['extends']}: " + ", ".join(f"`{p}`" for p in profile.extends))
    if src.supersedes:
        out.append(f"- {h['supersedes']}: " + ", ".join(src.supersedes))
    if src.caveat:
        out.append(f"- {h['caveat']}: {src.caveat.get(lang)}")
    subjects = ", ".join(f"{s} ({catalogue.taxonomy.data_subjects[s].get(lang)})"
                         for s in profile.data_subjects)
    out += [f"- {h['subjects']}: {subjects}", f"- {h['scope']}: {profile.scope.get(lang)}"]
    out += [f"- {h['excluded']}: {e.get(lang)}" for e in profile.excluded]
    if profile.dpia:
        cond = f" — {profile.dpia.condition.get(lang)}" if profile.dpia.condition else ""
        out.append(f"- {h['dpia']}: {h['yes'] if profile.dpia.required else h['no']}{cond} "
                   f"[{_fact(profile.dpia, h)}]")
        items = catalogue.taxonomy.dpia_items
        out += [f"  - `{key}` {items[key].label.get(lang)}" for key in profile.dpia.listed]
    if profile.sharing:
        conditions = catalogue.taxonomy.sharing_conditions
        named = [f"`{k}` ({h['verification_' + conditions[k].verification.value]})" for k in profile.sharing]
        out.append(f"- {h['sharing']}: " + ", ".join(named))
    if profile.archives:
        out.append(f"- {h['archives_' + profile.archives.public]}: {profile.archives.bodies.get(lang)} "
                   f"[{_fact(profile.archives, h)}]")
    out.append(f"- {h['facts']}: {_counts(profile, h)}")
    return [*out, ""]


def _counts(profile: Profile, h: dict[str, str]) -> str:
    """How many of the profile's facts were read in the official text, in a secondary source, or
    not checked."""
    found = Counter(f.verification for f in profile.facts())
    return h["facts_counts"].format(total=sum(found.values()), **{v.value: found[v] for v in Verification})


def _purposes(profile: Profile, catalogue: Catalogue, lang: str, h: dict[str, str]) -> list[str]:
    taxonomy = catalogue.taxonomy
    out = [f"### {h['purposes']}", ""]
    out += _table(["id", h["purposes"], h["source"]],
                  [[f"`{p.id}`", p.label.get(lang), _fact(p, h)] for p in profile.purposes])
    keys = named_categories(profile, taxonomy)
    rows = [[f"`{k}` {taxonomy.get(k).label.get(lang)}",
             *(_MARK[status(profile, p, k, taxonomy)] for p in profile.purposes)] for k in keys]
    out += [h["legend"], "", *_table([h["category"], *(f"`{p.id}`" for p in profile.purposes)], rows)]
    conditions = [[f"`{p.id}`", f"`{c.category}`", c.condition.get(lang), _fact(c, h)]
                  for p in profile.purposes for c in p.conditional]
    conditions += [[f"`{p.id}`", f"`{g.category}`", f"{h['granularity']}: {g.form.get(lang)}", _fact(g, h)]
                   for p in profile.purposes for g in p.granularity]
    conditions += [["*", f"`{f.category}`", f"{h['forbidden']}: {f.reason.get(lang)}", _fact(f, h)]
                   for f in profile.forbidden]
    conditions += [[f"`{p.id}`", f"`{f.category}`", f"{h['forbidden']}: {f.reason.get(lang)}", _fact(f, h)]
                   for p in profile.purposes for f in p.forbidden]
    if conditions:
        out += [f"#### {h['conditions']}", ""]
        out += _table([h["purposes"], h["category"], h["rule"], h["source"]], conditions)
    return out


def _retention(profile: Profile, catalogue: Catalogue, lang: str, h: dict[str, str]) -> list[str]:
    if not profile.retention:
        return []
    rows = []
    for r in profile.retention:
        scope = ", ".join(f"`{x}`" for x in [*r.purposes, *r.categories, *r.data_subjects])
        event = catalogue.taxonomy.start_events[r.start_event].label.get(lang)
        label = r.label.get(lang) + (f" — {r.note.get(lang)}" if r.note else "")
        rows.append([f"`{r.id}`", label, scope, f"`{r.start_event}` ({event})", r.active,
                     r.intermediate or "—", h[f"end_{r.end_action.value}"], h[f"basis_{r.basis.value}"],
                     _fact(r, h)])
    head = ["id", h["rule"], h["applies_to"], h["start_event"], h["active"], h["intermediate"],
            h["end_action"], h["basis"], h["source"]]
    return [f"### {h['retention']}", "", *_table(head, rows)]


def _recipients(profile: Profile, lang: str, h: dict[str, str]) -> list[str]:
    out = []
    if profile.recipients:
        rows = [[f"`{r.id}` {r.label.get(lang)}", ", ".join(r.read) or "—", ", ".join(r.write) or "—",
                 ", ".join(r.deny) or "—", _fact(r, h)] for r in profile.recipients]
        head = [h["role"], h["read"], h["write"], h["deny"], h["source"]]
        out += [f"### {h['recipients']}", "", *_table(head, rows)]
    if profile.security:
        rows = [[f"`{m.id}` {m.label.get(lang)}", ", ".join(m.categories) or "—", _fact(m, h)]
                for m in profile.security]
        out += [f"### {h['security']}", "", *_table([h["measure"], h["category"], h["source"]], rows)]
    return out


def render_profile_markdown(profile: Profile, catalogue: Catalogue, lang: str) -> str:
    h = labels(lang, "profile_labels.yaml")
    out = (_header(profile, catalogue, lang, h) + _purposes(profile, catalogue, lang, h)
           + _retention(profile, catalogue, lang, h) + _recipients(profile, lang, h))
    return "\n".join(out)


def _dpia_lists(catalogue: Catalogue, lang: str, h: dict[str, str]) -> list[str]:
    """The EDPB criteria and the CNIL's DPIA list items, each with its source and verification."""
    taxonomy = catalogue.taxonomy
    out = [f"### {h['dpia_lists_title']}", "", h["dpia_lists_intro"], ""]
    out += _table([h["dpia_criterion"], h["source"]],
                  [[f"`{c.key}` {c.label.get(lang)}", _fact(c, h)] for c in taxonomy.dpia_criteria.values()])
    out += _table([h["dpia_item"], h["dpia_criteria"], h["source"]],
                  [[f"`{i.key}` {i.label.get(lang)}", ", ".join(f"`{c}`" for c in i.criteria), _fact(i, h)]
                   for i in taxonomy.dpia_items.values()])
    if taxonomy.nir_uses:
        out += [f"### {h['nir_uses_title']}", "", h["nir_uses_intro"], ""]
        out += _table([h["nir_use"], h["source"]],
                      [[f"`{u.key}` {u.label.get(lang)}", _fact(u, h)] for u in taxonomy.nir_uses.values()])
    if taxonomy.sharing_conditions:
        out += [f"### {h['sharing_title']}", "", h["sharing_intro"], ""]
        out += _table([h["sharing_condition"], h["source"]],
                      [[f"`{c.key}` {c.label.get(lang)}", _fact(c, h)]
                       for c in taxonomy.sharing_conditions.values()])
    return out


def render_catalogue_markdown(catalogue: Catalogue, lang: str) -> str:
    h = labels(lang, "profile_labels.yaml")
    ids = sorted(catalogue.profiles)
    out = [f"# {h['doc_title']}", "", h["doc_intro"], ""]
    out += [f"- [{catalogue.profiles[i].title.get(lang)}](#{i.replace('.', '')}) — `{i}`" for i in ids]
    out += ["", f"### {h['verification_title']}", "", h["verification_intro"], ""]
    counts = [Counter(f.verification for f in catalogue.profiles[i].facts()) for i in ids]
    head = ["id", *(h[f"verification_{v.value}"] for v in Verification)]
    rows = [[f"`{i}`", *(str(c[v]) for v in Verification)] for i, c in zip(ids, counts, strict=True)]
    out += _table(head, [*rows, [h["total"], *(str(sum(c[v] for c in counts)) for v in Verification)]])
    out += _dpia_lists(catalogue, lang, h)
    for pid in ids:
        out += [f'<a id="{pid.replace(".", "")}"></a>', "", render_profile_markdown(catalogue.profiles[pid],
                                                                                   catalogue, lang)]
    return "\n".join(out).rstrip() + "\n"
