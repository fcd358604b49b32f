"""German compound words split into modifier and head ("Asylanhörung" → Asyl + Anhörung).

German writes "Freiheitsstrafe" where English writes "prison sentence", so a search for "Strafe" or
"Anhörung" misses passages that only use the compound. The split comes from CharSplit (the
`split-words` package, MIT), an n-gram model trained on a million German nouns; only confident
splits of long words are used, so "Misshandlungen" is not cut into "Miss" + "Handlungen".
"""

from __future__ import annotations

import threading
from functools import lru_cache

MIN_LENGTH = 8  # shorter words are rarely compounds, and their splits are mostly noise
MIN_SCORE = 0.7  # CharSplit's score of the best split; below this the splits seen were wrong
MIN_PART = 3


_LOADING = threading.Lock()  # the app warms up in a thread while a search may need the model


@lru_cache(maxsize=1)
def _load():
    from split_words import Splitter

    return Splitter()


def _splitter():
    with _LOADING:
        return _load()


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """Modifier and head of a German compound, or () when the word is not confidently one."""
    if len(word) < MIN_LENGTH or not word.isalpha():
        return ()
    best = _splitter().split_compound(word)[0]
    score, modifier, head = best[0], best[1], best[2]
    if score < MIN_SCORE or len(modifier) < MIN_PART or len(head) < MIN_PART:
        return ()
    return (modifier, head)


def load() -> None:
    """Load the n-gram model now (about 2 s), e.g. while an app warms up."""
    _splitter()
