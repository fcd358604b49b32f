"""What is derived from the stored mentions, rebuilt whenever they change: the cross-reference of
entities and the automatic protection of names (ingest of new documents, re-tagging after an upgrade,
`dalil reindex`)."""

from __future__ import annotations

from pipelines import crossref
from pipelines.protection import auto_protect
from pipelines.stores.record import RecordStore


def rebuild_derived(records: RecordStore) -> int:
    """Rebuild the cross-reference, then protect the names it calls for; returns how many were protected."""
    crossref.build(records)
    return len(auto_protect(records))
