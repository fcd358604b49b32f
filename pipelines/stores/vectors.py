"""Dense vectors of passages: kept in the record store as float16 (so reindex never re-embeds) and
searched in memory, loaded on first use and refreshed when the count changes.

Scoring runs in float32: numpy has no BLAS kernel for float16, and a float16 product measured
100x slower (`dalil bench search`). Memory is 2 KiB per passage (200 MiB per 100k passages). From
`ann.ANN_MIN` passages on, an approximate index (`pipelines.stores.ann`) replaces exact scoring.
"""

from __future__ import annotations

import numpy as np

from pipelines.embedding import DIMENSIONS, MODEL
from pipelines.stores.ann import ANN_MIN, AnnIndex
from pipelines.stores.record import RecordStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    passage_id TEXT PRIMARY KEY REFERENCES passages(passage_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""


class VectorStore:
    def __init__(self, records: RecordStore):
        self.records = records
        records._conn.executescript(SCHEMA)
        self._ids: list[str] = []
        self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._loaded_count = -1
        self._ann: AnnIndex | None = None

    def missing(self, passage_ids: list[str]) -> list[str]:
        have = set()
        for start in range(0, len(passage_ids), 500):
            chunk = passage_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            have |= {r[0] for r in self.records.query(f"SELECT passage_id FROM embeddings WHERE model = ? AND passage_id IN ({marks})", (MODEL, *chunk))}
        return [p for p in passage_ids if p not in have]

    def put(self, passage_ids: list[str], vectors: np.ndarray) -> None:
        with self.records.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings(passage_id, model, vector) VALUES (?,?,?)",
                [(p, MODEL, v.astype(np.float16).tobytes()) for p, v in zip(passage_ids, vectors)],
            )

    def count(self) -> int:
        return self.records.query("SELECT count(*) FROM embeddings WHERE model = ?", (MODEL,))[0][0]

    def _load(self) -> None:
        count = self.count()
        if count == self._loaded_count:
            return
        rows = self.records.query("SELECT passage_id, vector FROM embeddings WHERE model = ? ORDER BY passage_id", (MODEL,))
        self._ids = [r[0] for r in rows]
        self._matrix = (np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(-1, DIMENSIONS).astype(np.float32)
                        if rows else np.zeros((0, DIMENSIONS), dtype=np.float32))
        self._ann = None
        if len(self._ids) >= ANN_MIN:
            self._ann = AnnIndex(self._matrix)
            self._matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)  # the graph holds them now (8-bit)
        self._loaded_count = count

    def search(self, query_vector: np.ndarray, top_k: int = 100) -> list[tuple[str, float]]:
        self._load()
        if not self._ids:
            return []
        if self._ann is not None:
            rows, found = self._ann.search(query_vector, min(top_k, len(self._ids)))
            return [(self._ids[i], float(s)) for i, s in zip(rows, found)]
        scores = self._matrix @ query_vector.astype(np.float32)
        top_k = min(top_k, len(self._ids))
        best = np.argpartition(-scores, top_k - 1)[:top_k]
        best = best[np.argsort(-scores[best])]
        return [(self._ids[i], float(scores[i])) for i in best]

    def vector_of(self, passage_id: str) -> np.ndarray | None:
        row = self.records.query("SELECT vector FROM embeddings WHERE passage_id = ? AND model = ?", (passage_id, MODEL))
        return np.frombuffer(row[0][0], dtype=np.float16) if row else None

    def vectors_for(self, passage_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors (float32) of these passages; passages without one are left out."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(passage_ids), 500):
            chunk = passage_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for passage_id, blob in self.records.query(
                f"SELECT passage_id, vector FROM embeddings WHERE model = ? AND passage_id IN ({marks})", (MODEL, *chunk)
            ):
                out[passage_id] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        return out
