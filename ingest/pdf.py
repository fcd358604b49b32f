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


def _page_lines(page: pdfplumber.page.Page) -> list[Line]:
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
    try:
        with pdfplumber.open(path, password=password or "") as pdf:
            for index, page in enumerate(pdf.pages):
                try:
                    per_page.append(_page_lines(page))
                except Exception as exc:  # one bad page must not lose the others
                    per_page.append(_pdfium_lines(path, password, index, errors, exc))
    except Exception as exc:
        # pdfminer gives up on some files PDFium can still read: fall back to PDFium's text.
        per_page = [_pdfium_lines(path, password, i, errors, exc) for i in range(page_count)]
        if not any(per_page):
            raise PdfError(FailureReason.CORRUPT, f"the text layer cannot be read ({type(exc).__name__}: {exc})"[:300]) from exc
    kept = _drop_running(per_page)
    pages = [Page(i + 1, _join_paragraphs(lines), TextMethod.TEXT_LAYER) for i, lines in enumerate(kept)]
    empty = [p.number for p in pages if len(re.findall(r"\w", p.text)) < 20]
    return PdfText(pages, errors, empty, title)


def _pdfium_lines(path: str, password: str | None, index: int, errors: list[str], cause: Exception) -> list[Line]:
    """Lines of one page from PDFium, without positions: paragraph gaps are then unknown."""
    try:
        document = pdfium.PdfDocument(path, password=password)
        try:
            textpage = document[index].get_textpage()
            raw = textpage.get_text_bounded()
        finally:
            document.close()
    except Exception as exc:
        errors.append(f"page {index + 1}: {type(cause).__name__}: {cause}; PDFium: {exc}"[:300])
        return []
    lines = []
    for number, text in enumerate(raw.splitlines()):
        text = textclean.normalize_page_text(text).strip()
        if text:
            lines.append(Line(text, float(number * 10), float(number * 10 + 8)))
    return lines


def _drop_running(per_page: list[list[Line]]) -> list[list[Line]]:
    texts = [[ln.text for ln in lines] for lines in per_page]
    cleaned = textclean.drop_running_lines(texts)
    out = []
    for lines, keep in zip(per_page, cleaned):
        # drop_running_lines only trims the ends, so the kept lines are a contiguous slice.
        start = next((i for i in range(len(lines)) if lines[i : i + len(keep)] and [x.text for x in lines[i : i + len(keep)]] == keep), 0)
        out.append(lines[start : start + len(keep)])
    return out
