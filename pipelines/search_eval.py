"""`dalil eval-search`: recall@10 and MRR per language pair on a judged query set: BM25 and hybrid, each
without and with the target language as a filter.

Query file (TSV): id, query_lang, target_lang, query, relevant — relevant passages as
`FILENAME#PHRASE;…`, where PHRASE is an exact phrase of the relevant paragraph, so the judgement
does not depend on how passages are split.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipelines.access import LOCAL_ADMIN
from pipelines.querying import Searcher

DEFAULT_QUERIES = Path(__file__).resolve().parents[1] / "corpora" / "gold" / "queries" / "queries.tsv"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u064b-\u065f\u0670\u0640\u200e\u200f\u00ad]", "", text)
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Judged:
    id: str
    query_lang: str
    target_lang: str
    query: str
    relevant: tuple[tuple[str, str], ...]  # (filename, phrase)


def read_queries(path: str | Path = DEFAULT_QUERIES) -> list[Judged]:
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = []
    for r in rows:
        refs = tuple(tuple(ref.split("#", 1)) for ref in r["relevant"].split(";") if "#" in ref)
        out.append(Judged(r["id"], r["query_lang"], r["target_lang"], r["query"], refs))
    return out


def relevant_passages(searcher: Searcher, judged: Judged) -> set[str]:
    """Passage ids holding each relevant phrase (or, across a page break, its first half)."""
    found = set()
    for filename, phrase in judged.relevant:
        rows = searcher.records.query(
            "SELECT p.passage_id, p.text FROM passages p JOIN documents d USING (doc_id) WHERE d.filename = ?", (filename,))
        wanted = _norm(phrase)
        half = " ".join(wanted.split()[: max(3, len(wanted.split()) // 2)])
        hits = [r[0] for r in rows if wanted in _norm(r[1])] or [r[0] for r in rows if half in _norm(r[1])]
        found.update(hits[:1])
    return found


def evaluate(searcher: Searcher, queries: list[Judged], k: int = 10) -> dict[str, dict[str, dict[str, float]]]:
    report: dict[str, dict[str, dict[str, float]]] = {}
    # The filtered modes are the researcher who says which language they want material in (`lang:de`).
    for mode, dense, by_target in (("bm25", False, False), ("hybrid", True, False),
                                   ("bm25, target language filter", False, True), ("hybrid, target language filter", True, True)):
        by_pair: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for judged in queries:
            relevant = relevant_passages(searcher, judged)
            if not relevant:
                continue
            hits = searcher.search(judged.query, limit=k, dense=dense, lang=judged.target_lang if by_target else None,
                                   principal=LOCAL_ADMIN).hits
            ranked = [h.passage_id for h in hits]
            recall = len(relevant & set(ranked)) / len(relevant)
            reciprocal = next((1 / (i + 1) for i, p in enumerate(ranked) if p in relevant), 0.0)
            pair = f"{judged.query_lang}→{judged.target_lang}"
            by_pair[pair].append((recall, reciprocal))
            kind = "monolingual" if judged.query_lang == judged.target_lang else "cross-lingual"
            by_pair[kind].append((recall, reciprocal))
            by_pair["all"].append((recall, reciprocal))
        report[mode] = {
            pair: {"queries": len(v), f"recall@{k}": sum(r for r, _ in v) / len(v), "mrr": sum(m for _, m in v) / len(v)}
            for pair, v in sorted(by_pair.items())
        }
    return report
