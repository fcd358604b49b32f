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


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    backend: str = "embedded"

    @classmethod
    def load(cls, data_dir: str | Path | None = None, backend: str | None = None) -> "Settings":
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
            backend=backend or os.environ.get("DALIL_BACKEND", "embedded"),
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
