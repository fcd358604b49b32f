#!/usr/bin/env python3
"""Rebuild the synthetic sample corpus in corpora/sample/ from the texts in corpora/sample_src/.

Everything under corpora/sample/ is generated. Edit the sources, then run

    .venv/bin/python corpora/build_sample.py            # build, verify, write sample_src/ANCHORS.md
    .venv/bin/python corpora/build_sample.py --ocr      # also OCR the scan with tesseract and print the CER

Every document is a SYNTHETIC SAMPLE written for tests: the court, case numbers, dates, charges,
public institutions and the two convicted defendants follow public information; every witness,
co-plaintiff, judge, lawyer, interpreter and expert is invented. Each output says so in its own
visible text (first page, running header/footer).

Source format (one UTF-8 file per output document in corpora/sample_src/)
----------------------------------------------------------------------------
A file opens with a front-matter block of ``key: value`` lines between two ``---`` lines:

    output   file name written to corpora/sample/ (its extension does not choose the writer)
    kind     pdf (born-digital, fpdf2) | scan (image-only PDF, PIL) | docx | html | md
    lang     de | en | ar   (ar: right-to-left, shaped with HarfBuzz through fpdf2)
    title    document title (PDF/DOCX metadata, HTML <title>)
    subject  PDF/DOCX subject metadata
    header   running header on every page (pdf, scan, docx, html)
    footer   running footer; {page} and {pages} are filled in (pdf, scan); plain text for docx/html
    font     NotoSerif | NotoSans | NotoNaskhArabic   (pdf, scan)
    size     body font size in points; leading = line height in mm; align = J | L | R (pdf)

After the front matter come blocks separated by blank lines:

    # text           heading level 1 (## level 2, ### level 3)
    ::title          the remaining lines of the block, each centred, large and bold
    ::center         the remaining lines, each centred
    ::notice         the remaining lines form one framed "synthetic sample" notice
    ::sign           the remaining lines, centred, after a gap (signatures)
    ::pagebreak      start a new page
    % text           a comment line, dropped
    anything else    a body paragraph; its lines are joined with single spaces

Paragraph numbers are part of the text ("Rn. 12 ...", "[3] ...", "3. ..."). So that a wrapped line
never starts with something that looks like a paragraph marker ("am 23. April", "Rn. 5", "(3)",
"[4]"), the builder glues such tokens to the preceding word with a no-break space (U+00A0, which
NFKC turns back into a plain space on extraction). kind md is copied verbatim (front matter
removed).

Determinism: fixed creation dates, fixed DOCX zip timestamps and a seeded RNG for the scan noise,
so reruns give byte-identical files with the same library versions.

Outputs besides corpora/sample/*:
    sample_src/al-gharib-urteil-scan.groundtruth.txt   exact text of the scan as drawn (lines as
                                                       printed, blank line between paragraphs,
                                                       form feed between pages)
    sample_src/ANCHORS.md                              search anchors generated from anchors.txt,
                                                       with pages checked against pdfplumber
"""

from __future__ import annotations

import argparse
import html
import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "sample_src"
OUT = ROOT / "sample"
FIXED_DATE = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
AUTHOR = "Dalil synthetic sample builder (corpora/build_sample.py)"
NOTO = Path("/usr/share/fonts/truetype/noto")
FONTS = {
    "NotoSerif": (NOTO / "NotoSerif-Regular.ttf", NOTO / "NotoSerif-Bold.ttf"),
    "NotoSans": (NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf"),
    "NotoNaskhArabic": (NOTO / "NotoNaskhArabic-Regular.ttf", NOTO / "NotoNaskhArabic-Bold.ttf"),
}
NBSP = "\u00a0"
LRM = "\u200e"

# Same shape as ingest.passages.MARKER: "Rn. 48", "[12]", "(3)", "12." at the start of a block.
MARKER = re.compile(
    r"^\s*(?:Rn\.?\s*(?P<rn>\d{1,4})\b|\[(?P<br>\d{1,4})\]|\((?P<pa>\d{1,4})\)(?=\s)|(?P<num>\d{1,4})\.(?=\s+\S))"
)
_GLUE = re.compile(r" (?=(?:Rn\.|\d{1,4}\.(?=\s|$)|\(\d{1,4}\)(?=\s|$)|\[\d{1,4}\]))")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CASE_NO = re.compile(r"\d{1,2} StE \d{1,3}/\d{2}")


# --------------------------------------------------------------------------------------------
# Sources


@dataclass
class Block:
    kind: str  # h1 h2 h3 para title center notice sign pagebreak
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def marker(self) -> str | None:
        if self.kind != "para":
            return None
        match = MARKER.match(self.text)
        return next(g for g in match.groups() if g) if match else None


@dataclass
class Source:
    path: Path
    meta: dict[str, str]
    blocks: list[Block]
    body: str  # everything after the front matter, verbatim

    @property
    def output(self) -> str:
        return self.meta["output"]

    @property
    def rtl(self) -> bool:
        return self.meta.get("lang") == "ar"


def parse_source(path: Path) -> Source:
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n"):
        raise ValueError(f"{path.name}: missing front matter")
    head, body = raw[4:].split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        if line.strip():
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    blocks = []
    for chunk in re.split(r"\n\s*\n", body):
        lines = [ln.rstrip() for ln in chunk.splitlines() if ln.strip() and not ln.startswith("%")]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("::"):
            blocks.append(Block(first[2:].strip(), [ln.strip() for ln in lines[1:]]))
        elif first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            blocks.append(Block(f"h{level}", [" ".join(ln.strip() for ln in lines).lstrip("# ").strip()]))
        else:
            blocks.append(Block("para", [" ".join(ln.strip() for ln in lines)]))
    return Source(path, meta, blocks, body.lstrip("\n"))


def glue_markers(text: str) -> str:
    """No-break space before marker-like tokens, so no wrapped line can start with one."""
    match = MARKER.match(text)
    head = match.end() if match else 0
    text = text[:head] + _GLUE.sub(NBSP, text[head:])
    return re.sub(r"(§§?) (?=\d)", "\\1" + NBSP, text)


def bidi_fix(text: str) -> str:
    """Keep "1 StE 9/19" together as one left-to-right run inside Arabic text."""
    return _CASE_NO.sub(lambda m: LRM + m.group(0) + LRM, text)


# --------------------------------------------------------------------------------------------
# Born-digital PDF (fpdf2)


class SamplePDF(FPDF):
    def __init__(self, src: Source, total_pages: int | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.src = src
        self.total_pages = total_pages
        self.rtl = src.rtl
        family = src.meta.get("font", "NotoSerif")
        regular, bold = FONTS[family]
        self.add_font("body", "", str(regular))
        self.add_font("body", "B", str(bold))
        if self.rtl:
            self.add_font("latin", "", str(FONTS["NotoSans"][0]))
            self.add_font("latin", "B", str(FONTS["NotoSans"][1]))
            self.set_fallback_fonts(["latin"])
        else:
            self.add_font("arabic", "", str(FONTS["NotoNaskhArabic"][0]))
            self.add_font("arabic", "B", str(FONTS["NotoNaskhArabic"][1]))
            self.set_fallback_fonts(["arabic"])
        self.size = float(src.meta.get("size", 11))
        self.leading = float(src.meta.get("leading", 5.4))
        self.body_align = src.meta.get("align", "R" if self.rtl else "J")
        self.set_margins(25, 24, 25)
        self.set_auto_page_break(True, margin=22)
        self.set_creation_date(FIXED_DATE)
        self.set_title(src.meta.get("title", src.output))
        self.set_subject(src.meta.get("subject", "SYNTHETIC SAMPLE"))
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_keywords("SYNTHETIC SAMPLE; synthetic; test corpus; Dalil")
        self.set_lang({"de": "de-DE", "en": "en-GB", "ar": "ar"}[src.meta.get("lang", "en")])
        self._shaping(self.rtl)
        self.layout: list[tuple[int, int, int]] = []  # (block index, first page, last page)

    def _shaping(self, on: bool) -> None:
        if self.rtl:
            self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ara")
        elif on:
            self.set_text_shaping(use_shaping_engine=True, direction="ltr")
        else:
            self.set_text_shaping(False)

    def _text(self, text: str) -> str:
        text = glue_markers(text)
        return bidi_fix(text) if self.rtl else text

    def header(self) -> None:
        self.set_font("body", "", 8.5 if not self.rtl else 9.5)
        self.set_text_color(70, 70, 70)
        self.set_xy(self.l_margin, 11)
        self.cell(0, 5, self._text(self.src.meta["header"]), align="C")
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, 17.5, self.w - self.r_margin, 17.5)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        total = self.total_pages if self.total_pages else 0
        text = self.src.meta["footer"].format(page=self.page_no(), pages=total)
        self.set_font("body", "", 9 if not self.rtl else 10)
        self.set_text_color(70, 70, 70)
        self.set_xy(self.l_margin, -15)
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)

    def _block_text(self, text: str, style: str, size: float, align: str, height: float) -> None:
        self.set_font("body", style, size)
        shaped = self.rtl or bool(_ARABIC.search(text))
        if shaped != self.rtl:
            self._shaping(True)
        self.multi_cell(0, height, self._text(text), align=align, new_x="LMARGIN", new_y="NEXT")
        if shaped != self.rtl:
            self._shaping(False)

    def _keep_room(self, lines: float) -> None:
        if self.get_y() + lines * self.leading > self.page_break_trigger:
            self.add_page()

    def render(self) -> None:
        self.add_page()
        side = "R" if self.rtl else "L"
        for index, block in enumerate(self.src.blocks):
            first = self.page
            if block.kind == "pagebreak":
                self.add_page()
                continue
            if block.kind == "notice":
                self.set_font("body", "B", self.size - 1)
                self.set_fill_color(235, 235, 235)
                self.set_draw_color(60, 60, 60)
                text = self._text(" ".join(block.lines))
                self.multi_cell(0, self.leading, text, border=1, fill=True, align="C", padding=2.5,
                                new_x="LMARGIN", new_y="NEXT")
                self.ln(self.leading * 1.2)
            elif block.kind == "title":
                for line in block.lines:
                    self._block_text(line, "B", self.size + 5, "C", self.leading * 1.7)
                self.ln(self.leading * 0.6)
            elif block.kind == "center":
                for line in block.lines:
                    self._block_text(line, "", self.size, "C", self.leading * 1.2)
                self.ln(self.leading)
            elif block.kind == "sign":
                self._keep_room(3)
                self.ln(self.leading)
                for line in block.lines:
                    self._block_text(line, "", self.size, "C", self.leading)
            elif block.kind in ("h1", "h2", "h3"):
                self._keep_room(5)
                size = {"h1": self.size + 3, "h2": self.size + 1, "h3": self.size}[block.kind]
                align = "C" if block.kind == "h1" else side
                self.ln(self.leading * 0.4)
                self._block_text(block.text, "B", size, align, self.leading * 1.25)
                self.ln(self.leading * 0.6)
            else:
                self._block_text(block.text, "", self.size, self.body_align, self.leading)
                self.ln(self.leading)  # visible blank line between paragraphs
            self.layout.append((index, first, self.page))


def build_pdf(src: Source) -> tuple[bytes, list[tuple[int, int, int]], int]:
    draft = SamplePDF(src, None)
    draft.render()
    total = draft.pages_count
    pdf = SamplePDF(src, total)
    pdf.render()
    if pdf.pages_count != total:
        raise RuntimeError(f"{src.output}: page count changed between passes")
    return bytes(pdf.output()), pdf.layout, total


# --------------------------------------------------------------------------------------------
# Image-only scan (PIL at 300 dpi, embedded as JPEG through fpdf2)

DPI = 300
PAGE_PX = (2480, 3508)  # A4 at 300 dpi
SCAN_ANGLES = [0.35, -0.28, 0.42, -0.2, 0.3]  # degrees, one per page
SCAN_GRAIN = 2.2  # standard deviation of the grey-level grain
SCAN_JPEG_QUALITY = 68


@dataclass
class ScanPage:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    lines: list[str] = field(default_factory=list)  # ground truth, "" = paragraph gap


def _px(points: float) -> int:
    return round(points * DPI / 72)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words = text.split(" ")  # NBSP is not a break opportunity
    lines, current = [], ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if font.getlength(trial.replace(NBSP, " ")) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return [ln.replace(NBSP, " ") for ln in lines]


def build_scan(src: Source) -> tuple[bytes, str, list[tuple[int, int, int]], int]:
    family = src.meta.get("font", "NotoSerif")
    regular, bold = FONTS[family]
    size = float(src.meta.get("size", 11))
    body = ImageFont.truetype(str(regular), _px(size))
    body_bold = ImageFont.truetype(str(bold), _px(size))
    title = ImageFont.truetype(str(bold), _px(size + 4))
    small = ImageFont.truetype(str(regular), _px(8.5))
    margin_x, top, bottom = 295, 330, PAGE_PX[1] - 300
    width = PAGE_PX[0] - 2 * margin_x
    line_h = round(_px(size) * 1.42)

    pages: list[ScanPage] = []
    y = 0

    def new_page() -> ScanPage:
        nonlocal y
        image = Image.new("L", PAGE_PX, 255)
        page = ScanPage(image, ImageDraw.Draw(image))
        pages.append(page)
        y = top
        return page

    page = new_page()

    def put(text: str, font, align: str = "L", height: int = line_h) -> None:
        nonlocal y, page
        if y + height > bottom:
            page.lines.append("")
            page = new_page()
        length = font.getlength(text)
        x = {"L": margin_x, "C": (PAGE_PX[0] - length) / 2}[align]
        page.draw.text((x, y), text, font=font, fill=20)
        page.lines.append(text)
        y += height

    def gap(factor: float = 1.0) -> None:
        nonlocal y
        if page.lines and page.lines[-1] != "":
            page.lines.append("")
        y += round(line_h * factor)

    layout = []
    for index, block in enumerate(src.blocks):
        first = len(pages)
        if block.kind == "notice":
            text = glue_markers(" ".join(block.lines))
            lines = _wrap(text, body_bold, width - 60)
            box_top = y - 25
            for line in lines:
                put(line, body_bold, "C")
            page.draw.rectangle((margin_x - 10, box_top, PAGE_PX[0] - margin_x + 10, y + 10), outline=40, width=4)
            gap(0.9)
        elif block.kind == "title":
            for line in block.lines:
                put(line, title, "C", round(line_h * 1.45))
            gap(0.3)
        elif block.kind == "center":
            for line in block.lines:
                put(line, body, "C")
            gap()
        elif block.kind == "sign":
            gap()
            for line in block.lines:
                put(line, body, "C")
        elif block.kind in ("h1", "h2", "h3"):
            if y + 4 * line_h > bottom:
                page.lines.append("")
                page = new_page()
            put(block.text, body_bold, "C" if block.kind == "h1" else "L")
            gap(0.5)
        elif block.kind == "pagebreak":
            page = new_page()
        else:
            for line in _wrap(glue_markers(block.text), body, width):
                put(line, body)
            gap()
        layout.append((index, first, len(pages)))

    total = len(pages)
    rng = np.random.default_rng(20210224)
    jpegs = []
    truth_pages = []
    for number, page in enumerate(pages, start=1):
        head = src.meta["header"]
        page.draw.text(((PAGE_PX[0] - small.getlength(head)) / 2, 150), head, font=small, fill=60)
        page.draw.line((margin_x, 215, PAGE_PX[0] - margin_x, 215), fill=110, width=3)
        foot = src.meta["footer"].format(page=number, pages=total)
        page.draw.text(((PAGE_PX[0] - small.getlength(foot)) / 2, PAGE_PX[1] - 190), foot, font=small, fill=60)
        # Mild scanner realism: a slight skew, soft focus, paper tone, grain and a few specks.
        image = page.image.rotate(SCAN_ANGLES[(number - 1) % len(SCAN_ANGLES)], resample=Image.BICUBIC,
                                  fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        pixels = np.asarray(image, dtype=np.float32)
        pixels = pixels * 0.94 + 9 + rng.normal(0.0, SCAN_GRAIN, pixels.shape)
        specks = rng.random(pixels.shape) < 0.00004
        pixels[specks] = rng.uniform(60, 160, int(specks.sum()))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=SCAN_JPEG_QUALITY, dpi=(DPI, DPI), optimize=False, progressive=False)
        jpegs.append(buffer.getvalue())
        lines = page.lines
        while lines and lines[-1] == "":
            lines = lines[:-1]
        truth_pages.append("\n".join([head, ""] + lines + ["", foot]))

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(src.meta.get("title", src.output))
    pdf.set_subject(src.meta.get("subject", "SYNTHETIC SAMPLE"))
    pdf.set_author(AUTHOR)
    pdf.set_creator(AUTHOR)
    pdf.set_keywords("SYNTHETIC SAMPLE; synthetic; scanned; image-only; no text layer; Dalil")
    pdf.set_auto_page_break(False)
    for data in jpegs:
        pdf.add_page()
        pdf.image(io.BytesIO(data), x=0, y=0, w=210, h=297)
    truth = "\f".join(truth_pages) + "\n"
    return bytes(pdf.output()), truth, layout, total


# --------------------------------------------------------------------------------------------
# DOCX (python-docx, zip entries re-stamped for byte-stable output)


def _stable_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def build_docx(src: Source) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    for part, text in ((section.header, src.meta["header"]), (section.footer, src.meta["footer"])):
        paragraph = part.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    for block in src.blocks:
        if block.kind == "h1":
            document.add_heading(block.text, level=0)
        elif block.kind in ("h2", "h3"):
            document.add_heading(block.text, level=int(block.kind[1]) - 1)
        elif block.kind == "notice":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(" ".join(block.lines))
            run.bold = True
            run.font.color.rgb = RGBColor(0x99, 0x00, 0x00)
        elif block.kind in ("title", "center", "sign"):
            for line in block.lines:
                paragraph = document.add_paragraph(line)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "pagebreak":
            document.add_page_break()
        else:
            paragraph = document.add_paragraph(block.text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    core = document.core_properties
    core.title = src.meta.get("title", "")
    core.subject = src.meta.get("subject", "")
    core.author = AUTHOR
    core.last_modified_by = AUTHOR
    core.keywords = "SYNTHETIC SAMPLE; synthetic; test corpus; Dalil"
    core.comments = "SYNTHETIC SAMPLE - not an original document."
    core.language = {"de": "de-DE", "en": "en-GB", "ar": "ar"}[src.meta.get("lang", "en")]
    core.created = core.modified = FIXED_DATE.replace(tzinfo=None)
    core.last_printed = FIXED_DATE.replace(tzinfo=None)
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


# --------------------------------------------------------------------------------------------
# HTML5 (also well-formed XML: every element closed, void elements self-closed)


def build_html(src: Source) -> bytes:
    esc = html.escape
    lang = src.meta.get("lang", "en")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"' + (' dir="rtl"' if src.rtl else "") + ">",
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f'<meta name="description" content="{esc(src.meta.get("subject", "SYNTHETIC SAMPLE"))}" />',
        f'<meta name="generator" content="{esc(AUTHOR)}" />',
        f"<title>{esc(src.meta.get('title', src.output))}</title>",
        "<style>",
        "body { font-family: Georgia, serif; max-width: 46em; margin: 2em auto; line-height: 1.5; }",
        ".synthetic { font-family: sans-serif; font-size: 0.85em; color: #555; text-align: center; }",
        ".notice { border: 2px solid #900; background: #f4f4f4; padding: 0.6em; color: #900; font-weight: bold; }",
        "</style>",
        "</head>",
        "<body>",
        f'<header><p class="synthetic">{esc(src.meta["header"])}</p></header>',
        "<main>",
    ]
    for block in src.blocks:
        if block.kind in ("h1", "h2", "h3"):
            out.append(f"<{block.kind}>{esc(block.text)}</{block.kind}>")
        elif block.kind == "notice":
            out.append(f'<p class="notice">{esc(" ".join(block.lines))}</p>')
        elif block.kind in ("title", "center", "sign"):
            out.extend(f'<p style="text-align: center">{esc(line)}</p>' for line in block.lines)
        elif block.kind == "pagebreak":
            out.append("<hr />")
        else:
            marker = block.marker
            ident = f' id="p{marker}"' if marker else ""
            out.append(f"<p{ident}>{esc(block.text)}</p>")
    out += ["</main>", f'<footer><p class="synthetic">{esc(src.meta["footer"])}</p></footer>', "</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Verification and anchors


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace(LRM, "").replace("\u200f", "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def pdf_page_texts(path: Path, rtl: bool) -> list[str]:
    """Page texts for locating anchors: pdfplumber (logical order for LTR); pypdfium2 for Arabic."""
    if rtl:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        document.close()
        return [norm(t) for t in texts]
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [norm(page.extract_text() or "") for page in pdf.pages]


def verify_pdf_lines(path: Path, src: Source) -> list[str]:
    """Every line of the text layer that starts like a paragraph marker must start a real paragraph."""
    import pdfplumber

    problems = []
    starts = [norm(b.text)[:20] for b in src.blocks if b.marker]
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            if "SYNTHET" not in text and "عينة" not in text and "ةنيع" not in text:
                problems.append(f"page {number}: no synthetic-sample notice in the text layer")
            if src.rtl:
                continue
            for line in text.splitlines():
                head = norm(line)[:20]
                if MARKER.match(line) and not any(s.startswith(head) for s in starts):
                    problems.append(f"page {number}: line looks like a paragraph marker: {line[:60]!r}")
    return problems


@dataclass
class Built:
    src: Source
    path: Path
    layout: list[tuple[int, int, int]]  # (block index, first page, last page), 1-based pages
    pages: int


def passages(src: Source) -> list[tuple[int, Block]]:
    return [(i, b) for i, b in enumerate(src.blocks) if b.kind != "pagebreak"]


def locate(built: Built, query: str, page_texts: dict[str, list[str]]) -> dict:
    """The single passage of a document that contains the query phrase, and its page."""
    q = norm(query)
    hits = [(i, b) for i, b in passages(built.src) if q in norm(" ".join(b.lines))]
    words = [w for w in re.findall(r"\w+", q) if len(w) > 2]
    bag = [(i, b) for i, b in passages(built.src) if all(w in norm(" ".join(b.lines)) for w in words)]
    result = {"query": query, "hits": len(hits), "bag_hits": len(bag), "page": None, "paragraph": None, "start": ""}
    if len(hits) != 1:
        return result
    index, block = hits[0]
    result["paragraph"] = block.marker
    result["start"] = " ".join(block.text.split()[:7])
    pages = [p for (i, first, last) in built.layout if i == index for p in range(first, last + 1)]
    if built.src.meta["kind"] == "pdf":
        texts = page_texts.setdefault(built.path.name, pdf_page_texts(built.path, built.src.rtl))
        found = [n for n, t in enumerate(texts, start=1) if q in t]
        result["page"] = found[0] if len(found) == 1 else None
        result["page_check"] = "extracted" if len(found) == 1 else f"layout {pages} (not found in extraction)"
        if result["page"] is None and pages:
            result["page"] = pages[0]
    elif built.src.meta["kind"] == "scan":
        result["page"] = pages[0] if pages else None
        result["page_check"] = "layout (image-only; see ground truth)"
        if len(set(pages)) > 1:
            truth = (SRC / "al-gharib-urteil-scan.groundtruth.txt").read_text(encoding="utf-8").split("\f")
            found = [n for n, t in enumerate(truth, start=1) if q in norm(t)]
            result["page"] = found[0] if found else pages[0]
    else:
        result["page"] = 1
        result["page_check"] = "single page (no fixed pagination)"
    return result


def read_anchors() -> tuple[dict[str, list[str]], list[list[str]]]:
    per_file: dict[str, list[str]] = {}
    cross: list[list[str]] = []
    section = None
    for raw in (SRC / "anchors.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section == "cross":
            cross.append([part.strip() for part in line.split("|")])
        else:
            per_file.setdefault(section, []).append(line)
    return per_file, cross


def write_anchors(built: dict[str, Built]) -> list[str]:
    per_file, cross = read_anchors()
    page_texts: dict[str, list[str]] = {}
    problems = []
    md = [
        "# Search anchors for the synthetic sample corpus",
        "",
        "Generated by `corpora/build_sample.py` from `corpora/sample_src/anchors.txt`; do not edit by hand.",
        "",
        "Every query is a phrase that occurs (case-insensitively) in exactly one passage (blank-line-separated",
        "paragraph) of its document, and no other passage of that document contains all of its words.",
        "Page = 1-based page as rendered; for the born-digital PDFs it was checked against the text layer",
        "(pdfplumber for German/English, pypdfium2 for Arabic). DOCX, HTML and Markdown have no fixed",
        "pages and are listed as page 1 (how the ingest pipeline numbers them). Paragraph = the document's",
        "own marker (`Rn. 19` -> 19, `[5]` -> 5, `12. ` -> 12); `-` for unnumbered passages.",
        "",
    ]
    for name, queries in per_file.items():
        b = built[name]
        md += [f"## {name}", "", "| # | Query | Page | Paragraph | Passage begins | Page check |", "|---|---|---|---|---|---|"]
        for n, query in enumerate(queries, start=1):
            r = locate(b, query, page_texts)
            if r["hits"] != 1 or r["bag_hits"] != 1:
                problems.append(f"{name}: {query!r} in {r['hits']} passages (all words in {r['bag_hits']})")
            md.append(f"| {n} | `{query}` | {r['page']} | {r['paragraph'] or '-'} | {r['start']} … | {r.get('page_check', '')} |")
        md.append("")
    md += [
        "## Cross-lingual anchors",
        "",
        "The query is in one language, the answer passage in another document and language. `Locator` is",
        "the phrase (in the target's language) that identifies the answer passage uniquely.",
        "",
        "| # | Query | Query lang | Target file | Page | Paragraph | Locator |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, (lang, query, target, locator) in enumerate(cross, start=1):
        r = locate(built[target], locator, page_texts)
        if r["hits"] != 1:
            problems.append(f"cross {query!r}: locator {locator!r} in {r['hits']} passages of {target}")
        md.append(f"| {n} | `{query}` | {lang} | {target} | {r['page']} | {r['paragraph'] or '-'} | `{locator}` |")
    md.append("")
    (SRC / "ANCHORS.md").write_text("\n".join(md), encoding="utf-8")
    return problems


def ocr_check(path: Path, truth: str) -> None:
    import pypdfium2 as pdfium
    import pytesseract
    from rapidfuzz.distance import Levenshtein

    document = pdfium.PdfDocument(str(path))
    for number, expected in enumerate(truth.split("\f"), start=1):
        image = document[number - 1].render(scale=DPI / 72).to_pil()
        got = pytesseract.image_to_string(image, lang="deu")
        a, b = " ".join(expected.split()), " ".join(got.split())
        cer = Levenshtein.distance(a, b) / max(1, len(a))
        print(f"  OCR page {number}: CER {cer:.3%} ({len(a)} chars)")


# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ocr", action="store_true", help="OCR the scan with tesseract and print the CER")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    built: dict[str, Built] = {}
    problems: list[str] = []
    scan_truth = None
    for path in sorted(SRC.iterdir()):
        if path.suffix not in (".txt", ".md") or path.name in ("anchors.txt", "ANCHORS.md") or ".groundtruth." in path.name:
            continue
        src = parse_source(path)
        target = OUT / src.output
        kind = src.meta["kind"]
        layout, pages = [], 1
        if kind == "pdf":
            data, layout, pages = build_pdf(src)
        elif kind == "scan":
            data, scan_truth, layout, pages = build_scan(src)
            (SRC / "al-gharib-urteil-scan.groundtruth.txt").write_text(scan_truth, encoding="utf-8")
        elif kind == "docx":
            data = build_docx(src)
        elif kind == "html":
            data = build_html(src)
        elif kind == "md":
            data = src.body.encode("utf-8")
        else:
            raise ValueError(f"{path.name}: unknown kind {kind!r}")
        target.write_bytes(data)
        built[src.output] = Built(src, target, layout, pages)
        print(f"{src.output:50s} {kind:5s} {pages:3d} page(s) {len(data):9,d} bytes")
        if kind == "pdf":
            problems += [f"{src.output}: {p}" for p in verify_pdf_lines(target, src)]
    problems += write_anchors(built)
    if args.ocr and scan_truth is not None:
        ocr_check(OUT / "al-gharib-urteil-scan.pdf", scan_truth)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"total {total:,d} bytes in {OUT}")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
