"""Search index on an Elasticsearch 8 cluster, shaped like `TantivyDocumentStore`.

The record store (SQLite) stays the system of record; this index is derived from it. Text arrives
pre-analysed by `pipelines.analysis` and is split on whitespace only, so both backends score the
same tokens (Elasticsearch needs no language analyzers). Queries and filters are built as dicts,
never as query strings, so user input cannot inject query syntax.

Searches go through an alias (`dalil-passages`) that points at one concrete index. `rebuild()`
fills a fresh index and swaps the alias in one atomic request, so a search never sees half an index.
Bulk writes retry 429 and 5xx answers with exponential backoff; a cluster that cannot be reached
becomes `IndexUnavailable` with a message for the person at the keyboard.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

from pipelines.analysis import ANALYSIS_VERSION, analyzed_string
from pipelines.embedding import DIMENSIONS
from pipelines.search_query import SearchQuery
from pipelines.stores.errors import IndexUnavailable, IndexWriteError
from pipelines.stores.tantivy_store import FACET_FIELDS, KEYWORD_FIELDS

SCHEMA_VERSION = 1
VectorLookup = Callable[[list[str]], dict[str, Any]]


def index_body(dimensions: int = DIMENSIONS) -> dict[str, Any]:
    """Settings and mappings of a Dalil passage index, explicit so nothing is guessed by dynamic mapping."""
    keyword = {"type": "keyword"}
    return {
        "settings": {
            "number_of_shards": 1,  # one shard: BM25 statistics over the whole corpus, like tantivy
            "number_of_replicas": 0,
            "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}},
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"dalil_schema": SCHEMA_VERSION, "dalil_analysis": ANALYSIS_VERSION},
            "_source": {"excludes": ["body", "embedding"]},
            "properties": {
                "passage_id": keyword,
                # Pre-analysed tokens joined by spaces. The built-in `whitespace` analyzer only splits
                # (a custom analyzer on the whitespace tokenizer needs the analysis-common module).
                "body": {"type": "text", "analyzer": "whitespace", "index_options": "positions"},
                "text": {"type": "text", "index": False},
                **{name: keyword for name in KEYWORD_FIELDS},
                "year": {"type": "integer"},
                "date": {"type": "date", "format": "yyyy-MM-dd"},
                "page": {"type": "integer"},
                "seq": {"type": "integer"},
                "paragraph": keyword,
                "embedding": {
                    "type": "dense_vector", "dims": dimensions, "index": True, "similarity": "cosine",
                    "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100},
                },
            },
        },
    }


def _iso_day(value: Any) -> tuple[str, bool]:
    """yyyymmdd (int or string, dashes allowed) → ('yyyy-mm-dd', clamped?). Filters say 'up to the
    31st' of any month; a date field needs a real day, so the day is clamped to the month's last."""
    digits = str(value).replace("-", "")
    year, month, day = int(digits[:4]), int(digits[4:6] or 1), int(digits[6:8] or 1)
    month_c = min(max(month, 1), 12)
    day_c = min(max(day, 1), calendar.monthrange(year, month_c)[1])
    return f"{year:04d}-{month_c:02d}-{day_c:02d}", (month_c, day_c) != (month, day)


class ElasticsearchDocumentStore:
    """Haystack DocumentStore protocol over an Elasticsearch alias, plus Dalil's search methods."""

    def __init__(
        self,
        url: str = "http://localhost:9200",
        alias: str = "dalil-passages",
        user: str | None = None,
        password: str | None = None,
        batch_size: int = 500,
        max_retries: int = 5,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        request_timeout: float = 30.0,
        vector_lookup: VectorLookup | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        from elasticsearch import Elasticsearch

        self.url, self.alias, self.user = url, alias, user
        self.batch_size, self.max_retries = batch_size, max_retries
        self.initial_backoff, self.max_backoff = initial_backoff, max_backoff
        self.vector_lookup = vector_lookup
        self.sleep = sleep
        self.client = Elasticsearch(
            url, basic_auth=(user, password or "") if user else None, request_timeout=request_timeout,
            max_retries=2, retry_on_timeout=True, retry_on_status=(429, 502, 503, 504),
        )
        self._write_index: str | None = None  # the concrete index being rebuilt, while rebuild() runs
        self._ready = False

    # --- errors as values at the edge ----------------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        from elastic_transport import ConnectionError as TransportConnectionError
        from elastic_transport import ConnectionTimeout
        from elasticsearch import AuthenticationException, AuthorizationException

        try:
            yield
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise IndexUnavailable(
                f"cannot reach Elasticsearch at {self.url} ({type(exc).__name__}). Is it running? "
                "Check DALIL_ES_URL, or start it with `docker compose up -d elasticsearch`."
            ) from None
        except (AuthenticationException, AuthorizationException) as exc:
            raise IndexUnavailable(
                f"Elasticsearch at {self.url} refused access (HTTP {exc.meta.status}): "
                "check DALIL_ES_USER and DALIL_ES_PASSWORD."
            ) from None

    def check(self) -> None:
        """Fail early, with `IndexUnavailable`, when the cluster cannot be reached or refuses us.
        (cluster health, not `GET /`: the minimal test distribution does not serve the root.)"""
        with self._guard():
            self.client.cluster.health(timeout="5s")

    # --- Haystack protocol ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"type": f"{type(self).__module__}.{type(self).__name__}",
                "init_parameters": {"url": self.url, "alias": self.alias, "user": self.user}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ElasticsearchDocumentStore:
        return cls(**data["init_parameters"])

    def count_documents(self) -> int:
        self._ensure_index()
        with self._guard():
            return int(self.client.count(index=self.alias)["count"])

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        query = self.filter_query(filters) if filters else {"match_all": {}}
        return list(self._scan(query))

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.OVERWRITE) -> int:
        """Writes are idempotent: a passage id already present is replaced, never duplicated."""
        if policy not in (DuplicatePolicy.OVERWRITE, DuplicatePolicy.NONE):
            raise ValueError(f"ElasticsearchDocumentStore only supports OVERWRITE, not {policy}")
        vectors = self._vectors([d.id for d in documents if d.embedding is None])
        target = self._target()
        self._bulk([{"_op_type": "index", "_index": target, "_id": d.id, "_source": self._to_source(d, vectors.get(d.id))}
                    for d in documents])
        return len(documents)

    def delete_documents(self, document_ids: list[str]) -> None:
        target = self._target()
        self._bulk([{"_op_type": "delete", "_index": target, "_id": i} for i in document_ids], missing_ok=True)

    # --- beyond the protocol --------------------------------------------------------------------
    def delete_by_doc_id(self, doc_id: str) -> None:
        if self._write_index is not None:
            return  # a fresh index being rebuilt holds nothing to replace
        # The minimal distribution has no _delete_by_query: find the ids, then bulk-delete them.
        ids = [d.id for d in self._scan({"term": {"doc_id": doc_id}}, index=self._target(), ids_only=True)]
        if ids:
            self.delete_documents(ids)

    def delete_all(self) -> None:
        """An empty index swapped in under the alias (no _delete_by_query in the minimal distribution)."""
        with self.rebuild():
            pass

    def analysis_outdated(self) -> bool:
        """True when the index holds passages analysed by an older version of `pipelines.analysis`."""
        if not self._alias_targets() or not self.count_documents():
            return False
        with self._guard():
            mappings = self.client.indices.get_mapping(index=self.alias)
        return any(m["mappings"].get("_meta", {}).get("dalil_analysis") != ANALYSIS_VERSION for m in mappings.values())

    def commit(self) -> None:
        """Make written documents searchable (a refresh)."""
        if not self._ready and self._write_index is None:
            return
        with self._guard():
            self.client.indices.refresh(index=self._target())

    def destroy(self) -> None:
        with self._guard():
            for name in self._alias_targets():
                self.client.indices.delete(index=name)
        self._ready = False

    # --- index lifecycle ------------------------------------------------------------------------
    def _new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"

    def _alias_targets(self) -> list[str]:
        with self._guard():
            if self.client.indices.exists_alias(name=self.alias):
                return sorted(self.client.indices.get_alias(name=self.alias))
            if self.client.indices.exists(index=self.alias):
                return [self.alias]  # a plain index under the alias's name (made by hand)
            return []

    def _create_index(self, name: str, with_alias: bool) -> None:
        body = index_body()
        with self._guard():
            self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"],
                                       aliases={self.alias: {}} if with_alias else None)
            self.client.cluster.health(index=name, wait_for_status="yellow", timeout="30s")

    def _ensure_index(self) -> None:
        if self._ready or self._write_index is not None:
            return
        if not self._alias_targets():
            from elasticsearch import BadRequestError

            try:
                self._create_index(self._new_index_name(), with_alias=True)
            except BadRequestError as exc:  # another process created it first
                if not self._alias_targets():
                    raise IndexUnavailable(f"cannot create the index {self.alias!r} at {self.url}: {exc}") from None
        self._ready = True

    def _target(self) -> str:
        if self._write_index is not None:
            return self._write_index
        self._ensure_index()
        return self.alias

    @contextmanager
    def rebuild(self) -> Iterator[str]:
        """Writes inside the block go to a fresh concrete index; on success the alias moves to it in
        one atomic request and the old index is deleted. On failure the new index is dropped and
        searches keep using the old one."""
        name = self._new_index_name()
        self._create_index(name, with_alias=False)
        self._write_index = name
        try:
            yield name
            with self._guard():
                self.client.indices.refresh(index=name)
            old = self._alias_targets()
            actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias}}]
            if old == [self.alias]:
                actions.append({"remove_index": {"index": self.alias}})
            else:
                actions = [{"remove": {"index": o, "alias": self.alias}} for o in old] + actions
            with self._guard():
                self.client.indices.update_aliases(actions=actions)
                for o in old:
                    if o != self.alias:
                        self.client.indices.delete(index=o)
            self._ready = True
        except BaseException:
            try:
                self.client.options(ignore_status=404).indices.delete(index=name)
            except Exception:  # noqa: BLE001 - the original error matters more than the clean-up
                pass
            raise
        finally:
            self._write_index = None

    # --- bulk writes ----------------------------------------------------------------------------
    def _bulk(self, actions: list[dict[str, Any]], missing_ok: bool = False) -> None:
        """Bounded batches; items answered 429 or 5xx are retried with exponential backoff."""
        from elasticsearch import helpers

        for start in range(0, len(actions), self.batch_size):
            pending = actions[start : start + self.batch_size]
            for attempt in range(self.max_retries + 1):
                with self._guard():
                    _, errors = helpers.bulk(self.client, pending, chunk_size=self.batch_size, max_retries=0,
                                             raise_on_error=False, raise_on_exception=False, stats_only=False)
                failed: dict[tuple[str, str], dict] = {}
                for error in errors:  # type: ignore[union-attr]
                    op, info = next(iter(error.items()))
                    status = int(info.get("status") or 0)
                    if missing_ok and op == "delete" and status == 404:
                        continue
                    failed[(op, str(info.get("_id")))] = info
                if not failed:
                    break
                fatal = [i for i in failed.values() if not (int(i.get("status") or 0) == 429 or int(i.get("status") or 0) >= 500)]
                if fatal or attempt == self.max_retries:
                    first = (fatal or list(failed.values()))[0]
                    reason = first.get("error")
                    if isinstance(reason, dict):
                        reason = f"{reason.get('type')}: {reason.get('reason')}"
                    raise IndexWriteError(f"Elasticsearch rejected {len(failed)} of {len(pending)} writes "
                                          f"(HTTP {first.get('status')}: {reason})")
                pending = [a for a in pending if (a["_op_type"], a["_id"]) in failed]
                self.sleep(min(self.max_backoff, self.initial_backoff * 2**attempt))

    def _vectors(self, passage_ids: list[str]) -> dict[str, Any]:
        if self.vector_lookup is None or not passage_ids:
            return {}
        return self.vector_lookup(passage_ids)

    # --- document shape (the same as TantivyDocumentStore's) ------------------------------------
    def _to_source(self, doc: Document, vector: Any = None) -> dict[str, Any]:
        meta = doc.meta
        source: dict[str, Any] = {
            "passage_id": doc.id,
            "body": meta.get("analyzed") or analyzed_string(doc.content or "", meta.get("lang", "und")),
            "text": doc.content or "",
            "page": int(meta.get("page") or 0),
            "seq": int(meta.get("seq") or 0),
        }
        for name in KEYWORD_FIELDS:
            values = meta.get(name)
            kept = [str(v) for v in (values if isinstance(values, list) else [values]) if v]
            if kept:
                source[name] = kept if isinstance(values, list) else kept[0]
        date = meta.get("date")
        if date and len(str(date)) >= 10:
            try:
                day = datetime.strptime(str(date)[:10], "%Y-%m-%d")
                source["date"], source["year"] = f"{day:%Y-%m-%d}", day.year
            except ValueError:
                pass
        if meta.get("paragraph"):
            source["paragraph"] = str(meta["paragraph"])
        embedding = doc.embedding if doc.embedding is not None else vector
        if embedding is not None:
            source["embedding"] = [float(x) for x in embedding]
        return source

    @staticmethod
    def _to_document(hit: dict[str, Any], score: float | None) -> Document:
        src = hit.get("_source") or {}
        first = lambda name: (lambda v: v[0] if isinstance(v, list) else v)(src.get(name))  # noqa: E731
        meta: dict[str, Any] = {name: first(name) for name in ("doc_id", "lang", "court", "case_number", "doc_type", "collection", "page", "seq", "paragraph", "year")}
        listed = lambda name: src.get(name) if isinstance(src.get(name), list) else ([src[name]] if src.get(name) else [])  # noqa: E731
        meta["entity"] = listed("entity")
        meta["role"] = listed("role")
        meta["date"] = src.get("date")
        return Document(id=src.get("passage_id") or hit["_id"], content=src.get("text"), meta=meta, score=score)

    # --- querying -------------------------------------------------------------------------------
    def filter_query(self, filters: dict[str, Any]) -> dict[str, Any]:
        """Haystack filter dictionaries → query DSL (as dicts; values are never parsed as syntax)."""
        if "conditions" in filters:
            parts = [self.filter_query(c) for c in filters["conditions"]]
            operator = filters["operator"].upper()
            if operator == "AND":
                return {"bool": {"filter": parts}}
            if operator == "OR":
                return {"bool": {"should": parts, "minimum_should_match": 1}}
            if operator == "NOT":  # as in TantivyDocumentStore: none of the conditions
                return {"bool": {"must": [{"match_all": {}}], "must_not": parts}}
            raise ValueError(f"unknown filter operator {operator}")
        field = filters["field"].removeprefix("meta.")
        if field == "id":
            field = "passage_id"
        operator, value = filters["operator"], filters["value"]
        ranges = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
        if field in ("year", "date") and operator in ranges:
            bound = ranges[operator]
            if field == "date":
                value, clamped = _iso_day(value)
                if clamped and bound == "lt":
                    bound = "lte"  # '< Feb 31' is '<= Feb 29'
            else:
                value = int(str(value).replace("-", "")[:4])
            return {"range": {field: {bound: value}}}
        if operator == "==":
            return self._term(field, value)
        if operator == "!=":
            return {"bool": {"must": [{"match_all": {}}], "must_not": [self._term(field, value)]}}
        if operator == "in":
            return {"bool": {"should": [self._term(field, v) for v in value], "minimum_should_match": 1}} if value else {"match_none": {}}
        if operator == "not in":
            return {"bool": {"must": [{"match_all": {}}], "must_not": [self._term(field, v) for v in value]}}
        raise ValueError(f"unsupported filter operator {operator!r} on {field}")

    @staticmethod
    def _term(field: str, value: Any) -> dict[str, Any]:
        if field == "date":
            return {"term": {field: _iso_day(value)[0]}}
        if field in ("year", "page", "seq"):
            return {"term": {field: int(value)}}
        return {"term": {field: str(value)}}

    def text_query(self, query: SearchQuery) -> dict[str, Any]:
        def alternatives(variants: set[str]) -> dict[str, Any]:
            terms = sorted(variants)
            if len(terms) == 1:
                return {"term": {"body": terms[0]}}
            return {"bool": {"should": [{"term": {"body": t}} for t in terms]}}

        def phrase(words: list[set[str]]) -> dict[str, Any]:
            if len(words) == 1:
                return alternatives(words[0])
            combos: list[list[str]] = [[]]
            for variants in words:
                combos = [c + [v] for c in combos for v in sorted(variants)][:16]
            # Each term is already analysed and holds no whitespace: the whitespace analyzer keeps it whole.
            phrases = [{"match_phrase": {"body": {"query": " ".join(c)}}} for c in combos]
            return phrases[0] if len(phrases) == 1 else {"bool": {"should": phrases}}

        occurs: dict[str, list[dict[str, Any]]] = {"must": [], "should": [], "must_not": []}
        for clause in query.clauses:
            built = phrase(clause.words) if clause.phrase else alternatives(clause.words[0])
            if clause.boost != 1.0:
                built = {"bool": {"must": [built], "boost": clause.boost}}
            occurs[clause.occur].append(built)
        if not occurs["must"] and not occurs["should"]:
            occurs["must"].append({"match_all": {}})
        return {"bool": {k: v for k, v in occurs.items() if v}}

    def _query(self, query: SearchQuery | None, filters: dict[str, Any] | None) -> dict[str, Any]:
        base = self.text_query(query) if query else {"match_all": {}}
        if filters:  # filters do not score; the text query stays in `must` so its should-clauses still count
            return {"bool": {"must": [base], "filter": [self.filter_query(filters)]}}
        return base

    def _search(self, **kwargs: Any) -> dict[str, Any]:
        self._ensure_index()
        with self._guard():
            return self.client.search(index=self.alias, **kwargs).body

    def bm25_retrieval(self, query: SearchQuery, filters: dict[str, Any] | None = None, top_k: int = 10, offset: int = 0) -> tuple[list[Document], int]:
        result = self._search(query=self._query(query, filters), size=top_k, from_=offset, track_total_hits=True)
        hits = result["hits"]
        return [self._to_document(h, h["_score"]) for h in hits["hits"]], int(hits["total"]["value"])

    def embedding_retrieval(self, query_vector: Any, filters: dict[str, Any] | None = None, top_k: int = 10, num_candidates: int = 200) -> list[Document]:
        """kNN on the dense_vector field, filtered inside the kNN search. Scores are cosine similarities."""
        knn: dict[str, Any] = {"field": "embedding", "query_vector": [float(x) for x in query_vector], "k": top_k,
                               "num_candidates": min(10_000, max(num_candidates, top_k))}
        if filters:
            knn["filter"] = self.filter_query(filters)
        result = self._search(knn=knn, size=top_k)
        # Elasticsearch reports cosine as (1 + cos) / 2; give back the cosine itself, as the vector store does.
        return [self._to_document(h, 2 * float(h["_score"]) - 1) for h in result["hits"]["hits"]]

    def facets(self, query: SearchQuery | None, filters: dict[str, Any] | None = None, fields: tuple[str, ...] = FACET_FIELDS, size: int = 20) -> dict[str, dict[str, int]]:
        aggs = {name: {"terms": {"field": name, "size": size}} for name in fields}
        result = self._search(query=self._query(query, filters), size=0, aggs=aggs, track_total_hits=False)
        return {
            name: {str(b["key"]): int(b["doc_count"]) for b in result.get("aggregations", {}).get(name, {}).get("buckets", [])}
            for name in fields
        }

    def _scan(self, query: dict[str, Any], index: str | None = None, ids_only: bool = False, page: int = 1000) -> Iterator[Document]:
        """Every match, in passage-id order, paged with search_after (no scroll contexts left open)."""
        index = index or self.alias
        self._ensure_index()
        after: list[Any] | None = None
        while True:
            kwargs: dict[str, Any] = {"query": query, "size": page, "sort": [{"passage_id": "asc"}], "track_total_hits": False}
            if after is not None:
                kwargs["search_after"] = after
            if ids_only:
                kwargs["source"] = False
            with self._guard():
                hits = self.client.search(index=index, **kwargs).body["hits"]["hits"]
            for hit in hits:
                yield Document(id=hit["_id"]) if ids_only else self._to_document(hit, None)
            if len(hits) < page:
                return
            after = hits[-1]["sort"]
