"""page_needs_ocr on small PDFs made here with fpdf2: born-digital, scanned, stamped, hidden text."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.needs_ocr import page_needs_ocr, pdfium_page_needs_ocr, text_verdict

fpdf = pytest.importorskip("fpdf")

NOTO = Path("/usr/share/fonts/truetype/noto")
BODY = (
    "Der Zeuge schilderte die Zustände in der Haftanstalt ausführlich. Er gab an, dass die Gefangenen "
    "täglich verhört und geschlagen wurden. Die Verteidigung äußerte Zweifel an der Glaubwürdigkeit der "
    "Aussage. Der Senat hält die Schilderung für schlüssig und widerspruchsfrei. "
) * 3


def _scan_image() -> Image.Image:
    """A page-sized 'scan': text as pixels only."""
    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(NOTO / "NotoSerif-Regular.ttf"), 25)
    for i in range(20):
        draw.text((150, 150 + i * 45), "Der Zeuge schilderte die Zustände in der Haftanstalt.", font=font, fill=0)
    return image


def _pdf(tmp_path: Path, name: str, build) -> Path:
    pdf = fpdf.FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("serif", fname=str(NOTO / "NotoSerif-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("serif", size=11)
    build(pdf)
    path = tmp_path / name
    pdf.output(str(path))
    return path


def _both(path: Path) -> tuple[tuple[bool, str], tuple[bool, str]]:
    with pdfplumber.open(path) as document:
        plumber = page_needs_ocr(document.pages[0])
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        pdfium_verdict = pdfium_page_needs_ocr(page)
        page.close()
    finally:
        document.close()
    return plumber, pdfium_verdict


def test_born_digital_page_keeps_its_text_layer(tmp_path):
    path = _pdf(tmp_path, "digital.pdf", lambda pdf: (pdf.set_xy(20, 20), pdf.multi_cell(170, 6, BODY)))
    (needs, reason), (needs2, reason2) = _both(path)
    assert needs is False, reason
    assert needs2 is False, reason2
    assert "words" in reason


def test_arabic_born_digital_page_keeps_its_text_layer(tmp_path):
    def build(pdf):
        pdf.add_font("naskh", fname=str(NOTO / "NotoNaskhArabic-Regular.ttf"))
        pdf.set_font("naskh", size=12)
        pdf.set_text_shaping(True, direction="rtl", script="arab", language="ar")
        pdf.set_xy(20, 20)
        pdf.multi_cell(170, 8, "وصف الشاهد الظروف في مركز الاحتجاز بالتفصيل أمام المحكمة. " * 4, align="R")

    (needs, reason), (needs2, reason2) = _both(_pdf(tmp_path, "arabic.pdf", build))
    assert needs is False, reason
    assert needs2 is False, reason2


def test_image_only_page_needs_ocr(tmp_path):
    path = _pdf(tmp_path, "scan.pdf", lambda pdf: pdf.image(_scan_image(), x=0, y=0, w=210, h=297))
    (needs, reason), (needs2, reason2) = _both(path)
    assert needs is True and reason == "no text layer"
    assert needs2 is True and reason2 == "no text layer"


def test_page_number_only_needs_ocr(tmp_path):
    path = _pdf(tmp_path, "number.pdf", lambda pdf: (pdf.set_xy(100, 280), pdf.cell(10, 5, "3")))
    (needs, reason), (needs2, _) = _both(path)
    assert needs is True and needs2 is True
    assert "0 word(s)" in reason


def test_scan_with_a_stamped_header_needs_ocr(tmp_path):
    def build(pdf):
        pdf.image(_scan_image(), x=0, y=0, w=210, h=297)
        pdf.set_xy(20, 5)
        pdf.cell(170, 5, "Oberlandesgericht Koblenz - Az. 1 StE 9/19 - Seite 1 von 3 - Anlage zum Protokoll")

    (needs, reason), (needs2, reason2) = _both(_pdf(tmp_path, "stamped.pdf", build))
    assert needs is True and "a scan" in reason, reason
    assert needs2 is True and "a scan" in reason2, reason2


def test_text_hidden_under_an_image_needs_ocr(tmp_path):
    def build(pdf):
        pdf.set_xy(20, 20)
        pdf.multi_cell(170, 6, BODY * 2)
        pdf.image(_scan_image(), x=0, y=0, w=210, h=297)  # painted after the text, so it hides it

    (needs, reason), (needs2, reason2) = _both(_pdf(tmp_path, "hidden.pdf", build))
    assert needs is True and "under an image" in reason, reason
    assert needs2 is True and "under an image" in reason2, reason2


def test_text_over_a_background_image_is_kept(tmp_path):
    def build(pdf):
        pdf.image(Image.new("L", (200, 280), 235), x=0, y=0, w=210, h=297)  # paper tint / letterhead
        pdf.set_xy(20, 20)
        pdf.multi_cell(170, 6, BODY * 2)

    (needs, reason), (needs2, reason2) = _both(_pdf(tmp_path, "background.pdf", build))
    assert needs is False, reason
    assert needs2 is False, reason2


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("(cid:12)(cid:7)(cid:44) (cid:3)(cid:19)(cid:88) " * 30 + "Seite", "unmapped glyphs"),
        ("\ue001\ue002\ue003 \ue004\ue005 " * 40 + "Der Zeuge sagte aus", "unmapped glyphs"),
        ("\ufffd\ufffd \ufffd\ufffd\ufffd " * 40 + "und der die das", "unmapped glyphs"),
        ("!!! ### %%% &&& *** ;;; ::: ,,, ... ((( ))) " * 10 + "und der die", "letters or digits"),
        ("- 3 -", "word(s)"),
        ("", "no text layer"),
    ],
)
def test_text_verdict_flags_garbage(text, fragment):
    needs, reason = text_verdict(text)
    assert needs is True
    assert fragment in reason


def test_text_verdict_accepts_ordinary_text_with_a_stray_glyph():
    needs, reason = text_verdict("(cid:3) " + BODY)  # one unmapped bullet does not condemn a page
    assert needs is False, reason
