"""Haystack component: BM25 retrieval from the embedded tantivy store."""

from __future__ import annotations

from typing import Any

from haystack import Document, component

from pipelines.search_query import SearchQuery
from pipelines.stores.tantivy_store import TantivyDocumentStore


@component
class BM25Retriever:
    def __init__(self, document_store: TantivyDocumentStore):
        self.document_store = document_store

    @component.output_types(documents=list[Document], total=int)
    def run(self, query: SearchQuery, filters: dict[str, Any] | None = None, top_k: int = 10, offset: int = 0) -> dict[str, Any]:
        documents, total = self.document_store.bm25_retrieval(query, filters, top_k=top_k, offset=offset)
        return {"documents": documents, "total": total}
