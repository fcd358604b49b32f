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
