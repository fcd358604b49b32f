"""Cross-script name matching (pipelines.entities.names) and its gold-set evaluation."""

from pathlib import Path

import pytest

from pipelines.entities import names
from pipelines.entities.name_eval import evaluate
from pipelines.entities.names import (
    NameMatch,
    blocking_keys,
    facility_number,
    match_names,
    name_key,
    normalize_arabic,
    script_of,
    skeleton,
    strip_titles,
    transliterate,
)

GOLD = Path(__file__).resolve().parents[2] / "corpora" / "resources" / "name_pairs_gold.tsv"


def same(a: str, b: str, **kw) -> bool:
    return match_names(a, b, **kw).same


# ------------------------------------------------------------------------------ Arabic normalisation
@pytest.mark.parametrize("raw, expected", [
    ("أَنْوَر", "انور"),  # tashkeel, hamza on alef
    ("إياد", "اياد"),
    ("آمنة", "امنه"),  # madda alef, ta marbuta
    ("ٱلله", "الله"),  # wasla
    ("مصطفى", "مصطفي"),  # alef maqsura
    ("محـــمد", "محمد"),  # tatweel
    ("فرع ٢٥١", "فرع 251"),  # Arabic-Indic digits
    ("شعبة ۲۵۱", "شعبه 251"),  # Persian digits
])
def test_normalize_arabic(raw, expected):
    assert normalize_arabic(raw) == expected


def test_normalize_arabic_leaves_latin_alone():
    assert normalize_arabic("Anwar Raslan 251") == "Anwar Raslan 251"


@pytest.mark.parametrize("text, script", [
    ("أنور رسلان", "arabic"), ("Anwar Raslan", "latin"), ("Anwar رسلان", "mixed"),
    ("الفرع 251", "arabic"), ("251", "other"), ("Анвар", "other"), ("Ṣaydnāyā", "latin"),
])
def test_script_of(text, script):
    assert script_of(text) == script


# ---------------------------------------------------------------------------------- transliteration
def test_transliteration_of_anwar_raslan():
    assert transliterate("أنور رسلان") == "anwr rslan"
    assert transliterate("Anwar Raslan") == "anwar raslan"


def test_transliteration_is_ascii_and_folds_latin_diacritics():
    assert transliterate("Ṣaydnāyā") == "saydnaayaa"
    assert transliterate("إياد الغريب") == "ayad alghryb"
    assert transliterate("عمر") == "amr"  # word-initial ayn is written as a vowel
    assert all(ord(c) < 128 for c in transliterate("خالد شكري ثائر ظافر ذياب"))


def test_name_key_and_skeleton_agree_across_scripts():
    assert name_key("أنور رسلان") == "anwr rslan"
    assert name_key("Anwar Raslan") == "anwar raslan"
    assert skeleton("أنور رسلان") == skeleton("Anwar Raslan") == "nr rsln"
    assert skeleton("إياد الغريب") == skeleton("Eyad al-Gharib") == "d grb"
    assert skeleton("محمود") == skeleton("Mahmoud") == skeleton("Mahmud") == "mhmd"


# --------------------------------------------------------------------------------------- variants
@pytest.mark.parametrize("a, b", [
    ("Anwar Raslan", "أنور رسلان"),
    ("Anwar Raslan", "Anwar Rislan"),
    ("Eyad al-Gharib", "Iyad al-Gharib"),
    ("Ayad al-Gharib", "إياد الغريب"),
    ("Mohammed Darwish", "Muhammad Darwish"),
    ("Mohamed Derwisch", "محمد درويش"),
    ("Yousef Haddad", "Jussuf Haddad"),  # German j for y
    ("Youssef Haddad", "يوسف حداد"),
    ("Jamil Hassan", "Dschamil Hassan"),  # German dsch
    ("Djamil Hassan", "جميل حسن"),  # French dj
    ("Khaled Mahmoud", "Chaled Mahmud"),  # German ch for kh
    ("Khalid Mahmoud", "خالد محمود"),
    ("Shukri Hamdan", "Chakri Hamdan"),  # French ch for sh
    ("Schukri Hamdan", "شكري حمدان"),  # German sch
    ("Hussein Mustafa", "Husain Moustafa"),
    ("Houssein Mostafa", "حسين مصطفى"),
    ("Wassim Hassan", "Ouassim Hassan"),  # French ou for w
    ("Said Nasser", "Saeed Nasser"),
])
def test_romanisation_variants_match(a, b):
    result = match_names(a, b)
    assert result.same, result.explanation
    assert result.score >= 0.5
    assert match_names(b, a).same  # symmetric


def test_cross_script_exact_transliteration_is_reported_as_such():
    result = match_names("Anwar Raslan", "أنور رسلان")
    assert result.rule == "translit-key"
    assert result.score == 1.0
    assert "anwr rslan" in result.explanation and "anwar raslan" in result.explanation


def test_variant_explanation_names_the_tokens_and_the_cost():
    result = match_names("Anwar Raslan", "Anwar Rislan")
    assert result.rule == "skeleton+fuzzy"
    assert "'raslan'~'rislan'" in result.explanation
    assert "rsln" in result.explanation


# -------------------------------------------------------------------------------------- particles
@pytest.mark.parametrize("a, b", [
    ("Eyad al-Gharib", "Eyad Gharib"),
    ("Eyad Al Gharib", "Eyad el-Gharib"),
    ("Abdulrahman al-Sheikh", "Abd al-Rahman al-Sheikh"),
    ("Abdel Rahman Sheikh", "عبد الرحمن الشيخ"),
    ("Abderrahmane Cheikh", "عبدالرحمن الشيخ"),  # sun letter assimilated: Abd-er-Rahman
    ("Ahmad Abdullah", "أحمد عبد الله"),
    ("Ahmed Abdallah", "Ahmad Abd Allah"),
    ("Nour al-Din Haddad", "Noureddine Haddad"),
    ("Nur ad-Din Haddad", "نور الدين حداد"),
    ("Abu Ali al-Halabi", "أبو علي الحلبي"),
    ("Abou Ali Halabi", "Abu Ali al-Halabi"),
    ("Mohammed bin Ahmad al-Khatib", "Mohammed Ahmad al-Khatib"),
    ("Raslan, Anwar", "Anwar Raslan"),
])
def test_particles_fold(a, b):
    assert same(a, b), match_names(a, b).explanation


def test_particle_keys():
    assert name_key("Abd al-Rahman") == name_key("Abdulrahman") == "abd-rahman"
    assert name_key("Abdullah") == name_key("Abd Allah") == "abd-allah"
    assert name_key("عبد الله") == "abd-allah"
    assert name_key("Nur ad-Din") == "nur-din"
    assert name_key("ash-Shami") == "shami"
    assert name_key("Abu Ali") == "abu-ali"


def test_kunya_and_compound_are_part_of_the_name():
    assert not same("Abu Ali al-Halabi", "Ali al-Halabi")
    assert not same("Abdullah Haddad", "Abdulrahman Haddad")
    assert not same("Salah al-Din Haddad", "Nour al-Din Haddad")


# ----------------------------------------------------------------------------------------- titles
def test_strip_titles_returns_equivalents():
    assert strip_titles("Oberst Anwar R.") == ("Anwar R.", ["colonel"])
    assert strip_titles("العقيد أنور رسلان") == ("أنور رسلان", ["colonel"])
    assert strip_titles("Brigadier General Jamil Hassan") == ("Jamil Hassan", ["brigadier"])
    assert strip_titles("Brigadegeneral Dschamil Hassan") == ("Dschamil Hassan", ["brigadier"])
    assert strip_titles("Herr Dr. Ahmad Haddad") == ("Ahmad Haddad", ["mr", "doctor"])
    assert strip_titles("الشيخ محمود قاسم") == ("محمود قاسم", ["sheikh"])
    assert strip_titles("Anwar Raslan") == ("Anwar Raslan", [])


def test_titles_only_at_the_start_and_never_the_whole_name():
    assert strip_titles("Mohammed al-Sheikh") == ("Mohammed al-Sheikh", [])
    assert strip_titles("Major") == ("Major", [])
    assert name_key("Mohammed al-Sheikh") == "mohammed sheikh"


def test_titles_file_has_forty_entries_in_three_languages():
    import json

    data = json.loads(names.TITLES_PATH.read_text(encoding="utf-8"))
    assert len(data["titles"]) >= 40
    assert {"en", "de", "ar"} <= {t["lang"] for t in data["titles"]}
    assert all({"text", "lang", "kind", "equivalent"} <= set(t) for t in data["titles"])


def test_title_only_difference():
    result = match_names("Dr. Ahmad Haddad", "Ahmad Haddad")
    assert result.same and result.rule == "title-only-differs"
    assert match_names("Colonel Anwar Raslan", "Oberst Anwar Raslan").rule == "exact-key"  # same rank
    assert same("Colonel Anwar Raslan", "العقيد أنور رسلان")


# ------------------------------------------------------------------------------------- facilities
@pytest.mark.parametrize("name, number", [
    ("Branch 251", "251"), ("Abteilung 251", "251"), ("الفرع 251", "251"), ("Branch No. 251", "251"),
    ("فرع ٢٥١", "251"), ("Branch #215", "215"), ("al-Khatib Branch", None), ("Anwar Raslan", None),
])
def test_facility_number(name, number):
    assert facility_number(name) == number


@pytest.mark.parametrize("a, b", [
    ("Branch 251", "Abteilung 251"), ("Branch 251", "الفرع 251"), ("Branch No. 251", "فرع ٢٥١"),
    ("Abteilung 251", "الفرع ٢٥١"),
])
def test_numbered_facilities_match(a, b):
    result = match_names(a, b, kind="facility")
    assert result.same and result.rule == "facility-number"


def test_different_numbers_never_match():
    result = match_names("Branch 215", "Branch 251", kind="facility")
    assert not result.same and result.rule == "no-match:facility-number" and result.score == 0.0
    assert not same("Abteilung 251", "الفرع 215", kind="facility")
    assert not same("Branch 251 (al-Khatib)", "Branch 215 (al-Khatib)", kind="facility")


def test_named_facilities_match_by_transliteration():
    for a, b in [("al-Khatib Branch", "فرع الخطيب"), ("Khatib branch", "al-Khatib Branch"),
                 ("Saydnaya", "صيدنايا"), ("Saydnaya", "Sednaja"),
                 ("Sednaya Military Prison", "سجن صيدنايا العسكري"), ("Palestine Branch", "فرع فلسطين")]:
        result = match_names(a, b, kind="facility")
        assert result.same, result.explanation
        assert result.rule == "facility-name"


def test_facility_names_that_differ():
    assert not same("Palestine Branch", "al-Khatib Branch", kind="facility")
    assert not same("Saydnaya Prison", "Adra Prison", kind="facility")
    assert not same("Mezzeh prison", "Mezzeh military airport", kind="facility")  # prison vs airport


def test_number_against_name_needs_the_gazetteer(monkeypatch):
    assert same("Branch 251", "al-Khatib Branch", kind="facility")  # facilities.json knows the alias
    assert not same("Palestine Branch", "Branch 251", kind="facility")  # Palestine is 235
    monkeypatch.setattr(names, "USE_GAZETTEER", False)
    result = match_names("Branch 251", "al-Khatib Branch", kind="facility")
    assert not result.same and result.rule == "no-match:number-vs-name"


def test_organisations():
    assert same("Air Force Intelligence", "المخابرات الجوية", kind="organization")
    assert not same("Air Force Intelligence", "Military Intelligence", kind="organization")


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        match_names("a", "b", kind="place")


# -------------------------------------------------------------------------------- anonymised forms
def test_anonymised_initial_needs_same_case():
    inside = match_names("Oberst Anwar R.", "Anwar Raslan", same_case=True)
    assert inside.same and inside.rule == "anonymised-initial"
    outside = match_names("Oberst Anwar R.", "Anwar Raslan")
    assert not outside.same and outside.rule == "no-match:anonymised-needs-same-case"
    assert outside.score < 0.5


def test_anonymised_article_initial():
    # German courts shorten "al-Gharib" to "A.": the initial may be the article's
    assert same("Eyad A.", "Eyad al-Gharib", same_case=True)
    assert same("Eyad A.", "إياد الغريب", same_case=True)
    assert not same("Eyad A.", "Eyad al-Gharib")


def test_anonymised_forms_do_not_cross():
    assert not same("Anwar R.", "Eyad A.", same_case=True)
    result = match_names("Anwar R.", "Anwar S.", same_case=True)
    assert not result.same and result.rule == "no-match:initial"
    assert not same("Anwar R.", "Anwar Rislan")
    assert same("Anwar R.", "Anwar Rislan", same_case=True)
    assert not same("Hafez M.", "Hafez Assad", same_case=True)


def test_lone_family_name_only_within_a_case():
    assert not same("Raslan", "Anwar Raslan")
    assert match_names("Raslan", "Anwar Raslan", same_case=True).rule == "family-name-same-case"


# -------------------------------------------------------------------------------- hard negatives
@pytest.mark.parametrize("a, b, rule", [
    ("Mazen al-Gharib", "Eyad al-Gharib", "no-match:given-name"),
    ("إياد الغريب", "Mazen al-Gharib", "no-match:given-name"),
    ("Anwar Raslan", "Rami Raslan", "no-match:given-name"),
    ("Mohammed Darwish", "Mahmoud Darwish", "no-match:given-name"),
    ("محمد درويش", "Mahmoud Darwish", "no-match:given-name"),
    ("محمود درويش", "Mohammed Darwish", "no-match:given-name"),
    ("Jamil Hassan", "Jamal Hassan", "no-match:given-name"),
    ("Bashar Hamdan", "Bashir Hamdan", "no-match:given-name"),
    ("Hassan Ali", "Hussein Ali", "no-match:given-name"),
    ("Ali Haddad", "Alaa Haddad", "no-match:given-name"),
    ("Khaled Mahmoud", "Khaled Mohammed", "no-match:family-name"),
    ("Eyad al-Gharib", "Eyad al-Ghazi", "no-match:family-name"),
    ("Mohammed Ali Hassan", "Mohammed Hassan Ali", "no-match:family-name"),
])
def test_hard_negatives(a, b, rule):
    result = match_names(a, b)
    assert not result.same, result.explanation
    assert result.rule == rule
    assert result.score < 0.5


def test_swapped_given_and_family_name_is_another_person():
    # Ali son of Hassan is not Hassan son of Ali; the index form with a comma is read as inverted
    assert not same("Ali Hassan", "Hassan Ali")
    assert same("Hassan, Ali", "Ali Hassan")


def test_result_type():
    result = match_names("Anwar Raslan", "أنور رسلان")
    assert isinstance(result, NameMatch)
    assert 0.0 <= result.score <= 1.0 and result.rule and result.explanation


# --------------------------------------------------------------------------------------- blocking
def test_blocking_keys_bring_variants_together():
    pairs = [("Anwar Raslan", "أنور رسلان"), ("Oberst Anwar R.", "Anwar Raslan"), ("Eyad A.", "Eyad al-Gharib"),
             ("Yousef Haddad", "Jussuf Haddad"), ("Saydnaya", "Sednaja"), ("Branch 251", "فرع ٢٥١"),
             ("Abd al-Rahman al-Sheikh", "عبدالرحمن الشيخ"), ("Branch 251", "al-Khatib Branch")]
    for a, b in pairs:
        assert blocking_keys(a) & blocking_keys(b), (a, b, blocking_keys(a), blocking_keys(b))


def test_blocking_keys_are_few_and_keep_numbers_apart():
    assert len(blocking_keys("Eyad al-Gharib")) <= 4
    assert not blocking_keys("Branch 215") & blocking_keys("Branch 251")
    assert not blocking_keys("Anwar Raslan") & blocking_keys("Mazen al-Gharib")
    assert blocking_keys("") == set()


def test_every_gold_positive_shares_a_blocking_key():
    import csv

    rows = list(csv.DictReader(GOLD.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    missed = [(r["a"], r["b"]) for r in rows if r["same"] == "1" and not blocking_keys(r["a"]) & blocking_keys(r["b"])]
    assert not missed


# ------------------------------------------------------------------------------------------- gold
def test_gold_set_shape():
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "a\tb\tkind\tsame_case\tsame"
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) >= 100 and all(len(r) == 5 for r in rows)
    assert sum(r[4] == "1" for r in rows) >= 55 and sum(r[4] == "0" for r in rows) >= 45
    assert {r[2] for r in rows} <= set(names.KINDS)


def test_gold_set_precision_and_recall():
    result = evaluate(GOLD)
    assert result["precision"] >= 0.95, result["errors"]
    assert result["recall"] >= 0.90, result["errors"]
    assert result["tp"] + result["fp"] + result["fn"] + result["tn"] == result["pairs"]


def test_gold_set_without_gazetteer_still_meets_the_target():
    result = evaluate(GOLD, use_gazetteer=False)
    assert result["precision"] >= 0.95 and result["recall"] >= 0.90, result["errors"]
    assert names.USE_GAZETTEER  # evaluate restores the switch
