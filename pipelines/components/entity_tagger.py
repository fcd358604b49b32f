"""Haystack component: entity mentions and roles for each passage, chosen by its language."""

from __future__ import annotations

from dataclasses import replace

from haystack import Document, component

from pipelines.entities.enrich import TAGGER_VERSION
from pipelines.entities.extract import extract_mentions
from pipelines.entities.keys import entity_key
from pipelines.entities.mention import Mention

__all__ = ["EntityTagger", "TAGGER_VERSION"]


@component
class EntityTagger:
    """Adds `mentions` (list of Mention), `entity` (entity keys) and `role` (roles) to each document's meta.

    Passages already tagged (given in `known`) are not tagged again: NER runs once per passage, and
    `dalil reindex` reuses the stored mentions.
    """

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document], known: dict[str, list[Mention]] | None = None) -> dict[str, list[Document]]:
        known = known or {}
        todo = [d for d in documents if d.id not in known]
        fresh = extract_mentions([d.content or "" for d in todo], [d.meta.get("lang", "und") for d in todo])
        found = dict(known)
        found.update({d.id: m for d, m in zip(todo, fresh)})
        out = []
        for document in documents:
            mentions = found.get(document.id, [])
            meta = dict(document.meta)
            meta["mentions"] = mentions
            meta["entity"] = sorted({entity_key(m) for m in mentions if m.label not in ("CASE_NUMBER", "LAW")})
            meta["role"] = sorted({m.role for m in mentions if m.role != "unknown"})
            out.append(replace(document, meta=meta))
        return {"documents": out}
