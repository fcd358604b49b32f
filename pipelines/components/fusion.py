"""Haystack component: reciprocal rank fusion of ranked lists, with its constant k as a setting.

Haystack's DocumentJoiner fixes k at 61 (the paper's 60, 0-based). A smaller k lets the top of each
list count for more. Chosen on the project's main judged query set, where k = 11 found more of the
judged passages (with the target language given: monolingual recall@10 0.912 → 0.926, cross-lingual
0.913 → 0.942), then checked on the held-out queries (docs/MEASUREMENTS.md).
"""

from collections import defaultdict
from dataclasses import replace
from typing import Any

from haystack import Document, component
from haystack.core.component.types import Variadic


@component
class ReciprocalRankFusion:
    def __init__(self, k: int = 11):
        self.k = k

    @component.output_types(documents=list[Document])
    def run(self, documents: Variadic[list[Document]]) -> dict[str, Any]:
        lists = list(documents)
        scores: dict[str, float] = defaultdict(float)
        first: dict[str, Document] = {}
        for ranked in lists:
            for rank, document in enumerate(ranked):
                scores[document.id] += 1 / (self.k + rank)
                first.setdefault(document.id, document)
        # Scaled as Haystack does, so a passage first in every list scores 1.0.
        scale = self.k / max(len(lists), 1)
        fused = [replace(d, score=scores[i] * scale) for i, d in first.items()]
        return {"documents": sorted(fused, key=lambda d: -d.score)}
