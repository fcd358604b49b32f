"""Cross-reference: group mention keys into canonical entities, across documents, languages, scripts.

Mentions carry an `entity_key` (a gazetteer id, or type + folded name). Cross-reference links keys
that name the same person, organisation or facility, explains every link (rule, score, why), and
honours the user's own decisions: a user merge always links, a user split never links. Decisions
refer to keys, which are derived from the text, so they survive re-ingest and reindex.

Candidate pairs come from blocking keys (`names.blocking_keys`), never all pairs, so 100k mentions
take seconds.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pipelines.entities import names
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.mention import FACILITY, LOCATION, ORGANIZATION, PERSON
from pipelines.stores.record import RecordStore

KINDS = {PERSON: "person", ORGANIZATION: "organization", FACILITY: "facility", LOCATION: "facility"}
LINKABLE = (PERSON, ORGANIZATION, FACILITY, LOCATION)

SCHEMA = """
CREATE TABLE IF NOT EXISTS main.xref_decisions (
    key_a TEXT NOT NULL,
    key_b TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('merge', 'split')),
    reason TEXT NOT NULL,
    user TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (key_a, key_b)
);
CREATE TABLE IF NOT EXISTS main.xref_links (
    key_a TEXT NOT NULL,
    key_b TEXT NOT NULL,
    rule TEXT NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (key_a, key_b)
);
CREATE TABLE IF NOT EXISTS main.entity_members (
    entity_id TEXT NOT NULL,
    entity_key TEXT PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS main.entity_members_id ON entity_members(entity_id);
CREATE TABLE IF NOT EXISTS main.entities (
    entity_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    canonical TEXT NOT NULL,
    mention_count INTEGER NOT NULL
);
"""


@dataclass
class KeyInfo:
    key: str
    label: str
    names: Counter = field(default_factory=Counter)
    cases: set = field(default_factory=set)
    gazetteer_id: str | None = None
    _name: str | None = None

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = self.names.most_common(1)[0][0]
        return self._name


_INITIALLED = re.compile(r"(?:^|\s)\w\.?$")


@dataclass(frozen=True)
class Link:
    key_a: str
    key_b: str
    rule: str
    score: float
    explanation: str
    source: str  # auto | user | gazetteer


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}

    def find(self, key: str) -> str:
        if key not in self.parent:
            self.parent[key] = key
            self.members[key] = {key}
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)


def ensure_schema(records: RecordStore) -> None:
    records._conn.executescript(SCHEMA)


def _key_infos(records: RecordStore) -> dict[str, KeyInfo]:
    infos: dict[str, KeyInfo] = {}
    rows = records.query(
        "SELECT m.entity_key, m.label, m.text, m.gazetteer_id, d.case_number FROM mentions m JOIN documents d USING (doc_id)"
        " WHERE m.label IN (?, ?, ?, ?)",
        LINKABLE,
    )
    for key, label, text, gazetteer_id, case in rows:
        info = infos.setdefault(key, KeyInfo(key, label, gazetteer_id=gazetteer_id))
        info.names[text] += 1
        if case:
            info.cases.add(case)
    return infos


def _gazetteer_links(infos: dict[str, KeyInfo]) -> list[Link]:
    """Facility/organisation names found by the model ("al-Khatib") that are gazetteer aliases."""
    gazetteer = Gazetteer.default()
    links = []
    for info in infos.values():
        if info.gazetteer_id:
            continue
        for mention in gazetteer.find(info.name):
            if mention.start == 0 and mention.end == len(info.name) and mention.gazetteer_id:
                links.append(Link(info.key, mention.gazetteer_id, "gazetteer-alias", 1.0,
                                  f"'{info.name}' is a listed alias of {mention.gazetteer_id}", "gazetteer"))
    return links


def candidate_links(infos: dict[str, KeyInfo]) -> list[Link]:
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for info in infos.values():
        kind = KINDS[info.label]
        for block in names.blocking_keys(info.name):
            blocks[(kind, block)].append(info.key)
    seen: set[tuple[str, str]] = set()
    links = []
    for (kind, block), keys in blocks.items():
        if len(keys) > 200:
            continue  # a block this big is a too-common key ("mohammed"); its pairs come from other blocks
        # Given-name blocks ("g:") exist to find anonymised forms ("Anwar R."); full names meet
        # again in their family-name block, so only pairs with an initialled name are compared here.
        initial_only = block.startswith("g:")
        for i, a in enumerate(keys):
            a_initialled = bool(_INITIALLED.search(infos[a].name))
            for b in keys[i + 1 :]:
                if initial_only and not (a_initialled or _INITIALLED.search(infos[b].name)):
                    continue
                pair = (a, b) if a < b else (b, a)
                if pair in seen:
                    continue
                seen.add(pair)
                ia, ib = infos[pair[0]], infos[pair[1]]
                if ia.gazetteer_id and ib.gazetteer_id:
                    continue  # two different gazetteer entries are different by definition
                result = names.match_names(ia.name, ib.name, kind=kind, same_case=bool(ia.cases & ib.cases))
                if result.same:
                    links.append(Link(pair[0], pair[1], result.rule, result.score, result.explanation, "auto"))
    return links


def decisions(records: RecordStore) -> list[tuple[str, str, str, str, str, float]]:
    ensure_schema(records)
    return [tuple(r) for r in records.query("SELECT key_a, key_b, decision, reason, user, at FROM xref_decisions ORDER BY at")]


def record_decision(records: RecordStore, key_a: str, key_b: str, decision: str, reason: str, user: str = "local-admin") -> None:
    ensure_schema(records)
    a, b = sorted((key_a, key_b))
    records._conn.execute(
        "INSERT INTO xref_decisions(key_a, key_b, decision, reason, user, at) VALUES (?,?,?,?,?,?)"
        " ON CONFLICT(key_a, key_b) DO UPDATE SET decision=excluded.decision, reason=excluded.reason, user=excluded.user, at=excluded.at",
        (a, b, decision, reason, user, time.time()),
    )


def resolve(records: RecordStore, ref: str) -> tuple[str, list[str], list[str]] | None:
    """(entity id, the keys `ref` names exactly, all member keys of that entity), or None."""
    from pipelines.entity_views import find_entity

    ensure_schema(records)
    exact = sorted({r[0] for r in records.query(
        "SELECT DISTINCT entity_key FROM mentions WHERE entity_key = ? OR lower(text) = lower(?)", (ref, ref))})
    if exact:
        row = records.query("SELECT entity_id FROM entity_members WHERE entity_key = ?", (exact[0],))
        entity_id = row[0][0] if row else None
    else:
        found = find_entity(records, ref)
        entity_id = found[0][0] if found else None
    if entity_id is None:
        return None
    members = [r[0] for r in records.query("SELECT entity_key FROM entity_members WHERE entity_id = ? ORDER BY entity_key", (entity_id,))]
    keys = [k for k in exact if k in members] or members
    return entity_id, keys, members


def decide(records: RecordStore, group_a: list[str], group_b: list[str], decision: str, reason: str, user: str) -> None:
    """A user's merge or split of two entities (given as their member keys).

    The newest decision wins: merging removes earlier splits between the two groups and the other
    way round, so a user can undo their own decision.
    """
    ensure_schema(records)
    opposite = "split" if decision == "merge" else "merge"
    for a in group_a:
        for b in group_b:
            x, y = sorted((a, b))
            records._conn.execute("DELETE FROM xref_decisions WHERE key_a = ? AND key_b = ? AND decision = ?", (x, y, opposite))
    if decision == "merge":
        record_decision(records, group_a[0], group_b[0], "merge", reason, user)
    else:
        for a in group_a:
            for b in group_b:
                record_decision(records, a, b, "split", reason, user)


def _entity_id(label: str, members: set[str], infos: dict[str, KeyInfo]) -> str:
    # Gazetteer ids ("fac-branch-251") have no colon; derived keys ("person:anwar raslan") do.
    gazetteer = sorted(k for k in members if ":" not in k)
    if gazetteer:
        return gazetteer[0]
    digest = hashlib.sha1("|".join(sorted(members)).encode()).hexdigest()[:10]
    return f"{label.lower()[:3]}-{digest}"


def build(records: RecordStore) -> dict[str, int]:
    """Recompute entities from all mentions plus user decisions. Idempotent."""
    ensure_schema(records)
    infos = _key_infos(records)
    for key in [k for k in infos if infos[k].gazetteer_id]:
        infos[key].gazetteer_id = key
    links = _gazetteer_links(infos) + candidate_links(infos)
    user = decisions(records)
    splits = {(a, b) for a, b, d, *_ in user if d == "split"}
    uf = _UnionFind()
    for key in infos:
        uf.find(key)
    final_links: list[Link] = []
    for a, b, decision, reason, who, _ in user:
        if decision == "merge" and a in infos and b in infos:
            uf.union(a, b)
            final_links.append(Link(a, b, "user-merge", 1.0, f"merged by {who}: {reason}", "user"))

    def separated(ra: str, rb: str) -> bool:
        ma, mb = uf.members[ra], uf.members[rb]
        return any((x in ma and y in mb) or (x in mb and y in ma) for x, y in splits)

    for link in sorted(links, key=lambda l: -l.score):
        if link.key_a not in infos and link.source != "gazetteer":
            continue
        uf.find(link.key_b)
        ra, rb = uf.find(link.key_a), uf.find(link.key_b)
        if ra == rb:
            final_links.append(link)
            continue
        if separated(ra, rb):
            continue
        uf.union(ra, rb)
        final_links.append(link)

    with records.transaction() as conn:
        conn.execute("DELETE FROM xref_links")
        conn.execute("DELETE FROM entity_members")
        conn.execute("DELETE FROM entities")
        conn.executemany(
            "INSERT OR IGNORE INTO xref_links(key_a, key_b, rule, score, explanation, source) VALUES (?,?,?,?,?,?)",  # user links come first and win
            [(l.key_a, l.key_b, l.rule, l.score, l.explanation, l.source) for l in final_links],
        )
        entities = 0
        for root, members in list(uf.members.items()):
            present = [infos[k] for k in members if k in infos]
            if not present:
                continue
            label = Counter(i.label for i in present).most_common(1)[0][0]
            entity_id = _entity_id(label, members, infos)
            counts = Counter()
            for info in present:
                counts.update(info.names)
            canonical = _canonical(entity_id, counts)
            conn.execute("INSERT OR REPLACE INTO entities(entity_id, label, canonical, mention_count) VALUES (?,?,?,?)",
                         (entity_id, label, canonical, sum(counts.values())))
            conn.executemany("INSERT OR REPLACE INTO entity_members(entity_id, entity_key) VALUES (?,?)", [(entity_id, k) for k in members])
            entities += 1
    return {"keys": len(infos), "links": len(final_links), "entities": entities}


def _canonical(entity_id: str, counts: Counter) -> str:
    entry = Gazetteer.default().entries.get(entity_id)
    if entry:
        return entry.canonical
    # Prefer the fullest Latin-script name (not an anonymised "Anwar R."), then the most frequent.
    def rank(item):
        text, count = item
        latin = names.script_of(text) == "latin"
        anonymised = text.rstrip().endswith(".") and len(text.split()[-1]) == 2
        return (latin, not anonymised, len(text.split()), count)

    return max(counts.items(), key=rank)[0]
