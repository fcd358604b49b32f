"""Haystack component: dense (embedding) retrieval, filtered inside the index like BM25.

The embedded store ranks with the in-memory `VectorStore`; a store that offers `embedding_retrieval`
(Elasticsearch kNN on its dense_vector field) is asked directly."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from haystack import Document, component

from pipelines.embedding import embed
from pipelines.stores.tantivy_store import TantivyDocumentStore
from pipelines.stores.vectors import VectorStore


@component
class DenseRetriever:
    def __init__(self, vectors: VectorStore, document_store: TantivyDocumentStore, candidates: int = 200):
        self.vectors = vectors
        self.document_store = document_store
        self.candidates = candidates

    @component.output_types(documents=list[Document])
    def run(self, text: str, filters: dict[str, Any] | None = None, top_k: int = 10, like_passage: str | None = None) -> dict[str, Any]:
        query_vector = self.vectors.vector_of(like_passage) if like_passage else None
        if query_vector is None:
            if not text.strip():
                return {"documents": []}
            query_vector = embed([text])[0]
        knn = getattr(self.document_store, "embedding_retrieval", None)
        if knn is not None:  # a store with its own vector index (Elasticsearch kNN), filters inside the search
            extra = 1 if like_passage else 0
            found = knn(query_vector, filters, top_k=top_k + extra, num_candidates=max(self.candidates, top_k))
            return {"documents": [d for d in found if d.id != like_passage][:top_k]}
        ranked = self.vectors.search(query_vector, max(self.candidates, top_k))
        if like_passage:
            ranked = [(p, s) for p, s in ranked if p != like_passage]
        if not ranked:
            return {"documents": []}
        scores = dict(ranked)
        wanted: dict[str, Any] = {"field": "id", "operator": "in", "value": list(scores)}
        condition = {"operator": "AND", "conditions": [wanted, filters]} if filters else wanted
        documents = [replace(d, score=scores[d.id]) for d in self.document_store.filter_documents(condition)]
        documents.sort(key=lambda d: -d.score)
        return {"documents": documents[:top_k]}
