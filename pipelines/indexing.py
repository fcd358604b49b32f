"""The indexing pipeline: stored passages → Haystack Documents → search index.

The record store is written first (by `pipelines.ingesting`); the index is derived from it and can
always be rebuilt (`dalil reindex`). A document is marked `indexed` only after the index commit,
so a crash in between is repaired on the next run.
"""

from __future__ import annotations

from collections.abc import Callable

from haystack import Pipeline
from haystack.components.writers import DocumentWriter
from haystack.document_stores.types import DuplicatePolicy

from pipelines.components.passages import PassagesToDocuments
from pipelines.stores.record import RecordStore
from pipelines.stores.tantivy_store import TantivyDocumentStore


def build_indexing_pipeline(store: TantivyDocumentStore) -> Pipeline:
    pipeline = Pipeline()
    pipeline.add_component("to_documents", PassagesToDocuments())
    pipeline.add_component("writer", DocumentWriter(document_store=store, policy=DuplicatePolicy.OVERWRITE))
    pipeline.connect("to_documents.documents", "writer.documents")
    return pipeline


def index_pending(records: RecordStore, store: TantivyDocumentStore, batch_docs: int = 50, progress: Callable[[int], None] | None = None) -> int:
    """Index every stored document not yet marked indexed. Idempotent: passages are replaced by id."""
    pending = records.unindexed_doc_ids()
    if not pending:
        return 0
    pipeline = build_indexing_pipeline(store)
    done = 0
    for start in range(0, len(pending), batch_docs):
        batch = pending[start : start + batch_docs]
        passages, metas, collections = [], {}, {}
        for doc_id in batch:
            row = records.document(doc_id)
            if row is None:
                continue
            store.delete_by_doc_id(doc_id)  # a half-indexed document from a crash is replaced whole
            passages.extend(records.passages(doc_id))
            metas[doc_id] = row.meta
            collections[doc_id] = row.collection
        pipeline.run({"to_documents": {"passages": passages, "metas": metas, "collections": collections}})
        store.commit()
        records.mark_indexed(batch)
        done += len(batch)
        if progress:
            progress(len(batch))
    return done


def reindex(records: RecordStore, store: TantivyDocumentStore, progress: Callable[[int], None] | None = None) -> int:
    store.delete_all()
    store.commit()
    records.mark_all_unindexed()
    return index_pending(records, store, progress=progress)
