"""Which characters of a passage matched the query: offsets into the original text (Arabic too)."""

from __future__ import annotations

from pipelines.analysis import analyze


def match_spans(text: str, lang: str, terms: set[str]) -> list[tuple[int, int]]:
    spans = []
    for token in analyze(text, lang, compounds=True):
        if token.term in terms:
            spans.append((token.start, token.end))
    return spans


def mark(text: str, spans: list[tuple[int, int]], before: str = "[", after: str = "]") -> str:
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(text[position:start] + before + text[start:end] + after)
        position = end
    out.append(text[position:])
    return "".join(out)


def snippet(text: str, spans: list[tuple[int, int]], width: int = 320) -> tuple[str, list[tuple[int, int]], int]:
    """A window of about `width` characters around the first match; spans re-based to the window."""
    if len(text) <= width:
        return text, spans, 0
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace():
        end += 1
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return text[start:end], inside, start
