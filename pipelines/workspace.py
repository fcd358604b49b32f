"""A workspace is one data folder: the record store plus the search index derived from it."""

from __future__ import annotations

from functools import cached_property

from pipelines.config import Settings
from pipelines.stores.record import RecordStore
from pipelines.stores.tantivy_store import TantivyDocumentStore


class Workspace:
    def __init__(self, settings: Settings):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def open(cls, data_dir=None, backend=None) -> "Workspace":
        return cls(Settings.load(data_dir, backend))

    @cached_property
    def records(self) -> RecordStore:
        return RecordStore(self.settings.record_path)

    @cached_property
    def index(self) -> TantivyDocumentStore:
        if self.settings.backend == "elasticsearch":
            from pipelines.stores.elasticsearch_store import ElasticsearchDocumentStore
            from pipelines.stores.vectors import VectorStore

            s = self.settings
            store = ElasticsearchDocumentStore(s.es_url, s.es_index, s.es_user, s.es_password,
                                               vector_lookup=VectorStore(self.records).vectors_for)
            store.check()  # a clear error now rather than from inside a pipeline
            return store
        return TantivyDocumentStore(self.settings.index_path)

    @cached_property
    def searcher(self):
        from pipelines.querying import Searcher

        return Searcher(self.records, self.index, self.audit)

    @cached_property
    def audit(self):
        from pipelines.audit import AuditLog

        return AuditLog(self.settings.data_dir / "audit.sqlite3")

    @cached_property
    def users(self):
        from pipelines.users import UserFile

        return UserFile(self.settings.data_dir / "users.json")

    def audit_access(self, principal, action: str, detail: dict, collections: list[str]) -> None:
        """Append to the audit log if this view or export touched a restricted collection."""
        self.audit.record_if_restricted(principal.name, action, detail, collections, self.records.collections())

    def records_for(self, principal) -> RecordStore:
        """The record store as `principal` may see it (see pipelines.scoped)."""
        from pipelines.scoped import scope

        return scope(self.records, principal)

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.commit()
        if "records" in self.__dict__:
            self.records.close()
