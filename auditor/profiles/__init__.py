"""The catalogue: the taxonomy of data categories and every purpose profile, built-in or the
organisation's own, validated and with `extends` resolved."""

from auditor.profiles.catalogue import Catalogue, load_catalogue, validate_profile_file
from auditor.profiles.loading import load_profile
from auditor.profiles.taxonomy import Taxonomy, load_taxonomy

__all__ = ["Catalogue", "Taxonomy", "load_catalogue", "load_profile", "load_taxonomy",
           "validate_profile_file"]
