"""All mentions in a batch of passages: model + gazetteer + patterns, merged, with roles."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from pipelines.entities import cued_names, latin_cues, patterns, statistical
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.mention import CASE_NUMBER, LAW, PERSON, Mention
from pipelines.entities.roles import assign_roles

# When spans overlap, the more specific source wins.
_PRIORITY = {"pattern": 3, "gazetteer": 2, "model": 1}


def _rank(mention: Mention) -> tuple:
    structured = mention.label in (CASE_NUMBER, LAW)
    return (structured, _PRIORITY[mention.source], mention.end - mention.start)


def merge(candidates: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(candidates, key=_rank, reverse=True):
        if not any(mention.overlaps(k) for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: (m.start, m.end))


def _with_titles(text: str, mentions: list[Mention]) -> list[Mention]:
    out = []
    for mention in mentions:
        if mention.label != PERSON:
            out.append(mention)
            continue
        cut, title = patterns.strip_title(mention.text)
        if cut:
            mention = replace(mention, start=mention.start + cut, text=mention.text[cut:], title=title)
        else:
            title = patterns.leading_title(text[: mention.start])
            if title:
                mention = replace(mention, title=title)
        if mention.text.strip():
            out.append(mention)
    return out


def extract_mentions(texts: list[str], langs: list[str]) -> list[list[Mention]]:
    """Mentions for each passage text (same order). Passages are grouped by language for batching."""
    model_out: dict[int, list[Mention]] = {}
    by_lang: dict[str, list[int]] = {}
    for index, lang in enumerate(langs):
        by_lang.setdefault(lang, []).append(index)
    for lang, indexes in by_lang.items():
        for index, mentions in zip(indexes, statistical.predict([texts[i] for i in indexes], lang)):
            model_out[index] = mentions
    gazetteer = Gazetteer.default()
    candidates = []
    for index, text in enumerate(texts):
        model = model_out.get(index, [])
        if langs[index] in ("de", "en"):
            model = latin_cues.clean_model_mentions(text, model, langs[index])
        elif langs[index] == "ar":
            model = cued_names.clean_model_mentions(model)
        found = model + gazetteer.find(text) + patterns.find_patterns(text)
        if langs[index] == "ar":
            found += cued_names.cued_names(text)
        elif langs[index] == "de":
            found += latin_cues.cued_names(text, langs[index])
        elif langs[index] == "en":  # en_core_web_sm finds English names after role words itself, not codes
            found += latin_cues.cued_codes(text, langs[index]) + latin_cues.cued_names(text, langs[index])
        candidates.append(found)
    # A person named in full in one passage is recognised by name elsewhere in the same batch.
    remembering = {"ar": cued_names.remembered_names, "de": partial(latin_cues.remembered_names, lang="de"),
                   "en": partial(latin_cues.remembered_names, lang="en")}
    for lang, remember in remembering.items():
        same = [i for i, passage_lang in enumerate(langs) if passage_lang == lang]
        if not same:
            continue
        firm = [[m for m in candidates[i] if m.source == "pattern" or m.label == "PERSON"] for i in same]
        for index, extra in zip(same, remember([texts[i] for i in same], firm)):
            # A known court, branch or place is not a person even if a person's name was taken from it.
            known_places = [m for m in candidates[index] if m.source == "gazetteer"]
            candidates[index] += [m for m in extra if not any(m.overlaps(k) for k in known_places)]
    results = []
    for text, lang, found in zip(texts, langs, candidates):
        merged = _with_titles(text, merge(found))
        results.append(assign_roles(text, lang, merged))
    return results
