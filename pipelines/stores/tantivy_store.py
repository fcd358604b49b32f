"""Embedded search index on tantivy, shaped as a Haystack DocumentStore.

Text reaches tantivy already analysed (see `pipelines.analysis`) and is split on whitespace only,
so tantivy and Elasticsearch score the same tokens. User input never becomes query-parser syntax:
queries are built from `tantivy.Query` objects.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import tantivy
from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

from pipelines.analysis import ANALYSIS_VERSION, analyzed_string
from pipelines.search_query import SearchQuery

KEYWORD_FIELDS = ("doc_id", "lang", "court", "case_number", "doc_type", "collection", "entity", "role")
FACET_FIELDS = ("lang", "court", "case_number", "doc_type", "year", "entity", "role", "collection")
_ANALYZER = "dalil_ws"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("body", stored=False, tokenizer_name=_ANALYZER, index_option="position")
    builder.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    builder.add_unsigned_field("year", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("date", stored=True, indexed=True, fast=True)  # yyyymmdd
    builder.add_unsigned_field("page", stored=True)
    builder.add_unsigned_field("seq", stored=True)
    builder.add_text_field("paragraph", stored=True, tokenizer_name="raw")
    return builder.build()


def _date_int(iso: str | None) -> int | None:
    if not iso or len(iso) < 10:
        return None
    try:
        return int(iso[:4] + iso[5:7] + iso[8:10])
    except ValueError:
        return None


class TantivyDocumentStore:
    """Haystack DocumentStore protocol over a tantivy index folder."""

    def __init__(self, path: str | Path, writer_heap_bytes: int = 128_000_000):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.writer_heap_bytes = writer_heap_bytes
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        self._index.register_tokenizer(_ANALYZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        self._writer: tantivy.IndexWriter | None = None

    # --- Haystack protocol ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"type": f"{type(self).__module__}.{type(self).__name__}", "init_parameters": {"path": str(self.path)}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TantivyDocumentStore:
        return cls(**data["init_parameters"])

    def count_documents(self) -> int:
        self._index.reload()
        return self._index.searcher().num_docs

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        query = self.filter_query(filters) if filters else tantivy.Query.all_query()
        self._index.reload()
        searcher = self._index.searcher()
        total = searcher.search(query, limit=1, count=True).count
        hits = searcher.search(query, limit=max(total, 1)).hits if total else []
        return [self._to_document(searcher.doc(address), None) for _, address in hits]

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.OVERWRITE) -> int:
        """Writes are idempotent: a passage id already present is replaced, never duplicated."""
        if policy not in (DuplicatePolicy.OVERWRITE, DuplicatePolicy.NONE):
            raise ValueError(f"TantivyDocumentStore only supports OVERWRITE, not {policy}")
        writer = self._get_writer()
        for doc in documents:
            writer.delete_documents_by_term("passage_id", doc.id)
            writer.add_document(self._to_tantivy(doc))
        return len(documents)

    def delete_documents(self, document_ids: list[str]) -> None:
        writer = self._get_writer()
        for passage_id in document_ids:
            writer.delete_documents_by_term("passage_id", passage_id)

    # --- beyond the protocol --------------------------------------------------------------------
    def delete_by_doc_id(self, doc_id: str) -> None:
        self._get_writer().delete_documents_by_term("doc_id", doc_id)

    def delete_all(self) -> None:
        self._get_writer().delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self._analysis_file.write_text(str(ANALYSIS_VERSION))
        self._index.reload()

    @property
    def _analysis_file(self) -> Path:
        return self.path / "dalil-analysis-version"

    def analysis_outdated(self) -> bool:
        """True when the index holds passages analysed by an older version of `pipelines.analysis`."""
        if not self.count_documents():
            return False
        try:
            return int(self._analysis_file.read_text()) != ANALYSIS_VERSION
        except (OSError, ValueError):
            return True

    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            deadline = time.monotonic() + 30
            while True:
                try:
                    self._writer = self._index.writer(heap_size=self.writer_heap_bytes, num_threads=1)
                    break
                except ValueError:
                    # Another process holds the writer lock (a concurrent ingest); wait our turn.
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        return self._writer

    def _to_tantivy(self, doc: Document) -> tantivy.Document:
        meta = doc.meta
        out = tantivy.Document()
        out.add_text("passage_id", doc.id)
        out.add_text("body", meta.get("analyzed") or analyzed_string(doc.content or "", meta.get("lang", "und")))
        out.add_text("text", doc.content or "")
        for name in KEYWORD_FIELDS:
            values = meta.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value:
                    out.add_text(name, str(value))
        date = _date_int(meta.get("date"))
        if date:
            out.add_unsigned("date", date)
            out.add_unsigned("year", date // 10000)
        out.add_unsigned("page", int(meta.get("page") or 0))
        out.add_unsigned("seq", int(meta.get("seq") or 0))
        if meta.get("paragraph"):
            out.add_text("paragraph", str(meta["paragraph"]))
        return out

    def _to_document(self, stored: tantivy.Document, score: float | None) -> Document:
        fields = stored.to_dict()
        first = lambda name: (fields.get(name) or [None])[0]  # noqa: E731
        meta: dict[str, Any] = {name: first(name) for name in ("doc_id", "lang", "court", "case_number", "doc_type", "collection", "page", "seq", "paragraph", "year")}
        meta["entity"] = fields.get("entity", [])
        meta["role"] = fields.get("role", [])
        date = first("date")
        meta["date"] = f"{date // 10000:04d}-{date // 100 % 100:02d}-{date % 100:02d}" if date else None
        return Document(id=first("passage_id"), content=first("text"), meta=meta, score=score)

    # --- querying -------------------------------------------------------------------------------
    def filter_query(self, filters: dict[str, Any]) -> tantivy.Query:
        """Translate Haystack's filter dictionaries into a tantivy query."""
        if "conditions" in filters:
            parts = [self.filter_query(c) for c in filters["conditions"]]
            operator = filters["operator"].upper()
            if operator == "AND":
                return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in parts])
            if operator == "OR":
                return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])
            if operator == "NOT":
                return tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, tantivy.Query.all_query())] + [(tantivy.Occur.MustNot, q) for q in parts]
                )
            raise ValueError(f"unknown filter operator {operator}")
        field = filters["field"].removeprefix("meta.")
        if field == "id":
            field = "passage_id"
        operator, value = filters["operator"], filters["value"]
        if field in ("year", "date"):
            value = int(str(value).replace("-", "")) if value is not None else value
            bounds = {">": (value, None, False), ">=": (value, None, True), "<": (None, value, False), "<=": (None, value, True)}
            if operator in bounds:
                low, high, inclusive = bounds[operator]
                return tantivy.Query.range_query(
                    self._schema, field, tantivy.FieldType.Unsigned,
                    low if low is not None else 0, high if high is not None else 99_999_999,
                    include_lower=inclusive or low is None, include_upper=inclusive or high is None,
                )
        if operator == "==":
            return self._term(field, value)
        if operator == "!=":
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, self._term(field, value))])
        if operator == "in":
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._term(field, v)) for v in value] or [(tantivy.Occur.Must, tantivy.Query.empty_query())])
        if operator == "not in":
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query())] + [(tantivy.Occur.MustNot, self._term(field, v)) for v in value])
        raise ValueError(f"unsupported filter operator {operator!r} on {field}")

    def _term(self, field: str, value: Any) -> tantivy.Query:
        if field in ("year", "date", "page", "seq"):
            return tantivy.Query.term_query(self._schema, field, int(value))
        return tantivy.Query.term_query(self._schema, field, str(value))

    def _text_query(self, query: SearchQuery) -> tantivy.Query:
        def alternatives(variants: set[str]) -> tantivy.Query:
            terms = sorted(variants)
            if len(terms) == 1:
                return tantivy.Query.term_query(self._schema, "body", terms[0])
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "body", t)) for t in terms])

        def phrase(words: list[set[str]]) -> tantivy.Query:
            if len(words) == 1:
                return alternatives(words[0])
            # A phrase whose words have several analyses becomes an OR of phrases (few in practice).
            combos: list[list[str]] = [[]]
            for variants in words:
                combos = [c + [v] for c in combos for v in sorted(variants)][:16]
            phrases = [tantivy.Query.phrase_query(self._schema, "body", c) for c in combos]
            return phrases[0] if len(phrases) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in phrases])

        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for clause in query.clauses:
            built = phrase(clause.words) if clause.phrase else alternatives(clause.words[0])
            occur = {"must": tantivy.Occur.Must, "should": tantivy.Occur.Should, "must_not": tantivy.Occur.MustNot}[clause.occur]
            clauses.append((occur, tantivy.Query.boost_query(built, clause.boost) if clause.boost != 1.0 else built))
        if not any(o != tantivy.Occur.MustNot for o, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def bm25_retrieval(self, query: SearchQuery, filters: dict[str, Any] | None = None, top_k: int = 10, offset: int = 0) -> tuple[list[Document], int]:
        text_query = self._text_query(query)
        full = text_query
        if filters:
            full = tantivy.Query.boolean_query([(tantivy.Occur.Must, text_query), (tantivy.Occur.Must, self.filter_query(filters))])
        self._index.reload()
        searcher = self._index.searcher()
        result = searcher.search(full, limit=top_k, offset=offset, count=True)
        return [self._to_document(searcher.doc(address), score) for score, address in result.hits], result.count

    def facets(self, query: SearchQuery | None, filters: dict[str, Any] | None = None, fields: tuple[str, ...] = FACET_FIELDS, size: int = 20) -> dict[str, dict[str, int]]:
        base = self._text_query(query) if query else tantivy.Query.all_query()
        if filters:
            base = tantivy.Query.boolean_query([(tantivy.Occur.Must, base), (tantivy.Occur.Must, self.filter_query(filters))])
        self._index.reload()
        aggs = {name: {"terms": {"field": name, "size": size}} for name in fields}
        result = self._index.searcher().aggregate(base, aggs)
        return {
            name: {str(b["key"]): int(b["doc_count"]) for b in result.get(name, {}).get("buckets", [])}
            for name in fields
        }

    def destroy(self) -> None:
        self._writer = None
        shutil.rmtree(self.path, ignore_errors=True)
