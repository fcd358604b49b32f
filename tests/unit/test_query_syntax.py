import pytest

from pipelines.search_query import QuerySyntaxError, parse_query


def test_plain_case_number_is_one_keyword_clause():
    query = parse_query("1 StE 9/19")
    assert [c.words for c in query.clauses] == [[{"case:1ste9/19"}]]


def test_phrases_required_and_excluded_words():
    query = parse_query('"Branch 251" +torture -Saydnaya')
    kinds = [(c.surface, c.phrase, c.occur) for c in query.clauses]
    assert kinds == [("Branch 251", True, "should"), ("torture", False, "must"), ("Saydnaya", False, "must_not")]


def test_fielded_filters_and_date_ranges():
    query = parse_query('case:1 StE 9/19 lang:de date:2020..2021 Zeuge')
    assert {"field": "meta.case_number", "operator": "==", "value": "1 StE 9/19"} in query.filters
    assert {"field": "meta.date", "operator": ">=", "value": 20200101} in query.filters
    assert {"field": "meta.date", "operator": "<=", "value": 20211231} in query.filters


@pytest.mark.parametrize("bad, hint", [('"open phrase', "quotation"), ("(a OR b)", "Brackets"), ("date:soon", "date range"), ("   ", "empty")])
def test_bad_syntax_explains_itself(bad, hint):
    with pytest.raises(QuerySyntaxError, match=hint):
        parse_query(bad)
