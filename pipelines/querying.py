"""The querying pipeline and the search API used by the CLI and the UI alike."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from haystack import Pipeline

from pipelines.citations import Citation, citation_style, format_citation

from pipelines.components.dense_retriever import DenseRetriever
from pipelines.components.fusion import ReciprocalRankFusion
from pipelines.components.retriever import BM25Retriever
from pipelines.stores.vectors import VectorStore
from pipelines.highlight import match_spans, snippet
from pipelines.expansion import Expansion, expand
from pipelines.query_language import detect_query_language
from pipelines.search_query import Clause, SearchQuery, parse_query
from pipelines.stores.record import DocumentRow, RecordStore
from pipelines.stores.tantivy_store import TantivyDocumentStore
from pipelines.access import ANONYMOUS, Principal
from pipelines.protection import opaque_key
from pipelines.scoped import scope


@dataclass(frozen=True)
class Hit:
    """One search result. `to_json` is the documented, stable `dalil search --json` contract."""

    rank: int
    score: float
    passage_id: str
    doc_id: str
    filename: str
    title: str
    lang: str
    page: int
    paragraph: str | None
    text: str
    highlights: list[tuple[int, int]]  # character offsets into `text`
    snippet: str
    snippet_highlights: list[tuple[int, int]]
    citation: Citation
    court: str | None
    case_number: str | None
    date: str | None
    doc_type: str | None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["citation"] = self.citation.text
        out["highlights"] = [list(s) for s in self.highlights]
        out["snippet_highlights"] = [list(s) for s in self.snippet_highlights]
        return out


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    query_lang: str = "en"
    expansions: list[Expansion] = field(default_factory=list)


def build_query_pipeline(store: TantivyDocumentStore, vectors: VectorStore | None = None) -> Pipeline:
    """BM25 alone, or BM25 and dense retrieval fused by reciprocal rank (`ReciprocalRankFusion`)."""
    pipeline = Pipeline()
    pipeline.add_component("retriever", BM25Retriever(store))
    if vectors is not None:
        pipeline.add_component("dense", DenseRetriever(vectors, store))
        pipeline.add_component("fusion", ReciprocalRankFusion())
        pipeline.connect("retriever.documents", "fusion.documents")
        pipeline.connect("dense.documents", "fusion.documents")
    return pipeline


EXPANSION_BOOST = 0.5


def _with_expansions(query: SearchQuery, expansions: list[Expansion]) -> SearchQuery:
    """Other-language glossary terms become extra optional clauses, weighted below the user's words."""
    from pipelines.analysis import query_variants, tokenize

    clauses = list(query.clauses)
    for expansion in expansions:
        for lang, texts in expansion.added.items():
            for text in texts:
                words = [query_variants(surface, kind) for surface, _, _, kind in tokenize(text)]
                if words:
                    clauses.append(Clause(words, text, len(words) > 1, "should", EXPANSION_BOOST))
    return SearchQuery(query.text, clauses, query.filters)


def _shielded_keys(counts: dict[str, int], shield) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in counts.items():
        shown = opaque_key(key) if key in shield.pseudonyms else shield.text(key)
        out[shown] = out.get(shown, 0) + n
    return out


def _and(filters: list[dict]) -> dict | None:
    if not filters:
        return None
    return filters[0] if len(filters) == 1 else {"operator": "AND", "conditions": filters}


def _without_protected(query: SearchQuery, shield) -> SearchQuery | None:
    """The query minus words that name a protected person (for readers without clearance).

    None when nothing that reveals no protected name is left to search for: a required word or a
    phrase naming the person cannot be honoured without revealing where that person is named.
    """
    kept = []
    for clause in query.clauses:
        named = any(shield.hides(word) for word in re.findall(r"\w+", clause.surface))
        if not named:
            kept.append(clause)
        elif clause.occur == "must":
            return None
    if any(c.occur != "must_not" for c in query.clauses) and not any(c.occur != "must_not" for c in kept):
        return None
    if len(kept) == len(query.clauses):
        return query  # nothing named a protected person: the query as typed (quotes and all)
    return SearchQuery(" ".join(c.surface for c in kept), kept, list(query.filters))


class Searcher:
    def __init__(self, records: RecordStore, store: TantivyDocumentStore, audit=None):
        self.records = records
        self.store = store
        self.audit = audit
        self.pipeline = build_query_pipeline(store)
        self.vectors = VectorStore(records)
        self.hybrid_pipeline = build_query_pipeline(store, self.vectors)

    def search(
        self,
        text: str,
        *,
        lang: str | None = None,
        court: str | None = None,
        case: str | None = None,
        doc_type: str | None = None,
        entity: str | None = None,
        role: str | None = None,
        limit: int = 10,
        offset: int = 0,
        with_facets: bool = False,
        expand_query: bool = True,
        dense: bool = True,
        like_passage: str | None = None,
        principal: Principal = ANONYMOUS,
    ) -> SearchResults:
        """Search passages as `principal` sees them. `dense` fuses embedding retrieval with BM25 when
        embeddings exist; `like_passage` (a passage id) finds passages like that one ("more like this").

        Collections the principal may not read are excluded inside the index query (so totals and facet
        counts never count them), and protected names are pseudonymised for readers without clearance.
        """
        records = scope(self.records, principal)
        extra = []
        if like_passage and not records.passages_by_id([like_passage]):
            return SearchResults(text, 0, [], offset, {}, "en", [])
        for key, value in (("lang", lang), ("court", court), ("case_number", case), ("doc_type", doc_type), ("entity", entity), ("role", role)):
            if value:
                if key == "case_number":
                    from ingest.legal import normalize_case_number

                    value = normalize_case_number(value)
                extra.append({"field": f"meta.{key}", "operator": "==", "value": value})
        # "More like this" needs no words of its own: the passage is the query.
        query = SearchQuery(text, [], list(extra)) if like_passage and not text.strip() else parse_query(text, extra)
        if not principal.is_admin:  # after parsing: access control never makes an empty query non-empty
            query.filters.append({"field": "meta.collection", "operator": "in", "value": list(records.readable)})
        shield = getattr(records, "shield", None)
        if shield is not None and not shield.empty:
            query = _without_protected(query, shield)
            if query is None:
                return SearchResults(text, 0, [], offset, {}, detect_query_language(text), [])
        free_text = " ".join(c.surface for c in query.clauses if c.occur == "should")
        query_lang = detect_query_language(free_text or text)
        # Quoted phrases, +/- words and case numbers ask for exactly those words: no expansion.
        expanding = expand_query and bool(free_text) and not query.is_precise
        expansions = expand(free_text, query_lang) + self._alias_expansions(records, free_text) if expanding else []
        query = _with_expansions(query, expansions)
        filters = _and([self._resolve_entity_filter(records, f) for f in query.filters])
        use_dense = (like_passage is not None or (dense and not query.is_precise)) and self.vectors.count() > 0
        if use_dense:
            window = offset + limit
            result = self.hybrid_pipeline.run({
                "retriever": {"query": query, "filters": filters, "top_k": max(window, 50)},
                "dense": {"text": free_text, "filters": filters, "top_k": max(window, 50), "like_passage": like_passage},
            }, include_outputs_from={"retriever"})
            documents = [d for d in result["fusion"]["documents"] if d.id != like_passage][offset:window]
            total = max(result["retriever"]["total"], len(result["fusion"]["documents"]))
        else:
            result = self.pipeline.run({"retriever": {"query": query, "filters": filters, "top_k": limit, "offset": offset}})
            documents = result["retriever"]["documents"]
            total = result["retriever"]["total"]
        texts = {pid: p.text for pid, p in records.passages_by_id([d.id for d in documents]).items()}
        docs = {doc_id: records.document(doc_id) for doc_id in {d.meta["doc_id"] for d in documents}}
        hits = [self._hit(offset + i + 1, d, query, docs.get(d.meta["doc_id"]), texts.get(d.id)) for i, d in enumerate(documents)]
        hits = [h for h in hits if h]
        facets = self.store.facets(query, filters) if with_facets else {}
        if shield is not None and not shield.empty and "entity" in facets:
            facets["entity"] = _shielded_keys(facets["entity"], shield)
        if self.audit is not None:
            self.audit.record_if_restricted(principal.name, "search", {"query": text, "hits": [h.passage_id for h in hits]},
                                            [d.collection for d in docs.values() if d], self.records.collections())
        return SearchResults(text, total, hits, offset, facets, query_lang, expansions)

    def _alias_expansions(self, records: RecordStore, text: str, max_aliases: int = 6) -> list[Expansion]:
        """Names in the query that are known entities bring their other spellings and scripts."""
        from pipelines import crossref

        crossref.ensure_schema(records)
        words = text.split()
        found: list[Expansion] = []
        taken: set[int] = set()
        for size in (3, 2, 1):
            for start in range(len(words) - size + 1):
                span = set(range(start, start + size))
                if span & taken:
                    continue
                phrase = " ".join(words[start : start + size]).strip(",.;:\"'")
                if len(phrase) < 4:
                    continue
                rows = records.query(
                    "SELECT em.entity_id FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key"
                    " WHERE lower(m.text) = lower(?) AND m.label IN ('PERSON', 'FACILITY', 'ORGANIZATION') LIMIT 1", (phrase,))
                if not rows:
                    continue
                aliases = [r[0] for r in records.query(
                    "SELECT m.text FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key WHERE em.entity_id = ?"
                    " AND lower(m.text) != lower(?) GROUP BY m.text ORDER BY count(*) DESC LIMIT ?", (rows[0][0], phrase, max_aliases))]
                if aliases:
                    found.append(Expansion(phrase, rows[0][0], {"aliases": aliases}))
                    taken |= span
        return found

    def entity_keys(self, name: str, records: RecordStore | None = None) -> list[str]:
        """Index keys for what a user typed after entity: (an entity id, or a name in any script).

        A name resolves through cross-reference to its entity, and so to every spelling of it. Through a
        scoped store, a protected person's keys are opaque and match nothing in the index.
        """
        from pipelines.entity_views import find_entity

        records = records or self.records
        found = find_entity(records, name)
        if not found:
            return [name]
        rows = records.query("SELECT entity_key FROM entity_members WHERE entity_id = ?", (found[0][0],))
        return sorted({r[0] for r in rows}) or [name]

    def _resolve_entity_filter(self, records: RecordStore, condition: dict) -> dict:
        if condition.get("field") == "meta.entity" and condition.get("operator") == "==":
            return {"field": "meta.entity", "operator": "in", "value": self.entity_keys(str(condition["value"]), records)}
        if condition.get("operator") == "NOT":
            return {"operator": "NOT", "conditions": [self._resolve_entity_filter(records, c) for c in condition["conditions"]]}
        return condition

    def _hit(self, rank: int, document, query: SearchQuery, row: DocumentRow | None, text: str | None) -> Hit | None:
        meta = document.meta
        if row is None or text is None:  # unreadable, or deleted from the record store after indexing
            return None
        spans = match_spans(text, meta.get("lang") or "und", query.terms)
        short, short_spans, _ = snippet(text, spans)
        page = int(meta.get("page") or 1)
        citation = format_citation(row.meta, row.filename, page, meta.get("paragraph"), citation_style(meta.get("lang") or "en"))
        return Hit(
            rank=rank,
            score=float(document.score or 0.0),
            passage_id=document.id,
            doc_id=row.doc_id,
            filename=row.filename,
            title=row.title or row.filename,
            lang=meta.get("lang") or "und",
            page=page,
            paragraph=meta.get("paragraph"),
            text=text,
            highlights=spans,
            snippet=short,
            snippet_highlights=short_spans,
            citation=citation,
            court=row.meta.court,
            case_number=row.meta.case_number,
            date=row.meta.date,
            doc_type=row.meta.doc_type,
        )
