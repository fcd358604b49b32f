"""CoNLL-style files: read gold tokens, predict coarse IOB2 tags with our full entity stack, score.

Format: one token per line, the token in the first column (tab- or space-separated), a blank line
between sentences; `#` lines are comments. A gold tag, when present, is the last IOB-looking column.
The project's own gold files add a role column (`accused`, `witness`, … or `-`) after the tag.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.entities.extract import extract_mentions
from pipelines.entities.mention import FACILITY, LOCATION, ORGANIZATION, PERSON, Mention

COARSE = {PERSON: "PER", ORGANIZATION: "ORG", LOCATION: "LOC", FACILITY: "FAC"}
_TAG = re.compile(r"^(?:[BIES]-[A-Za-z_]+|O)$")


@dataclass
class Sentence:
    tokens: list[str]
    gold: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    source: str | None = None  # "# source: FILE PARAGRAPH" of the project's gold files: where the sentence was taken from


def read_conll(path: str | Path) -> list[Sentence]:
    sentences, current = [], Sentence([])
    for raw in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw.replace("\u200e", "").replace("\u200f", "").rstrip("\r")
        if line.startswith("#") and not current.tokens:
            if line.startswith("# source:"):
                current.source = line[len("# source:") :].strip()
            continue
        if not line.strip():
            if current.tokens:
                sentences.append(current)
            current = Sentence([])
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        if len(columns) >= 4 and columns[0].isdigit() and _TAG.match(columns[2]):
            # GermEval 2014: index, token, outer tag, inner tag; the outer level is the coarse entity.
            columns = columns[1:3]
        current.tokens.append(columns[0].split(":", 1)[1] if re.match(r"^[a-z]{2}:", columns[0]) and len(columns[0]) > 3 else columns[0])
        tags = [c for c in columns[1:] if _TAG.match(c)]
        if tags:
            current.gold.append(tags[-1])
        if len(columns) >= 3 and not _TAG.match(columns[-1]):
            current.roles.append(columns[-1])
    if current.tokens:
        sentences.append(current)
    return sentences


def predict_tags(sentences: list[Sentence], lang: str) -> list[list[str]]:
    return [tags for tags, _ in predict(sentences, lang)]


def predict(sentences: list[Sentence], lang: str, each_alone: bool = False) -> list[tuple[list[str], list[str]]]:
    """Per sentence: coarse IOB2 tags and, per token, the predicted role of its person ("-" otherwise).

    The sentences are tagged as one batch, as the passages of one document are, so a name found in full
    in one sentence is recognised where it recurs in another; `each_alone` tags every sentence on its own."""
    texts, spans = [], []
    for sentence in sentences:
        offsets, position = [], 0
        for token in sentence.tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        texts.append(" ".join(sentence.tokens))
        spans.append(offsets)
    found = [extract_mentions([t], [lang])[0] for t in texts] if each_alone else extract_mentions(texts, [lang] * len(texts))
    return [_tags(offsets, mentions) for offsets, mentions in zip(spans, found)]


def _tags(offsets: list[tuple[int, int]], mentions: list[Mention]) -> tuple[list[str], list[str]]:
    """Coarse IOB2 tags and person roles for tokens at `offsets`, from mentions on the same text."""
    tags = ["O"] * len(offsets)
    roles = ["-"] * len(offsets)
    for mention in mentions:
        label = COARSE.get(mention.label)
        if label is None:
            continue
        inside = [i for i, (s, e) in enumerate(offsets) if s < mention.end and mention.start < e]
        for n, i in enumerate(inside):
            if tags[i] == "O":
                tags[i] = ("B-" if n == 0 else "I-") + label
                if label == "PER":
                    roles[i] = mention.role
    return tags, roles


def predict_in_context(sentences: list[Sentence], passages: dict[str, list[tuple[str, list[Mention]]]]) -> list[tuple[list[str], list[str]] | None]:
    """Tags from the mentions an ingest stored for the passage each sentence was taken from, so the
    sentence is tagged with its paragraph and document around it, as users get it. `passages` maps a
    document's file stem to its (passage text, mentions). None for a sentence not found there (no
    source line, or text changed by OCR)."""
    out: list[tuple[list[str], list[str]] | None] = []
    for sentence in sentences:
        stem = Path(sentence.source.split()[0]).stem if sentence.source else None
        found = None
        # The gold tokens in order, any spacing between them: tokenisation split punctuation off words.
        pattern = re.compile(r"\s*".join(f"({re.escape(token)})" for token in sentence.tokens))
        for text, mentions in passages.get(stem, []):
            match = pattern.search(text)
            if match:
                found = _tags([match.span(i + 1) for i in range(len(sentence.tokens))], mentions)
                break
        out.append(found)
    return out


def spans_of(tags: list[str]) -> set[tuple[int, int, str]]:
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        kind = tag[2:] if len(tag) > 2 else None
        if start is not None and (tag == "O" or tag.startswith("B-") or kind != label):
            spans.add((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, kind
    return spans


# German legal LER's fine labels (Leitner et al. 2019), mapped as in training (corpora/models/de_dalil_ner).
_LER = {"RR": "PER", "AN": "PER", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG",
        "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC"}


def normalize_gold_label(label: str) -> str | None:
    """Map data-set labels to ours: PER/PERSON, ORG, LOC/GPE, FAC; anything else is ignored.

    GermEval's derived and partial names ("deutschen" LOCderiv, "EU-Kommission" ORGpart) are not entities."""
    if label.endswith(("deriv", "part")):
        return None
    if label in _LER:
        return _LER[label]
    label = label.upper()
    if label.startswith("PER"):
        return "PER"
    if label.startswith("ORG"):
        return "ORG"
    if label in ("LOC", "GPE") or label.startswith(("LOC", "GPE")):
        return "LOC"
    if label.startswith("FAC"):
        return "FAC"
    return None


def score(sentences: list[Sentence], predicted: list[list[str]], types=("PER", "ORG", "LOC", "FAC")) -> dict[str, dict[str, float]]:
    """Entity-level exact-match precision, recall and F1 per type and for PER/ORG/LOC together."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for sentence, tags in zip(sentences, predicted):
        gold = {(s, e, normalize_gold_label(l)) for s, e, l in spans_of(sentence.gold)}
        gold = {g for g in gold if g[2]}
        pred = spans_of(tags)
        for span in pred & gold:
            tp[span[2]] += 1
        for span in pred - gold:
            fp[span[2]] += 1
        for span in gold - pred:
            fn[span[2]] += 1
    table = {}
    for name, members in [(t, (t,)) for t in types] + [("PER+ORG+LOC", ("PER", "ORG", "LOC"))]:
        t, p, n = (sum(c[m] for m in members) for c in (tp, fp, fn))
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[name] = {"precision": precision, "recall": recall, "f1": f1, "support": t + n}
    return table


def score_roles(sentences: list[Sentence], predictions: list[tuple[list[str], list[str]]]) -> dict[str, float]:
    """Role accuracy over gold person spans that carry a role column.

    `accuracy` counts a gold person the system did not find as wrong; `accuracy_found` is over the
    persons it found (span overlap), which isolates the role classifier from NER misses.
    """
    total = found = right = right_found = 0
    for sentence, (tags, roles) in zip(sentences, predictions):
        if len(sentence.roles) != len(sentence.tokens):
            continue
        for start, end, label in spans_of(sentence.gold):
            if normalize_gold_label(label) != "PER":
                continue
            gold_role = sentence.roles[start]
            total += 1
            predicted = {roles[i] for i in range(start, end) if roles[i] != "-"}
            if predicted:
                found += 1
                if gold_role in predicted:
                    right += 1
                    right_found += 1
    return {
        "persons": total,
        "found": found,
        "accuracy": right / total if total else 0.0,
        "accuracy_found": right_found / found if found else 0.0,
    }
