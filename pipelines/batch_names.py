"""`dalil names FILE.csv`: a list of names (a families' association's list of the missing, say), in
any script, matched against every known name, with the passages that mention each match.

Candidates come from blocking keys, so thousands of names take seconds.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.citations import citation_style, format_citation
from pipelines.entities import names
from pipelines.stores.record import RecordStore


@dataclass(frozen=True)
class PassageRef:
    citation: str
    filename: str
    text: str


@dataclass(frozen=True)
class NameHit:
    entity_id: str
    canonical: str
    label: str
    matched_alias: str
    score: float
    rule: str
    passages: list[PassageRef]


@dataclass
class NameResult:
    query: str
    hits: list[NameHit] = field(default_factory=list)


def read_names(path: str | Path) -> list[str]:
    """Names from a CSV: the column called name/Name/الاسم if there is one, else the first column."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(handle, dialect))
    if not rows:
        return []
    header = [h.strip().casefold() for h in rows[0]]
    for wanted in ("name", "full name", "full_name", "الاسم", "name (latin)"):
        if wanted in header:
            column = header.index(wanted)
            return [r[column].strip() for r in rows[1:] if len(r) > column and r[column].strip()]
    return [r[0].strip() for r in rows if r and r[0].strip()]


class NameIndex:
    def __init__(self, records: RecordStore):
        from pipelines import crossref

        crossref.ensure_schema(records)
        self.records = records
        self.aliases: dict[str, tuple[str, str, str]] = {}  # alias text → (entity id, canonical, label)
        self.blocks: dict[str, set[str]] = defaultdict(set)
        rows = records.query(
            "SELECT DISTINCT m.text, m.label, em.entity_id, e.canonical FROM mentions m"
            " JOIN entity_members em ON em.entity_key = m.entity_key JOIN entities e ON e.entity_id = em.entity_id"
            " WHERE m.label IN ('PERSON', 'ORGANIZATION', 'FACILITY', 'LOCATION')"
        )
        self.mention_counts = {r[0]: r[1] for r in records.query("SELECT entity_id, mention_count FROM entities")}
        for r in rows:
            self.aliases[r["text"]] = (r["entity_id"], r["canonical"], r["label"])
            for key in names.blocking_keys(r["text"]):
                self.blocks[key].add(r["text"])

    def lookup(self, query: str, passages_per_entity: int = 3, min_score: float = 0.6) -> NameResult:
        result = NameResult(query)
        candidates = set()
        for key in names.blocking_keys(query):
            candidates |= self.blocks.get(key, set())
        best: dict[str, tuple[float, str, str]] = {}
        for alias in candidates:
            entity_id, canonical, label = self.aliases[alias]
            kind = {"PERSON": "person", "ORGANIZATION": "organization"}.get(label, "facility")
            match = names.match_names(query, alias, kind=kind)
            if match.same and match.score >= min_score and match.score > best.get(entity_id, (0.0, "", ""))[0]:
                best[entity_id] = (match.score, alias, match.rule)
        # Equal scores: people first (lists of names are lists of people), then the better-attested entity.
        def rank(item):
            entity_id, (score, alias, _) = item
            return (-score, self.aliases[alias][2] != "PERSON", -self.mention_counts.get(entity_id, 0), entity_id)

        for entity_id, (score, alias, rule) in sorted(best.items(), key=rank):
            _, canonical, label = self.aliases[alias]
            result.hits.append(NameHit(entity_id, canonical, label, alias, round(score, 3), rule, self._passages(entity_id, passages_per_entity)))
        return result

    def _passages(self, entity_id: str, limit: int) -> list[PassageRef]:
        from ingest.model import LegalMeta

        rows = self.records.query(
            "SELECT DISTINCT p.passage_id, p.text, p.page, p.paragraph, p.lang, d.filename, d.court, d.case_number, d.date, d.doc_type, d.title"
            " FROM entity_members em JOIN mentions m ON m.entity_key = em.entity_key JOIN passages p ON p.passage_id = m.passage_id"
            " JOIN documents d ON d.doc_id = p.doc_id WHERE em.entity_id = ? ORDER BY d.date, p.seq LIMIT ?",
            (entity_id, limit),
        )
        out = []
        for r in rows:
            meta = LegalMeta(r["court"], r["case_number"], r["date"], r["doc_type"], r["title"])
            citation = format_citation(meta, r["filename"], r["page"], r["paragraph"], citation_style(r["lang"])).text
            out.append(PassageRef(citation, r["filename"], r["text"][:300]))
        return out


def search_names(records: RecordStore, queries: list[str]) -> list[NameResult]:
    index = NameIndex(records)
    return [index.lookup(q) for q in queries]
