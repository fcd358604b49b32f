"""Synthetic page images with known text, scan-like degradation, and character error rate.

Used by tests/unit/test_ocr.py; run it directly for a CER/timing table:

    .venv/bin/python -m tests.ocr_quality

Pages are drawn with PIL at 300 dpi in 12 pt Noto fonts. Arabic is shaped with raqm (PIL's
complex-text layout); without raqm it falls back to an fpdf2 PDF with text shaping, rendered
with pypdfium2, so the Arabic on the image is always joined and right-to-left.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features
from rapidfuzz.distance import Levenshtein

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONTS = {
    "deu": NOTO / "NotoSerif-Regular.ttf",
    "eng": NOTO / "NotoSans-Regular.ttf",
    "ara": NOTO / "NotoNaskhArabic-Regular.ttf",
}
DPI = 300
POINTS = 12

# Each sample: paragraphs of lines, as they are drawn (one list item = one printed line).
SAMPLES: dict[str, list[list[str]]] = {
    "deu": [
        [
            "Oberlandesgericht Koblenz, 1. Strafsenat, Aktenzeichen 1 StE 9/19",
            "Der Zeuge schilderte die Zustände in der Haftanstalt ausführlich.",
            "Er gab an, dass die Gefangenen täglich verhört und geschlagen wurden.",
        ],
        [
            "Die Verteidigung äußerte Zweifel an der Glaubwürdigkeit der Aussage.",
            "Der Senat hält die Schilderung für schlüssig und widerspruchsfrei.",
            "Strafbar ist dies nach § 7 Abs. 1 Nr. 5 VStGB in Verbindung mit § 27 StGB.",
            "Größere Lücken in der Erinnerung des Zeugen ließen sich nicht feststellen.",
        ],
    ],
    "eng": [
        [
            "Higher Regional Court Koblenz, First Criminal Division, case 1 StE 9/19",
            "The witness described the conditions in the detention facility in detail.",
            "He stated that detainees were interrogated and beaten every day.",
        ],
        [
            "The defence questioned the credibility of the testimony given on 14 March.",
            "The court found the account coherent and free of contradictions.",
            "A decision on hearing further witnesses will be taken next week.",
            "No significant gaps in the witness's memory could be established.",
        ],
    ],
    "ara": [
        [
            "المحكمة الإقليمية العليا في كوبلنز، الدائرة الجنائية الأولى",
            "وصف الشاهد الظروف في مركز الاحتجاز بالتفصيل أمام المحكمة.",
            "وذكر أن المعتقلين كانوا يستجوبون ويضربون كل يوم.",
        ],
        [
            "شككت هيئة الدفاع في مصداقية الشهادة التي أدلى بها الشاهد.",
            "ورأت المحكمة أن روايته متماسكة وخالية من التناقضات.",
            "وسيصدر قرار بشأن الاستماع إلى شهود آخرين في الأسبوع المقبل.",
            "ولم يتبين وجود ثغرات كبيرة في ذاكرة الشاهد.",
        ],
    ],
}


def reference_text(lang: str) -> str:
    return "\n\n".join("\n".join(lines) for lines in SAMPLES[lang])


def _font(lang: str, size_px: int, font: Path | None = None) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(font or FONTS[lang]), size_px, layout_engine=engine)


def render_page(lang: str, paragraphs: list[list[str]] | None = None, dpi: int = DPI, points: float = POINTS,
                width_in: float = 8.27, margin_in: float = 1.0, font: Path | None = None) -> Image.Image:
    """A grayscale page (A4 width, height fitted to the text) with the sample drawn at `points`.

    `font` overrides the language's Noto font (Noto Naskh has no Latin letters: a line mixing
    Arabic and Latin needs e.g. DejaVu Sans, which has both).
    """
    paragraphs = paragraphs if paragraphs is not None else SAMPLES[lang]
    rtl = lang == "ara"
    if rtl and not features.check("raqm"):
        return _render_with_fpdf(paragraphs, dpi, points, width_in, margin_in, font)
    size_px = round(points / 72 * dpi)
    face = _font(lang, size_px, font)
    line_h = round(size_px * (1.9 if rtl else 1.5))
    margin = round(margin_in * dpi)
    n_lines = sum(len(p) for p in paragraphs)
    height = 2 * margin + n_lines * line_h + (len(paragraphs) - 1) * line_h
    width = round(width_in * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for index, lines in enumerate(paragraphs):
        if index:
            y += line_h
        for line in lines:
            if rtl:
                draw.text((width - margin, y), line, font=face, fill=0, anchor="ra", direction="rtl", language="ar")
            else:
                draw.text((margin, y), line, font=face, fill=0, anchor="la")
            y += line_h
    return image


def _render_with_fpdf(paragraphs, dpi, points, width_in, margin_in, font=None) -> Image.Image:
    """Fallback for Pillow without raqm: fpdf2 shapes Arabic with HarfBuzz, pypdfium2 rasterises."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    n_lines = sum(len(p) for p in paragraphs) + len(paragraphs) - 1
    line_pt = points * 1.9
    height_pt = 2 * margin_in * 72 + n_lines * line_pt
    pdf = FPDF(unit="pt", format=(width_in * 72, height_pt))
    pdf.set_margin(margin_in * 72)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("naskh", fname=str(font or FONTS["ara"]))
    pdf.set_font("naskh", size=points)
    pdf.set_text_shaping(True, direction="rtl", script="arab", language="ar")
    for index, lines in enumerate(paragraphs):
        if index:
            pdf.ln(line_pt)
        for line in lines:
            pdf.cell(w=0, h=line_pt, text=line, align="R", new_x="LMARGIN", new_y="NEXT")
    document = pdfium.PdfDocument(bytes(pdf.output()))
    try:
        return document[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def degrade(image: Image.Image, seed: int = 7, blur: float = 0.8, noise: float = 12.0, angle: float = 1.5,
            jpeg_quality: int = 50) -> Image.Image:
    """What a mediocre office scan does: rotate a little, soften, add sensor noise, save as JPEG."""
    out = image.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    out = out.filter(ImageFilter.GaussianBlur(blur))
    rng = np.random.default_rng(seed)
    pixels = np.asarray(out, dtype=np.float32) + rng.normal(0.0, noise, size=(out.height, out.width))
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=jpeg_quality)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def uneven_light(image: Image.Image, darkest: float = 0.45) -> Image.Image:
    """Lighting that falls off across the page (a phone photo, a book gutter): left edge at `darkest`."""
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    height, width = pixels.shape
    light = np.linspace(darkest, 1.0, width)[None, :] * np.linspace(0.8, 1.0, height)[:, None]
    return Image.fromarray(np.clip(pixels * light, 0, 255).astype(np.uint8), "L")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


def edits(reference: str, hypothesis: str) -> tuple[int, int]:
    """(Levenshtein distance, reference length), both after whitespace is collapsed."""
    ref, hyp = _normalise(reference), _normalise(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over reference length, whitespace collapsed."""
    distance, length = edits(reference, hypothesis)
    return distance / max(1, length)


def report(rows: list[tuple[str, str, str, str, float | None, str]]) -> str:
    """rows: (lang, condition, reference, hypothesis, seconds or None, langs used) → a table for the log."""
    out = ["OCR quality (CER = Levenshtein distance / reference characters, whitespace collapsed)",
           f"{'lang':5} {'condition':9} {'CER':>7} {'edits':>9} {'secs':>6}  langs"]
    for lang, condition, reference, hypothesis, seconds, used in rows:
        distance, length = edits(reference, hypothesis)
        secs = f"{seconds:6.2f}" if seconds is not None else f"{'-':>6}"
        out.append(f"{lang:5} {condition:9} {distance / max(1, length):7.2%} {distance:>4}/{length:<4} {secs}  {used}")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - manual measurement
    import sys
    import time

    from ingest import ocr

    auto = "--auto" in sys.argv
    rows = []
    for lang in SAMPLES:
        clean = render_page(lang)
        for condition, image in (("clean", clean), ("degraded", degrade(clean)), ("uneven", uneven_light(degrade(clean)))):
            started = time.perf_counter()
            result = ocr.ocr_image(image, None if auto else lang)
            rows.append((lang, condition, reference_text(lang), result.text, time.perf_counter() - started, result.langs))
            if "-v" in sys.argv:
                print(result.text, "\n---")
    print(report(rows))
