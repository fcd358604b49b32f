"""Cross-language query expansion from the legal glossary (corpora/resources/glossary.tsv) and the
gazetteer of facilities, organisations and places.

A query phrase that is a glossary term in one language ("Folter") brings in the concept's terms in
the other languages (torture, تعذيب) as extra, lower-weighted alternatives; a known place or facility
("الأردن") brings its names in the other languages (Jordan, Jordanien). Matching is done on
analysed terms, so inflected forms ("gefoltert", "التعذيب") find the concept too. What was added is
returned, so the user can see it, and expansion can be switched off.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.analysis import analyze
from pipelines.entities.gazetteer import load_entries

GLOSSARY = Path(__file__).resolve().parents[1] / "corpora" / "resources" / "glossary.tsv"
LANGS = ("ar", "de", "en")


@dataclass(frozen=True)
class Expansion:
    matched: str  # the query words that matched
    concept: str
    added: dict[str, list[str]]  # language → terms added


@dataclass(frozen=True)
class _Term:
    concept: str
    lang: str
    text: str
    terms: tuple[str, ...]


@lru_cache(maxsize=1)
def _concepts() -> tuple[dict[str, list[_Term]], dict[tuple[str, ...], set[str]]]:
    by_concept: dict[str, list[_Term]] = {}
    index: dict[tuple[str, ...], set[str]] = {}
    with open(GLOSSARY, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for lang in LANGS:
                for text in (t.strip() for t in row[lang].split("|")):
                    if not text:
                        continue
                    terms = tuple(t.term for t in analyze(text, lang))
                    if not terms:
                        continue
                    term = _Term(row["concept"], lang, text, terms)
                    by_concept.setdefault(row["concept"], []).append(term)
                    index.setdefault(terms, set()).add(row["concept"])
    for entry in load_entries():
        for text, lang in entry.aliases:
            terms = tuple(t.term for t in analyze(text, lang)) if lang in LANGS else ()
            if terms:
                by_concept.setdefault(entry.id, []).append(_Term(entry.id, lang, text, terms))
                index.setdefault(terms, set()).add(entry.id)
    return by_concept, index


def expand(query_text: str, query_lang: str, max_terms_per_lang: int = 3) -> list[Expansion]:
    """Glossary concepts found in the query (longest match first) and their other-language terms."""
    by_concept, index = _concepts()
    tokens = analyze(query_text, query_lang)
    terms = [t.term for t in tokens]
    longest = max((len(k) for k in index), default=1)
    found: list[Expansion] = []
    position = 0
    while position < len(terms):
        for size in range(min(longest, len(terms) - position), 0, -1):
            concepts = index.get(tuple(terms[position : position + size]))
            if concepts:
                matched = query_text[tokens[position].start : tokens[position + size - 1].end]
                for concept in sorted(concepts):
                    added = {}
                    matched_terms = tuple(terms[position : position + size])
                    for lang in LANGS:
                        # Same-language synonyms too ("Strafhöhe" → Freiheitsstrafe), not the words typed.
                        texts = [t.text for t in by_concept[concept] if t.lang == lang and t.terms != matched_terms][:max_terms_per_lang]
                        if texts:
                            added[lang] = texts
                    found.append(Expansion(matched, concept, added))
                position += size
                break
        else:
            position += 1
    return found
