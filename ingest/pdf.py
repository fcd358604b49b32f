"""PDF pages to text with paragraph structure.

pypdfium2 opens the file (fast, and tells encryption apart from corruption); pdfplumber reads the
text layer line by line with positions, which is what lets us see paragraph gaps, drop running
headers and footers, and put right-to-left lines back into logical order.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import pdfplumber
import pypdfium2 as pdfium

from ingest import textclean
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
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")
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
    """Lines from PDFium's text rectangles: segments sharing a baseline form one line.

    PDFium is about 25 times faster than pdfminer here, which is what lets born-digital ingest
    keep up with the page rate we promise (see docs/decisions/0002-pdf-text.md).
    """
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        segments = []
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            text = textpage.get_text_bounded(left, bottom, right, top)
            if text.strip():
                segments.append((height - top, height - bottom, left, text))
    finally:
        textpage.close()
    segments.sort(key=lambda s: (s[0], s[2]))
    rows: list[list[tuple]] = []
    for segment in segments:
        if rows:
            row_top, row_bottom = min(s[0] for s in rows[-1]), max(s[1] for s in rows[-1])
            overlap = min(row_bottom, segment[1]) - max(row_top, segment[0])
            if overlap > 0.5 * min(row_bottom - row_top, segment[1] - segment[0]):
                rows[-1].append(segment)
                continue
        rows.append([segment])
    lines = []
    for row in rows:
        row.sort(key=lambda s: s[2])
        text = textclean.normalize_page_text(" ".join(s[3].replace("\r\n", " ").replace("\n", " ") for s in row)).strip()
        if text:
            lines.append(Line(_visual_to_logical(text), min(s[0] for s in row), max(s[1] for s in row)))
    return lines


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
    document = open_pdf(path, password)
    try:
        for index in range(page_count):
            try:
                page = document[index]
                try:
                    per_page.append(_pdfium_page_lines(page))
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
    empty = [p.number for p in pages if len(re.findall(r"\w", p.text)) < 20]
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
