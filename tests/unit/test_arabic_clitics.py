from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc
from spacy.util import compile_prefix_regex

from pipelines.entities.arabic_clitics import (
    PROCLITIC_PREFIX,
    arabic_entities,
    entity_offsets,
    normalize_arabic,
    split_proclitics,
    strip_proclitics,
    strip_with_evidence,
    trim_entity_spans,
)

MODEL = Path(__file__).resolve().parents[2] / "corpora" / "models" / "ar_dalil_ner"


def proclitic_nlp():
    nlp = spacy.blank("ar")
    nlp.tokenizer.prefix_search = compile_prefix_regex([PROCLITIC_PREFIX] + list(nlp.Defaults.prefixes)).search
    return nlp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وبرلين", (1, "برلين")),
        ("ومحمد علي", (1, "محمد علي")),
        ("والقاهرة", (1, "القاهرة")),
        ("بالقاهرة", (1, "القاهرة")),
        ("وبالقاهرة الكبرى", (2, "القاهرة الكبرى")),
        ("فالعراق", (1, "العراق")),
        ("كالمملكة المتحدة", (1, "المملكة المتحدة")),
        ("للمحكمة", (1, "لمحكمة")),  # ل + (ا)لمحكمة: the article's alif is not written
        ("وللمحكمة", (2, "لمحكمة")),
        ("وكاليفورنيا", (1, "كاليفورنيا")),  # the conjunction goes, the name's كال stays
    ],
)
def test_proclitics_are_stripped(text, expected):
    assert strip_proclitics(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "برلين", "بغداد", "بيروت", "لبنان", "لندن", "فرنسا", "فلسطين", "كندا", "كمال",  # names starting ب ل ف ك
        "وزارة العدل", "ولاية بافاريا", "وكالة الأنباء", "وادي النيل", "واشنطن", "وليد", "وائل",  # real و words
        "كاليفورنيا", "بالتيمور", "فالنسيا", "والتر", "والده",  # look like clitic + article, are not
        "وقد", "ولد", "وعد",  # remainder shorter than three letters
        "القاهرة", "الله", "بال", "و", "", "Berlin", "و 2008",
    ],
)
def test_conservative_cases_are_kept(text):
    assert strip_proclitics(text) == (0, text)


def test_prepositions_before_names_without_article_are_kept_unless_the_document_shows_the_bare_name():
    assert strip_proclitics("بمصر") == (0, "بمصر")
    assert strip_with_evidence("بمصر", known={"مصر", "القاهرة"}) == (1, "مصر")
    assert strip_with_evidence("بمصر", known={"القاهرة"}) == (0, "بمصر")
    assert strip_with_evidence("بغداد", known={"بغداد", "بيروت"}) == (0, "بغداد")
    assert strip_with_evidence("كاليفورنيا", known={"اليفورنيا"}) == (0, "كاليفورنيا")  # listed in KEEP


def test_split_proclitics_gives_one_token_per_clitic():
    assert split_proclitics("وبالقاهرة") == ["و", "ب", "القاهرة"]
    assert split_proclitics("وزارة") == ["وزارة"]
    assert split_proclitics("ولدت") == ["و", "لدت"]


def test_tokenizer_rule_matches_the_function_and_survives_serialisation(tmp_path):
    nlp = proclitic_nlp()
    text = "زار (وبالقاهرة) وزارة العدل، وبرلين وكاليفورنيا للمحكمة بغداد."
    expected = ["زار", "(", "و", "ب", "القاهرة", ")", "وزارة", "العدل", "،", "و", "برلين", "و", "كاليفورنيا",
                "ل", "لمحكمة", "بغداد", "."]
    assert [t.text for t in nlp(text)] == expected
    nlp.to_disk(tmp_path / "p")
    assert [t.text for t in spacy.load(tmp_path / "p")(text)] == expected
    for word in ("وبالقاهرة", "وبرلين", "وزارة", "بغداد", "للمحكمة", "فالعراق"):
        assert [t.text for t in nlp(word)] == split_proclitics(word)


def test_entity_offsets_cut_clitics_inside_a_token():
    nlp = spacy.blank("ar")  # default tokenizer: clitic and name in one token
    doc = Doc(nlp.vocab, words=["زار", "وبرلين", "ثم", "بمصر", "ثم", "مصر", "مع", "كمال", "و", "مال"],
              ents=["O", "B-LOC", "O", "B-LOC", "O", "B-LOC", "O", "B-PER", "O", "O"])
    assert [(doc.text[s:e], label) for s, e, label in entity_offsets(doc)] == [
        ("برلين", "LOC"), ("مصر", "LOC"), ("مصر", "LOC"), ("كمال", "PER")]  # "مال" is no entity: كمال stays
    # Span objects cannot start inside a token: unchanged here
    assert [s.text for s in trim_entity_spans(doc)] == ["وبرلين", "بمصر", "مصر", "كمال"]


def test_trim_entity_spans_drops_a_clitic_token_inside_the_span():
    nlp = proclitic_nlp()
    doc = nlp("زار وبالقاهرة أمس")
    assert [t.text for t in doc] == ["زار", "و", "ب", "القاهرة", "أمس"]
    doc.ents = [spacy.tokens.Span(doc, 1, 4, label="LOC")]  # a model that put the clitics inside
    spans = trim_entity_spans(doc)
    assert [(s.text, s.label_, s.start) for s in spans] == [("القاهرة", "LOC", 3)]


def test_normalize_arabic_folds_hamza_and_drops_tashkeel_with_offsets():
    text = "أحمدُ إلى آمِنة"
    norm, offsets = normalize_arabic(text)
    assert norm == "احمد الى امنة"
    assert len(offsets) == len(norm) + 1
    assert all(text[offsets[i]].translate(str.maketrans("أإآ", "ااا")) == norm[i] for i in range(len(norm)))
    assert normalize_arabic("برلين") == ("برلين", [0, 1, 2, 3, 4, 5])


def test_arabic_entities_maps_back_to_original_offsets():
    nlp = proclitic_nlp()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": [{"TEXT": "احمد"}, {"TEXT": "علي"}]},
                        {"label": "LOC", "pattern": "برلين"}])
    text = "سافرَ أحمدُ علي وبرلين"
    found = arabic_entities(nlp, text)
    assert [(text[s:e], label) for s, e, label in found] == [("أحمدُ علي", "PER"), ("برلين", "LOC")]
    assert arabic_entities(nlp, [text, "لا شيء"]) == [found, []]


@pytest.mark.skipif(not MODEL.is_dir(), reason="corpora/models/ar_dalil_ner not built")
def test_shipped_arabic_model_splits_proclitics_without_project_code():
    nlp = spacy.load(MODEL)
    assert [t.text for t in nlp.make_doc("وبالقاهرة وزارة")] == ["و", "ب", "القاهرة", "وزارة"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "FAC"}
