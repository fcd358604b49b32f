"""The pages of Dalil's Streamlit app. They call the same `pipelines` API as the CLI; no query logic lives here.

Untrusted document text is only ever shown escaped (st.text/st.code, or `ui.render` which escapes
before wrapping in markup).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import streamlit as st

from pipelines.search_query import QuerySyntaxError
from pipelines.workspace import Workspace
from ui.render import passage_html

@st.cache_resource
def workspace() -> Workspace:
    return Workspace.open(os.environ.get("DALIL_DATA"))


def _basket() -> list[dict]:
    return st.session_state.setdefault("basket", [])


def search_page() -> None:
    ws = workspace()
    st.title("Dalil · دليل")
    st.caption("Search verdicts, hearing notes and trial-monitoring reports in Arabic, German and English.")
    counts = ws.records.counts()
    with st.sidebar:
        st.header("Filters")
        lang = st.selectbox("Language", ["any", "ar", "de", "en"], key="lang")
        doc_type = st.selectbox("Document type", ["any", "judgment", "hearing", "summary", "press-release", "statement"], key="doc_type")
        case = st.text_input("Case number", key="case", placeholder="1 StE 9/19")
        entity = st.text_input("Entity (any spelling)", key="entity", placeholder="Anwar Raslan")
        role = st.selectbox("Someone in the role of", ["any", "accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert"], key="role")
        expand = st.toggle("Cross-language expansion", value=True, key="expand")
        limit = st.slider("Results per page", 5, 50, 10, key="limit")
        st.divider()
        st.caption(f"{counts['documents']} documents · {counts['passages']} passages · {counts['failures']} failures")
    query = st.text_input("Search", key="query", placeholder='e.g. Abteilung 251, "crimes against humanity", تعذيب')
    if st.session_state.get("last_query") != (query, lang, doc_type, case, entity, role):
        st.session_state.last_query = (query, lang, doc_type, case, entity, role)
        st.session_state.page = 0
    if not query.strip():
        st.info("Type a query. Phrases in quotes, +required, -excluded, and filters such as case:\"1 StE 9/19\" work.")
        return
    try:
        results = ws.searcher.search(
            query, lang=None if lang == "any" else lang, doc_type=None if doc_type == "any" else doc_type,
            case=case or None, entity=entity or None, role=None if role == "any" else role, limit=limit, offset=st.session_state.page * limit,
            with_facets=True, expand_query=expand,
        )
    except QuerySyntaxError as exc:
        st.warning(str(exc))
        return
    st.write(f"**{results.total}** passages match · query language `{results.query_lang}`")
    if results.expansions:
        st.caption("Also searched: " + "; ".join(f"{e.matched} → " + ", ".join(t for ts in e.added.values() for t in ts) for e in results.expansions))
    for hit in results.hits:
        with st.container(border=True):
            st.markdown(f"**{hit.rank}.** `{hit.lang}` · {hit.filename}")
            st.html(passage_html(hit.snippet, hit.snippet_highlights, hit.lang))
            st.code(hit.citation.text, language=None)
            left, right = st.columns(2)
            if left.button("Add to brief", key=f"add-{hit.passage_id}"):
                if hit.passage_id not in {b["passage_id"] for b in _basket()}:
                    _basket().append({"passage_id": hit.passage_id, "text": hit.text, "citation": hit.citation.text,
                                      "court": hit.court, "case_number": hit.case_number, "date": hit.date, "doc_type": hit.doc_type,
                                      "title": hit.title, "filename": hit.filename, "page": hit.page, "paragraph": hit.paragraph})
                st.toast("Added to the brief basket")
            if right.button("Open document", key=f"open-{hit.passage_id}"):
                st.session_state.doc = hit.doc_id
                st.session_state.doc_page = hit.page
                st.switch_page("pages/document.py")
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


def document_page() -> None:
    ws = workspace()
    documents = ws.records.documents()
    if not documents:
        st.info("No documents yet: ingest some first.")
        return
    ids = [d.doc_id for d in documents]
    chosen = st.selectbox("Document", ids, index=ids.index(st.session_state.get("doc", ids[0])) if st.session_state.get("doc") in ids else 0,
                          format_func=lambda i: next(d.filename for d in documents if d.doc_id == i), key="doc_select")
    row = ws.records.document(chosen)
    pages = ws.records.pages(chosen)
    m = row.meta
    st.subheader(row.title or row.filename)
    st.caption(f"{m.court or '–'} · {m.case_number or '–'} · {m.date or '–'} · {m.doc_type or '–'} · {len(pages)} pages · id {row.doc_id[:12]}")
    number = st.number_input("Page", 1, len(pages), min(st.session_state.get("doc_page", 1), len(pages)), key="page_input")
    page = pages[number - 1]
    how = page.method.value + (f", OCR confidence {page.ocr_confidence:.0f}" if page.ocr_confidence is not None else "")
    st.caption(f"Text obtained by: {how}")
    text_col, image_col = st.columns(2)
    with text_col:
        for passage in (p for p in ws.records.passages(chosen) if p.page == number):
            label = f"Rn. {passage.paragraph}" if passage.paragraph and passage.lang == "de" else (f"¶ {passage.paragraph}" if passage.paragraph else "¶")
            st.markdown(f"**{label}** `{passage.lang}`")
            st.html(passage_html(passage.text, [], passage.lang))
    with image_col:
        if row.mime == "application/pdf" and Path(row.path).exists():
            from ingest.ocr import render_pdf_page

            st.image(render_pdf_page(row.path, number - 1, dpi=80), caption=f"Original page {number}")


def entity_page() -> None:
    from pipelines.entity_views import entity_page as build_page
    from pipelines.entity_views import find_entity, list_entities

    ws = workspace()
    name = st.text_input("Name in any script, or entity id", key="entity_query", placeholder="أنور رسلان")
    if not name:
        kind = st.selectbox("Type", ["person", "facility", "organization", "location"], key="entity_kind")
        rows = list_entities(ws.records, kind.upper())
        st.dataframe([{"id": r.entity_id, "name": r.canonical, "mentions": r.mentions, "documents": r.documents, "roles": r.roles} for r in rows])
        return
    found = find_entity(ws.records, name)
    if not found:
        st.warning(f"Nothing matches {name!r}.")
        return
    page = build_page(ws.records, found[0][0])
    st.subheader(page.canonical)
    st.caption(f"{page.label.lower()} · {page.entity_id}")
    st.markdown("**Aliases**")
    st.dataframe([{"alias": a.text, "script": a.script, "language": a.lang, "count": a.count} for a in page.aliases])
    if page.roles:
        st.markdown("**Roles:** " + ", ".join(f"{k} ({v})" for k, v in page.roles.items()))
    st.markdown(f"**Mentions** ({len(page.mentions)})")
    st.dataframe([{"citation": m.citation, "name as written": m.text, "role": m.role, "cue": m.role_cue, "context": m.snippet} for m in page.mentions])
    if page.cooccurring:
        st.markdown("**Named together with**")
        st.dataframe([{"entity": c, "type": label.lower(), "shared passages": n, "id": e} for e, label, c, n in page.cooccurring])
    if page.timeline:
        st.markdown("**Timeline**")
        st.dataframe([{"date": d, "citation": c} for d, c, _ in page.timeline])
    with st.expander("Merge or split"):
        other = st.text_input("Other name or entity id", key="merge_other")
        reason = st.text_input("Reason (stored with the decision)", key="merge_reason")
        merge_col, split_col = st.columns(2)
        action = "merge" if merge_col.button("Merge into this entity", key="merge_button") else (
            "split" if split_col.button("Keep apart from this entity", key="split_button") else None)
        if action:
            _decide(ws, page.canonical, other, action, reason)
    with st.expander("Why these names were joined"):
        st.dataframe([{"rule": link.rule, "score": link.score, "a": link.key_a, "b": link.key_b, "why": link.explanation} for link in page.links])


def _decide(ws: Workspace, this: str, other: str, action: str, reason: str) -> None:
    """A user's merge or split, through the same cross-reference API as `dalil merge/unmerge`."""
    from pipelines import crossref

    if not other or not reason:
        st.warning("Give the other name and a reason.")
        return
    a, b = crossref.resolve(ws.records, other), crossref.resolve(ws.records, this)
    if a is None or b is None:
        st.warning(f"Nothing matches {other!r}.")
        return
    if action == "merge":
        crossref.decide(ws.records, a[2], b[2], "merge", reason, "ui")
    elif a[0] == b[0]:
        crossref.decide(ws.records, a[1], [k for k in a[2] if k not in a[1]], "split", reason, "ui")
    else:
        crossref.decide(ws.records, a[2], b[2], "split", reason, "ui")
    stats = crossref.build(ws.records)
    st.success(f"Recorded {action}: {reason}. {stats['entities']} entities.")


def names_page() -> None:
    from pipelines.batch_names import read_names, search_names

    st.subheader("Batch name search")
    st.caption("Upload a CSV with a column 'name' (or names in the first column), in any script.")
    upload = st.file_uploader("Names (CSV)", type=["csv", "txt"], key="names_csv")
    if upload is None:
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(upload.getvalue())
    results = search_names(workspace().records, read_names(handle.name))
    rows = [{"name": r.query, "match": h.canonical, "score": h.score, "via": h.matched_alias, "rule": h.rule,
             "citation": h.passages[0].citation if h.passages else ""} for r in results for h in r.hits or [None] if h] + \
           [{"name": r.query, "match": "", "score": 0.0, "via": "", "rule": "no match", "citation": ""} for r in results if not r.hits]
    st.dataframe(rows)
    import csv
    import io

    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    st.download_button("Download results (CSV)", buffer.getvalue(), "dalil-name-matches.csv", "text/csv")


def ingest_page() -> None:
    from pipelines.ingesting import ingest_paths

    st.subheader("Ingest documents")
    files = st.file_uploader("PDF, DOCX, HTML, text, Markdown or images", accept_multiple_files=True, key="uploads")
    password = st.text_input("Password for encrypted PDFs (optional)", type="password", key="pdf_password")
    if not files or not st.button("Ingest", key="ingest_button"):
        return
    from ingest.extract import Options

    target = Path(workspace().settings.data_dir) / "uploads"
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in files:
        path = target / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    progress = st.progress(0.0, text="Reading…")
    summary = ingest_paths(workspace(), paths, options=Options(password=password or None),
                           on_progress=lambda p: progress.progress(p.done / max(p.total, 1), text=f"{p.done}/{p.total} {Path(p.path).name}: {p.outcome}"))
    st.success(f"{summary.new_documents} new documents, {summary.passages} passages, {summary.already_known} already known.")
    for failure in summary.failures:
        st.error(f"{Path(failure.path).name}: {failure.reason.value} — {failure.detail}")


def basket_page() -> None:
    st.subheader("Brief basket")
    basket = _basket()
    if not basket:
        st.info("Add passages from search results.")
        return
    for index, item in enumerate(basket):
        with st.container(border=True):
            st.code(item["citation"], language=None)
            st.text(item["text"][:600])
            up, down, remove = st.columns(3)
            if up.button("↑", key=f"up-{index}", disabled=index == 0):
                basket[index - 1], basket[index] = basket[index], basket[index - 1]
                st.rerun()
            if down.button("↓", key=f"down-{index}", disabled=index == len(basket) - 1):
                basket[index + 1], basket[index] = basket[index], basket[index + 1]
                st.rerun()
            if remove.button("Remove", key=f"rm-{index}"):
                basket.pop(index)
                st.rerun()
    style = st.radio("Citation style", ["de", "en"], format_func=lambda v: {"de": "German (Urteil v. …, S., Rn.)", "en": "English (Judgment of …, p., para.)"}[v],
                     horizontal=True, key="citation_style")
    from ui.brief import brief_csv, brief_docx, brief_markdown

    st.download_button("Export as Markdown", brief_markdown(basket, style), "dalil-brief.md", "text/markdown", key="export_md")
    st.download_button("Export as DOCX", brief_docx(basket, style), "dalil-brief.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="export_docx")
    st.download_button("Export as CSV", brief_csv(basket, style), "dalil-brief.csv", "text/csv", key="export_csv")
