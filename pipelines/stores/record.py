"""The record store: SQLite (WAL), the system of record. The search index is rebuilt from it.

One transaction per document, so a crash never leaves half a document behind. Writers are the
ingest process only; readers (search, UI) may run at the same time thanks to WAL.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.model import Failure, LegalMeta, Page, Passage, SourceDocument, TextMethod

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    title TEXT,
    court TEXT,
    case_number TEXT,
    date TEXT,
    doc_type TEXT,
    collection TEXT NOT NULL DEFAULT 'default',
    page_count INTEGER NOT NULL,
    page_errors TEXT NOT NULL DEFAULT '[]',
    indexed INTEGER NOT NULL DEFAULT 0,
    ingested_at REAL NOT NULL,
    run_id INTEGER
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    method TEXT NOT NULL,
    ocr_confidence REAL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    paragraph TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, seq);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT NOT NULL,
    doc_id TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    run_id INTEGER,
    at REAL NOT NULL,
    PRIMARY KEY (path, doc_id)
);
CREATE TABLE IF NOT EXISTS mentions (
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    source TEXT NOT NULL,
    gazetteer_id TEXT,
    entity_key TEXT NOT NULL,
    role TEXT NOT NULL,
    role_cue TEXT,
    role_cue_start INTEGER,
    role_confidence REAL NOT NULL,
    title TEXT,
    PRIMARY KEY (passage_id, start, "end")
);
CREATE INDEX IF NOT EXISTS mentions_key ON mentions(entity_key);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);
CREATE TABLE IF NOT EXISTS tagged (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    tagger_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS collections (
    name TEXT PRIMARY KEY,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'restricted'))
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,
    finished_at REAL,
    args TEXT NOT NULL,
    summary TEXT
);
"""


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    path: str
    filename: str
    mime: str
    title: str | None
    meta: LegalMeta
    collection: str
    page_count: int
    indexed: bool


@dataclass(frozen=True)
class FailureRow:
    path: str
    doc_id: str | None
    reason: str
    detail: str
    at: float


class RecordStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    # --- collections ----------------------------------------------------------------------------
    def set_collection(self, name: str, visibility: str) -> None:
        self._conn.execute("INSERT INTO collections(name, visibility) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET visibility = excluded.visibility",
                           (name, visibility))

    def collections(self) -> dict[str, str]:
        """Every collection with its visibility; one that holds documents but was never declared is public."""
        out = {r[0]: "public" for r in self._conn.execute("SELECT DISTINCT collection FROM main.documents")}
        out.update({r[0]: r[1] for r in self._conn.execute("SELECT name, visibility FROM main.collections")})
        return out

    # --- runs -----------------------------------------------------------------------------------
    def start_run(self, args: dict) -> int:
        cur = self._conn.execute("INSERT INTO runs(started_at, args) VALUES (?, ?)", (time.time(), json.dumps(args)))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, summary: dict) -> None:
        self._conn.execute("UPDATE runs SET finished_at=?, summary=? WHERE run_id=?", (time.time(), json.dumps(summary), run_id))

    # --- writes ---------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def note_source(self, path: str, doc_id: str) -> None:
        self._conn.execute(
            "INSERT INTO sources(path, doc_id, seen_at) VALUES (?,?,?) ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id",
            (path, doc_id, time.time()),
        )

    def put_document(self, doc: SourceDocument, collection: str = "default", run_id: int | None = None,
                     mention_rows: list[tuple] | None = None, tagger_version: str | None = None) -> bool:
        """Store a document (and its mentions, if tagged) in one transaction. False if it was already there."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone():
                return False
            m = doc.meta
            conn.execute(
                "INSERT INTO documents(doc_id, path, filename, mime, title, court, case_number, date, doc_type,"
                " collection, page_count, page_errors, ingested_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.path, doc.filename, doc.mime, m.title, m.court, m.case_number, m.date, m.doc_type,
                 collection, len(doc.pages), json.dumps(doc.page_errors), time.time(), run_id),
            )
            conn.executemany(
                "INSERT INTO pages(doc_id, number, text, method, ocr_confidence) VALUES (?,?,?,?,?)",
                [(doc.doc_id, p.number, p.text, p.method.value, p.ocr_confidence) for p in doc.pages],
            )
            conn.executemany(
                'INSERT INTO passages(passage_id, doc_id, seq, page, paragraph, start, "end", text, lang) VALUES (?,?,?,?,?,?,?,?,?)',
                [(p.passage_id, p.doc_id, p.seq, p.page, p.paragraph, p.start, p.end, p.text, p.lang) for p in doc.passages],
            )
            if tagger_version is not None:
                self._insert_mentions(conn, doc.doc_id, mention_rows or [], tagger_version)
            conn.execute("DELETE FROM failures WHERE doc_id=?", (doc.doc_id,))
            conn.execute(
                "INSERT INTO sources(path, doc_id, seen_at) VALUES (?,?,?) ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id",
                (doc.path, doc.doc_id, time.time()),
            )
        return True

    def put_failure(self, failure: Failure, run_id: int | None = None) -> None:
        self._conn.execute(
            "INSERT INTO failures(path, doc_id, reason, detail, run_id, at) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(path, doc_id) DO UPDATE SET reason=excluded.reason, detail=excluded.detail,"
            " run_id=excluded.run_id, at=excluded.at",
            (failure.path, failure.doc_id or "", failure.reason.value, failure.detail, run_id, time.time()),
        )

    def mark_indexed(self, doc_ids: list[str], indexed: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany("UPDATE documents SET indexed=? WHERE doc_id=?", [(int(indexed), d) for d in doc_ids])

    def mark_all_unindexed(self) -> None:
        self._conn.execute("UPDATE documents SET indexed=0")

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            conn.execute("DELETE FROM sources WHERE doc_id=?", (doc_id,))

    def put_mentions(self, doc_id: str, rows: list[tuple], tagger_version: str) -> None:
        """Replace a document's mentions in one transaction (re-tagging is idempotent)."""
        with self.transaction() as conn:
            self._insert_mentions(conn, doc_id, rows, tagger_version)

    @staticmethod
    def _insert_mentions(conn: sqlite3.Connection, doc_id: str, rows: list[tuple], tagger_version: str) -> None:
        conn.execute("DELETE FROM mentions WHERE doc_id=?", (doc_id,))
        conn.executemany(
            'INSERT OR REPLACE INTO mentions(passage_id, doc_id, start, "end", text, label, source, gazetteer_id, entity_key,'
            " role, role_cue, role_cue_start, role_confidence, title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.execute(
            "INSERT INTO tagged(doc_id, tagger_version) VALUES (?,?) ON CONFLICT(doc_id) DO UPDATE SET tagger_version=excluded.tagger_version",
            (doc_id, tagger_version),
        )

    def tagged_version(self, doc_id: str) -> str | None:
        row = self._conn.execute("SELECT tagger_version FROM tagged WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def mentions_for_doc(self, doc_id: str) -> list[sqlite3.Row]:
        return self._conn.execute('SELECT * FROM mentions WHERE doc_id=? ORDER BY passage_id, start', (doc_id,)).fetchall()

    def mentions(self, label: str | None = None) -> list[sqlite3.Row]:
        if label:
            return self._conn.execute("SELECT * FROM mentions WHERE label=? ORDER BY entity_key", (label,)).fetchall()
        return self._conn.execute("SELECT * FROM mentions ORDER BY entity_key").fetchall()

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    # --- reads ----------------------------------------------------------------------------------
    def _doc(self, row: sqlite3.Row) -> DocumentRow:
        return DocumentRow(
            doc_id=row["doc_id"], path=row["path"], filename=row["filename"], mime=row["mime"], title=row["title"],
            meta=LegalMeta(row["court"], row["case_number"], row["date"], row["doc_type"], row["title"]),
            collection=row["collection"], page_count=row["page_count"], indexed=bool(row["indexed"]),
        )

    def documents(self) -> list[DocumentRow]:
        return [self._doc(r) for r in self._conn.execute("SELECT * FROM documents ORDER BY filename, doc_id")]

    def document(self, doc_id: str) -> DocumentRow | None:
        row = self._conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return self._doc(row) if row else None

    def find_documents(self, ref: str) -> list[DocumentRow]:
        """By full id, id prefix (≥ 6 hex chars), file name or path."""
        rows = self._conn.execute(
            "SELECT * FROM documents WHERE doc_id=? OR filename=? OR path=? OR (length(?) >= 6 AND doc_id LIKE ? || '%')"
            " ORDER BY filename",
            (ref, ref, ref, ref, ref.lower()),
        ).fetchall()
        return [self._doc(r) for r in rows]

    def unindexed_doc_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT doc_id FROM documents WHERE indexed=0 ORDER BY doc_id")]

    def pages(self, doc_id: str) -> list[Page]:
        rows = self._conn.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY number", (doc_id,))
        return [Page(r["number"], r["text"], TextMethod(r["method"]), r["ocr_confidence"]) for r in rows]

    def _passage(self, r: sqlite3.Row) -> Passage:
        return Passage(r["doc_id"], r["page"], r["seq"], r["paragraph"], r["start"], r["end"], r["text"], r["lang"])

    def passages(self, doc_id: str) -> list[Passage]:
        rows = self._conn.execute("SELECT * FROM passages WHERE doc_id=? ORDER BY seq", (doc_id,))
        return [self._passage(r) for r in rows]

    def passages_by_id(self, passage_ids: list[str]) -> dict[str, Passage]:
        out: dict[str, Passage] = {}
        for chunk in range(0, len(passage_ids), 500):
            ids = passage_ids[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            for r in self._conn.execute(f"SELECT * FROM passages WHERE passage_id IN ({marks})", ids):
                out[r["passage_id"]] = self._passage(r)
        return out

    def weak_pages(self, below: float) -> list[tuple[str, str, int, str, float | None]]:
        """OCR pages whose mean confidence is under `below` (filename, doc id, page, method, confidence)."""
        rows = self._conn.execute(
            "SELECT d.filename, p.doc_id, p.number, p.method, p.ocr_confidence FROM pages p JOIN documents d USING (doc_id)"
            " WHERE p.method = 'ocr' AND (p.ocr_confidence IS NULL OR p.ocr_confidence < ?) ORDER BY p.ocr_confidence, d.filename, p.number",
            (below,),
        )
        return [tuple(r) for r in rows]

    def page_methods(self) -> list[tuple[str, str, int, str, float | None]]:
        rows = self._conn.execute(
            "SELECT d.filename, p.doc_id, p.number, p.method, p.ocr_confidence FROM pages p JOIN documents d USING (doc_id) ORDER BY d.filename, p.number"
        )
        return [tuple(r) for r in rows]

    def failures(self) -> list[FailureRow]:
        rows = self._conn.execute("SELECT * FROM failures ORDER BY at DESC, path")
        return [FailureRow(r["path"], r["doc_id"] or None, r["reason"], r["detail"], r["at"]) for r in rows]

    def counts(self) -> dict[str, int]:
        one = lambda sql: self._conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "pages": one("SELECT count(*) FROM pages"),
            "passages": one("SELECT count(*) FROM passages"),
            "failures": one("SELECT count(*) FROM failures"),
        }

    def content_digest(self) -> str:
        """A hash of every stored passage: equal digests mean equal stores (used by crash tests)."""
        import hashlib

        digest = hashlib.sha256()
        for r in self._conn.execute('SELECT passage_id, page, paragraph, start, "end", text, lang FROM passages ORDER BY passage_id'):
            digest.update(json.dumps(list(r), ensure_ascii=False).encode())
        return digest.hexdigest()
