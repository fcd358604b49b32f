"""Approximate nearest neighbours for large collections: a FAISS HNSW graph over 8-bit vectors.

Below `ANN_MIN` vectors, exact float32 scoring is fast enough and loses nothing. Above it, exact scoring
reads 2 KiB per passage per query (2 GiB at 1M passages), too slow for the latency target, so the
vectors go into an HNSW graph with 8-bit scalar quantisation: about 0.75 KiB per passage and a few
milliseconds per query. `dalil bench search` measures the recall it gives up against exact scoring.
"""

from __future__ import annotations

import os

import numpy as np

ANN_MIN = int(os.environ.get("DALIL_ANN_MIN", "50000"))


class AnnIndex:
    """Inner-product search over unit vectors (as L2 on the sphere: same order, score = 1 - d²/2)."""

    def __init__(self, vectors: np.ndarray, m: int = 32, ef_construction: int = 64, ef_search: int = 128, threads: int = 2):
        import faiss

        faiss.omp_set_num_threads(threads)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.index = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, m)
        self.index.hnsw.efConstruction = ef_construction
        self.index.train(vectors[: min(len(vectors), 100_000)])
        self.index.add(vectors)
        self.index.hnsw.efSearch = ef_search

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers of the `top_k` nearest vectors and their inner products, best first."""
        self.index.hnsw.efSearch = max(self.index.hnsw.efSearch, top_k)
        distances, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), top_k)
        keep = rows[0] >= 0
        return rows[0][keep], 1.0 - distances[0][keep] / 2.0
