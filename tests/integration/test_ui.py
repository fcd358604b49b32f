"""The Streamlit app, driven with Streamlit's AppTest on the ingested sample corpus."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def app(sample_data, monkeypatch):
    monkeypatch.setenv("DALIL_DATA", str(sample_data))
    return AppTest.from_file(APP, default_timeout=60)


def test_search_page_shows_citations_and_rtl_passages(app):
    app.run()
    assert not app.exception
    app.text_input(key="query").input("جائحة كورونا").run()
    assert not app.exception
    codes = [c.value for c in app.code]
    assert "OLG Koblenz, Hearing notes of 8 July 2020 – 1 StE 9/19, p. 1, para. 2" in codes
    html = " ".join(h.proto.body for h in app.get("html"))
    assert 'dir="rtl"' in html and "<mark>" in html


def test_role_facet_filters_results(app):
    app.run()
    app.selectbox(key="role").select("witness").run()
    app.text_input(key="query").input("Branch 251").run()
    assert not app.exception
    assert app.code, "witness passages about Branch 251 are found"


def test_filters_and_bad_syntax(app):
    app.run()
    app.selectbox(key="lang").select("de").run()
    app.text_input(key="query").input("Abteilung 251").run()
    codes = [c.value for c in app.code]
    assert codes and all("S." in c for c in codes)
    app.text_input(key="query").input('"unclosed').run()
    assert not app.exception
    assert any("quotation mark" in w.value for w in app.warning)


def test_document_text_is_escaped_not_rendered(sample_data):
    from ui.render import passage_html

    html = passage_html("<script>alert(1)</script> Zeuge", [(26, 31)], "de")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>Zeuge</mark>" in html


def test_entity_page_shows_aliases_in_all_scripts(app):
    app.run()
    app.switch_page("pages/entities.py")
    app.run()
    assert not app.exception
    app.text_input(key="entity_query").input("أنور رسلان").run()
    assert not app.exception
    assert any("Anwar Raslan" in s.value for s in app.subheader)
    aliases = " ".join(str(df.value) for df in app.dataframe)
    assert "Anwar R." in aliases and "رسلان" in aliases


def test_brief_basket_survives_page_switches(app):
    app.run()
    app.text_input(key="query").input("forensic pathologist").run()
    add = next(b for b in app.button if b.key and b.key.startswith("add-"))
    add.click().run()
    app.switch_page("pages/basket.py")
    app.run()
    assert not app.exception
    assert any("para. 8" in c.value for c in app.code)
    assert not app.exception


def test_brief_exports_carry_citations_in_both_styles():
    import io

    import docx

    from ui.brief import brief_csv, brief_docx, brief_markdown

    item = {"passage_id": "x:1", "text": "Der Zeuge schilderte die Haft.", "court": "OLG Koblenz", "case_number": "1 StE 9/19",
            "date": "2022-01-13", "doc_type": "judgment", "title": "Urteil", "filename": "u.pdf", "page": 6, "paragraph": "21"}
    assert "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 6, Rn. 21" in brief_markdown([item], "de")
    assert "OLG Koblenz, Judgment of 13 Jan. 2022 – 1 StE 9/19, p. 6, para. 21" in brief_csv([item], "en")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(brief_docx([item], "de"))).paragraphs)
    assert "Der Zeuge schilderte die Haft." in text and "S. 6, Rn. 21" in text


def test_entity_page_split_and_merge_with_a_reason(app, sample_data):
    from pipelines import crossref
    from pipelines.workspace import Workspace

    records = Workspace.open(sample_data).records
    try:
        app.run()
        app.switch_page("pages/entities.py")
        app.run()
        app.text_input(key="entity_query").input("Anwar Raslan").run()
        app.text_input(key="merge_other").input("Anwar R.")
        app.text_input(key="merge_reason").input("ui test: different people")
        app.button(key="split_button").click().run()
        assert not app.exception
        assert any("Recorded split" in s.value for s in app.success)
        assert records.query("SELECT count(*) FROM xref_decisions WHERE decision = 'split' AND user = 'ui'")[0][0] > 0
    finally:
        records._conn.execute("DELETE FROM xref_decisions")
        crossref.build(records)
