"""PDF pages to text with paragraph structure.

pypdfium2 opens the file (fast, and tells encryption apart from corruption); pdfplumber reads the
text layer line by line with positions, which is what lets us see paragraph gaps, drop running
headers and footers, and put right-to-left lines back into logical order.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import ctypes
import unicodedata

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest import textclean
from ingest.needs_ocr import pdfium_page_needs_ocr
from ingest.passages import MARKER
from ingest.model import FailureReason, Page, TextMethod


class PdfError(Exception):
    def __init__(self, reason: FailureReason, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float


_RTL_CHAR = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# Arabic words (and the spaces between them) inside a left-to-right line: reversed back in place.
_RTL_RUN = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff](?:[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff ]*[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff])?")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-zÀ-ÿ0-9.]")
_LATIN_CHAR = re.compile(r"[A-Za-zÀ-ÿ]")
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
_LTR_RUN = re.compile(r"[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ.,:/§\-–()%]*(?: [A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ.,:/§\-–()%]*)*")


def open_pdf(path: str, password: str | None = None) -> pdfium.PdfDocument:
    """Open with PDFium and translate its errors into our failure reasons."""
    try:
        return pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            if password:
                raise PdfError(FailureReason.WRONG_PASSWORD, "the password given does not open this PDF") from exc
            raise PdfError(FailureReason.ENCRYPTED, "the PDF is encrypted; give --password or --password-file") from exc
        if "format" in message.lower() or "file" in message.lower():
            raise PdfError(FailureReason.CORRUPT, f"PDFium cannot read it ({message})") from exc
        raise PdfError(FailureReason.CORRUPT, message) from exc


def _visual_to_logical(text: str) -> str:
    """pdfplumber emits an RTL line in visual (left-to-right) order: reverse it, keeping LTR runs.

    Shaped PDFs store Arabic as glyphs positioned left to right, so the extracted string is the
    mirror image of what a reader reads. Latin words and numbers inside the line were laid out
    left to right and keep their internal order; brackets swap sides.
    """
    if not _RTL_CHAR.search(text):
        return text
    segments: list[str] = []
    position = 0
    for match in _LTR_RUN.finditer(text):
        segments.extend(text[position : match.start()].translate(_MIRROR))
        segments.append(match.group(0))
        position = match.end()
    segments.extend(text[position:].translate(_MIRROR))
    return "".join(reversed(segments))


def _pdfium_page_lines(page) -> list[Line]:
    """Lines from PDFium's character list, which is about 25 times faster than pdfminer.

    PDFium splits lines well but guesses the order inside right-to-left lines poorly (neutral
    punctuation and Latin runs land on the wrong side). So a mostly-Arabic line is rebuilt from its
    characters in visual order (by x) and converted to logical order by `_visual_to_logical`.
    """
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # surrogate pairs shift indexes; PDFium's own order is then used as is
            return _plain_lines(text)
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        lines: list[Line] = []
        current: list[tuple[str, float, float, float, float]] = []  # (char, left, top, bottom, width)
        for index, ch in enumerate(text + "\n"):
            if ch in "\r\n":
                if current:
                    lines.append(_line_from_chars(current, height))
                    current = []
                continue
            if pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
                box = (left.value, top.value, bottom.value, right.value - left.value)
            else:
                box = (current[-1][1] if current else 0.0, 0.0, 0.0, 0.0)
            current.append((ch, *box))
        return [ln for ln in lines if ln.text]
    finally:
        textpage.close()


def _line_from_chars(chars: list[tuple[str, float, float, float, float]], page_height: float) -> Line:
    tops = [c[2] for c in chars if c[4] > 0]
    bottoms = [c[3] for c in chars if c[4] > 0]
    top = page_height - (max(tops) if tops else 0.0)
    bottom = page_height - (min(bottoms) if bottoms else 0.0)
    logical = "".join(c[0] for c in chars)
    arabic, latin = len(_RTL_CHAR.findall(logical)), len(_LATIN_CHAR.findall(logical))
    if arabic > latin:
        # Tashkeel are separate glyphs floating over their letter; in x order they would land
        # beside the wrong letter, so they are left out (search ignores them anyway).
        # Spaces PDFium generated (zero width) sit at arbitrary x and are dropped too.
        kept = []
        for i, c in enumerate(chars):
            if unicodedata.combining(c[0]):
                continue
            if c[0].isspace() and c[4] <= 0:
                before, after = chars[i - 1] if i else None, chars[i + 1] if i + 1 < len(chars) else None
                if not (before and after and _LATIN_OR_DIGIT.match(before[0]) and _LATIN_OR_DIGIT.match(after[0])):
                    continue
                # A generated space inside a Latin run ("Anwar R.") is real; PDFium places it well.
            kept.append(c)
        visual = "".join(c[0] for c in sorted(kept, key=lambda c: c[1]))
        text = _visual_to_logical(visual)
    elif arabic:
        # PDFium keeps each Arabic word intact inside a left-to-right line but lists the words of
        # an Arabic run in visual order: put the words back in reading order.
        text = _RTL_RUN.sub(lambda m: " ".join(reversed(m.group(0).split(" "))), logical)
    else:
        text = logical
    text = re.sub(r" {2,}", " ", textclean.normalize_page_text(text)).strip()
    return Line(text, top, bottom)


def _plain_lines(text: str) -> list[Line]:
    return [Line(t.strip(), float(i * 10), float(i * 10 + 8)) for i, t in enumerate(text.splitlines()) if t.strip()]


def _plumber_page_lines(page: pdfplumber.page.Page) -> list[Line]:
    lines = []
    for raw in page.extract_text_lines(layout=False, strip=True, return_chars=False, x_tolerance_ratio=0.15):
        text = textclean.normalize_page_text(raw["text"]).strip()
        if text:
            lines.append(Line(_visual_to_logical(text), raw["top"], raw["bottom"]))
    return lines


def _join_paragraphs(lines: list[Line]) -> str:
    """Blank line where the vertical gap is wider than usual, or where a paragraph marker starts."""
    if not lines:
        return ""
    heights = [ln.bottom - ln.top for ln in lines if ln.bottom > ln.top]
    typical = statistics.median(heights) if heights else 10.0
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    normal_gap = statistics.median(gaps) if gaps else typical * 0.3
    out = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        gap = line.top - prev.bottom
        new_paragraph = gap > normal_gap + typical * 0.6 or bool(MARKER.match(line.text))
        out.append(("\n\n" if new_paragraph else "\n") + line.text)
    # Line breaks inside a paragraph are only wrapping: after joining split words, make them spaces.
    return re.sub(r"(?<!\n)\n(?!\n)", " ", textclean.dehyphenate("".join(out)))


@dataclass
class PdfText:
    pages: list[Page]
    errors: list[str]  # per-page problems
    textless: list[int]  # 1-based numbers of pages without usable text (candidates for OCR)
    title: str | None  # from the PDF's own metadata


def extract_pdf_pages(path: str, password: str | None = None, max_pages: int | None = None) -> PdfText:
    """Pages without a usable text layer come back with empty text; the caller decides whether to OCR."""
    document = open_pdf(path, password)
    page_count = len(document)
    try:
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    except Exception:  # metadata is a nicety; a broken Info dictionary must not cost the text
        title = None
    document.close()
    if page_count == 0:
        raise PdfError(FailureReason.EMPTY, "the PDF has no pages")
    if max_pages is not None and page_count > max_pages:
        raise PdfError(FailureReason.TOO_LARGE, f"{page_count} pages is more than the limit of {max_pages}")
    per_page: list[list[Line]] = []
    errors: list[str] = []
    failed: list[int] = []
    needs_ocr: list[int] = []  # pages whose text layer is missing, garbage, or hidden under an image
    document = open_pdf(path, password)
    try:
        for index in range(page_count):
            try:
                page = document[index]
                try:
                    per_page.append(_pdfium_page_lines(page))
                    if pdfium_page_needs_ocr(page)[0]:
                        needs_ocr.append(index + 1)
                finally:
                    page.close()
            except Exception:  # one bad page must not lose the others; pdfminer gets a try below
                per_page.append([])
                failed.append(index)
    finally:
        document.close()
    if failed:
        _plumber_retry(path, password, per_page, failed, errors)
    kept = _drop_running(per_page)
    pages = [Page(i + 1, _join_paragraphs(lines), TextMethod.TEXT_LAYER) for i, lines in enumerate(kept)]
    empty = sorted(set(needs_ocr) | {p.number for p in pages if len(re.findall(r"\w", p.text)) < 20})
    return PdfText(pages, errors, empty, title)


def _plumber_retry(path: str, password: str | None, per_page: list[list[Line]], failed: list[int], errors: list[str]) -> None:
    """Pages PDFium could not read get a second reader, pdfminer (via pdfplumber)."""
    try:
        with pdfplumber.open(path, password=password or "") as pdf:
            for index in failed:
                try:
                    per_page[index] = _plumber_page_lines(pdf.pages[index])
                except Exception as exc:
                    errors.append(f"page {index + 1}: unreadable ({type(exc).__name__}: {exc})"[:300])
    except Exception as exc:
        errors.extend(f"page {i + 1}: unreadable ({type(exc).__name__}: {exc})"[:300] for i in failed)


def _drop_running(per_page: list[list[Line]]) -> list[list[Line]]:
    texts = [[ln.text for ln in lines] for lines in per_page]
    cleaned = textclean.drop_running_lines(texts)
    out = []
    for lines, keep in zip(per_page, cleaned):
        # drop_running_lines only trims the ends, so the kept lines are a contiguous slice.
        start = next((i for i in range(len(lines)) if lines[i : i + len(keep)] and [x.text for x in lines[i : i + len(keep)]] == keep), 0)
        out.append(lines[start : start + len(keep)])
    return out
