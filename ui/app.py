"""Dalil's Streamlit app. It calls the same `pipelines` API as the CLI; no query logic lives here."""

from __future__ import annotations

import os

import streamlit as st

from pipelines.search_query import QuerySyntaxError
from pipelines.workspace import Workspace
from ui.render import passage_html

st.set_page_config(page_title="Dalil – دليل", page_icon="⚖️", layout="wide")


@st.cache_resource
def workspace() -> Workspace:
    return Workspace.open(os.environ.get("DALIL_DATA"))


def main() -> None:
    ws = workspace()
    st.title("Dalil · دليل")
    st.caption("Search verdicts, hearing notes and trial-monitoring reports in Arabic, German and English.")
    counts = ws.records.counts()
    with st.sidebar:
        st.header("Filters")
        lang = st.selectbox("Language", ["any", "ar", "de", "en"], key="lang")
        doc_type = st.selectbox("Document type", ["any", "judgment", "hearing", "summary", "press-release", "statement"], key="doc_type")
        case = st.text_input("Case number", key="case", placeholder="1 StE 9/19")
        limit = st.slider("Results per page", 5, 50, 10, key="limit")
        st.divider()
        st.caption(f"{counts['documents']} documents · {counts['passages']} passages · {counts['failures']} failures")
    query = st.text_input("Search", key="query", placeholder='e.g. Abteilung 251, "crimes against humanity", تعذيب')
    if "page" not in st.session_state:
        st.session_state.page = 0
    if not query.strip():
        st.info("Type a query. Phrases in quotes, +required, -excluded, and filters such as case:\"1 StE 9/19\" work.")
        return
    try:
        results = ws.searcher.search(
            query, lang=None if lang == "any" else lang, doc_type=None if doc_type == "any" else doc_type,
            case=case or None, limit=limit, offset=st.session_state.page * limit, with_facets=True,
        )
    except QuerySyntaxError as exc:
        st.warning(str(exc))
        return
    st.write(f"**{results.total}** passages match.")
    for hit in results.hits:
        with st.container(border=True):
            st.markdown(f"**{hit.rank}.** `{hit.lang}` · {hit.filename}")
            st.html(passage_html(hit.snippet, hit.snippet_highlights, hit.lang))
            st.code(hit.citation.text, language=None)
    pages = max(1, -(-results.total // limit))
    left, mid, right = st.columns([1, 2, 1])
    if left.button("◀ Previous", disabled=st.session_state.page == 0):
        st.session_state.page -= 1
        st.rerun()
    mid.caption(f"Page {st.session_state.page + 1} of {pages}")
    if right.button("Next ▶", disabled=st.session_state.page + 1 >= pages):
        st.session_state.page += 1
        st.rerun()
    if results.facets:
        with st.sidebar:
            st.header("In these results")
            for name, values in results.facets.items():
                if values:
                    st.caption(name + ": " + ", ".join(f"{k} ({v})" for k, v in values.items()))


main()
