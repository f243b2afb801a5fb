"""Load and validate the rules in rules/<kind>/<CODE>.yaml."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import RuleError
from auditor.models.rule import Rule
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, validate

RULE_KINDS = ("minimisation", "free_text", "retention", "access", "security", "governance")


@dataclass
class RuleSet:
    rules: dict[str, Rule]
    files: dict[str, str]

    def get(self, code: str) -> Rule:
        if code.upper() in self.rules:
            return self.rules[code.upper()]
        close = difflib.get_close_matches(code.upper(), sorted(self.rules), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RuleError(f"unknown rule {code!r}{hint}; 'gdpr-audit rules list' shows them")

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for code, r in sorted(self.rules.items()) if r.kind.value == kind]


def load_rules(directory: Path | None = None) -> RuleSet:
    directory = directory or data_dir("rules")
    rules: dict[str, Rule] = {}
    files: dict[str, str] = {}
    for kind in RULE_KINDS:
        for path in sorted((directory / kind).glob("*.yaml")):
            rule = validate(Rule, load_yaml_file(path, RuleError), str(path), RuleError)
            if rule.code in rules:
                raise RuleError(f"rule code {rule.code} is also used by {files[rule.code]}",
                                file=str(path))
            if path.stem != rule.code:
                raise RuleError(f"file name must be the rule code ({rule.code}.yaml)",
                                file=str(path))
            if rule.kind.value != kind:
                raise RuleError(f"rule of kind {rule.kind.value!r} filed under {kind}/",
                                file=str(path))
            rules[rule.code] = rule
            files[rule.code] = str(path)
    return RuleSet(rules, files)
