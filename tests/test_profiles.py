"""Profile and taxonomy loading: the catalogue, and errors naming file, line and key."""

from __future__ import annotations

import pytest

from auditor.errors import ProfileError
from auditor.profiles import load_catalogue, load_profile, load_taxonomy
from auditor.resources import data_dir

PROFILE = data_dir("cnil_profiles") / "cnil.ref.social-medicosocial.2021.yaml"


def test_catalogue_and_taxonomy_integrity():
    catalogue = load_catalogue()
    taxonomy = catalogue.taxonomy
    assert "cnil.ref.social-medicosocial.2021" in catalogue.profiles
    for key, cat in taxonomy.categories.items():
        assert cat.parent is None or cat.parent in taxonomy.categories, key
    assert taxonomy.covers("identity", "identity.nir") and not taxonomy.covers("identity.nir", "identity")


@pytest.mark.parametrize("old, new, expected", [
    ("allowed: [identity.name, identity.birth_date, identity.gender, identity.case_number, legal_representative,\n              contact, family, housing",
     "allowed: [identity.nme, identity.birth_date, identity.gender, identity.case_number, legal_representative,\n              contact, family, housing",
     ":45: purposes.0.allowed.0: unknown data category 'identity.nme' (did you mean 'identity.name'?)"),
    ("    verification: secondary\n    allowed: [identity.name, identity.birth_date, identity.gender, identity.case_number, legal_representative,\n              contact, family, housing",
     "    verification: sure\n    allowed: [identity.name, identity.birth_date, identity.gender, identity.case_number, legal_representative,\n              contact, family, housing",
     ":44: purposes.0.verification: Input should be 'verified', 'secondary' or 'unverified'"),
    ("    active: P2Y", "    active: 2 years", ":219: retention.0.active: '2 years' is not an ISO 8601 duration such as P2Y or P6M"),
])
def test_profile_errors_name_file_line_and_key(tmp_path, old, new, expected):
    text = PROFILE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(bad, load_taxonomy())
    assert str(err.value) == f"{bad}{expected}"
