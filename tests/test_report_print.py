"""The example report printed to A4 in Debian's chromium: at most 12 pages, none under a third full,
a running header with the service and the date, the sign-off with room to sign. The PDFs are kept
as CI artifacts with the screenshots."""

from __future__ import annotations

import io
import unicodedata

import pytest

from tests.test_reports import ARTIFACTS, _browse

PAGE_BUDGET = 12
TOP_MM, BOTTOM_MM = 14, 14  # the @page margins of the report


def _pages(pdf: bytes) -> list[tuple[str, float]]:
    """Each page's text and how far down its body goes (0: empty, 1: full to the bottom margin)."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        top, bottom = height - TOP_MM / 25.4 * 72, BOTTOM_MM / 25.4 * 72
        lows: list[float] = []

        def seen(text, cm, tm, font, size, lows=lows, top=top, bottom=bottom):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and bottom < y < top:  # the body, not the running header and footer
                lows.append(y)

        text = page.extract_text(visitor_text=seen)
        pages.append((" ".join(unicodedata.normalize("NFKC", text).split()),  # ligatures as letters
                       (top - min(lows)) / (top - bottom) if lows else 0.0))
    return pages


@pytest.mark.parametrize("lang, header, signoff", [
    ("fr", "Rapport d'audit RGPD — Dossier social départemental (exemple) — 1 décembre 2026",
     "Visa du délégué à la protection des données Nom Date Signature"),
    ("en", "GDPR audit report — Dossier social départemental (exemple) — December 1, 2026",
     "Data protection officer's sign-off Name Date Signature"),
])
def test_the_example_prints_within_its_page_budget(example_reports, tmp_path, lang, header, signoff):
    html = tmp_path / f"report-{lang}.html"
    html.write_text(example_reports[lang][0], encoding="utf-8")
    _, _, _, pdf = _browse(html)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"report-{lang}.pdf").write_bytes(pdf)
    pages = _pages(pdf)
    assert len(pages) <= PAGE_BUDGET, str([round(fill, 2) for _, fill in pages])
    assert min(fill for _, fill in pages) >= 1 / 3, [round(fill, 2) for _, fill in pages]
    for number, (text, _) in enumerate(pages, start=1):
        assert text.startswith(f"{header} gdpr-auditor {number} / {len(pages)} "), text[:200]
    assert pages[-1][0].endswith(signoff)
