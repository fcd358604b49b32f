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
        if self.settings.backend != "embedded":
            raise NotImplementedError(f"backend {self.settings.backend!r} is not available in this version; use 'embedded'")
        return TantivyDocumentStore(self.settings.index_path)

    @cached_property
    def searcher(self):
        from pipelines.querying import Searcher

        return Searcher(self.records, self.index)

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.commit()
        if "records" in self.__dict__:
            self.records.close()
