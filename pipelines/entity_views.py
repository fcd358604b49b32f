"""Entity pages and listings: the one API for `dalil entities`, `dalil entity` and the UI."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipelines import crossref
from pipelines.citations import citation_style, format_citation
from pipelines.entities import names
from pipelines.stores.record import RecordStore


@dataclass(frozen=True)
class Alias:
    text: str
    script: str
    lang: str
    count: int


@dataclass(frozen=True)
class MentionView:
    passage_id: str
    doc_id: str
    filename: str
    text: str
    role: str
    role_cue: str | None
    role_confidence: float
    citation: str
    date: str | None
    snippet: str


@dataclass(frozen=True)
class Link:
    key_a: str
    key_b: str
    rule: str
    score: float
    explanation: str
    source: str


@dataclass
class EntityPage:
    entity_id: str
    label: str
    canonical: str
    aliases: list[Alias]
    roles: dict[str, int]
    mentions: list[MentionView]
    cooccurring: list[tuple[str, str, str, int]]  # (entity id, label, canonical, shared passages)
    timeline: list[tuple[str, str, str]]  # (date, citation, snippet)
    links: list[Link] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntitySummary:
    entity_id: str
    label: str
    canonical: str
    mentions: int
    documents: int
    roles: dict[str, int]


def _ensure(records: RecordStore) -> None:
    crossref.ensure_schema(records)
    if not records.query("SELECT 1 FROM entities LIMIT 1") and records.query("SELECT 1 FROM mentions LIMIT 1"):
        crossref.build(records)


def list_entities(records: RecordStore, label: str | None = None, role: str | None = None, limit: int = 200) -> list[EntitySummary]:
    _ensure(records)
    rows = records.query(
        "SELECT e.entity_id, e.label, e.canonical, count(*) AS n, count(DISTINCT m.doc_id) AS docs,"
        " group_concat(m.role, '|') AS roles"
        " FROM entities e JOIN entity_members em USING (entity_id) JOIN mentions m ON m.entity_key = em.entity_key"
        " WHERE (? IS NULL OR e.label = ?) GROUP BY e.entity_id ORDER BY n DESC, e.canonical LIMIT ?",
        (label, label, limit * 4 if role else limit),
    )
    out = []
    for r in rows:
        roles = Counter(x for x in (r["roles"] or "").split("|") if x and x != "unknown")
        if role and role not in roles:
            continue
        out.append(EntitySummary(r["entity_id"], r["label"], r["canonical"], r["n"], r["docs"], dict(roles)))
    return out[:limit]


def find_entity(records: RecordStore, name_or_id: str) -> list[tuple[str, str, str]]:
    """Entities whose id, canonical name or any alias matches (cross-script, via the name matcher)."""
    _ensure(records)
    exact = records.query("SELECT entity_id, label, canonical FROM entities WHERE entity_id = ?", (name_or_id,))
    if exact:
        return [tuple(r) for r in exact]
    keys = {r[0] for r in records.query("SELECT entity_key FROM entity_members WHERE entity_key = ?", (name_or_id,))}
    candidates: dict[str, float] = {}
    for r in records.query("SELECT DISTINCT em.entity_id, m.text, m.label FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key"):
        if r["text"].casefold() == name_or_id.casefold():
            candidates[r["entity_id"]] = 2.0
            continue
        kind = crossref.KINDS.get(r["label"], "person")
        match = names.match_names(name_or_id, r["text"], kind=kind)
        if match.same:
            candidates[r["entity_id"]] = max(candidates.get(r["entity_id"], 0.0), match.score)
    for key in keys:
        for r in records.query("SELECT entity_id FROM entity_members WHERE entity_key = ?", (key,)):
            candidates[r[0]] = 3.0
    ordered = sorted(candidates, key=lambda e: -candidates[e])
    out = []
    for entity_id in ordered:
        row = records.query("SELECT entity_id, label, canonical FROM entities WHERE entity_id = ?", (entity_id,))
        if row:
            out.append(tuple(row[0]))
    return out


def entity_page(records: RecordStore, entity_id: str, mention_limit: int = 500) -> EntityPage | None:
    _ensure(records)
    head = records.query("SELECT entity_id, label, canonical FROM entities WHERE entity_id = ?", (entity_id,))
    if not head:
        return None
    members = [r[0] for r in records.query("SELECT entity_key FROM entity_members WHERE entity_id = ? ORDER BY entity_key", (entity_id,))]
    marks = ",".join("?" * len(members))
    rows = records.query(
        f"SELECT m.*, p.text AS ptext, p.page, p.paragraph, p.lang AS plang, d.filename, d.court, d.case_number, d.date, d.doc_type, d.title"
        f" FROM mentions m JOIN passages p USING (passage_id) JOIN documents d ON d.doc_id = m.doc_id"
        f" WHERE m.entity_key IN ({marks}) ORDER BY d.date, d.filename, p.seq, m.start LIMIT ?",
        (*members, mention_limit),
    )
    from ingest.model import LegalMeta

    aliases: Counter = Counter()
    langs: dict[str, str] = {}
    roles: Counter = Counter()
    mentions = []
    passages = set()
    for r in rows:
        aliases[r["text"]] += 1
        langs.setdefault(r["text"], r["plang"])
        if r["role"] != "unknown":
            roles[r["role"]] += 1
        meta = LegalMeta(r["court"], r["case_number"], r["date"], r["doc_type"], r["title"])
        citation = format_citation(meta, r["filename"], r["page"], r["paragraph"], citation_style(r["plang"])).text
        start = max(0, r["start"] - 80)
        snippet = ("…" if start else "") + r["ptext"][start : r["end"] + 80] + ("…" if r["end"] + 80 < len(r["ptext"]) else "")
        mentions.append(MentionView(r["passage_id"], r["doc_id"], r["filename"], r["text"], r["role"], r["role_cue"],
                                    r["role_confidence"], citation, r["date"], snippet))
        passages.add(r["passage_id"])
    alias_list = [Alias(text, names.script_of(text), langs.get(text, ""), n) for text, n in aliases.most_common()]
    co: Counter = Counter()
    if passages:
        pmarks = ",".join("?" * len(passages))
        for r in records.query(
            f"SELECT em.entity_id, count(DISTINCT m.passage_id) AS n FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key"
            f" WHERE m.passage_id IN ({pmarks}) AND em.entity_id != ? GROUP BY em.entity_id ORDER BY n DESC LIMIT 30",
            (*passages, entity_id),
        ):
            co[r[0]] = r[1]
    cooccurring = []
    for other, n in co.most_common():
        row = records.query("SELECT label, canonical FROM entities WHERE entity_id = ?", (other,))
        if row:
            cooccurring.append((other, row[0][0], row[0][1], n))
    timeline = sorted({(m.date, m.citation, m.snippet) for m in mentions if m.date})
    links = [Link(*r) for r in records.query(
        f"SELECT key_a, key_b, rule, score, explanation, source FROM xref_links WHERE key_a IN ({marks}) OR key_b IN ({marks})",
        (*members, *members))]
    return EntityPage(entity_id, head[0][1], head[0][2], alias_list, dict(roles), mentions, cooccurring, timeline, links, members)
