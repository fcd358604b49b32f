"""The benchmarks run and report figures (their speeds are measured by hand, never asserted here)."""

from pipelines.bench import bench_ner


def test_ner_benchmark_reports_tokens_per_second_for_each_language(capsys):
    report = bench_ner(tokens_per_language=300)
    assert set(report) == {"en", "de", "ar"}
    for row in report.values():
        assert row["tokens"] >= 300 and row["entity_stage_tokens_per_s"] > 0 and row["bare_model_tokens_per_s"] > 0
    assert "tokens/s" in capsys.readouterr().out
