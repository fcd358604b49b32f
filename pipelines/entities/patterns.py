"""Rule-based mentions: case numbers, laws, numbered branches, anonymised names, ranks."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.legal import CASE_NUMBER
from pipelines.entities import word_lists
from pipelines.entities.mention import CASE_NUMBER as CASE, FACILITY, LAW, ORGANIZATION, PERSON, Mention

_LAW = re.compile(
    r"§§?\s?\d+[a-z]?(?:\s?(?:Abs\.|Absatz)\s?\d+)?(?:\s?(?:S\.|Satz)\s?\d+)?(?:\s?(?:Nr\.|Nummer)\s?\d+(?:\s?(?:,|und|bis)\s?\d+)*)?\s(?:[A-Z][A-Za-z]*(?:GB|G|O)\b|StGB|VStGB|StPO|GVG)"
    r"|\b(?:Art(?:icle|ikel)?\.?)\s?\d+(?:\s?\(\d+\))?(?:\s?\([a-z]\))?\s(?:(?:of\s)?(?:the\s)?Rome\sStatute|(?:des\s)?Römischen\sStatuts|Rom-Statut|(?:IStGH-Statut)|(?:UN-)?Antifolterkonvention|(?:of\s)?(?:the\s)?Convention\sagainst\sTorture|[A-Z][A-Za-z]*(?:GB|G|O)\b)"
    r"|المادة\s\d+\s(?:من\s)?(?:نظام\sروما(?:\sالأساسي)?|النظام\sالأساسي)"
)
_NUMBERED_FACILITY = re.compile(
    r"\b(?:(?:Branch|Abteilung|Unterabteilung|Division|Unit|Section|Einheit|Außenstelle|Sektion)(?:\s(?:No\.|Nr\.|number))?\s(?P<n1>\d{1,3})\b)"
    r"|(?:(?<![\w])(?:[وف]?لل(?=فرع)|[وفبكل])?(?P<ar>(?:ال)?فرع)\s(?:رقم\s)?(?P<n2>[\d٠-٩]{1,3}))"
)
# A court's code for an anonymous witness: "Z 31", "P-7". It names a person, and nobody in particular.
WITNESS_CODE = re.compile(r"[A-Z]\s?-?\s?\d{1,3}\b")
# German courts abbreviate names: "Anwar R.", "Eyad A." — a given name and one capital initial.
_ANONYMISED = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{2,}\s[A-ZÄÖÜ]\.)(?=[\s,;:)\"”“’'»«]|$)")


@lru_cache(maxsize=1)
def _numbered_organizations() -> frozenset[str]:
    return frozenset(o["id"] for o in word_lists.resource("organizations.json") if o["id"].startswith("org-branch-"))


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    """Rank/honorific → its language-neutral equivalent, from corpora/resources/titles.json."""
    return {t["text"]: t.get("equivalent") or t["text"].lower() for t in word_lists.resource("titles.json")["titles"]}


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern | None:
    names = sorted(titles(), key=len, reverse=True)
    if not names:
        return None
    body = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])\s*$")


def leading_title(text_before: str) -> str | None:
    """The rank or honorific that ends `text_before`, e.g. "… der Oberst " → "Oberst"."""
    pattern = _title_pattern()
    if pattern is None:
        return None
    match = pattern.search(text_before[-40:])
    return match.group(0).strip() if match else None


def strip_title(span_text: str) -> tuple[int, str | None]:
    """How many leading characters of a PERSON span are a title ("Colonel Anwar Raslan" → 8)."""
    names = sorted(titles(), key=len, reverse=True)
    for name in names:
        if span_text.startswith(name + " ") and len(span_text) > len(name) + 2:
            return len(name) + 1, name
    return 0, None


def find_patterns(text: str) -> list[Mention]:
    found: list[Mention] = []
    for match in CASE_NUMBER.finditer(text):
        found.append(Mention(match.start(1), match.end(1), match.group(1), CASE, "pattern"))
    for match in _LAW.finditer(text):
        found.append(Mention(match.start(), match.end(), match.group(0), LAW, "pattern"))
    for match in _NUMBERED_FACILITY.finditer(text):
        if match.group("n1"):
            start, end = match.start(), match.end()
        else:
            start, end = match.start("ar"), match.end("n2")
        number = (match.group("n1") or match.group("n2")).translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        # A numbered unit without detention site of its own ("Branch 40") is an organisation, when
        # corpora/resources/organizations.json says so; every other numbered branch is a facility.
        if f"org-branch-{number}" in _numbered_organizations():
            found.append(Mention(start, end, text[start:end], ORGANIZATION, "pattern", f"org-branch-{number}"))
        else:
            found.append(Mention(start, end, text[start:end], FACILITY, "pattern", f"fac-branch-{number}"))
    for match in _ANONYMISED.finditer(text):
        found.append(Mention(match.start(1), match.end(1), match.group(1), PERSON, "pattern"))
    return found
