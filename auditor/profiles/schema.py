"""The JSON Schema of a profile file, generated from the pydantic models, so that editors
(yaml-language-server, VS Code, IntelliJ) complete and check profile files as they are written.

Fields that name a taxonomy entry (category, data subject, start event, DPIA list item, sharing
condition) are marked in the models; here they become references to enums of the built-in
taxonomy's keys.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.models.profile import Profile
from auditor.profiles.taxonomy import Taxonomy

SCHEMA_ID = "https://gdpr-auditor.invalid/schema/profile.schema.json"
_DEFS = {"category": "CategoryKey", "data_subject": "SubjectKey", "start_event": "StartEventKey",
         "dpia_item": "DpiaItemKey", "sharing_condition": "SharingKey"}


def _link_taxonomy(node: Any) -> Any:
    if isinstance(node, dict):
        kind = node.get("x-taxonomy")
        if kind in _DEFS:
            return {"$ref": f"#/$defs/{_DEFS[kind]}"}
        return {k: _link_taxonomy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_link_taxonomy(v) for v in node]
    return node


def profile_json_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    schema = _link_taxonomy(Profile.model_json_schema())
    schema["$defs"].update({
        "CategoryKey": {"type": "string", "enum": list(taxonomy.categories),
                        "description": "A data-category key of the taxonomy"},
        "SubjectKey": {"type": "string", "enum": list(taxonomy.data_subjects),
                       "description": "A data-subject key of the taxonomy"},
        "StartEventKey": {"type": "string", "enum": list(taxonomy.start_events),
                          "description": "An event a retention period is counted from"},
        "DpiaItemKey": {"type": "string", "enum": list(taxonomy.dpia_items),
                        "description": "An item of the CNIL's DPIA lists (required.* or exempt.*)"},
        "SharingKey": {"type": "string", "enum": list(taxonomy.sharing_conditions),
                       "description": "A condition of shared professional secrecy"},
    })
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "gdpr-auditor purpose profile", **schema}


def profile_json_schema_text(taxonomy: Taxonomy) -> str:
    return json.dumps(profile_json_schema(taxonomy), indent=2, ensure_ascii=False) + "\n"
