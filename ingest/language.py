"""Language of a passage: Arabic is known by its script; langdetect (seeded) separates de/en."""

from __future__ import annotations

import re
from functools import lru_cache

LANGS = ("ar", "de", "en")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_GERMAN_MARKERS = re.compile(r"[äöüßÄÖÜ]|\b(?:der|die|das|und|nicht|des|dem|wurde|ist|mit|für|vom)\b", re.I)
_ENGLISH_MARKERS = re.compile(r"\b(?:the|and|of|was|were|with|that|for|is|by|from)\b", re.I)


@lru_cache(maxsize=1)
def _detector_factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    # langdetect is random by default; a fixed seed makes ingest reproducible.
    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def script_share(text: str) -> tuple[int, int]:
    return len(_ARABIC.findall(text)), len(_LATIN.findall(text))


def detect_language(text: str) -> str:
    """Return 'ar', 'de', 'en' or 'und' (undetermined) for a passage."""
    arabic, latin = script_share(text)
    if arabic == 0 and latin == 0:
        return "und"
    if arabic >= latin:
        return "ar"
    de_hits = len(_GERMAN_MARKERS.findall(text))
    en_hits = len(_ENGLISH_MARKERS.findall(text))
    if de_hits + en_hits >= 3 and (de_hits >= 2 * max(en_hits, 1) or en_hits >= 2 * max(de_hits, 1)):
        return "de" if de_hits > en_hits else "en"
    try:
        detector = _detector_factory().create()
        detector.append(text)
        probabilities = {p.lang: p.prob for p in detector.get_probabilities()}
    except Exception:  # langdetect raises on text without features (e.g. only numbers)
        return "und"
    best = max(("de", "en"), key=lambda lang: probabilities.get(lang, 0.0))
    if probabilities.get(best, 0.0) > 0.2:
        return best
    return "de" if de_hits > en_hits else ("en" if en_hits else "und")
