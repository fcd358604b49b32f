"""Approximate nearest neighbours for large collections: a FAISS inverted-file index over 8-bit vectors.

Below `ANN_MIN` vectors, exact float32 scoring is fast enough and loses nothing. Above it, exact scoring
reads 2 KiB per passage per query (2 GiB at 1M passages), too slow for the latency target, so the
vectors are grouped into k-means cells and stored with 8-bit scalar quantisation (0.5 KiB per passage);
a query scores only the passages of the `nprobe` nearest cells. `dalil bench search` measures the recall
this gives up against exact scoring.
"""

from __future__ import annotations

import math
import os

import numpy as np

ANN_MIN = int(os.environ.get("DALIL_ANN_MIN", "50000"))


class AnnIndex:
    """Inner-product search over unit vectors."""

    def __init__(self, vectors: np.ndarray, nprobe: int = 24, threads: int = 1, seed: int = 7):
        import faiss

        # One thread by default: FAISS's OpenMP pool deadlocked in k-means training inside a process
        # that had run Streamlit and the embedding model in other threads (seen in the test suite).
        faiss.omp_set_num_threads(threads)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        cells = max(1, min(4096, int(2 * math.sqrt(n))))
        quantizer = faiss.IndexFlatIP(dim)
        self.index = faiss.IndexIVFScalarQuantizer(quantizer, dim, cells, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        self.index.cp.seed = seed
        sample = vectors[np.random.default_rng(seed).choice(n, size=min(n, 40 * cells), replace=False)]
        self.index.train(sample)
        self.index.add(vectors)
        self.index.nprobe = min(nprobe, cells)
        self._quantizer = quantizer  # the IVF index does not own it: keep it alive

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers of the `top_k` nearest vectors and their inner products, best first."""
        scores, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), top_k)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]
