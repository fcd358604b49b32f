"""Protected people: who is protected, their stable pseudonyms, and the redaction of their names.

Protection is stored per entity key (a mention's key before cross-reference) and applies to the whole
cross-referenced entity, so every spelling and script of a protected name is hidden together. A
pseudonym ("Witness W-17") is assigned once and never changes, so citations and notes that use it
stay valid.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines import crossref
from pipelines.entities.patterns import WITNESS_CODE
from pipelines.stores.record import RecordStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS main.protected (
    entity_key TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at REAL NOT NULL
);
"""
CUES_PATH = Path(__file__).resolve().parents[1] / "corpora" / "resources" / "protection_cues.json"
_PREFIX = {"witness": ("Witness", "W"), "victim": ("Victim", "V"), "co-plaintiff": ("Co-plaintiff", "N")}
_AUTO_ROLES = ("witness", "victim", "co-plaintiff", "unknown")
_SENTENCE_END = re.compile(r"[.!?؟。]\s|\n")


def ensure_schema(records: RecordStore) -> None:
    crossref.ensure_schema(records)
    records._conn.executescript(SCHEMA)


@lru_cache(maxsize=1)
def protection_cues() -> dict[str, tuple[str, ...]]:
    data = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return {lang: tuple(cues) for lang, cues in data.items() if not lang.startswith("_")}


def _entity_keys(records: RecordStore, entity_id: str) -> list[str]:
    """Every mention key cross-referenced to the entity (the id itself when it has no members)."""
    return [r[0] for r in records.query("SELECT entity_key FROM entity_members WHERE entity_id = ?", (entity_id,))] or [entity_id]


def _new_pseudonym(records: RecordStore, role: str) -> str:
    word, letter = _PREFIX.get(role, ("Person", "P"))
    used = [r[0] for r in records.query("SELECT pseudonym FROM protected WHERE pseudonym LIKE ?", (f"{word} {letter}-%",))]
    number = max((int(p.rsplit("-", 1)[1]) for p in used), default=0) + 1
    return f"{word} {letter}-{number}"


def protect(records: RecordStore, entity_id: str, reason: str, by: str) -> str:
    """Protect an entity (every key cross-referenced to it). Returns its pseudonym; idempotent."""
    ensure_schema(records)
    keys = _entity_keys(records, entity_id)
    marks = ",".join("?" * len(keys))
    existing = records.query(f"SELECT pseudonym FROM protected WHERE entity_key IN ({marks}) ORDER BY at LIMIT 1", tuple(keys))
    if existing:
        pseudonym = existing[0][0]
    else:
        roles = [r[0] for r in records.query(f"SELECT role FROM mentions WHERE entity_key IN ({marks}) AND role != 'unknown'", tuple(keys))]
        pseudonym = _new_pseudonym(records, max(set(roles), key=roles.count) if roles else "unknown")
    with records.transaction() as conn:
        for key in keys:
            conn.execute("INSERT OR IGNORE INTO protected(entity_key, pseudonym, reason, by, at) VALUES (?,?,?,?,?)",
                         (key, pseudonym, reason, by, time.time()))
    return pseudonym


def unprotect(records: RecordStore, entity_id: str) -> int:
    ensure_schema(records)
    keys = _entity_keys(records, entity_id)
    marks = ",".join("?" * len(keys))
    with records.transaction() as conn:
        return conn.execute(f"DELETE FROM protected WHERE entity_key IN ({marks})", tuple(keys)).rowcount


def auto_protect(records: RecordStore) -> list[tuple[str, str]]:
    """Protect people whom the documents themselves mark as protected or anonymised.

    A person mention is protected when a protection cue stands in the same sentence. Returns the
    (entity key, pseudonym) pairs newly protected.
    """
    ensure_schema(records)
    cues = protection_cues()
    marks = ",".join("?" * len(_AUTO_ROLES))
    rows = records.query(
        f"SELECT m.entity_key, m.text AS name, m.start, m.\"end\", m.role, p.text, p.lang, p.passage_id FROM mentions m JOIN passages p USING (passage_id)"
        f" WHERE m.label = 'PERSON' AND m.role IN ({marks}) AND m.entity_key NOT IN (SELECT entity_key FROM protected)"
        " ORDER BY p.doc_id, p.seq, m.start", _AUTO_ROLES)
    found = []
    done: set[str] = set()
    for r in rows:
        if r["entity_key"] in done or WITNESS_CODE.fullmatch(r["name"]):
            continue  # a court's code for an anonymous witness ("Z 31", "P-7") names nobody already
        left, sentence = _sentence_around(r["text"], r["start"], r["end"])
        folded = sentence.casefold()
        span = (r["start"] - left, r["end"] - left)
        # The cue must stand beside the name, not be part of what was taken for one ("شاهد محمي الهوية").
        cue = next((c for lang in (r["lang"], "en", "de", "ar") for c in cues.get(lang, ())
                    if c in folded and not _overlaps(folded, c, span)), None)
        if cue is None:
            continue
        entity = records.query("SELECT entity_id FROM entity_members WHERE entity_key = ?", (r["entity_key"],))
        entity_id = entity[0][0] if entity else r["entity_key"]
        pseudonym = protect(records, entity_id, f"automatic: “{cue}” in passage {r['passage_id'][:12]}", "dalil")
        done.update(_entity_keys(records, entity_id))
        found.append((r["entity_key"], pseudonym))
    return found


def _sentence_around(text: str, start: int, end: int) -> tuple[int, str]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, text[left : right.start() + 1 if right else len(text)]


def _overlaps(sentence: str, cue: str, span: tuple[int, int]) -> bool:
    """Whether every occurrence of the cue in the sentence overlaps the mention's span."""
    starts = [m.start() for m in re.finditer(re.escape(cue), sentence)]
    return all(s < span[1] and span[0] < s + len(cue) for s in starts)


def protected_entities(records: RecordStore) -> list[tuple[str, str, str, str]]:
    """(entity id, pseudonym, reason, by) of each protected entity."""
    ensure_schema(records)
    return [tuple(r) for r in records.query(
        "SELECT COALESCE(em.entity_id, p.entity_key), min(p.pseudonym), min(p.reason), min(p.by) FROM protected p"
        " LEFT JOIN entity_members em USING (entity_key) GROUP BY COALESCE(em.entity_id, p.entity_key) ORDER BY 2")]


# --- redaction ------------------------------------------------------------------------------------
_NAME_PART = re.compile(r"[^\W\d_][\w'’-]{2,}")
_TITLES = {"dr", "prof", "herr", "frau", "mr", "mrs", "ms", "the", "der", "die", "al", "el"}


def opaque_key(key: str) -> str:
    """What a protected entity key becomes for someone without clearance (keys contain names)."""
    return "protected:" + hashlib.sha1(key.encode()).hexdigest()[:12]


@dataclass
class Shield:
    """Everything needed to hide protected names from one reader: pure lookups, no database access."""

    pseudonyms: dict[str, str] = field(default_factory=dict)  # entity key → pseudonym
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # passage id → (start, end, pseudonym)
    surface: dict[str, str] = field(default_factory=dict)  # casefolded name or name part → pseudonym
    _pattern: re.Pattern | None = None

    @property
    def empty(self) -> bool:
        return not self.pseudonyms

    @property
    def pattern(self) -> re.Pattern | None:
        if self._pattern is None and self.surface:
            names = sorted(self.surface, key=len, reverse=True)
            # Arabic proclitics (و ف ب ك ل) may be glued to a name: they go with it.
            self._pattern = re.compile(r"(?<!\w)(?:[وفبكل]{0,2})(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.IGNORECASE)
        return self._pattern

    def text(self, text: str, passage_id: str | None = None) -> str:
        if self.empty or not text:
            return text
        cuts = [(s, e, p) for s, e, p in self.spans.get(passage_id or "", []) if 0 <= s < e <= len(text)]
        if self.pattern is not None:
            cuts += [(m.start(), m.end(), self.surface[m.group(1).casefold()]) for m in self.pattern.finditer(text)]
        if not cuts:
            return text
        cuts.sort()
        merged: list[list] = []
        for s, e, p in cuts:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e, p])
        out, last = [], 0
        for s, e, p in merged:
            out.append(text[last:s])
            out.append(p)
            last = e
        out.append(text[last:])
        return "".join(out)

    def hides(self, word: str) -> bool:
        return word.casefold() in self.surface


def build_shield(records: RecordStore) -> Shield:
    """The shield for every protected entity in the store (for readers without clearance)."""
    ensure_schema(records)
    shield = Shield()
    rows = records.query(
        "SELECT em2.entity_key, p.pseudonym FROM protected p JOIN entity_members em ON em.entity_key = p.entity_key"
        " JOIN entity_members em2 ON em2.entity_id = em.entity_id"
        " UNION SELECT entity_key, pseudonym FROM protected")
    for key, pseudonym in rows:
        shield.pseudonyms.setdefault(key, pseudonym)
    if not shield.pseudonyms:
        return shield
    keys = list(shield.pseudonyms)
    for chunk in range(0, len(keys), 500):
        part = keys[chunk : chunk + 500]
        marks = ",".join("?" * len(part))
        for r in records.query(f"SELECT passage_id, start, \"end\", text, entity_key FROM main.mentions WHERE entity_key IN ({marks})", tuple(part)):
            pseudonym = shield.pseudonyms[r["entity_key"]]
            shield.spans.setdefault(r["passage_id"], []).append((r["start"], r["end"], pseudonym))
            shield.surface[r["text"].casefold()] = pseudonym
            for part_match in _NAME_PART.finditer(r["text"]):
                word = part_match.group().casefold()
                if word not in _TITLES:
                    shield.surface.setdefault(word, pseudonym)
    for key, pseudonym in shield.pseudonyms.items():
        name = key.split(":", 1)[1] if ":" in key else ""
        if name:
            shield.surface.setdefault(name.casefold(), pseudonym)
    return shield
