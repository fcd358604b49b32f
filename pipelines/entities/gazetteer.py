"""Known facilities, organisations and places (corpora/resources) found by alias, in any script.

Matching runs on a folded copy of the text (lower case, Arabic letters unified, tashkeel dropped,
dashes as spaces) with a map back to the original offsets, so the mention points at exact characters
of the source, and a proclitic glued to an Arabic alias ("وفرع الخطيب") is left outside the span.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.entities.mention import FACILITY, LOCATION, ORGANIZATION, Mention

RESOURCES = Path(__file__).resolve().parents[2] / "corpora" / "resources"
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "-": " ", "‐": " ", "–": " ", "—": " ", "’": "'", "ʿ": "'", "‘": "'"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DROP = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Folded text plus, for each folded character, its index in the original text."""
    if not _DROP.search(text):
        lowered = text.lower()
        if len(lowered) == len(text):  # the common case: one character in, one out
            return lowered.translate(_ARABIC_FOLD).translate(_DIGITS), range(len(text))
    chars, offsets = [], []
    for index, ch in enumerate(text):
        if _DROP.match(ch):
            continue
        folded = ch.lower().translate(_ARABIC_FOLD).translate(_DIGITS)
        if len(folded) != 1:
            folded = ch.translate(_ARABIC_FOLD).translate(_DIGITS)[:1] or " "
        chars.append(folded)
        offsets.append(index)
    return "".join(chars), offsets


def fold(text: str) -> str:
    return " ".join(fold_with_offsets(text)[0].split())


@dataclass(frozen=True)
class Entry:
    id: str
    label: str
    canonical: str
    aliases: tuple[tuple[str, str], ...]  # (text, lang)


def load_entries(resources: Path = RESOURCES) -> list[Entry]:
    entries = []
    for name, label in (("facilities.json", FACILITY), ("organizations.json", ORGANIZATION), ("places.json", LOCATION)):
        path = resources / name
        if not path.exists():
            continue
        for item in json.loads(path.read_text(encoding="utf-8")):
            aliases = tuple((a["text"], a.get("lang", "")) for a in item.get("aliases", []))
            entries.append(Entry(item["id"], label, item["canonical"], ((item["canonical"], ""),) + aliases))
    return entries


class Gazetteer:
    def __init__(self, entries: list[Entry]):
        self.entries = {e.id: e for e in entries}
        by_alias: dict[str, str] = {}
        for entry in entries:
            for alias, _ in entry.aliases:
                key = fold(alias)
                if len(key) >= 3:
                    by_alias.setdefault(key, entry.id)
        self._by_alias = by_alias
        alternatives = sorted(by_alias, key=len, reverse=True)
        body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives) or r"(?!x)x"
        # Arabic proclitics may be glued to an alias, a conjunction (و ف), a preposition (ب ك ل) or
        # both ("وبفرع الخطيب"); they are matched but not kept.
        self._pattern = re.compile(rf"(?<![\w])(?:(?:[وف]?[بكل]|[وف])(?=[\u0600-\u06ff]))?({body})(?![\w])")

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Gazetteer":
        return cls(load_entries())

    def find(self, text: str) -> list[Mention]:
        folded, offsets = fold_with_offsets(text)
        found = []
        for match in self._pattern.finditer(folded):
            key = " ".join(match.group(1).split())
            entry_id = self._by_alias.get(key)
            if entry_id is None:
                continue
            start, end = offsets[match.start(1)], offsets[match.end(1) - 1] + 1
            entry = self.entries[entry_id]
            found.append(Mention(start, end, text[start:end], entry.label, "gazetteer", entry_id))
        return found
