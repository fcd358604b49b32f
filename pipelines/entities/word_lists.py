"""The word lists in corpora/resources that the rule layers share, read once per process."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "corpora" / "resources"


@lru_cache(maxsize=None)
def resource(name: str):
    """A JSON file of corpora/resources, parsed once per process."""
    return json.loads((RESOURCES / name).read_text(encoding="utf-8"))


def role_cues(lang: str) -> dict[str, list[str]]:
    """Role → its cue phrases in `lang` (role_cues.json)."""
    return {role: by_lang.get(lang, []) for role, by_lang in resource("role_cues.json").items() if isinstance(by_lang, dict)}


def titles(lang: str) -> list[str]:
    """Ranks and honorifics in `lang` (titles.json)."""
    return [t["text"] for t in resource("titles.json")["titles"] if t["lang"] == lang]


def stopwords(lang: str) -> list[str]:
    return resource("stopwords.json").get(lang, [])


def person_cues(lang: str) -> list[str]:
    """Professions, kinship and client words that introduce a name (person_cues.json)."""
    return resource("person_cues.json").get(lang, [])
