"""Query expansion from the glossary and the gazetteer, as the search page shows it."""

from pipelines.expansion import expand


def _added(query: str, lang: str) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for expansion in expand(query, lang):
        for other, texts in expansion.added.items():
            merged.setdefault(other, []).extend(texts)
    return merged


def test_a_glossary_term_brings_the_other_languages():
    added = _added("Folter", "de")
    assert "torture" in added["en"] and "تعذيب" in added["ar"]


def test_same_language_synonyms_but_not_the_words_typed():
    added = _added("Strafhöhe Strafmaß", "de")
    assert "Strafe" in added["de"] and "Strafmaß" not in added["de"]


def test_a_known_place_brings_its_names_in_other_scripts():
    added = _added("هروب إلى الأردن", "ar")
    assert added["de"] == ["Jordanien"] and added["en"] == ["Jordan"]
    facility = _added("Sednaya prison", "en")
    assert "صيدنايا" in facility["ar"]
