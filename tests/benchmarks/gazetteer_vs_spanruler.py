"""Facility recall of the domain layer alone: Dalil's gazetteer against a spaCy SpanRuler built from the
same aliases, on the three hand-annotated gold sets (ADR 0008).

    .venv/bin/python tests/benchmarks/gazetteer_vs_spanruler.py

The SpanRuler matches phrase patterns on the LOWER attribute of a blank pipeline's tokens and keeps the
longest of overlapping matches (spacy.util.filter_spans), as an EntityRuler would. Dalil's gazetteer
matches on folded text (Arabic letter variants unified, tashkeel dropped, proclitics outside the span).
Printed: recall of gold FACILITY spans (exact token span) and the time to match every sentence.
"""

from __future__ import annotations

import time
from pathlib import Path

import spacy

from pipelines.entities.conll import normalize_gold_label, read_conll, spans_of
from pipelines.entities.gazetteer import Gazetteer, load_entries

GOLD = Path(__file__).resolve().parents[2] / "corpora" / "gold"


def recall(sentences, found: list[list[tuple[int, int]]]) -> float:
    hits = total = 0
    for sentence, spans in zip(sentences, found):
        offsets, position = [], 0
        for token in sentence.tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        gold = {(a, b) for a, b, label in spans_of(sentence.gold) if normalize_gold_label(label) == "FAC"}
        predicted = set()
        for start, end in spans:
            inside = [i for i, (s, e) in enumerate(offsets) if s < end and start < e]
            if inside:
                predicted.add((inside[0], inside[-1] + 1))
        total += len(gold)
        hits += len(gold & predicted)
    return hits / total if total else float("nan")


def main() -> None:
    entries = [e for e in load_entries() if e.label == "FACILITY"]
    gazetteer = Gazetteer(entries)
    print(f"{'set':28s} {'gazetteer':>18s} {'SpanRuler (LOWER)':>22s}")
    for lang in ("en", "de", "ar"):
        nlp = spacy.blank(lang)
        ruler = nlp.add_pipe("span_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns([{"label": "FAC", "pattern": alias} for e in entries for alias, _ in e.aliases])
        for path in (GOLD / f"ner-{lang}.conll", GOLD / "heldout" / f"ner-{lang}.conll", GOLD / "heldout2" / f"ner-{lang}.conll"):
            sentences = read_conll(path)
            texts = [" ".join(s.tokens) for s in sentences]
            start = time.perf_counter()
            ours = [[(m.start, m.end) for m in gazetteer.find(text)] for text in texts]
            ours_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            theirs = [[(s.start_char, s.end_char) for s in spacy.util.filter_spans(doc.spans["ruler"])] for doc in nlp.pipe(texts)]
            theirs_ms = (time.perf_counter() - start) * 1000
            name = f"{lang} {path.relative_to(GOLD)}"
            print(f"{name:28s} {recall(sentences, ours):6.2f} ({ours_ms:4.0f} ms) {recall(sentences, theirs):10.2f} ({theirs_ms:4.0f} ms)")


if __name__ == "__main__":
    main()
