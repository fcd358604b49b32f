"""The Elasticsearch backend against a real node (tests/elasticsearch_node.py): the sample corpus
reindexed from the record store must give the same answers as the embedded tantivy index."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from haystack import Document

from pipelines.cli import main
from pipelines.config import Settings
from pipelines.indexing import reindex
from pipelines.search_query import QuerySyntaxError
from pipelines.stores.elasticsearch_store import ElasticsearchDocumentStore
from pipelines.stores.errors import IndexWriteError
from pipelines.workspace import Workspace
from tests.conftest import ROOT

QUERIES = [r["query"] for r in csv.DictReader((ROOT / "corpora/gold/queries/queries.tsv").open(encoding="utf-8"), delimiter="\t")]
QUERIES += [
    '"1 StE 9/19"', "1 StE 3/21", '"Abteilung 251" Zeuge', "+Zeuge +Duma", "Folter -Elektroschocks",
    "Zeuge NOT Barakat", "Zeuge lang:en", "Zeuge -lang:de", "date:2021..2021 Zeuge", "date:2020-04..2021-02 Zeuge",
    "type:judgment Folter", "court:OLG", "-Folter", "التعذيب lang:ar", "witness OR Zeuge",
]
# Attempts to widen a search through query syntax. Each is refused (QuerySyntaxError) or searched as
# plain words and filter values, exactly as the embedded index does; one with words in it never
# matches everything. (A query of symbols only has no words: it is a syntax error, or a browse of
# what the user may read when access control adds a collection filter, on both backends alike.)
INJECTIONS = ['"} OR *:*', "*", "*:*", "lang:de) OR (x", '{"match_all": {}}', "lang:*", "court:* OR *",
              "doc:*", 'body:"*"', "_id:*", '\\" OR \\"', "lang:de OR lang:*", "entity:*", "match_all OR *:*"]


def _copy_data(source: Path, target: Path) -> Path:
    """The ES tests reindex their own copy of the ingested record store (no tantivy index in it)."""
    target.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source / "records.sqlite3") as src, sqlite3.connect(target / "records.sqlite3") as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="module")
def es_alias() -> str:
    return f"dalil-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def es_workspace(sample_data, elasticsearch_url, es_alias, tmp_path_factory):
    data = _copy_data(sample_data, tmp_path_factory.mktemp("es-data"))
    workspace = Workspace(Settings(data_dir=data, backend="elasticsearch", es_url=elasticsearch_url, es_index=es_alias))
    reindex(workspace.records, workspace.index)
    yield workspace
    workspace.index.destroy()
    workspace.close()


def _store(url: str, **kwargs) -> ElasticsearchDocumentStore:
    return ElasticsearchDocumentStore(url, alias=f"dalil-test-{uuid.uuid4().hex[:8]}", **kwargs)


def _docs(n: int, doc_id: str = "d1") -> list[Document]:
    return [Document(id=f"{doc_id}:{i}", content=f"word{i} common", meta={"doc_id": doc_id, "lang": "en", "seq": i}) for i in range(n)]


# --- the index Dalil creates ------------------------------------------------------------------
def test_reindex_fills_an_explicitly_mapped_index_behind_an_alias(es_workspace, es_alias):
    store, records = es_workspace.index, es_workspace.records
    passages = records.query("SELECT count(*) FROM passages")[0][0]
    assert store.count_documents() == passages
    (concrete,) = store.client.indices.get_alias(name=es_alias)
    assert concrete.startswith(es_alias + "-")
    mapping = store.client.indices.get_mapping(index=es_alias)[concrete]["mappings"]
    props = mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert props["body"]["analyzer"] == "whitespace"
    for name in ("case_number", "court", "lang", "entity", "role", "collection", "doc_id"):
        assert props[name]["type"] == "keyword", name
    assert props["date"]["type"] == "date"
    assert props["embedding"] == {**props["embedding"], "type": "dense_vector", "dims": 512, "index": True}
    vectors = records.query("SELECT count(*) FROM embeddings")[0][0]
    with_vectors = store.client.count(index=es_alias, query={"exists": {"field": "embedding"}})["count"]
    assert vectors > 0 and with_vectors == vectors


# --- the same answers as the embedded index ---------------------------------------------------
@pytest.mark.parametrize("dense", [False, True], ids=["bm25", "hybrid"])
def test_same_hits_totals_and_facets_as_embedded(sample_workspace, es_workspace, dense):
    differences = []
    for query in QUERIES:
        a = sample_workspace.searcher.search(query, limit=10, dense=dense, with_facets=True)
        b = es_workspace.searcher.search(query, limit=10, dense=dense, with_facets=True)
        got = ([h.passage_id for h in a.hits], a.total, a.facets), ([h.passage_id for h in b.hits], b.total, b.facets)
        if got[0] != got[1]:
            differences.append(f"{query!r}: embedded {got[0][:2]} != elasticsearch {got[1][:2]}")
    assert not differences, "\n".join(differences)


def test_citations_and_highlights_are_the_same(sample_workspace, es_workspace):
    for query in ("Freitagsgebet Moschee Barakat", "forensic pathologist", "جائحة كورونا"):
        a, b = (w.searcher.search(query, limit=3, dense=False).hits for w in (sample_workspace, es_workspace))
        assert [(h.citation, h.highlights, h.text) for h in a] == [(h.citation, h.highlights, h.text) for h in b]


FILTERS = [
    {"field": "meta.lang", "operator": "==", "value": "de"},
    {"field": "meta.lang", "operator": "!=", "value": "de"},
    {"field": "meta.lang", "operator": "in", "value": ["ar", "en"]},
    {"field": "meta.lang", "operator": "not in", "value": ["ar", "en"]},
    {"field": "meta.case_number", "operator": "==", "value": "1 StE 9/19"},
    {"field": "meta.date", "operator": ">=", "value": 20210101},
    {"field": "meta.date", "operator": "<", "value": 20220113},
    {"field": "meta.date", "operator": "<=", "value": 20210231},  # no such day: clamped, same answer
    {"field": "meta.year", "operator": ">", "value": 2020},
    {"field": "meta.role", "operator": "==", "value": "witness"},
    {"operator": "OR", "conditions": [{"field": "meta.lang", "operator": "==", "value": "ar"}, {"field": "meta.doc_type", "operator": "==", "value": "judgment"}]},
    {"operator": "NOT", "conditions": [{"field": "meta.lang", "operator": "==", "value": "de"}]},
    {"operator": "AND", "conditions": [{"field": "meta.lang", "operator": "==", "value": "de"}, {"field": "meta.doc_type", "operator": "==", "value": "judgment"}]},
    {"field": "id", "operator": "in", "value": []},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(i) for i in range(len(FILTERS))])
def test_filter_documents_agree(sample_workspace, es_workspace, filters):
    a = sorted((d.id, d.content, tuple(sorted(d.meta.items(), key=str))) for d in sample_workspace.index.filter_documents(filters))
    b = sorted((d.id, d.content, tuple(sorted(d.meta.items(), key=str))) for d in es_workspace.index.filter_documents(filters))
    assert a == b


def test_facets_without_a_query_agree(sample_workspace, es_workspace):
    assert sample_workspace.index.facets(None, size=100) == es_workspace.index.facets(None, size=100)


def test_more_like_this_uses_knn_and_agrees(sample_workspace, es_workspace):
    passage = es_workspace.records.query("SELECT passage_id FROM embeddings ORDER BY passage_id LIMIT 1")[0][0]
    a = sample_workspace.searcher.search("", like_passage=passage, limit=5)
    b = es_workspace.searcher.search("", like_passage=passage, limit=5)
    assert [h.passage_id for h in a.hits] == [h.passage_id for h in b.hits] and passage not in [h.passage_id for h in b.hits]


# --- user input never becomes query syntax ----------------------------------------------------
@pytest.mark.parametrize("query", INJECTIONS)
def test_query_injection_neither_widens_nor_breaks(sample_workspace, es_workspace, query):
    everything = es_workspace.index.count_documents()
    try:
        b = es_workspace.searcher.search(query, limit=10, dense=False)
    except QuerySyntaxError:
        with pytest.raises(QuerySyntaxError):
            sample_workspace.searcher.search(query, limit=10, dense=False)
        return
    a = sample_workspace.searcher.search(query, limit=10, dense=False)
    assert b.total == a.total and [h.passage_id for h in b.hits] == [h.passage_id for h in a.hits]
    if any(c.isalnum() for c in query):
        assert b.total < everything


def test_filter_values_are_terms_not_syntax(es_workspace):
    for value in ("*", "de OR en", "de) OR (lang:en", '"} , {"match_all": {}}', "d*"):
        assert es_workspace.index.filter_documents({"field": "meta.lang", "operator": "==", "value": value}) == []


# --- reindex: alias swap, never half an index -------------------------------------------------
def test_searches_during_a_reindex_always_see_a_whole_index(es_workspace, es_alias):
    store, records = es_workspace.index, es_workspace.records
    full = store.count_documents()
    (before,) = store.client.indices.get_alias(name=es_alias)
    seen, failures = [], []
    done = threading.Event()

    def rebuild():
        try:
            reindex(records, store)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=rebuild)
    worker.start()
    while not done.is_set():
        seen.append(store.client.count(index=es_alias)["count"])
    worker.join()
    assert not failures
    assert seen and set(seen) == {full}
    (after,) = store.client.indices.get_alias(name=es_alias)
    assert after != before
    assert not store.client.indices.exists(index=before)  # the old index is deleted after the swap
    assert store.count_documents() == full


def test_a_failed_rebuild_leaves_the_old_index_in_place(es_workspace, es_alias):
    store = es_workspace.index
    full = store.count_documents()
    (before,) = store.client.indices.get_alias(name=es_alias)
    with pytest.raises(RuntimeError, match="half way"):
        with store.rebuild() as building:
            store.write_documents(_docs(3, "partial"))
            store.commit()
            assert store.client.count(index=building)["count"] == 3
            assert store.count_documents() == full  # searches still see the whole old index
            raise RuntimeError("stopped half way")
    assert dict(store.client.indices.get_alias(name=es_alias)) == {before: {"aliases": {es_alias: {}}}}
    assert not store.client.indices.exists(index=building)
    assert store.count_documents() == full


# --- writes -----------------------------------------------------------------------------------
def test_writes_replace_by_id_and_delete_by_document(elasticsearch_url):
    store = _store(elasticsearch_url)
    try:
        store.write_documents(_docs(5, "a") + _docs(2, "b"))
        store.write_documents(_docs(5, "a"))  # idempotent: replaced, not duplicated
        store.commit()
        assert store.count_documents() == 7
        store.delete_by_doc_id("a")
        store.commit()
        assert sorted(d.id for d in store.filter_documents()) == ["b:0", "b:1"]
        store.delete_all()
        assert store.count_documents() == 0
    finally:
        store.destroy()


def test_bulk_writes_go_in_bounded_batches(elasticsearch_url, monkeypatch):
    from elasticsearch import helpers

    sizes = []
    real_bulk = helpers.bulk
    monkeypatch.setattr(helpers, "bulk", lambda client, actions, **kw: (sizes.append(len(actions)), real_bulk(client, actions, **kw))[1])
    store = _store(elasticsearch_url, batch_size=4)
    try:
        store.write_documents(_docs(10))
        store.commit()
        assert sizes == [4, 4, 2] and store.count_documents() == 10
    finally:
        store.destroy()


def test_bulk_retries_429_from_the_node_with_backoff(elasticsearch_url):
    """A read-only-allow-delete block makes the real node answer 429; lifted during the backoff."""
    waits = []
    store = _store(elasticsearch_url, initial_backoff=0.1, max_retries=4)

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 2:
            store.client.indices.put_settings(index=store.alias, settings={"index.blocks.read_only_allow_delete": None})

    store.sleep = sleep
    try:
        store.write_documents(_docs(1, "first"))
        store.client.indices.put_settings(index=store.alias, settings={"index.blocks.read_only_allow_delete": True})
        store.write_documents(_docs(3))
        store.commit()
        assert waits == [0.1, 0.2]
        assert store.count_documents() == 4
        # Retries are bounded: a block that stays gives a clear error after max_retries.
        store.client.indices.put_settings(index=store.alias, settings={"index.blocks.read_only_allow_delete": True})
        waits.clear()
        store.max_retries = 1
        with pytest.raises(IndexWriteError, match="HTTP 429"):
            store.write_documents(_docs(2, "late"))
    finally:
        store.client.indices.put_settings(index=store.alias, settings={"index.blocks.read_only_allow_delete": None})
        store.destroy()


def test_a_rejected_document_is_a_clear_error_not_retried(elasticsearch_url):
    waits = []
    store = _store(elasticsearch_url, sleep=waits.append)
    bad = Document(id="x", content="t", meta={"doc_id": "d", "lang": "en"}, embedding=[0.1, 0.2])  # wrong dimensions
    try:
        with pytest.raises(IndexWriteError, match="HTTP 400"):
            store.write_documents([bad])
        assert waits == []
    finally:
        store.destroy()


# --- the command line -------------------------------------------------------------------------
def test_cli_reindex_with_backend_flag_then_search(sample_data, elasticsearch_url, tmp_path, monkeypatch):
    data = _copy_data(sample_data, tmp_path / "data")
    alias = f"dalil-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DALIL_ES_URL", elasticsearch_url)
    monkeypatch.setenv("DALIL_ES_INDEX", alias)
    monkeypatch.delenv("DALIL_BACKEND", raising=False)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["reindex", "--backend", "elasticsearch", "--data", str(data)]) == 0
    assert "Re-indexed 7 documents" in out.getvalue()
    try:
        monkeypatch.setenv("DALIL_BACKEND", "elasticsearch")
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["search", "forensic pathologist", "--data", str(data), "--json", "--limit", "1"]) == 0
        assert '"judgment-summary-en.pdf"' in out.getvalue()
    finally:
        ElasticsearchDocumentStore(elasticsearch_url, alias=alias).destroy()


def test_unreachable_cluster_is_a_readable_error_not_a_traceback(sample_data, tmp_path):
    from tests.elasticsearch_node import _free_port

    port = _free_port()  # nothing listens there
    env = {**os.environ, "DALIL_BACKEND": "elasticsearch", "DALIL_ES_URL": f"http://127.0.0.1:{port}"}
    for argv in (["search", "foo", "--data", str(sample_data)], ["reindex", "--backend", "elasticsearch", "--data", str(tmp_path)]):
        run = subprocess.run([sys.executable, "-m", "pipelines.cli", *argv], capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 4, run.stderr
        assert "Traceback" not in run.stderr
        assert f"cannot reach Elasticsearch at http://127.0.0.1:{port}" in run.stderr


def test_the_query_dsl_is_built_from_dicts_never_query_strings(es_workspace):
    import json

    from pipelines.search_query import parse_query

    for text in QUERIES + INJECTIONS:
        try:
            query = parse_query(text)
        except QuerySyntaxError:
            continue
        filters = {"operator": "AND", "conditions": query.filters} if query.filters else None
        dsl = json.dumps(es_workspace.index._query(query, filters))
        assert "query_string" not in dsl and "wildcard" not in dsl and "regexp" not in dsl, text


def test_an_index_from_an_older_analysis_is_rebuilt_on_the_next_ingest(sample_data, elasticsearch_url, tmp_path):
    from pipelines.indexing import index_pending

    data = _copy_data(sample_data, tmp_path / "data")
    workspace = Workspace(Settings(data_dir=data, backend="elasticsearch", es_url=elasticsearch_url, es_index=f"dalil-test-{uuid.uuid4().hex[:8]}"))
    store = workspace.index
    try:
        reindex(workspace.records, store)
        assert not store.analysis_outdated()
        [index] = store._alias_targets()
        # As an index written before compounds were split: its mapping carries no analysis version.
        store.client.indices.put_mapping(index=index, meta={"dalil_schema": 1})
        assert store.analysis_outdated()
        assert index_pending(workspace.records, store) > 0
        assert not store.analysis_outdated() and store._alias_targets() != [index]
        assert workspace.searcher.search("Gewehr", lang="de", dense=False, limit=1).hits
    finally:
        store.destroy()
        workspace.close()
