"""Text analysis shared by every search backend: tokens, normalisation and stemming, in Python.

Doing this here rather than in tantivy or Elasticsearch means both backends index and query the
very same tokens, and that highlights can point at exact character offsets of the source text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from ingest.legal import CASE_NUMBER, ECLI, normalize_case_number

_TASHKEEL = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
# Case numbers and ECLIs come first so they stay one token; then words (letters, digits, marks).
_TOKEN = re.compile(
    rf"(?P<ecli>{ECLI.pattern})|(?P<case>{CASE_NUMBER.pattern})|(?P<word>[^\W_]+(?:['’][^\W_]+)*)",
    re.UNICODE,
)
_STEMMERS = {"ar": "arabic", "de": "german", "en": "english"}
CASE_PREFIX = "case:"
# Raised whenever the terms indexed for a text change, so an index built before is rebuilt.
# 2: parts of German compound words.
ANALYSIS_VERSION = 2


@dataclass(frozen=True)
class Token:
    term: str  # analysed form used for matching
    start: int  # character offsets into the original text
    end: int


def normalize_arabic(text: str) -> str:
    """Strip tashkeel and tatweel, unify alef/ya/ta-marbuta forms, use ASCII digits."""
    return _TASHKEEL.sub("", text).translate(_ALEF).translate(_DIGITS)


def fold(text: str) -> str:
    """Case- and diacritic-fold Latin text (ä→a, é→e, ß→ss); Arabic is left to normalize_arabic."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) or _ARABIC_LETTER.match(ch))


def case_term(raw: str) -> str:
    return CASE_PREFIX + normalize_case_number(raw).replace(" ", "").casefold()


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    return Stemmer.Stemmer(_STEMMERS[lang])


def _strip_conjunction(word: str) -> str:
    # و/ف ("and", "so") glue onto the next word; Snowball's Arabic stemmer removes ال, بال and
    # friends but not a conjunction in front of them.
    if len(word) > 4 and word[0] in "وف" and word[1:3] in ("ال", "با", "لل"):
        return word[1:]
    return word


@lru_cache(maxsize=200_000)
def stem_word(word: str, lang: str) -> str:
    """Analyse one word as a term of the given language ('ar', 'de', 'en'; anything else: fold only)."""
    word = word.translate(_DIGITS)
    if _ARABIC_LETTER.search(word):
        word = _strip_conjunction(normalize_arabic(word))
        return _stemmer("ar").stemWord(word)
    lowered = word.casefold().replace("’", "'")
    if lang in ("de", "en"):
        lowered = _stemmer(lang).stemWord(lowered)
    return fold(lowered)


def tokenize(text: str) -> list[tuple[str, int, int, str]]:
    """(surface, start, end, kind) for every token; kind is 'word', 'case' or 'ecli'."""
    out = []
    for match in _TOKEN.finditer(text):
        if match.group("ecli"):
            kind = "ecli"
        elif match.group("case"):
            kind = "case"
        else:
            kind = "word"
        out.append((match.group(0), match.start(), match.end(), kind))
    return out


def part_terms(word: str) -> tuple[str, ...]:
    """Analysed modifier and head of a German compound word ("Freiheitsstrafe" → freiheit, straf)."""
    if _ARABIC_LETTER.search(word):
        return ()
    from pipelines.compounds import compound_parts

    return tuple(stem_word(part, "de") for part in compound_parts(word))


def analyze(text: str, lang: str, compounds: bool = False) -> list[Token]:
    """Tokens in text order. With `compounds`, the parts of German compound words follow, after the
    last token, each with its compound's offsets: appended rather than interleaved, so that the
    positions phrase queries rely on stay those of the words as written."""
    tokens, parts = [], []
    for surface, start, end, kind in tokenize(text):
        if kind == "case":
            tokens.append(Token(case_term(surface), start, end))
        elif kind == "ecli":
            tokens.append(Token(surface.casefold(), start, end))
        else:
            tokens.append(Token(stem_word(surface, lang), start, end))
            if compounds and lang == "de":
                parts.extend(Token(term, start, end) for term in part_terms(surface))
    return tokens + parts


def analyzed_string(text: str, lang: str) -> str:
    """Whitespace-joined terms: what the backends index (they split on whitespace only)."""
    return " ".join(t.term for t in analyze(text, lang, compounds=True))


def query_variants(word: str, kind: str = "word") -> set[str]:
    """The term a query word can match in any language's passages (query language may be unknown)."""
    if kind == "case":
        return {case_term(word)}
    if kind == "ecli":
        return {word.casefold()}
    if _ARABIC_LETTER.search(word):
        return {stem_word(word, "ar")}
    return {stem_word(word, lang) for lang in ("de", "en")} | {fold(word.casefold())}
