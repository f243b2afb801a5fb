"""Generated files stay in step with their sources: a stale file fails with the command to rerun."""

from __future__ import annotations

import pytest

from auditor.profiles import load_catalogue
from auditor.profiles.schema import profile_json_schema_text
from auditor.reporters.profile_markdown import render_catalogue_markdown
from tests.conftest import ROOT


@pytest.mark.parametrize("path, lang", [("docs/profiles.md", "en"), ("docs/profiles.fr.md", "fr")])
def test_profile_docs_are_current(path, lang):
    expected = render_catalogue_markdown(load_catalogue(), lang)
    current = (ROOT / path).read_text(encoding="utf-8")
    assert current == expected, f"{path} is stale: run gdpr-audit profiles docs --lang {lang} > {path}"


def test_profile_schema_is_current():
    catalogue = load_catalogue()
    current = (ROOT / "docs/schema/profile.schema.json").read_text(encoding="utf-8")
    assert current == profile_json_schema_text(catalogue.taxonomy), \
        "docs/schema/profile.schema.json is stale: run gdpr-audit profiles schema > docs/schema/profile.schema.json"


def test_profile_docs_show_each_framework_with_its_tables():
    text = (ROOT / "docs/profiles.md").read_text(encoding="utf-8")
    catalogue = load_catalogue()
    for pid, profile in catalogue.profiles.items():
        section = text.split(f'<a id="{pid.replace(".", "")}"></a>')[1].split("<a id=")[0]
        assert f"## {profile.title.en}" in section
        assert "| Category | " + " | ".join(f"`{p.id}`" for p in profile.purposes) + " |" in section
        assert ("### Retention" in section) == bool(profile.retention)
        assert section.count("(verified)") + section.count("(secondary source)") + \
            section.count("(unverified)") >= len(profile.purposes)
