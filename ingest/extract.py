"""One file in, one `SourceDocument` or one `Failure` out. Never raises for bad input."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ingest import sources
from ingest.language import detect_language
from ingest.legal import parse_legal_meta
from ingest.model import ExtractResult, Failure, FailureReason, LegalMeta, Page, SourceDocument, TextMethod
from ingest.passages import split_passages


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    timeout_s: float = 120.0
    memory_mb: int = 3072
    max_image_pixels: int = 100_000_000


@dataclass(frozen=True)
class Options:
    password: str | None = None
    ocr_lang: str | None = None  # Tesseract languages, e.g. "deu" or "ara+eng"; None = decide per page
    ocr: bool = True
    ocr_cache_dir: str | None = None


def extract_file(path: str | Path, options: Options = Options(), limits: Limits = Limits(), doc_id: str | None = None) -> ExtractResult:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Failure(str(path), None, FailureReason.CORRUPT, f"cannot read the file ({exc.strerror})")
    if not path.is_file():
        return Failure(str(path), doc_id, FailureReason.UNSUPPORTED, "not a regular file (a folder, pipe or device)")
    if size > limits.max_bytes:
        return Failure(str(path), doc_id, FailureReason.TOO_LARGE, f"{size:,} bytes is more than the limit of {limits.max_bytes:,}")
    if size == 0:
        return Failure(str(path), doc_id, FailureReason.EMPTY, "the file is empty (0 bytes)")
    doc_id = doc_id or sources.sha256_file(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    mime = sources.sniff(head, path.name)
    if mime is None:
        return Failure(str(path), doc_id, FailureReason.UNSUPPORTED, "not a PDF, DOCX, HTML, text or image file (by its content)")
    try:
        pages, page_errors, own_title = _pages_for(path, mime, options, limits)
    except ExtractionError as exc:
        return Failure(str(path), doc_id, exc.reason, exc.detail)
    except MemoryError:
        return Failure(str(path), doc_id, FailureReason.TOO_LARGE, "the file needs more memory than the per-file limit")
    except Exception as exc:  # a parser bug on hostile input is still just a bad file
        return Failure(str(path), doc_id, FailureReason.CORRUPT, f"cannot be parsed ({type(exc).__name__}: {exc})"[:400])
    if not any(page.text.strip() for page in pages):
        detail = "no text could be extracted"
        if page_errors:
            detail += f" ({'; '.join(page_errors)[:300]})"
        return Failure(str(path), doc_id, FailureReason.EMPTY, detail)
    caption = "\n".join(page.text for page in pages[:2])[:6000]
    document = SourceDocument(
        doc_id=doc_id,
        path=str(path),
        filename=path.name,
        mime=mime,
        meta=_with_title(parse_legal_meta(caption), own_title),
        pages=pages,
        page_errors=page_errors,
    )
    document.passages = split_passages(doc_id, pages, detect_language)
    return document


class ExtractionError(Exception):
    def __init__(self, reason: FailureReason, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _with_title(meta: LegalMeta, own_title: str | None) -> LegalMeta:
    return replace(meta, title=own_title) if own_title else meta


def _native(texts: list[str]) -> list[Page]:
    return [Page(i + 1, t, TextMethod.NATIVE) for i, t in enumerate(texts)]


def _pages_for(path: Path, mime: str, options: Options, limits: Limits) -> tuple[list[Page], list[str], str | None]:
    """(pages, per-page errors, the document's own title if its format carries one)."""
    if mime == sources.PDF:
        return _pdf_pages(path, options, limits)
    if mime == sources.DOCX:
        from ingest.office import docx_pages, docx_title

        return _native(docx_pages(str(path))), [], docx_title(str(path))
    raw = path.read_bytes()
    if mime == sources.HTML:
        from ingest.html import html_pages, html_title

        return _native(html_pages(raw)), [], html_title(raw)
    if mime in (sources.TEXT, sources.MARKDOWN):
        from ingest.plaintext import text_pages

        return _native(text_pages(raw, markdown=mime == sources.MARKDOWN)), [], None
    if mime in sources.IMAGE_TYPES:
        pages, errors = _image_pages(path, options, limits)
        return pages, errors, None
    raise ExtractionError(FailureReason.UNSUPPORTED, f"no reader for {mime}")


def _pdf_pages(path: Path, options: Options, limits: Limits) -> tuple[list[Page], list[str], str | None]:
    from ingest.pdf import PdfError, extract_pdf_pages

    try:
        text = extract_pdf_pages(str(path), options.password, limits.max_pages)
    except PdfError as exc:
        raise ExtractionError(exc.reason, exc.detail) from exc
    pages, errors = text.pages, text.errors
    if text.textless and options.ocr:
        pages, errors = _ocr_pdf_pages(path, pages, text.textless, errors, options)
    return pages, errors, text.title


def _ocr_pdf_pages(path, pages, numbers, errors, options):
    try:
        from ingest import ocr
    except ImportError:  # OCR is optional at this layer; without it the page stays empty
        return pages, errors + [f"page {n}: no text layer and OCR is unavailable" for n in numbers]
    return ocr.ocr_pdf_pages(str(path), pages, numbers, errors, options)


def _image_pages(path: Path, options: Options, limits: Limits) -> tuple[list[Page], list[str]]:
    try:
        from ingest import ocr
    except ImportError as exc:
        raise ExtractionError(FailureReason.UNSUPPORTED, "images need OCR, which is not installed") from exc
    return ocr.ocr_image_pages(str(path), options, limits)


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
