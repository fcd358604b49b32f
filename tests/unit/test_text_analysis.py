from pipelines.analysis import analyze, analyzed_string, fold, normalize_arabic, query_variants


def test_arabic_normalisation_strips_marks_and_unifies_letters():
    assert normalize_arabic("أَنْوَر") == "انور"
    assert normalize_arabic("إدارة") == "اداره"
    assert normalize_arabic("مـــتهم") == "متهم"
    assert normalize_arabic("الفرع ٢٥١") == "الفرع 251"


def test_arabic_terms_ignore_article_and_conjunction():
    with_article = analyzed_string("والتعذيب", "ar")
    bare = analyzed_string("تعذيب", "ar")
    assert with_article == bare
    assert analyzed_string("الفرع ٢٥١", "ar") == analyzed_string("فرع 251", "ar")


def test_german_and_english_are_stemmed_and_folded():
    assert analyzed_string("Häftlinge", "de") == analyzed_string("Haftling", "de")
    assert analyzed_string("tortured", "en") == analyzed_string("torture", "en")
    assert fold("Straße Émile") == "strasse emile"


def test_case_numbers_stay_one_token():
    tokens = analyze("Urteil – 1 StE 9/19 vom 13.01.2022", "de")
    assert [t.term for t in tokens if t.term.startswith("case:")] == ["case:1ste9/19"]
    assert query_variants("1StE9/19", "case") == {"case:1ste9/19"}


def test_offsets_point_at_the_original_arabic_text():
    text = "شهد الشاهدُ في الفرع 251"
    for token in analyze(text, "ar"):
        assert text[token.start:token.end].strip() == text[token.start:token.end]
        assert token.end > token.start


def test_german_compounds_index_their_parts_after_the_words_as_written():
    text = "zu lebenslanger Freiheitsstrafe verurteilt"
    plain = [t.term for t in analyze(text, "de")]
    with_parts = analyze(text, "de", compounds=True)
    # The words keep their positions (phrases still match); the parts follow, pointing at the compound.
    assert [t.term for t in with_parts[: len(plain)]] == plain
    parts = with_parts[len(plain):]
    by_compound = {(text[t.start:t.end], t.term) for t in parts}
    assert ("Freiheitsstrafe", analyzed_string("Freiheit", "de")) in by_compound
    assert ("Freiheitsstrafe", analyzed_string("Strafe", "de")) in by_compound
    assert {compound for compound, _ in by_compound} <= {"lebenslanger", "Freiheitsstrafe"}
    assert analyzed_string(text, "de").split()[-1] == analyzed_string("Strafe", "de")


def test_only_confident_long_compounds_are_split():
    from pipelines.analysis import part_terms

    assert part_terms("Asylanhörung") == (analyzed_string("Asyl", "de"), analyzed_string("Anhörung", "de"))
    assert part_terms("Misshandlungen") == ()  # not "Miss" + "Handlungen"
    assert part_terms("Zeuge") == ()
    assert part_terms("التعذيب") == ()
    # English passages are not split.
    assert len(analyze("a fortnightly newsletter", "en", compounds=True)) == 3
