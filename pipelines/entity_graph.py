"""Who is named with whom: the co-occurrence graph around one entity, for the UI's entity page.

Nodes are the entity itself, the people, facilities and organisations named in the same passages, and
the case numbers of the documents those passages come from. An edge counts the passages in which two
nodes appear together. The graph is built from an `EntityPage`, so it shows exactly the mentions and
co-occurring entities (and their names) that the page itself shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from pipelines.entity_views import EntityPage
from pipelines.stores.record import RecordStore

GRAPH_LABELS = ("PERSON", "FACILITY", "ORGANIZATION")
_CHUNK = 500  # SQLite host parameters per query


@dataclass(frozen=True)
class GraphNode:
    node_id: str  # an entity id, or "case:<case number>"
    label: str  # the name shown
    kind: str  # person | facility | organization | case
    passages: int  # passages in which it is named together with the centre entity
    centre: bool = False


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    passages: int


@dataclass
class EntityGraph:
    centre: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]

    def node(self, node_id: str) -> GraphNode | None:
        return next((n for n in self.nodes if n.node_id == node_id), None)


def _chunks(items: list[str]):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def cooccurrence_graph(records: RecordStore, page: EntityPage, labels: tuple[str, ...] = GRAPH_LABELS, max_entities: int = 20) -> EntityGraph:
    """The centre entity, its co-occurring entities of `labels` (the `max_entities` most frequent) and cases."""
    passages = sorted({m.passage_id for m in page.mentions})
    names = {page.entity_id: (page.canonical, page.label.lower())}
    for entity_id, label, canonical, _ in page.cooccurring:
        if label in labels and len(names) <= max_entities:
            names[entity_id] = (canonical, label.lower())
    in_passage: dict[str, set[str]] = {p: {page.entity_id} for p in passages}
    for chunk in _chunks(passages):
        marks = ",".join("?" * len(chunk))
        for r in records.query(
            f"SELECT DISTINCT m.passage_id, em.entity_id FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key"
            f" WHERE m.passage_id IN ({marks})", tuple(chunk)):
            if r[1] in names:
                in_passage[r[0]].add(r[1])
        for r in records.query(
            f"SELECT p.passage_id, d.case_number FROM passages p JOIN documents d ON d.doc_id = p.doc_id"
            f" WHERE p.passage_id IN ({marks}) AND d.case_number IS NOT NULL AND d.case_number != ''", tuple(chunk)):
            case = "case:" + r[1]
            names.setdefault(case, (r[1], "case"))
            in_passage[r[0]].add(case)
    weight: Counter = Counter()
    pairs: Counter = Counter()
    for members in in_passage.values():
        weight.update(members)
        pairs.update(combinations(sorted(members), 2))
    nodes = [GraphNode(node_id, names[node_id][0], names[node_id][1], weight[node_id], node_id == page.entity_id)
             for node_id in sorted(names, key=lambda n: (n != page.entity_id, -weight[n], names[n][0])) if weight[node_id]]
    edges = [GraphEdge(a, b, n) for (a, b), n in sorted(pairs.items())]
    return EntityGraph(page.entity_id, nodes, edges)


@dataclass(frozen=True)
class DatedMention:
    date: str
    case_number: str | None
    role: str
    citation: str
    passage_id: str
    doc_id: str
    snippet: str


def dated_mentions(records: RecordStore, page: EntityPage) -> list[DatedMention]:
    """The page's mentions that carry their document's date, oldest first, with the document's case number."""
    doc_ids = sorted({m.doc_id for m in page.mentions if m.date})
    cases: dict[str, str | None] = {}
    for chunk in _chunks(doc_ids):
        marks = ",".join("?" * len(chunk))
        cases.update({r[0]: r[1] for r in records.query(f"SELECT doc_id, case_number FROM documents WHERE doc_id IN ({marks})", tuple(chunk))})
    return sorted((DatedMention(m.date, cases.get(m.doc_id), m.role, m.citation, m.passage_id, m.doc_id, m.snippet)
                   for m in page.mentions if m.date), key=lambda d: (d.date, d.citation))
