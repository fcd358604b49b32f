from ingest.model import Page
from ingest.passages import split_passages
from ingest.pdf import _visual_to_logical
from ingest.textclean import dehyphenate, drop_running_lines, strip_bidi_marks


def test_rn_markers_become_paragraph_ids_and_continue_across_pages():
    pages = [
        Page(1, "II. Feststellungen\n\nRn. 1 Der Angeklagte wurde geboren.\n\nRn. 2 Er war Oberst und leitete"),
        Page(2, "die Ermittlungsabteilung der Abteilung 251 bis zum Jahr 2012 und darüber hinaus.\n\nRn. 3 Danach floh er."),
    ]
    passages = split_passages("d" * 64, pages, lambda text: "de")
    assert [(p.page, p.paragraph) for p in passages] == [(1, None), (1, "1"), (1, "2"), (2, "2"), (2, "3")]
    for p in passages:
        assert pages[p.page - 1].text[p.start:p.end] == p.text


def test_other_paragraph_marker_styles():
    pages = [Page(1, "[12] bracketed\n\n3. numbered\n\n(4) parenthesised")]
    assert [p.paragraph for p in split_passages("x" * 64, pages, lambda t: "en")] == ["12", "3", "4"]


def test_running_headers_footers_and_page_numbers_are_dropped():
    bodies = ["Der Zeuge sagte aus.", "Die Kammer hat erwogen.", "Er wurde verlegt.", "Das Urteil ist rechtskräftig."]
    pages = [["OLG Koblenz – 1 StE 9/19 – Urteil", body, f"Seite {i} von 4"] for i, body in enumerate(bodies, 1)]
    assert drop_running_lines(pages) == [[body] for body in bodies]


def test_bidi_marks_and_hyphenation():
    assert strip_bidi_marks("\u200fأنور\u200e رسلان\u202c") == "أنور رسلان"
    assert dehyphenate("Verneh-\nmung und Nord-\nSyrien") == "Vernehmung und Nord-\nSyrien"


def test_rtl_lines_are_put_back_in_logical_order_keeping_latin_runs():
    visual = "1 StE 9/19 :ةيضقلا مقر"
    assert _visual_to_logical(visual) == "رقم القضية: 1 StE 9/19"
    assert _visual_to_logical("plain latin text") == "plain latin text"
