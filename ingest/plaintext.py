"""Plain text and Markdown hearing notes: one page, paragraphs separated by blank lines."""

from __future__ import annotations

import re

from ingest import textclean

_MD_SYNTAX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def decode_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_SYNTAX.sub("", text)


def text_pages(raw: bytes, markdown: bool = False) -> list[str]:
    text = textclean.normalize_page_text(decode_text(raw))
    if markdown:
        text = strip_markdown(text)
    # Form feeds are how plain-text exports of court documents mark pages.
    return [textclean.dehyphenate(page.strip()) for page in text.split("\f")]
