"""The words a reader sees in an HTML report: its visible text, without what is marked as not to
be translated (codes in <code>, names in translate="no"), the style sheet and the chart's markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words of each language that give it away in a report in the other: common function words and the
# words the auditor's own texts use, none of which is spelled the same in the other language.
GIVEAWAYS = {
    "en": {"the", "and", "of", "with", "which", "names", "name", "read", "sampled", "values", "rows", "pass",
           "confidence", "applied", "beneficiary", "staff", "statistics", "accounting", "high",
           "medium", "low", "critical", "status", "message", "readable", "through", "column", "columns",
           "found", "terms", "hold", "past", "oldest", "start", "declared", "purposes", "none", "allowed",
           "forbidden", "role", "kind", "check", "digits", "verified", "unverified", "baseline",
           "findings", "evidence", "remedy", "years", "months", "days"},
    "fr": {"le", "la", "les", "des", "du", "et", "sur", "dans", "une", "est", "sont", "valeurs", "lignes",
           "nom", "lu", "colonne", "colonnes", "personne", "bénéficiaire", "usager", "élevée", "moyenne",
           "faible", "critique", "autorisée", "interdite", "constats", "finalités", "déclarées", "ans",
           "mois", "jours", "lisibles", "détecteur", "vérifiée", "aucune", "dont", "depuis",
           "conservation", "données", "délibération", "référentiel", "rgpd", "décret"},
}

_HIDDEN = {"code", "style", "script", "svg", "title"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"meta", "br", "link", "input", "img", "hr", "rect"}:
            return
        hidden = tag in _HIDDEN or ("translate", "no") in attrs
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"meta", "br", "link", "input", "img", "hr", "rect"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.words.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.words)).strip()  # keeps the no-break spaces


def other_language_words(html: str, lang: str) -> list[str]:
    """The giveaway words of the other language found in the visible text, in order, once each."""
    other = "en" if lang == "fr" else "fr"
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", visible_text(html).lower())
    found = [w for w in words if w in GIVEAWAYS[other]]
    return list(dict.fromkeys(found))
