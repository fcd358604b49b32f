from ingest.legal import find_case_numbers, parse_legal_meta


def test_german_caption():
    meta = parse_legal_meta("Oberlandesgericht Koblenz\nIm Namen des Volkes\nUrteil\nAktenzeichen: 1 StE 9/19\nverkündet am 13. Januar 2022")
    assert (meta.court, meta.case_number, meta.date, meta.doc_type) == ("OLG Koblenz", "1 StE 9/19", "2022-01-13", "judgment")


def test_english_hearing_notes():
    meta = parse_legal_meta("Trial monitoring report\nHearing Day 7 – 4 June 2020\nHigher Regional Court Koblenz, case 1 StE 9/19")
    assert (meta.court, meta.date, meta.doc_type) == ("OLG Koblenz", "2020-06-04", "hearing")


def test_arabic_caption_with_arabic_digits():
    meta = parse_legal_meta("المحكمة الإقليمية العليا في كوبلنز\nرقم القضية: ١ StE ٩/١٩\nجلسة بتاريخ 4 حزيران 2020")
    assert meta.court == "OLG Koblenz"
    assert meta.case_number == "1 StE 9/19"
    assert meta.date == "2020-06-04"


def test_case_numbers_are_normalised_and_deduplicated():
    assert find_case_numbers("1StE9/19 und 1 StE 9/19 sowie 1 StE 3/21") == ["1 StE 9/19", "1 StE 3/21"]


def test_unknown_fields_stay_empty():
    meta = parse_legal_meta("Notizen ohne Gericht und ohne Datum")
    assert meta.court is None and meta.case_number is None and meta.date is None
