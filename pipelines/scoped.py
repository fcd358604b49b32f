"""A record store as one principal may see it.

`scope(records, principal)` returns a read-only RecordStore whose tables are shadowed by SQLite
temporary views of the same names: documents, pages, passages and mentions of unreadable collections
are absent, and, for readers without clearance, protected names are replaced by their pseudonyms inside
the views. Every read API (entity pages, exports, batch names, document view, search hits) runs its
ordinary SQL against this store, so filtering happens in the store query, never after the fact.
"""

from __future__ import annotations

import sqlite3

from pipelines import protection
from pipelines.access import Principal
from pipelines.stores.record import RecordStore


class ReadOnlyScope(PermissionError):
    pass


class ScopedRecords(RecordStore):
    def __init__(self, base: RecordStore, principal: Principal):
        self.base = base
        self.principal = principal
        protection.ensure_schema(base)
        self.readable = sorted(c for c, v in base.collections().items() if principal.can_read(c, v))
        self.shield = protection.Shield() if principal.cleared else protection.build_shield(base)
        self.path = base.path
        self._conn = sqlite3.connect(base.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._install_views()

    def transaction(self):
        raise ReadOnlyScope("a scoped record store is read-only; write through the workspace's own store")

    def _install_views(self) -> None:
        conn = self._conn
        shield = self.shield
        conn.create_function("dalil_redact", 2, lambda text, pid: shield.text(text, pid), deterministic=True)
        conn.execute("CREATE TEMP TABLE readable (name TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.readable VALUES (?)", [(c,) for c in self.readable])
        conn.execute("CREATE TEMP TABLE shield_keys (entity_key TEXT PRIMARY KEY, pseudonym TEXT, pkey TEXT)")
        conn.executemany("INSERT INTO temp.shield_keys VALUES (?,?,?)",
                         [(k, p, protection.opaque_key(k)) for k, p in shield.pseudonyms.items()])
        hidden = "" if self.principal.is_admin else " WHERE 0"
        redact = "dalil_redact(text, passage_id)" if not shield.empty else "text"
        # Names a protected person shares with other entities (a misread "Raslan" as an organisation) go too.
        name = (lambda column: f"dalil_redact({column}, NULL)") if not shield.empty else (lambda column: column)
        redact_page = name("text")
        statements = [
            "CREATE TEMP VIEW documents AS SELECT * FROM main.documents WHERE collection IN (SELECT name FROM temp.readable)",
            f"CREATE TEMP VIEW pages AS SELECT doc_id, number, {redact_page} AS text, method, ocr_confidence FROM main.pages"
            " WHERE doc_id IN (SELECT doc_id FROM temp.documents)",
            f"CREATE TEMP VIEW passages AS SELECT passage_id, doc_id, seq, page, paragraph, start, \"end\", {redact} AS text, lang"
            " FROM main.passages WHERE doc_id IN (SELECT doc_id FROM temp.documents)",
            f"CREATE TEMP VIEW mentions AS SELECT m.passage_id, m.doc_id, m.start, m.\"end\", COALESCE(s.pseudonym, {name('m.text')}) AS text,"
            f" m.label, m.source, m.gazetteer_id, COALESCE(s.pkey, {name('m.entity_key')}) AS entity_key, m.role, {name('m.role_cue')} AS role_cue,"
            f" m.role_cue_start, m.role_confidence, CASE WHEN s.pkey IS NULL THEN {name('m.title')} END AS title FROM main.mentions m"
            " LEFT JOIN temp.shield_keys s ON s.entity_key = m.entity_key WHERE m.doc_id IN (SELECT doc_id FROM temp.documents)",
            f"CREATE TEMP VIEW entity_members AS SELECT em.entity_id, COALESCE(s.pkey, {name('em.entity_key')}) AS entity_key"
            " FROM main.entity_members em LEFT JOIN temp.shield_keys s ON s.entity_key = em.entity_key",
            f"CREATE TEMP VIEW entities AS SELECT e.entity_id, e.label,"
            " COALESCE((SELECT min(s.pseudonym) FROM main.entity_members em JOIN temp.shield_keys s USING (entity_key)"
            f"  WHERE em.entity_id = e.entity_id), {name('e.canonical')}) AS canonical,"
            " (SELECT count(*) FROM temp.mentions m JOIN temp.entity_members em USING (entity_key) WHERE em.entity_id = e.entity_id) AS mention_count"
            " FROM main.entities e WHERE EXISTS (SELECT 1 FROM temp.mentions m JOIN temp.entity_members em USING (entity_key)"
            "  WHERE em.entity_id = e.entity_id)",
            f"CREATE TEMP VIEW xref_links AS SELECT {name('key_a')} AS key_a, {name('key_b')} AS key_b, rule, score,"
            f" {name('explanation')} AS explanation, source FROM main.xref_links WHERE key_a NOT IN (SELECT entity_key FROM temp.shield_keys)"
            " AND key_b NOT IN (SELECT entity_key FROM temp.shield_keys)",
            f"CREATE TEMP VIEW xref_decisions AS SELECT {name('key_a')} AS key_a, {name('key_b')} AS key_b, decision,"
            f" {name('reason')} AS reason, user, at FROM main.xref_decisions WHERE key_a NOT IN (SELECT entity_key FROM temp.shield_keys)"
            " AND key_b NOT IN (SELECT entity_key FROM temp.shield_keys)",
            f"CREATE TEMP VIEW protected AS SELECT * FROM main.protected{'' if self.principal.cleared else ' WHERE 0'}",
            f"CREATE TEMP VIEW failures AS SELECT * FROM main.failures{hidden}",
            f"CREATE TEMP VIEW sources AS SELECT * FROM main.sources{hidden}",
            f"CREATE TEMP VIEW runs AS SELECT * FROM main.runs{hidden}",
            "CREATE TEMP VIEW collections AS SELECT * FROM main.collections WHERE name IN (SELECT name FROM temp.readable)",
        ]
        for sql in statements:
            conn.execute(sql)

    def collections(self) -> dict[str, str]:
        return {c: v for c, v in self.base.collections().items() if c in self.readable}


def scope(records: RecordStore, principal: Principal) -> RecordStore:
    """The store as `principal` may see it (the store itself for an admin: admins see everything)."""
    if principal.is_admin:
        return records
    return ScopedRecords(records, principal)
