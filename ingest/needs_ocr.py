"""Does a PDF page need OCR? Decide per page whether its text layer is usable, and say why.

A page needs OCR when
- it has no text layer at all (a scan, or text drawn as outlines);
- the layer is glyph garbage: many `(cid:NN)` placeholders (fonts without a Unicode map),
  private-use or replacement characters, or hardly any letters and digits among its characters;
- the layer holds only a few words (a page number, a running header or a Bates stamp added to a scan);
- an image covers most of the page and the layer has little text (a scan with a stamp), or the
  text was painted *before* a page-size image that hides it (a layer the reader never sees).

A page-size image with plenty of visible text on top (a letterhead background, or a good hidden
OCR layer from a scanner) keeps its text layer: re-OCRing it would cost time and rarely do better.

The freelawproject/doctor `page_needs_ocr` was the starting point (empty text, `(cid:` and large
images); this version measures shares instead of any-occurrence, so a single unmapped bullet
glyph or a small logo does not send a born-digital page to OCR.

`page_needs_ocr` works on a pdfplumber page; `pdfium_page_needs_ocr` applies the same rules to a
pypdfium2 page, which is several times cheaper when no pdfplumber layout is needed otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

MIN_WORDS = 5  # fewer words than this: page numbers / headers only
MIN_WORDS_ON_SCAN = 40  # a page-size image with fewer words than this on it is a scan
BIG_IMAGE_SHARE = 0.5  # images (together) cover at least half the page
MAX_BROKEN_SHARE = 0.10  # (cid:NN), private-use, U+FFFD, control characters
MIN_ALNUM_SHARE = 0.5  # letters and digits among the visible characters
COVERED_SHARE = 0.5  # share of characters hidden under a later image

_CID = re.compile(r"\(cid:\d+\)")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters (any script)


@dataclass(frozen=True)
class TextStats:
    visible: int  # non-space characters, a (cid:NN) counting as one
    broken: int
    alnum: int
    words: int

    @property
    def broken_share(self) -> float:
        return self.broken / self.visible if self.visible else 0.0

    @property
    def alnum_share(self) -> float:
        return self.alnum / self.visible if self.visible else 0.0


def _is_broken(ch: str) -> bool:
    code = ord(ch)
    if 0xE000 <= code <= 0xF8FF or code >= 0xF0000 or code in (0xFFFD, 0xFFFE, 0xFFFF):
        return True
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t"


def text_stats(text: str) -> TextStats:
    cids = len(_CID.findall(text))
    rest = _CID.sub(" ", text)
    # Judged once per distinct character (a page has thousands of characters but about a hundred kinds).
    counts = Counter(rest)
    visible = sum(n for ch, n in counts.items() if not ch.isspace())
    broken = sum(n for ch, n in counts.items() if not ch.isspace() and _is_broken(ch))
    alnum = sum(n for ch, n in counts.items() if ch.isalnum())
    words = len(_WORD.findall(rest))
    return TextStats(visible=visible + cids, broken=broken + cids, alnum=alnum, words=words)


def text_verdict(text: str) -> tuple[bool, str]:
    """The text-only rules: (True, reason) if the text layer is unusable, else (False, summary)."""
    stats = text_stats(text)
    if stats.visible == 0:
        return True, "no text layer"
    if stats.broken_share >= MAX_BROKEN_SHARE:
        return True, f"glyph garbage: {stats.broken_share:.0%} of characters are unmapped glyphs (cid/private-use/replacement)"
    if stats.visible >= 20 and stats.alnum_share < MIN_ALNUM_SHARE:
        return True, f"glyph garbage: only {stats.alnum_share:.0%} of characters are letters or digits"
    if stats.words < MIN_WORDS:
        return True, f"text layer holds only {stats.words} word(s) ({stats.visible} characters): page numbers or headers"
    return False, f"text layer has {stats.words} words"


def _coverage(boxes: list[tuple[float, float, float, float]], width: float, height: float, grid: int = 64) -> float:
    """Share of the page covered by the union of boxes (x0, top, x1, bottom), on a coarse grid."""
    if not boxes or width <= 0 or height <= 0:
        return 0.0
    cells = np.zeros((grid, grid), dtype=bool)
    for x0, top, x1, bottom in boxes:
        c0, c1 = int(max(0.0, x0) / width * grid), int(np.ceil(min(width, x1) / width * grid))
        r0, r1 = int(max(0.0, top) / height * grid), int(np.ceil(min(height, bottom) / height * grid))
        if c1 > c0 and r1 > r0:
            cells[r0:r1, c0:c1] = True
    return float(cells.mean())


def _verdict(text: str, image_boxes, width: float, height: float, covered_share: float) -> tuple[bool, str]:
    needs, reason = text_verdict(text)
    if needs:
        return needs, reason
    words = text_stats(text).words
    big = [b for b in image_boxes if (b[2] - b[0]) * (b[3] - b[1]) >= 0.2 * width * height]
    coverage = _coverage(image_boxes, width, height)
    if coverage >= BIG_IMAGE_SHARE and words < MIN_WORDS_ON_SCAN:
        return True, f"an image covers {coverage:.0%} of the page and the text layer holds only {words} words: a scan"
    if big and covered_share >= COVERED_SHARE:
        return True, f"{covered_share:.0%} of the text lies under an image painted over it: the layer is not what the page shows"
    return False, reason + (f" over an image covering {coverage:.0%} of the page" if coverage >= BIG_IMAGE_SHARE else "")


# --------------------------------------------------------------------------------------------
# pdfplumber


def _plumber_images_and_covered(page) -> tuple[list[tuple[float, float, float, float]], float, float, float]:
    """Image boxes (top-left coordinates), the share of characters painted under a later big image,
    and the page's width and height in the same frame.

    pdfplumber's layout lists characters and images in content-stream (painting) order.
    """
    from pdfminer.layout import LTChar, LTFigure, LTImage

    layout = page.layout  # pdfminer coordinates: bottom-up, in the LTPage's own frame
    x_off, y_off, x_end, y_end = (float(v) for v in layout.bbox)
    width, height = x_end - x_off, y_end - y_off
    boxes: list[tuple[float, float, float, float]] = []
    chars: list[tuple[int, float, float]] = []  # (order, centre x, centre y from top)
    big: list[tuple[int, tuple[float, float, float, float]]] = []
    order = 0

    def visit(objects):
        nonlocal order
        for obj in objects:
            order += 1
            if isinstance(obj, LTChar):
                chars.append((order, (obj.x0 + obj.x1) / 2 - x_off, height - ((obj.y0 + obj.y1) / 2 - y_off)))
            elif isinstance(obj, LTImage) or (isinstance(obj, LTFigure) and any(isinstance(c, LTImage) for c in obj)):
                box = (obj.x0 - x_off, height - (obj.y1 - y_off), obj.x1 - x_off, height - (obj.y0 - y_off))
                boxes.append(box)
                if (box[2] - box[0]) * (box[3] - box[1]) >= 0.2 * width * height:
                    big.append((order, box))
            elif isinstance(obj, LTFigure):
                visit(obj)

    visit(layout)
    if not chars or not big:
        return boxes, 0.0, width, height
    covered = sum(
        1 for n, x, y in chars
        if any(n < m and box[0] <= x <= box[2] and box[1] <= y <= box[3] for m, box in big))
    return boxes, covered / len(chars), width, height


def page_needs_ocr(page) -> tuple[bool, str]:
    """(True, reason) when this pdfplumber page's text layer is unusable and the page should be OCR'd."""
    text = page.extract_text() or ""
    needs, reason = text_verdict(text)
    if needs:
        return needs, reason
    boxes, covered, width, height = _plumber_images_and_covered(page)
    return _verdict(text, boxes, width, height, covered)


# --------------------------------------------------------------------------------------------
# pypdfium2


def pdfium_page_needs_ocr(page) -> tuple[bool, str]:
    """The same rules over a pypdfium2 page (text from PDFium's text page, images from page objects)."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    needs, reason = text_verdict(text)
    if needs:
        return needs, reason
    width, height = page.get_size()
    boxes: list[tuple[float, float, float, float]] = []
    big: list[tuple[int, tuple[float, float, float, float]]] = []
    text_objects: list[tuple[int, float, float, bool]] = []  # order, centre x, centre y, invisible
    for order, obj in enumerate(page.get_objects(max_depth=2)):
        left, bottom, right, top = obj.get_bounds()
        box = (left, height - top, right, height - bottom)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            boxes.append(box)
            if (box[2] - box[0]) * (box[3] - box[1]) >= 0.2 * width * height:
                big.append((order, box))
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
            text_objects.append((order, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2,
                                 mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE))
    covered = 0.0
    if big and text_objects:
        covered = sum(
            1 for n, x, y, _ in text_objects
            if any(n < m and b[0] <= x <= b[2] and b[1] <= y <= b[3] for m, b in big)) / len(text_objects)
    needs, reason = _verdict(text, boxes, width, height, covered)
    if not needs and big and text_objects and all(t[3] for t in text_objects):
        reason += " (an invisible OCR layer over a scan; kept)"
    return needs, reason
