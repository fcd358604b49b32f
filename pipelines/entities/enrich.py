"""Entity mentions for a freshly read document, run inside the parallel ingest worker."""

from __future__ import annotations

from ingest.model import SourceDocument
from pipelines.entities import statistical
from pipelines.entities.extract import extract_mentions
from pipelines.entities.keys import entity_key
from pipelines.entities.mention import Mention

# Raised when the entity rules change, so stored mentions are re-tagged when passages are next indexed.
# 2: remembered names in German and English, witness codes, list roles, more role cues (25 Nov 2026).
# 3: inflected role words, appositions, lists after a role word, words for people outside the roles, verb
#    agents, defence counsel, companions of victims, clause-final participles, cues kept within their
#    sentence, more victim and witness cues, names after professions and kin (25 Nov 2026).
TAGGER_VERSION = "3"


def enrich_document(document: SourceDocument) -> SourceDocument:
    passages = document.passages
    found = extract_mentions([p.text for p in passages], [p.lang for p in passages])
    document.annotations["mentions"] = {p.passage_id: m for p, m in zip(passages, found)}
    document.annotations["tagger_version"] = TAGGER_VERSION
    return document


def warm_up() -> None:
    for lang in statistical.MODELS:
        statistical.model_available(lang)
    extract_mentions(["Der Zeuge sagte aus."], ["de"])


enrich_document.warm_up = warm_up  # type: ignore[attr-defined]


def mention_rows(doc_id: str, mentions_by_passage: dict[str, list[Mention]]) -> list[tuple]:
    """Rows for the record store's `mentions` table."""
    return [
        (passage_id, doc_id, m.start, m.end, m.text, m.label, m.source, m.gazetteer_id, entity_key(m),
         m.role, m.role_cue, m.role_cue_start, m.role_confidence, m.title)
        for passage_id, mentions in mentions_by_passage.items()
        for m in mentions
    ]
