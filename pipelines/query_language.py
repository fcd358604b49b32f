"""The language of a short query (1–3 words), where langdetect alone is unreliable.

Order of evidence: Arabic script; German letters (ä ö ü ß); stop words; the legal glossary (a query
word that is a German or English glossary term); then langdetect restricted to German and English.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

from ingest.language import _detector_factory, script_share

RESOURCES = Path(__file__).resolve().parents[1] / "corpora" / "resources"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_GERMAN_LETTERS = re.compile(r"[äöüßÄÖÜ]")
# Spelling that only German (or only English) uses, for words outside every list.
_GERMAN_SHAPES = re.compile(r"(?:sch|tz|ung|ungen|keit|heit|lich|ige|chen|ei|ie|eu|äu|pf|zw|kt)\b|^(?:ge|ver|zer|be|ent)\w{3,}|sch|tsch|chs", re.I)
_ENGLISH_SHAPES = re.compile(r"(?:tion|tions|ing|ment|ness|ity|ies|ed|ous|ful|th|wh|ck|ph)\b|^(?:th|wh)|w|y\b|ck", re.I)


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, set[str]]:
    data = json.loads((RESOURCES / "stopwords.json").read_text(encoding="utf-8"))
    return {lang: {w.casefold() for w in words} for lang, words in data.items()}


@lru_cache(maxsize=1)
def _glossary_words() -> dict[str, set[str]]:
    words: dict[str, set[str]] = {"de": set(), "en": set()}
    with open(RESOURCES / "glossary.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for lang in ("de", "en"):
                for term in row[lang].split("|"):
                    words[lang].update(w.casefold() for w in _WORD.findall(term))
    shared = words["de"] & words["en"]
    return {lang: w - shared for lang, w in words.items()}


def detect_query_language(query: str) -> str:
    """'ar', 'de' or 'en' (English when nothing tells German apart)."""
    arabic, latin = script_share(query)
    if arabic > latin:
        return "ar"
    if _GERMAN_LETTERS.search(query):
        return "de"
    words = [w.casefold() for w in _WORD.findall(query)]
    if not words:
        return "en"
    stop = _stopwords()
    glossary = _glossary_words()
    scores = {"de": 0.0, "en": 0.0}
    for word in words:
        for lang in scores:
            if word in stop.get(lang, ()):
                scores[lang] += 2
            if word in glossary[lang]:
                scores[lang] += 1.5
    if scores["de"] != scores["en"]:
        return max(scores, key=scores.get)
    # Nouns are capitalised in German; a capitalised non-initial word is a German hint.
    shapes = {"de": sum(bool(_GERMAN_SHAPES.search(w)) for w in words), "en": sum(bool(_ENGLISH_SHAPES.search(w)) for w in words)}
    try:
        detector = _detector_factory().create()
        detector.append(query)
        probabilities = {p.lang: p.prob for p in detector.get_probabilities()}
    except Exception:
        probabilities = {}
    for lang in ("de", "en"):
        shapes[lang] += 2 * probabilities.get(lang, 0.0)
    return "de" if shapes["de"] > shapes["en"] else "en"
