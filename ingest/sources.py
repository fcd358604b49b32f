"""Find files, identify them by content hash, and sniff their real type from magic bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

SUPPORTED = {PDF, DOCX, HTML, TEXT, MARKDOWN, PNG, JPEG, TIFF}
IMAGE_TYPES = {PNG, JPEG, TIFF}

_SKIP_NAMES = {".DS_Store", "Thumbs.db"}


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield files under the given files/folders in a stable (sorted) order, skipping hidden ones."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name not in _SKIP_NAMES:
                        yield Path(root) / name
        else:
            yield path


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sniff(head: bytes, filename: str = "") -> str | None:
    """Type from the first bytes; the extension only separates text flavours (md vs txt vs html)."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        # A DOCX is a zip whose first entries name the Word parts; other zips are not ours.
        return DOCX if b"word/" in head or b"[Content_Types].xml" in head else None
    if b"\x00" in head[:4096]:
        return None
    try:
        sample = head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head[:4096]) - 4:
            return None
        sample = head[: exc.start].decode("utf-8")
    lowered = sample.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<body" in lowered[:2048]:
        return HTML
    suffix = Path(filename).suffix.lower()
    if suffix in {".md", ".markdown"}:
        return MARKDOWN
    if suffix in {".htm", ".html"}:
        return HTML
    return TEXT
