"""Pure text clean-up applied to every page, whatever produced it (text layer or OCR)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Bidi controls and invisible marks: PDFs and OCR scatter them through Arabic text, and they
# break matching and offsets without being visible.
_BIDI = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u200b"),
    None,
)
_HYPHEN_BREAK = re.compile(r"(?<=[a-zäöüß])[-\u00ad]\n(?=[a-zäöüß])")
_SOFT_HYPHEN = "\u00ad"
_MARKER_START = re.compile(r"^\s*(?:Rn\.?\s*\d|\[\d+\]|\(\d+\)\s|\d{1,4}\.\s)")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d+\s*[-–—]|(?:Seite|Page|S\.|p\.|صفحة)?\s*\d+(?:\s*(?:von|of|/|من)\s*\d+)?)\s*$",
    re.IGNORECASE,
)


def strip_bidi_marks(text: str) -> str:
    return text.translate(_BIDI)


def normalize_page_text(text: str) -> str:
    """NFKC folds Arabic presentation forms (what shaped PDFs store) back to base letters."""
    text = unicodedata.normalize("NFKC", strip_bidi_marks(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return re.sub(r"[ \u00a0]+", " ", text)


def dehyphenate(text: str) -> str:
    """Join words split at line ends ("Verneh-\\nmung" → "Vernehmung").

    Only lower-case continuations are joined, so "Nord-\\nSyrien" style compounds survive.
    """
    text = _HYPHEN_BREAK.sub("", text)
    return text.replace(_SOFT_HYPHEN, "")


def is_page_number_line(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def _line_signature(line: str) -> str:
    return _DIGITS.sub("#", line.strip().casefold())


def running_lines(pages: list[list[str]], edge: int = 2, min_share: float = 0.5) -> set[str]:
    """Signatures of lines that repeat at the top or bottom of many pages (headers, footers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        # Headers and footers are short and never open a numbered paragraph.
        edges = {_line_signature(x) for x in lines[:edge] + lines[-edge:] if x.strip() and len(x) <= 100 and not _MARKER_START.match(x)}
        counts.update(edges)
    needed = max(2, int(len(pages) * min_share))
    return {sig for sig, n in counts.items() if n >= needed}


def drop_running_lines(pages: list[list[str]], edge: int = 2) -> list[list[str]]:
    """Remove running headers/footers and bare page numbers from the top and bottom of pages."""
    repeated = running_lines(pages, edge)
    cleaned = []
    for lines in pages:
        keep = list(lines)
        for _ in range(edge + 1):
            if keep and (_line_signature(keep[0]) in repeated or is_page_number_line(keep[0]) or not keep[0].strip()):
                keep.pop(0)
        for _ in range(edge + 1):
            if keep and (_line_signature(keep[-1]) in repeated or is_page_number_line(keep[-1]) or not keep[-1].strip()):
                keep.pop()
        cleaned.append(keep)
    return cleaned
