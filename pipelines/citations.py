"""Pinpoint citations that can be pasted into a brief. Pure functions over typed metadata."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import LegalMeta

_TYPE_DE = {"judgment": "Urteil", "hearing": "Verhandlungsprotokoll", "summary": "Zusammenfassung", "press-release": "Pressemitteilung", "statement": "Erklärung"}
_TYPE_EN = {"judgment": "Judgment", "hearing": "Hearing notes", "summary": "Summary", "press-release": "Press release", "statement": "Statement"}
_TYPE_AR = {"judgment": "حكم", "hearing": "محضر جلسة", "summary": "ملخص", "press-release": "بيان صحفي", "statement": "إفادة"}
_MONTHS_EN = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


@dataclass(frozen=True)
class Citation:
    text: str
    title: str
    court: str | None
    case_number: str | None
    date: str | None
    doc_type: str | None
    page: int
    paragraph: str | None


def _date_de(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"


def _date_en(iso: str) -> str:
    return f"{int(iso[8:10])} {_MONTHS_EN[int(iso[5:7]) - 1]} {iso[:4]}"


def citation_style(lang: str) -> str:
    """German documents are cited the German way; everything else in English style."""
    return "de" if lang == "de" else "en"


def format_citation(meta: LegalMeta, filename: str, page: int, paragraph: str | None, style: str = "de", page_count: int | None = None) -> Citation:
    """'OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 12, Rn. 48' (de) or
    'OLG Koblenz, Judgment of 13 Jan. 2022 – 1 StE 9/19, p. 12, para. 48' (en)."""
    head: list[str] = []
    if meta.court:
        head.append(meta.court)
    kind = (_TYPE_DE if style == "de" else _TYPE_EN).get(meta.doc_type or "", "")
    if meta.date:
        when = f"{kind} v. {_date_de(meta.date)}" if style == "de" else f"{kind} of {_date_en(meta.date)}"
        head.append(when.strip())
    elif kind:
        head.append(kind)
    source = ", ".join(head) if head else (meta.title or filename)
    if meta.case_number:
        source += f" – {meta.case_number}"
    if not head:
        source += f" ({filename})"
    pin = [f"S. {page}" if style == "de" else f"p. {page}"]
    if paragraph:
        pin.append(f"Rn. {paragraph}" if style == "de" else f"para. {paragraph}")
    text = f"{source}, {', '.join(pin)}"
    return Citation(text, meta.title or filename, meta.court, meta.case_number, meta.date, meta.doc_type, page, paragraph)
