"""The brief basket as Markdown, DOCX and CSV, with citations in German or English style."""

from __future__ import annotations

import csv
import io

from ingest.model import LegalMeta
from pipelines.citations import format_citation


def cite(item: dict, style: str) -> str:
    meta = LegalMeta(item.get("court"), item.get("case_number"), item.get("date"), item.get("doc_type"), item.get("title"))
    return format_citation(meta, item.get("filename", ""), int(item.get("page") or 1), item.get("paragraph"), style).text


def brief_markdown(items: list[dict], style: str) -> str:
    return "\n\n".join(f"> {' '.join(item['text'].split())}\n\n— {cite(item, style)}" for item in items) + "\n"


def brief_docx(items: list[dict], style: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Brief – Auszüge" if style == "de" else "Brief – excerpts", level=1)
    for item in items:
        quote = document.add_paragraph(" ".join(item["text"].split()))
        quote.style = "Quote" if "Quote" in [s.name for s in document.styles] else quote.style
        document.add_paragraph(cite(item, style))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def brief_csv(items: list[dict], style: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["citation", "passage", "passage_id", "file"])
    for item in items:
        writer.writerow([cite(item, style), item["text"], item["passage_id"], item.get("filename", "")])
    return buffer.getvalue()
