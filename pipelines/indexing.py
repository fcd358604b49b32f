"""The indexing pipeline: stored passages → Haystack Documents → search index.

The record store is written first (by `pipelines.ingesting`); the index is derived from it and can
always be rebuilt (`dalil reindex`). A document is marked `indexed` only after the index commit,
so a crash in between is repaired on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from haystack import Pipeline
from haystack.components.writers import DocumentWriter
from haystack.document_stores.types import DuplicatePolicy

from pipelines.components.entity_tagger import TAGGER_VERSION, EntityTagger
from pipelines.components.passages import PassagesToDocuments
from pipelines.embedding import dense_enabled, embed
from pipelines.entities.enrich import mention_rows
from pipelines.stores.vectors import VectorStore
from pipelines.entities.mention import Mention
from pipelines.stores.record import RecordStore
from pipelines.stores.tantivy_store import TantivyDocumentStore


def build_indexing_pipeline(store: TantivyDocumentStore) -> Pipeline:
    pipeline = Pipeline()
    pipeline.add_component("to_documents", PassagesToDocuments())
    pipeline.add_component("tagger", EntityTagger())
    pipeline.add_component("writer", DocumentWriter(document_store=store, policy=DuplicatePolicy.OVERWRITE))
    pipeline.connect("to_documents.documents", "tagger.documents")
    pipeline.connect("tagger.documents", "writer.documents")
    return pipeline


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade of Dalil leaves to redo in a data folder."""
    reindex: bool  # the index was built by an older text analysis (`ANALYSIS_VERSION`)
    retag: list[str]  # documents whose mentions came from older entity rules (`TAGGER_VERSION`)


def pending_upgrade(records: RecordStore, store: TantivyDocumentStore) -> Upgrade:
    return Upgrade(store.analysis_outdated(), stale_tagged(records))


def index_pending(records: RecordStore, store: TantivyDocumentStore, batch_docs: int = 50, progress: Callable[[int], None] | None = None,
                  upgrade: Upgrade | None = None) -> int:
    """Index every stored document not yet marked indexed. Idempotent: passages are replaced by id.

    An index built by an older analysis is rebuilt whole, so an upgrade needs no manual `dalil reindex`;
    documents whose mentions came from older entity rules are tagged again. `upgrade`: the caller's
    `pending_upgrade`, when it has already looked."""
    upgrade = upgrade or pending_upgrade(records, store)
    if upgrade.reindex:
        return reindex(records, store, progress)
    records.mark_indexed(upgrade.retag, indexed=False)
    return index_new(records, store, batch_docs, progress)


def stale_tagged(records: RecordStore) -> list[str]:
    """Documents whose stored mentions came from older entity rules; indexing tags them again."""
    return [r[0] for r in records.query("SELECT doc_id FROM tagged WHERE tagger_version != ?", (TAGGER_VERSION,))]


def index_new(records: RecordStore, store: TantivyDocumentStore, batch_docs: int = 50, progress: Callable[[int], None] | None = None) -> int:
    """Index the documents not yet marked indexed, without the upgrade checks of `index_pending`."""
    pending = records.unindexed_doc_ids()
    if not pending:
        return 0
    pipeline = build_indexing_pipeline(store)
    done = 0
    for start in range(0, len(pending), batch_docs):
        batch = pending[start : start + batch_docs]
        passages, metas, collections, known = [], {}, {}, {}
        for doc_id in batch:
            row = records.document(doc_id)
            if row is None:
                continue
            store.delete_by_doc_id(doc_id)  # a half-indexed document from a crash is replaced whole
            passages.extend(records.passages(doc_id))
            metas[doc_id] = row.meta
            collections[doc_id] = row.collection
            if records.tagged_version(doc_id) == TAGGER_VERSION:
                known.update(stored_mentions(records, doc_id))
        if dense_enabled():
            # Before writing: a store with a vector field (Elasticsearch) reads them from the record store.
            _embed_missing(records, passages)
        result = pipeline.run(
            {"to_documents": {"passages": passages, "metas": metas, "collections": collections}, "tagger": {"known": known}},
            include_outputs_from={"tagger"},
        )
        _save_mentions(records, result["tagger"]["documents"], known)
        store.commit()
        records.mark_indexed(batch)
        done += len(batch)
        if progress:
            progress(len(batch))
    return done


def reindex(records: RecordStore, store: TantivyDocumentStore, progress: Callable[[int], None] | None = None) -> int:
    rebuild = getattr(store, "rebuild", None)
    if rebuild is not None:
        # Elasticsearch: fill a fresh index, then swap the alias, so searches never see half an index.
        with rebuild():
            records.mark_all_unindexed()
            return index_new(records, store, progress=progress)
    store.delete_all()
    store.commit()
    records.mark_all_unindexed()
    return index_new(records, store, progress=progress)


def _embed_missing(records: RecordStore, passages) -> None:
    """Embeddings are computed once per passage and kept in the record store."""
    vectors = VectorStore(records)
    texts = {p.passage_id: p.text for p in passages}
    missing = vectors.missing(list(texts))
    for start in range(0, len(missing), 256):
        chunk = missing[start : start + 256]
        vectors.put(chunk, embed([texts[p] for p in chunk]))


def stored_mentions(records: RecordStore, doc_id: str) -> dict[str, list[Mention]]:
    """A document's stored mentions by passage id."""
    out: dict[str, list[Mention]] = {p.passage_id: [] for p in records.passages(doc_id)}
    for r in records.mentions_for_doc(doc_id):
        out.setdefault(r["passage_id"], []).append(
            Mention(r["start"], r["end"], r["text"], r["label"], r["source"], r["gazetteer_id"], r["role"], r["role_cue"],
                    r["role_cue_start"], r["role_confidence"], r["title"])
        )
    return out


def _save_mentions(records: RecordStore, documents, known: dict) -> None:
    """Store mentions of documents tagged during this indexing run (not those tagged at ingest)."""
    by_doc: dict[str, dict[str, list[Mention]]] = {}
    for document in documents:
        if document.id in known:
            continue
        by_doc.setdefault(document.meta["doc_id"], {})[document.id] = document.meta.get("mentions", [])
    for doc_id, mentions in by_doc.items():
        records.put_mentions(doc_id, mention_rows(doc_id, mentions), TAGGER_VERSION)
