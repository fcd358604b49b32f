"""Typed records that leave `ingest/`: what a file became, or why it could not.

Everything downstream (record store, index, citations) is built from these, so they carry
provenance: document id (sha256 of the bytes), page, paragraph and character offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class FailureReason(str, Enum):
    """The fixed set of reasons a file can fail. Values are stable strings used in the store and CLI."""

    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    WRONG_PASSWORD = "wrong-password"
    UNSUPPORTED = "not-a-supported-type"
    EMPTY = "empty"
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"
    PARTIAL = "partial"


class TextMethod(str, Enum):
    TEXT_LAYER = "text-layer"
    OCR = "ocr"
    NATIVE = "native"  # DOCX, HTML, TXT: the text is the document


@dataclass(frozen=True)
class LegalMeta:
    """Legal metadata parsed from a document's own text. Any field may be unknown."""

    court: str | None = None
    case_number: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD)
    doc_type: str | None = None  # judgment | hearing | summary | press-release | statement | other
    title: str | None = None


@dataclass(frozen=True)
class Passage:
    """A paragraph of one page. `start`/`end` are character offsets into that page's text."""

    doc_id: str
    page: int  # 1-based
    seq: int  # 0-based order within the document
    paragraph: str | None  # the document's own marker ("48" for Rn. 48), or None
    start: int
    end: int
    text: str
    lang: str  # ar | de | en | und

    @property
    def passage_id(self) -> str:
        return f"{self.doc_id[:16]}:{self.seq}"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str
    method: TextMethod = TextMethod.TEXT_LAYER
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0-100


@dataclass
class SourceDocument:
    doc_id: str  # sha256 hex of the file bytes
    path: str
    filename: str
    mime: str
    meta: LegalMeta
    pages: list[Page]
    passages: list[Passage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)  # pages that failed (document is then `partial`)
    # Filled by an enrichment step injected from `pipelines` (entity mentions per passage id), so
    # heavy NLP runs in the same parallel worker that read the file. `ingest` never looks inside.
    annotations: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.title or self.filename


@dataclass(frozen=True)
class Failure:
    """A file that did not become a document, with a human-readable reason. It is never an exception."""

    path: str
    doc_id: str | None
    reason: FailureReason
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason.value} — {self.detail}"


ExtractResult = SourceDocument | Failure
