"""The approximate vector index: same neighbours as exact scoring, nearly always."""

import numpy as np

from pipelines.stores.ann import AnnIndex


def clustered(n: int, dim: int = 512, centres: int = 50, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, dim))
    vectors = middle[rng.integers(0, centres, n)] + 0.4 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_ann_finds_the_exact_neighbours_and_scores():
    vectors = clustered(5000)
    index = AnnIndex(vectors)
    assert len(index) == 5000
    hits = 0
    for row in range(0, 5000, 100):
        rows, scores = index.search(vectors[row], 10)
        truth = np.argsort(-(vectors @ vectors[row]))[:10]
        hits += len(set(rows.tolist()) & set(truth.tolist()))
        assert rows[0] == row and abs(scores[0] - 1.0) < 0.02  # a vector is its own nearest neighbour
        assert np.all(np.diff(scores) <= 1e-6)  # best first
    assert hits / (50 * 10) >= 0.9


def test_vector_store_switches_to_the_ann_index_above_the_threshold(sample_workspace, monkeypatch):
    from pipelines.stores import vectors as vectors_module

    store = vectors_module.VectorStore(sample_workspace.records)
    query = store.vector_of(sample_workspace.records.query("SELECT passage_id FROM embeddings LIMIT 1")[0][0]).astype(np.float32)
    exact = [p for p, _ in store.search(query, 5)]
    monkeypatch.setattr(vectors_module, "ANN_MIN", 10)
    approximate = vectors_module.VectorStore(sample_workspace.records)
    found = [p for p, _ in approximate.search(query, 5)]
    assert approximate._ann is not None and len(approximate._ann) == store.count()
    assert found[0] == exact[0] and len(set(found) & set(exact)) >= 4
