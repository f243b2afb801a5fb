"""A rule's fixed texts in the report's language, by code: its one-line summary and its remedy; an
action's remedy."""

from __future__ import annotations

from functools import cache

from auditor.models.findings import Action
from auditor.ruleset import RuleSet, load_rules


@cache
def _rules() -> RuleSet:
    return load_rules()


def rule_summary(code: str, lang: str) -> str:
    rule = _rules().rules.get(code)
    return rule.summary.get(lang) if rule else code


def rule_remedy(code: str, lang: str) -> str:
    rule = _rules().rules.get(code)
    return rule.remedy.get(lang) if rule else ""


def action_remedy(action: Action, lang: str) -> str:
    """The remedy its findings share (the rule's, or a variant's: public archives), else the rule's."""
    return action.remedy or rule_remedy(action.rule, lang)
