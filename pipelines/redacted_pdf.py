"""A document as a PDF for one principal: protected names removed from the text itself.

The PDF is set anew from the stored page text as the principal may see it (see pipelines.scoped), not
drawn over the original: a black box over a text layer leaves the name extractable underneath, while
here the name is simply not in the file. Page breaks follow the original's pages.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from pipelines.stores.record import RecordStore

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _font_files() -> tuple[Path, Path | None]:
    for latin in (NOTO / "NotoSans-Regular.ttf", DEJAVU / "DejaVuSans.ttf"):
        if latin.exists():
            arabic = NOTO / "NotoNaskhArabic-Regular.ttf"
            return latin, arabic if arabic.exists() else None
    raise RuntimeError("no Unicode font found: install fonts-noto-core (scripts/setup.sh does)")


def document_pdf(records: RecordStore, doc_id: str, viewer: str) -> bytes:
    """The document's text, page by page, as `records` shows it (scope it to the principal first)."""
    row = records.document(doc_id)
    if row is None:
        raise LookupError(f"no document {doc_id!r} that you may read")
    latin, arabic = _font_files()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("body", "", str(latin))
    if arabic:
        pdf.add_font("arabic", "", str(arabic))
        pdf.set_fallback_fonts(["arabic"])
    pdf.set_text_shaping(True)
    pdf.set_title(row.title or row.filename)
    pdf.set_creator(f"Dalil export for {viewer}")
    pages = records.pages(doc_id)
    for page in pages:
        pdf.add_page()
        pdf.set_font("body", size=8)
        pdf.cell(0, 5, f"{row.filename}, page {page.number} of {len(pages)}; exported by Dalil for {viewer}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("body", size=10)
        for block in page.text.split("\n"):
            pdf.multi_cell(0, 5, block or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
