"""Reciprocal rank fusion of the BM25 and dense lists."""

from haystack import Document

from pipelines.components.fusion import ReciprocalRankFusion


def _docs(*ids: str) -> list[Document]:
    return [Document(id=i, content=i) for i in ids]


def test_a_passage_high_in_both_lists_comes_first_and_scores_one():
    fused = ReciprocalRankFusion().run([_docs("a", "b", "c"), _docs("a", "c", "d")])["documents"]
    assert [d.id for d in fused] == ["a", "c", "b", "d"]
    assert fused[0].score == 1.0
    assert len({d.id for d in fused}) == len(fused)  # each passage once


def test_a_small_k_lets_the_top_of_one_list_beat_the_middle_of_both():
    lexical, dense = _docs("top", "x1", "x2", "x3", "both"), _docs("y1", "y2", "y3", "both", "top2")
    small = [d.id for d in ReciprocalRankFusion(k=2).run([lexical, dense])["documents"]]
    large = [d.id for d in ReciprocalRankFusion(k=61).run([lexical, dense])["documents"]]
    assert small.index("top") < small.index("both")
    assert large.index("both") < large.index("top")
