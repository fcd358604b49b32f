"""Readable names for search facet values: the index stores entity keys ("person:yusuf barakat",
"fac-branch-251"); people want the entity's canonical name, and a filter that finds every spelling."""

from __future__ import annotations

from pipelines import crossref
from pipelines.stores.record import RecordStore


def entity_facet_labels(records: RecordStore, keys: list[str]) -> dict[str, tuple[str, str]]:
    """entity key → (entity id, canonical name); keys not (yet) cross-referenced are left out."""
    if not keys:
        return {}
    crossref.ensure_schema(records)
    marks = ",".join("?" * len(keys))
    rows = records.query(
        f"SELECT em.entity_key, e.entity_id, e.canonical FROM entity_members em JOIN entities e USING (entity_id)"
        f" WHERE em.entity_key IN ({marks})", tuple(keys))
    return {r[0]: (r[1], r[2]) for r in rows}
