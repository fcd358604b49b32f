"""The pages of Dalil's Streamlit app. They call the same `pipelines` API as the CLI; no query logic lives here.

Untrusted document text is only ever shown escaped (st.text/st.code, or `ui.render` which escapes
before wrapping in markup).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from pipelines.search_query import QuerySyntaxError
from pipelines.workspace import Workspace
from ui.render import entities_html, legend_html, passage_html

def workspace() -> Workspace:
    return _open_workspace(os.environ.get("DALIL_DATA"))


@st.cache_resource
def _open_workspace(data_dir: str | None) -> Workspace:
    return Workspace.open(data_dir)


def warming(ws: Workspace) -> threading.Thread:
    return _warming(ws, str(ws.settings.data_dir))


@st.cache_resource
def _warming(_ws: Workspace, data_dir: str) -> threading.Thread:
    """Started once per process, on the app's first page: loads the embedding model and language
    profiles in the background, so the first search does not pay for them (see pipelines/warmup.py)."""
    from pipelines.warmup import warm_up

    keyword_ready = threading.Event()
    thread = threading.Thread(target=warm_up, args=(_ws, keyword_ready), name="dalil-warm-up", daemon=True)
    thread.keyword_ready = keyword_ready
    thread.start()
    return thread


def ready_workspace() -> Workspace:
    """The workspace, with the search warm-up started (every page calls this first)."""
    ws = workspace()
    warming(ws)
    return ws


def principal(ws: Workspace):
    """Who is at the screen (ui/app.py signs them in first); stops the page if nobody is signed in."""
    from ui.auth import current_principal

    who = current_principal(ws)
    if who is None:
        st.warning("Please sign in.")
        st.stop()
    return who


def reader(ws: Workspace):
    """The record store as the signed-in principal may see it: every page reads through this."""
    return ws.records_for(principal(ws))


def _allowed(ws: Workspace, action: str) -> bool:
    from pipelines.access import AccessDenied

    try:
        principal(ws).require(action)
        return True
    except AccessDenied as exc:
        st.info(f"{exc}. Ask an admin for the role if you need it.")
        return False


def _basket() -> list[dict]:
    return st.session_state.setdefault("basket", [])


# Search filters: (widget key, facet field, label). Widgets keep their value for the whole session
# (persist_state="session"), so switching pages loses neither the query nor the filters nor the page.
FILTERS = [("lang", "lang", "Language"), ("court", "court", "Court"), ("case", "case_number", "Case number"),
           ("doc_type", "doc_type", "Document type"), ("year", "year", "Year"), ("entity", "entity", "Entity"),
           ("role", "role", "Role")]
LANGS = ["any", "ar", "de", "en"]
DOC_TYPES = ["any", "judgment", "hearing", "summary", "press-release", "statement"]
ROLES = ["any", "accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert"]
_CLEARED = {"lang": "any", "doc_type": "any", "role": "any"}


def _options(base: list[str], key: str) -> list[str]:
    """A selectbox's options, plus the value a facet click chose if it is not among them."""
    current = st.session_state.get(key)
    return base + [current] if current and current not in base else base


def _set_filter(key: str, value: str) -> None:
    """A facet click: filter on that value, or drop the filter when it is already set (a toggle)."""
    st.session_state[key] = _CLEARED.get(key, "") if st.session_state.get(key) == value else value
    st.session_state.page = 0


def _clear_filter(key: str) -> None:
    st.session_state[key] = _CLEARED.get(key, "")
    st.session_state.page = 0


def _facet_sidebar(records, facets: dict[str, dict[str, int]]) -> None:
    """Facet values as buttons with counts. Entity values are index keys: they are shown by canonical
    name and filter by entity id, so a click finds every spelling."""
    from pipelines.facet_labels import entity_facet_labels

    entities = entity_facet_labels(records, list(facets.get("entity", {})))
    st.header("In these results")
    st.caption("Click a value to filter on it; click it again to drop the filter.")
    for key, field, label in FILTERS:
        values = facets.get(field) or {}
        if not values:
            continue
        st.markdown(f"**{label}**")
        with st.container(horizontal=True, gap="small"):
            for value, count in values.items():
                target, shown = (entities[value] if field == "entity" and value in entities else (value, value))
                active = st.session_state.get(key) == target
                st.button(f"{_md_escape(shown)} · {count}", key=f"facet-{field}-{value}", type="primary" if active else "secondary",
                          on_click=_set_filter, args=(key, target))


def search_page() -> None:
    ws = ready_workspace()
    st.title("Dalil · دليل")
    st.caption("Search verdicts, hearing notes and trial-monitoring reports in Arabic, German and English.")
    who = principal(ws)
    records = ws.records_for(who)
    counts = records.counts()
    keep = {"persist_state": "session"}
    with st.sidebar:
        st.header("Filters")
        lang = st.selectbox("Language", _options(LANGS, "lang"), key="lang", **keep)
        doc_type = st.selectbox("Document type", _options(DOC_TYPES, "doc_type"), key="doc_type", **keep)
        court = st.text_input("Court", key="court", placeholder="OLG Koblenz", **keep)
        case = st.text_input("Case number", key="case", placeholder="1 StE 9/19", **keep)
        year = st.text_input("Year", key="year", placeholder="2022", **keep)
        entity = st.text_input("Entity (any spelling)", key="entity", placeholder="Anwar Raslan", **keep)
        role = st.selectbox("Someone in the role of", _options(ROLES, "role"), key="role", **keep)
        expand = st.toggle("Cross-language expansion", value=True, key="expand", **keep)
        limit = st.slider("Results per page", 5, 50, 10, key="limit", **keep)
        st.divider()
        st.caption(f"{counts['documents']} documents · {counts['passages']} passages"
                   + (f" · {counts['failures']} failures" if who.is_admin else ""))
    query = st.text_input("Search", key="query", placeholder='e.g. Abteilung 251, "crimes against humanity", تعذيب', **keep)
    state = (query, lang, doc_type, court, case, year, entity, role, limit)
    if st.session_state.get("last_query") != state:
        st.session_state.last_query = state
        st.session_state.page = 0
    page_number = st.session_state.setdefault("page", 0)
    active = [(key, label, st.session_state.get(key)) for key, _, label in FILTERS if st.session_state.get(key) not in (None, "", "any")]
    if active:
        with st.container(horizontal=True, gap="small"):
            for key, label, value in active:
                st.button(f"✕ {label}: {_md_escape(str(value))}", key=f"clear-{key}", type="tertiary", on_click=_clear_filter, args=(key,))
    if not query.strip() and not active:
        st.info("Type a query. Phrases in quotes, +required, -excluded, and filters such as case:\"1 StE 9/19\" work.")
        return
    year = year.strip()
    if year and not re.fullmatch(r"\d{4}", year):
        st.warning(f"Year {year!r} is not a year: write four digits, e.g. 2022.")
        return
    warm = warming(ws)
    warm.keyword_ready.wait(timeout=60)
    # Until the embedding model has loaded (a second or two after start-up) answer from keywords at once.
    semantic = not warm.is_alive()
    try:
        started = time.perf_counter()
        results = ws.searcher.search(
            query + (f" year:{year}" if year else ""), lang=None if lang == "any" else lang,
            doc_type=None if doc_type == "any" else doc_type, court=court.strip() or None, case=case.strip() or None,
            entity=entity.strip() or None, role=None if role == "any" else role, limit=limit, offset=page_number * limit,
            with_facets=True, expand_query=expand, principal=who, dense=semantic,
        )
        took = time.perf_counter() - started
        if not semantic:
            st.caption("Keyword matches only: semantic matching is still loading. Search again in a moment for both.")
    except QuerySyntaxError as exc:
        st.warning(str(exc))
        return
    st.write(f"**{results.total}** passages match · query language `{results.query_lang}` · {took * 1000:.0f} ms")
    if results.expansions:
        st.caption("Also searched: " + "; ".join(f"{e.matched} → " + ", ".join(t for ts in e.added.values() for t in ts) for e in results.expansions))
    for hit in results.hits:
        _result(hit)
    pages = max(1, -(-results.total // limit))
    left, mid, right = st.columns([1, 2, 1])
    if left.button("◀ Previous", key="previous", disabled=page_number == 0):
        st.session_state.page -= 1
        st.rerun()
    mid.caption(f"Page {page_number + 1} of {pages}")
    if right.button("Next ▶", key="next", disabled=page_number + 1 >= pages):
        st.session_state.page += 1
        st.rerun()
    if results.facets:
        with st.sidebar:
            _facet_sidebar(records, results.facets)


def _paragraph_label(lang: str, paragraph: str | None) -> str:
    if not paragraph:
        return "¶"
    return f"Rn. {paragraph}" if lang == "de" else f"¶ {paragraph}"


def _result(hit) -> None:
    with st.container(border=True):
        st.markdown(f"**{hit.rank}.** `{hit.lang}` · {_md_escape(hit.filename)}")
        st.html(passage_html(hit.snippet, hit.snippet_highlights, hit.lang))
        st.code(hit.citation.text, language=None)  # the code block's copy button copies the citation
        add, link = st.columns(2)
        if add.button("Add to brief", key=f"add-{hit.passage_id}"):
            if hit.passage_id not in {b["passage_id"] for b in _basket()}:
                _basket().append({"passage_id": hit.passage_id, "text": hit.text, "citation": hit.citation.text,
                                  "court": hit.court, "case_number": hit.case_number, "date": hit.date, "doc_type": hit.doc_type,
                                  "title": hit.title, "filename": hit.filename, "page": hit.page, "paragraph": hit.paragraph})
            st.toast("Added to the brief basket")
        with link:
            st.page_link("pages/document.py", label=f"Open at {_paragraph_label(hit.lang, hit.paragraph)}, p. {hit.page}", icon="📄",
                         query_params={"doc": hit.doc_id, "passage": hit.passage_id})


def _md_escape(text: str) -> str:
    """Document-derived text inside st.markdown: escape Markdown (and so HTML-looking) characters."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def _open_from_url(ws: Workspace) -> str | None:
    """`?doc=<id>&passage=<passage id>`: open that document at that passage. Returns the passage id."""
    doc = st.query_params.get("doc")
    passage = st.query_params.get("passage")
    target = reader(ws).passages_by_id([passage]).get(passage) if passage else None
    if target is not None:
        doc = target.doc_id
    if (doc, passage) != st.session_state.get("opened_from_url"):
        st.session_state.opened_from_url = (doc, passage)
        if doc:
            st.session_state.doc_select = doc
            st.session_state.page_input = target.page if target is not None else 1
    return target.passage_id if target is not None else None


def _on_document_change() -> None:
    st.query_params.clear()
    st.query_params["doc"] = st.session_state.doc_select
    st.session_state.opened_from_url = (st.session_state.doc_select, None)
    st.session_state.page_input = 1


def document_page() -> None:
    ws = ready_workspace()
    records = reader(ws)
    documents = records.documents()
    if not documents:
        st.info("No documents yet: ingest some first.")
        return
    ids = [d.doc_id for d in documents]
    names = {d.doc_id: d.filename for d in documents}
    passage_id = _open_from_url(ws)
    if st.session_state.get("doc_select") not in ids:
        st.session_state.doc_select = ids[0]
    chosen = st.selectbox("Document", ids, format_func=names.get, key="doc_select", on_change=_on_document_change, persist_state="session")
    row = records.document(chosen)
    pages = records.pages(chosen)
    passages = records.passages(chosen)
    if st.session_state.get("audited_view") != chosen:  # once per document opened, not per rerun
        st.session_state.audited_view = chosen
        ws.audit_access(principal(ws), "view", {"doc_id": row.doc_id, "filename": row.filename, "via": "ui"}, [row.collection])
    target = next((p for p in passages if p.passage_id == passage_id), None)
    m = row.meta
    st.subheader(row.title or row.filename)
    st.caption(f"{m.court or '–'} · {m.case_number or '–'} · {m.date or '–'} · {m.doc_type or '–'} · {len(pages)} pages · id {row.doc_id[:12]}")
    if target is not None:
        from pipelines.citations import citation_style, format_citation

        with st.container(border=True, key="linked-passage"):
            st.markdown(f"**Linked passage: {_paragraph_label(target.lang, target.paragraph)}, page {target.page}**")
            st.html(passage_html(target.text, [(0, len(target.text))], target.lang))
            st.code(format_citation(m, row.filename, target.page, target.paragraph, citation_style(target.lang)).text, language=None)
            st.caption("Link to this passage (shareable):")
            st.code(_share_link(chosen, target.passage_id), language=None)
    if st.session_state.get("page_input", 1) > len(pages):
        st.session_state.page_input = 1
    number = st.number_input("Page", 1, len(pages), key="page_input", persist_state="session")
    page = pages[number - 1]
    how = page.method.value + (f", OCR confidence {page.ocr_confidence:.0f}" if page.ocr_confidence is not None else "")
    st.caption(f"Text obtained by: {how}")
    text_col, image_col = st.columns(2)
    # Entities coloured by type, roles written out. Offsets are the stored text's: a passage whose text the
    # reader sees pseudonymised is shown without colours rather than with misplaced ones.
    found: dict[str, list] = {}
    for m in records.mentions_for_doc(chosen):
        found.setdefault(m["passage_id"], []).append((m["start"], m["end"], m["label"], m["role"], m["role_cue"]))
    shield = getattr(records, "shield", None)
    hiding = shield is not None and not shield.empty  # some names are pseudonymised for this reader
    original = {p.passage_id: p.text for p in ws.records.passages(chosen)} if hiding else {}
    with text_col:
        st.html(legend_html())
        for passage in (p for p in passages if p.page == number):
            here = target is not None and passage.passage_id == target.passage_id
            st.markdown(("▶ " if here else "") + f"**{_paragraph_label(passage.lang, passage.paragraph)}** `{passage.lang}`")
            mentions = found.get(passage.passage_id, []) if original.get(passage.passage_id, passage.text) == passage.text else []
            st.html(entities_html(passage.text, mentions, passage.lang, marked=here, anchor=passage.passage_id))
    raw = next((p for p in ws.records.pages(chosen) if p.number == number), None) if hiding else None
    named = raw is not None and shield.text(raw.text) != raw.text
    with image_col:
        if named:  # a scan cannot be redacted by replacing text: no image where a protected name stands
            st.info("The original page image is not shown: it names a protected person.")
        elif row.mime == "application/pdf" and Path(row.path).exists():
            from ingest.ocr import render_pdf_page

            st.image(render_pdf_page(row.path, number - 1, dpi=80), caption=f"Original page {number}")


def _share_link(doc_id: str, passage_id: str) -> str:
    query = urlencode({"doc": doc_id, "passage": passage_id})
    base = ""
    try:
        url = st.context.url or ""
        base = url.split("?")[0]
    except Exception:  # no browser session (tests)
        base = ""
    if not base.rstrip("/").endswith("/document"):
        base = base.rstrip("/") + "/document" if base else "/document"
    return f"{base}?{query}"


def _open_graph_node() -> None:
    """A click on a graph node: open that entity, or search that case."""
    selection = st.session_state.get("entity_graph")
    chosen = (selection.selection.get("node") if selection else None) or []
    node_id = chosen[0].get("node_id") if chosen else None
    if not node_id:
        return
    if node_id.startswith("case:"):
        st.session_state.case = node_id.removeprefix("case:")
        st.session_state.entity = st.session_state.get("graph_entity", "")
        st.session_state.goto_search = True
    else:
        st.session_state.entity_query = node_id


def entity_page() -> None:
    from pipelines.entity_graph import cooccurrence_graph, dated_mentions
    from pipelines.entity_views import entity_page as build_page
    from pipelines.entity_views import find_entity, list_entities
    from ui.graph import graph_chart, timeline_chart

    ws = ready_workspace()
    if st.session_state.pop("goto_search", False):
        st.switch_page("pages/search.py")
    name = st.text_input("Name in any script, or entity id", key="entity_query", placeholder="أنور رسلان", persist_state="session")
    if not name:
        kind = st.selectbox("Type", ["person", "facility", "organization", "location"], key="entity_kind")
        rows = list_entities(reader(ws), kind.upper())
        st.dataframe([{"id": r.entity_id, "name": r.canonical, "mentions": r.mentions, "documents": r.documents, "roles": r.roles} for r in rows])
        return
    records = reader(ws)
    found = find_entity(records, name)
    if not found:
        st.warning(f"Nothing matches {name!r}.")
        return
    page = build_page(records, found[0][0])
    st.session_state.graph_entity = page.entity_id
    st.subheader(page.canonical)
    st.caption(f"{page.label.lower()} · {page.entity_id}")
    st.markdown("**Aliases**")
    st.dataframe([{"alias": a.text, "script": a.script, "language": a.lang, "count": a.count} for a in page.aliases])
    if page.roles:
        st.markdown("**Roles:** " + ", ".join(f"{k} ({v})" for k, v in page.roles.items()))
    graph = cooccurrence_graph(records, page)
    if len(graph.nodes) > 1:
        st.markdown("**Named together with** — people, facilities, organisations and cases in the same passages")
        st.caption("Scroll to zoom, drag to pan, hover for counts; click a person or place to open it, a case to search it.")
        st.altair_chart(graph_chart(graph), key="entity_graph", on_select=_open_graph_node, selection_mode="node", width="stretch")
    st.markdown(f"**Mentions** ({len(page.mentions)})")
    st.dataframe([{"citation": m.citation, "name as written": m.text, "role": m.role, "cue": m.role_cue, "context": m.snippet} for m in page.mentions])
    if page.cooccurring:
        with st.expander("Named together with (table)"):
            st.dataframe([{"entity": c, "type": label.lower(), "shared passages": n, "id": e} for e, label, c, n in page.cooccurring])
    dated = dated_mentions(records, page)
    if dated:
        st.markdown("**Timeline**")
        st.altair_chart(timeline_chart([{"date": d.date, "case": d.case_number or "–", "role": d.role, "citation": d.citation,
                                         "context": d.snippet} for d in dated]), key="entity_timeline", width="stretch")
        with st.expander("Timeline (table)"):
            st.dataframe([{"date": d.date, "citation": d.citation, "role": d.role} for d in dated])
    with st.expander("Merge or split"):
        other = st.text_input("Other name or entity id", key="merge_other")
        reason = st.text_input("Reason (stored with the decision)", key="merge_reason")
        merge_col, split_col = st.columns(2)
        action = "merge" if merge_col.button("Merge into this entity", key="merge_button") else (
            "split" if split_col.button("Keep apart from this entity", key="split_button") else None)
        if action and _allowed(ws, "edit"):
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
        crossref.decide(ws.records, a[2], b[2], "merge", reason, principal(ws).name)
    elif a[0] == b[0]:
        crossref.decide(ws.records, a[1], [k for k in a[2] if k not in a[1]], "split", reason, principal(ws).name)
    else:
        crossref.decide(ws.records, a[2], b[2], "split", reason, principal(ws).name)
    stats = crossref.build(ws.records)
    st.success(f"Recorded {action}: {reason}. {stats['entities']} entities.")


def names_page() -> None:
    from pipelines.batch_names import read_names, search_names

    st.subheader("Batch name search")
    st.caption("Upload a CSV with a column 'name' (or names in the first column), in any script.")
    if not _allowed(workspace(), "batch-names"):
        return
    upload = st.file_uploader("Names (CSV)", type=["csv", "txt"], key="names_csv")
    if upload is None:
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(upload.getvalue())
    results = search_names(reader(workspace()), read_names(handle.name))
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
    if not _allowed(workspace(), "edit"):
        return
    collection = st.text_input("Collection", value="default", key="ingest_collection")
    restricted = st.checkbox("Restricted collection (readable only by users granted it)", key="ingest_restricted")
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
    known = workspace().records.collections()
    if restricted or collection not in known:
        workspace().records.set_collection(collection, "restricted" if restricted else known.get(collection, "public"))
    summary = ingest_paths(workspace(), paths, options=Options(password=password or None), collection=collection,
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

    ws = workspace()
    if not _allowed(ws, "export"):
        return
    records = reader(ws)
    found = records.passages_by_id([item["passage_id"] for item in basket])
    collections = [d.collection for d in (records.document(p.doc_id) for p in found.values()) if d]

    def audited() -> None:
        ws.audit_access(principal(ws), "export", {"brief": [item["citation"] for item in basket]}, collections)

    st.download_button("Export as Markdown", brief_markdown(basket, style), "dalil-brief.md", "text/markdown", key="export_md", on_click=audited)
    st.download_button("Export as DOCX", brief_docx(basket, style), "dalil-brief.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="export_docx", on_click=audited)
    st.download_button("Export as CSV", brief_csv(basket, style), "dalil-brief.csv", "text/csv", key="export_csv", on_click=audited)


def audit_page() -> None:
    import datetime as _dt

    ws = ready_workspace()
    st.subheader("Audit log")
    if not _allowed(ws, "admin"):
        return
    ok, message = ws.audit.verify()
    (st.success if ok else st.error)(("Chain intact: " if ok else "The log was altered outside Dalil: ") + message)
    st.dataframe([{"when (UTC)": _dt.datetime.fromtimestamp(e.at, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), "who": e.principal,
                   "action": e.action, "collections": ", ".join(e.collections), "detail": str(e.detail)} for e in ws.audit.entries(500)])
