"""DOCX to pages: Word has no fixed pages, so only explicit page breaks start a new one."""

from __future__ import annotations

import docx
from docx.oxml.ns import qn

from ingest import textclean


def docx_pages(path: str) -> list[str]:
    document = docx.Document(path)
    pages: list[list[str]] = [[]]
    for paragraph in document.paragraphs:
        if any(br.get(qn("w:type")) == "page" for br in paragraph._p.iter(qn("w:br"))) and pages[-1]:
            pages.append([])
        text = textclean.normalize_page_text(paragraph.text).strip()
        if text:
            pages[-1].append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [textclean.normalize_page_text(c.text).strip() for c in row.cells]
            line = " | ".join(c for c in cells if c)
            if line:
                pages[-1].append(line)
    return ["\n\n".join(p) for p in pages]


def docx_title(path: str) -> str | None:
    title = (docx.Document(path).core_properties.title or "").strip()
    return title or None
