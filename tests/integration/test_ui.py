"""The Streamlit app, driven with Streamlit's AppTest on the ingested sample corpus."""

import re

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
        assert records.query("SELECT count(*) FROM xref_decisions WHERE decision = 'split' AND user = 'local-admin'")[0][0] > 0
    finally:
        records._conn.execute("DELETE FROM xref_decisions")
        crossref.build(records)


def _citations(app) -> list[str]:
    return [c.value for c in app.code]


def test_facet_click_filters_and_a_second_click_drops_the_filter(app):
    app.run()
    app.text_input(key="query").input("Freitagsgebet Moschee Barakat").run()
    assert "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 6, Rn. 21" in _citations(app)
    facet = app.button(key="facet-case_number-1 StE 3/21")
    assert facet.label.startswith("1 StE 3/21 · ")  # the value and its count
    facet.click().run()
    assert not app.exception
    assert app.text_input(key="case").value == "1 StE 3/21"
    assert _citations(app) and all("1 StE 3/21" in c for c in _citations(app))
    app.button(key="facet-case_number-1 StE 3/21").click().run()
    assert app.text_input(key="case").value == ""
    assert "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 6, Rn. 21" in _citations(app)
    app.button(key="facet-year-2022").click().run()
    assert _citations(app) and all("2022" in c for c in _citations(app))
    app.button(key="clear-year").click().run()
    assert app.text_input(key="year").value == ""


def test_entity_facet_shows_the_canonical_name_and_filters_every_spelling(app):
    app.run()
    app.text_input(key="query").input("Freitagsgebet Moschee Barakat").run()
    facet = app.button(key="facet-entity-person:yusuf barakat")
    assert facet.label.startswith("Yusuf Barakat · ")
    facet.click().run()
    assert not app.exception
    assert app.text_input(key="entity").value.startswith("per-")
    assert _citations(app)


def test_query_filters_and_page_survive_a_page_switch(app):
    app.run()
    app.selectbox(key="lang").select("en").run()
    app.text_input(key="query").input("witness").run()
    first_page = _citations(app)
    app.button(key="next").click().run()
    second_page = _citations(app)
    assert second_page and second_page != first_page
    app.switch_page("pages/basket.py")
    app.run()
    app.switch_page("pages/search.py")
    app.run()
    assert not app.exception
    assert app.text_input(key="query").value == "witness"
    assert app.selectbox(key="lang").value == "en"
    assert _citations(app) == second_page
    assert any("Page 2 of" in c.value for c in app.caption)


def test_result_links_open_the_document_at_that_paragraph(app):
    from urllib.parse import parse_qs

    app.run()
    app.text_input(key="query").input("Freitagsgebet Moschee Barakat").run()
    link = app.get("page_link")[0].proto
    assert link.page == "document" and link.label == "Open at Rn. 21, p. 6"
    params = {k: v[0] for k, v in parse_qs(link.query_string).items()}
    assert params["passage"].startswith(params["doc"][:16] + ":")
    # What the link's URL (document?doc=…&passage=…) opens, shared or clicked:
    app.query_params.update(params)
    app.switch_page("pages/document.py")
    app.run()
    assert not app.exception
    assert any("Linked passage: Rn. 21, page 6" in m.value for m in app.markdown)
    assert "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 6, Rn. 21" in _citations(app)
    assert any(c.endswith(f"document?doc={params['doc']}&passage={params['passage'].replace(':', '%3A')}") for c in _citations(app))
    assert app.number_input(key="page_input").value == 6
    html = " ".join(h.proto.body for h in app.get("html"))
    anchor = "p-" + params["passage"].replace(":", "-")
    assert f'id="{anchor}"' in html and "<mark>Rn. 21 Der Zeuge " in html
    # Entities coloured by type, a person's role written after the name with its cue as tooltip.
    assert re.search(r'<span class="ent ent-PERSON" title="person · witness \(cue: [^"]*Zeuge[^"]*\)">Yusuf Barakat</span>'
                     r'<span class="role role-witness">witness</span>', html)
    assert 'class="ent ent-FACILITY"' in html and "legend" in html


def test_entity_page_draws_the_cooccurrence_graph_and_timeline(app):
    import json

    app.run()
    app.switch_page("pages/entities.py")
    app.run()
    app.text_input(key="entity_query").input("Anwar Raslan").run()
    assert not app.exception
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    graph = next(s for s in specs if any(p.get("name") == "node" and p["select"]["on"] == "click" for p in s.get("params", [])))
    assert any(p.get("bind") == "scales" for p in graph["params"]), "zoom and pan"
    names = {v["name"] for layer in graph["layer"] for v in (layer.get("data") or {}).get("values", []) if "name" in v}
    assert {"Anwar Raslan", "Eyad al-Gharib", "Branch 251 (al-Khatib)", "1 StE 9/19"} <= names
    assert len(specs) >= 2, "a timeline chart next to the graph"


def test_cooccurrence_graph_links_people_facilities_and_cases(sample_workspace):
    from pipelines.entity_graph import cooccurrence_graph, dated_mentions
    from pipelines.entity_views import entity_page, find_entity

    page = entity_page(sample_workspace.records, find_entity(sample_workspace.records, "Anwar Raslan")[0][0])
    graph = cooccurrence_graph(sample_workspace.records, page)
    kinds = {n.kind for n in graph.nodes}
    assert {"person", "facility", "case"} <= kinds
    assert graph.nodes[0].centre and graph.nodes[0].label == "Anwar Raslan"
    branch = next(n for n in graph.nodes if n.label.startswith("Branch 251"))
    assert any({e.source, e.target} == {branch.node_id, "case:1 StE 9/19"} for e in graph.edges)
    dated = dated_mentions(sample_workspace.records, page)
    assert dated and [d.date for d in dated] == sorted(d.date for d in dated) and dated[0].case_number == "1 StE 9/19"


def test_spring_layout_is_deterministic_and_bounded():
    from ui.graph import spring_layout

    ids = [f"n{i}" for i in range(12)]
    edges = [(f"n{i}", f"n{(i * 5) % 12}", i + 1) for i in range(12)]
    first, second = spring_layout(ids, edges, "n0"), spring_layout(ids, edges, "n0")
    assert first == second
    assert max(abs(first["n0"][0]), abs(first["n0"][1])) < 1e-9, "the centre stays in the middle"
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in first.values())
    assert len({(round(x, 3), round(y, 3)) for x, y in first.values()}) == len(ids)


def test_ingest_page_takes_an_uploaded_file_and_reports_it(sample_data, monkeypatch, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(sample_data, data)
    monkeypatch.setenv("DALIL_DATA", str(data))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/ingest.py").run()
    note = ("# Hearing notes, day 52 (SYNTHETIC TEST DOCUMENT written for Dalil's UI test)\n\n"
            "1. The witness Nadia Farouk described the corridor of Branch 251 in detail.\n").encode()
    app.file_uploader(key="uploads").upload("hearing-day-52.md", note, "text/markdown").run()
    app.button(key="ingest_button").click().run()
    assert not app.exception
    assert any("1 new documents" in s.value for s in app.success)
    app.file_uploader(key="uploads").upload("broken.pdf", b"%PDF-1.7 this is not a real PDF", "application/pdf").run()
    app.button(key="ingest_button").click().run()
    assert any("broken.pdf: corrupt" in e.value for e in app.error), "the bad file is reported with its reason"
    from pipelines.workspace import Workspace

    assert any(d.filename == "hearing-day-52.md" for d in Workspace.open(data).records.documents())


def test_batch_name_search_matches_across_scripts_and_offers_csv(app):
    app.run()
    app.switch_page("pages/names.py").run()
    app.file_uploader(key="names_csv").upload("missing.csv", "name\nأنور رسلان\nNobody Unknownname\n".encode(), "text/csv").run()
    assert not app.exception
    table = app.dataframe[0].value
    rows = table.to_dict("records")
    assert any(r["name"] == "أنور رسلان" and r["match"] == "Anwar Raslan" and "1 StE 9/19" in r["citation"] for r in rows)
    assert any(r["name"] == "Nobody Unknownname" and r["rule"] == "no match" for r in rows)
    assert app.get("download_button"), "the results can be downloaded as CSV"
