"""The audit trail: who searched, viewed or exported restricted material, and when.

An append-only SQLite file beside the record store. Triggers refuse UPDATE and DELETE, so no code path
in Dalil can rewrite it, and every entry carries a SHA-256 chain over the previous one, so an edit made
outside Dalil (with a SQLite shell) shows up in `dalil audit --verify`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    principal TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    collections TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: float
    principal: str
    action: str
    detail: dict
    collections: list[str]


def _digest(prev: str, at: float, principal: str, action: str, detail: str, collections: str) -> str:
    return hashlib.sha256("\x1f".join((prev, repr(at), principal, action, detail, collections)).encode()).hexdigest()


class AuditLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)

    def record(self, principal: str, action: str, detail: dict, collections: list[str]) -> None:
        at = time.time()
        detail_json = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        cols = json.dumps(sorted(set(collections)))
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            row = self._conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            prev = row[0] if row else ""
            self._conn.execute(
                "INSERT INTO audit(at, principal, action, detail, collections, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (at, principal, action, detail_json, cols, prev, _digest(prev, at, principal, action, detail_json, cols)))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def record_if_restricted(self, principal: str, action: str, detail: dict, collections: list[str],
                             visibility: dict[str, str]) -> None:
        """Log the access only when it touched a restricted collection (`visibility`: collection → public|restricted)."""
        touched = sorted({c for c in collections if visibility.get(c) == "restricted"})
        if touched:
            self.record(principal, action, detail, touched)

    def entries(self, limit: int = 200) -> list[AuditEntry]:
        rows = self._conn.execute(
            "SELECT seq, at, principal, action, detail, collections FROM audit ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [AuditEntry(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5])) for r in rows]

    def verify(self) -> tuple[bool, str]:
        """Whether the hash chain is intact, and where it breaks if not."""
        prev = ""
        count = 0
        for seq, at, principal, action, detail, cols, prev_hash, digest in self._conn.execute(
                "SELECT seq, at, principal, action, detail, collections, prev_hash, hash FROM audit ORDER BY seq"):
            if prev_hash != prev or digest != _digest(prev, at, principal, action, detail, cols):
                return False, f"entry {seq} was altered, or an entry before it was removed"
            prev = digest
            count += 1
        return True, f"{count} entries, chain intact"

    def close(self) -> None:
        self._conn.close()
