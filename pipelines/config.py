"""Configuration from the environment and flags. The only global state Dalil has."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")


def default_data_dir() -> Path:
    if os.environ.get("DALIL_DATA"):
        return Path(os.environ["DALIL_DATA"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "dalil"


BACKENDS = ("embedded", "elasticsearch")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    backend: str = "embedded"  # embedded (tantivy in the data folder) | elasticsearch
    es_url: str = "http://localhost:9200"
    es_user: str | None = None
    es_password: str | None = None
    es_index: str = "dalil-passages"  # an alias; each rebuild fills a new concrete index behind it

    @classmethod
    def load(cls, data_dir: str | Path | None = None, backend: str | None = None) -> "Settings":
        backend = backend or os.environ.get("DALIL_BACKEND", "embedded")
        if backend not in BACKENDS:
            from pipelines.stores.errors import IndexUnavailable

            raise IndexUnavailable(f"unknown backend {backend!r} (DALIL_BACKEND): use one of {', '.join(BACKENDS)}")
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
            backend=backend,
            es_url=os.environ.get("DALIL_ES_URL") or "http://localhost:9200",
            es_user=os.environ.get("DALIL_ES_USER") or None,
            es_password=os.environ.get("DALIL_ES_PASSWORD") or None,
            es_index=os.environ.get("DALIL_ES_INDEX") or "dalil-passages",
        )

    @property
    def record_path(self) -> Path:
        return self.data_dir / "records.sqlite3"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index" / "tantivy"

    @property
    def ocr_cache_path(self) -> Path:
        return self.data_dir / "ocr-cache"
