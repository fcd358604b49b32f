"""A mention's entity key before cross-reference: the gazetteer id, else type plus folded name."""

from __future__ import annotations

from pipelines.entities.gazetteer import fold
from pipelines.entities.mention import Mention


def entity_key(mention: Mention) -> str:
    if mention.gazetteer_id:
        return mention.gazetteer_id
    return f"{mention.label.lower()}:{fold(mention.text)}"
