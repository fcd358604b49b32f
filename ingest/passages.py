"""Split page text into paragraph passages, keeping the document's own paragraph numbers.

Pages arrive with paragraphs separated by blank lines. A paragraph that opens with a marker
("Rn. 48", "[12]", "12.", "(3)") takes that marker as its id; body text that follows a marked
paragraph without a marker of its own (continued on the next page, say) belongs to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.model import Page, Passage

MARKER = re.compile(
    r"^\s*(?:Rn\.?\s*(?P<rn>\d{1,4})\b|\[(?P<br>\d{1,4})\]|\((?P<pa>\d{1,4})\)(?=\s)|(?P<num>\d{1,4})\.(?=\s+\S))"
)
_BLOCK = re.compile(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", re.S)
MAX_PASSAGE_CHARS = 2400


def paragraph_marker(block: str) -> str | None:
    match = MARKER.match(block)
    if not match:
        return None
    return next(g for g in match.groups() if g)


def _looks_like_heading(block: str) -> bool:
    return len(block) < 90 and "\n" not in block.strip() and not block.rstrip().endswith((".", ":", "،", "؛"))


def _sentence_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut over-long blocks at sentence ends so passages stay readable and scoreable."""
    cuts = []
    while end - start > MAX_PASSAGE_CHARS:
        window = text[start : start + MAX_PASSAGE_CHARS]
        stop = max(window.rfind(". "), window.rfind(".\n"), window.rfind("۔ "), window.rfind("؟ "))
        cut = start + (stop + 1 if stop > MAX_PASSAGE_CHARS // 3 else MAX_PASSAGE_CHARS)
        cuts.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    cuts.append((start, end))
    return cuts


def split_passages(doc_id: str, pages: list[Page], detect: Callable[[str], str]) -> list[Passage]:
    passages: list[Passage] = []
    current: str | None = None
    for page in pages:
        for match in _BLOCK.finditer(page.text):
            block = match.group(0)
            marker = paragraph_marker(block)
            if marker is not None:
                current = marker
            elif _looks_like_heading(block):
                current_for_block = None
                passages.extend(_make(doc_id, page, match.start(), match.end(), current_for_block, detect, len(passages)))
                continue
            passages.extend(_make(doc_id, page, match.start(), match.end(), current, detect, len(passages)))
    return passages


def _make(doc_id, page, start, end, marker, detect, seq0) -> list[Passage]:
    out = []
    for offset, (s, e) in enumerate(_sentence_cuts(page.text, start, end)):
        text = page.text[s:e]
        out.append(Passage(doc_id, page.number, seq0 + offset, marker, s, e, text, detect(text)))
    return out
