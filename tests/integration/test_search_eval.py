"""`dalil eval-search` on the judged query set: every mode runs and the figures stay where we measured them."""

import json

from pipelines.cli import main
from tests.conftest import ROOT


def test_eval_search_reports_four_modes_per_language_pair(sample_data, capsys):
    assert main(["eval-search", "--data", str(sample_data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"bm25", "hybrid", "bm25, target language filter", "hybrid, target language filter"}
    for mode in report.values():
        assert {"ar→de", "de→en", "en→ar", "monolingual", "cross-lingual"} <= set(mode)
        assert all(0.0 <= row["recall@10"] <= 1.0 for row in mode.values())
    # Regression floors a little under the figures in docs/MEASUREMENTS.md, so a real drop fails here.
    assert report["hybrid"]["cross-lingual"]["recall@10"] >= 0.60
    assert report["hybrid"]["monolingual"]["recall@10"] >= 0.78
    assert report["hybrid, target language filter"]["cross-lingual"]["recall@10"] >= 0.88
    assert report["hybrid, target language filter"]["monolingual"]["recall@10"] >= 0.88


def test_eval_search_on_the_held_out_queries(sample_data, capsys):
    # Written blind (without running the search or reading the glossary), after the tuning on queries.tsv.
    heldout = str(ROOT / "corpora" / "gold" / "queries" / "queries-heldout.tsv")
    assert main(["eval-search", "--data", str(sample_data), "--queries", heldout, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    filtered = report["hybrid, target language filter"]
    assert filtered["all"]["queries"] == 36  # every judged phrase was found in the corpus
    assert filtered["cross-lingual"]["recall@10"] >= 0.85
    assert filtered["monolingual"]["recall@10"] >= 0.90


def test_eval_search_on_the_second_held_out_queries(sample_data, capsys):
    # Written blind on 25 Nov 2026 by another writer, after all the tuning (corpora/gold/queries/README.md).
    heldout = str(ROOT / "corpora" / "gold" / "queries" / "queries-heldout2.tsv")
    assert main(["eval-search", "--data", str(sample_data), "--queries", heldout, "--json"]) == 0
    filtered = json.loads(capsys.readouterr().out)["hybrid, target language filter"]
    assert filtered["all"]["queries"] == 63  # every judged phrase was found in the corpus, OCR-read scan included
    assert filtered["monolingual"]["recall@10"] >= 0.90
    assert filtered["cross-lingual"]["recall@10"] >= 0.75  # 0.81, below the 0.90 target; see docs/MEASUREMENTS.md
