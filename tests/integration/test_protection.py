"""Leak suite: restricted collections and protected people never show up where they must not.

Seeded secrets (all fictional, written for this test): a restricted document carrying a unique marker,
and a witness whom the document itself marks as protected. Every CLI output path is exercised as a
principal without rights, who must see neither, and as principals with rights, who must.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines.cli import main

MARKER = "QX7-SEALED-4417"
PROTECTED = ("Marwan Qasimi", "Qasimi")
PASSWORD = "correct horse battery"

SEALED_DOC = f"""# Internal monitoring memo (SYNTHETIC TEST DOCUMENT, invented for Dalil's leak tests)

1. Case reference {MARKER}. The monitors met a survivor of Branch 251 who asked that these notes stay
internal until the hearing schedule is public.

2. The survivor described the interrogation corridor and the cells on the lower floor in detail.
"""

PUBLIC_DOC = """# Hearing notes, day 41 (SYNTHETIC TEST DOCUMENT, invented for Dalil's leak tests)

1. The protected witness Marwan Qasimi testified by video link about his detention in Branch 251 in 2012.

2. Qasimi said that the guards beat the detainees during the night and that he was held for six weeks.

3. The expert witness Dr. Ingrid Falkenrath explained the structure of the General Intelligence Directorate.
"""


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def seeded(sample_data, tmp_path_factory):
    return seed(sample_data, tmp_path_factory)


def seed(sample_data, tmp_path_factory) -> dict:
    """A copy of the sample workspace plus the seeded secrets and four users (see the module docstring)."""
    data = tmp_path_factory.mktemp("seeded") / "data"
    shutil.copytree(sample_data, data)
    docs = tmp_path_factory.mktemp("seed-docs")
    (docs / "sealed").mkdir()
    (docs / "sealed" / "internal-memo.md").write_text(SEALED_DOC, encoding="utf-8")
    (docs / "public").mkdir()
    (docs / "public" / "hearing-day-41.md").write_text(PUBLIC_DOC, encoding="utf-8")
    assert main(["ingest", str(docs / "sealed"), "--data", str(data), "--collection", "sealed", "--restricted", "-q"]) == 0
    assert main(["ingest", str(docs / "public"), "--data", str(data), "-q"]) == 0
    password = docs / "password.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    for name, role in (("reader", "researcher"), ("viewer1", "viewer"), ("analyst", "researcher"), ("editor1", "editor")):
        assert main(["users", "add", name, "--role", role, "--password-file", str(password), "--data", str(data)]) == 0
    assert main(["users", "grant", "analyst", "sealed", "--role", "researcher", "--data", str(data)]) == 0
    assert main(["users", "grant", "editor1", "sealed", "--role", "editor", "--data", str(data)]) == 0
    names = docs / "names.csv"
    names.write_text("name\nMarwan Qasimi\nمروان قاسمي\n", encoding="utf-8")
    return {"data": str(data), "names": str(names), "dir": docs}


def outputs(capsys, seeded, user: str | None, tmp_path: Path) -> dict[str, str]:
    """Every CLI output path, run as `user` (None: the local admin)."""
    who = ["--as", user] if user else []
    common = ["--data", seeded["data"], *who]
    out = {}
    for query in (MARKER, "Marwan Qasimi", "Qasimi", "internal monitoring memo", "protected witness testified", "Branch 251 detention"):
        # What the user typed may be echoed back to them; only what Dalil adds counts as a leak.
        out[f"search {query}"] = run(capsys, "search", query, "--json", "--facets", "--limit", "50", *common)[1].replace(query, "")
        out[f"search-text {query}"] = run(capsys, "search", query, *common)[1].replace(query, "")
    out["entities"] = run(capsys, "entities", "--json", "--limit", "1000", *common)[1]
    for name in ("Marwan Qasimi", "Qasimi", "Witness W-1"):
        out[f"entity {name}"] = run(capsys, "entity", name, "--json", *common)[1].replace(repr(name), "")
    names = json.loads(run(capsys, "names", seeded["names"], "--json", *common)[1])
    out["names"] = json.dumps([r["hits"] for r in names], ensure_ascii=False)
    for fmt in ("ftm", "json", "csv"):
        out[f"export {fmt}"] = run(capsys, "export", "--format", fmt, *common)[1]
    out["documents"] = run(capsys, "documents", "--json", *common)[1]
    out["collections"] = run(capsys, "collections", "--json", *common)[1]
    out["stats"] = run(capsys, "stats", "--json", *common)[1]
    out["pages"] = run(capsys, "pages", "--json", *common)[1]
    out["show public"] = run(capsys, "show", "hearing-day-41.md", "--json", *common)[1]
    out["show sealed"] = run(capsys, "show", "internal-memo.md", "--json", *common)[1].replace("'internal-memo.md'", "")
    pdf = tmp_path / f"hearing-{user}.pdf"
    code, text = run(capsys, "export-pdf", "hearing-day-41.md", "-o", str(pdf), *common)
    out["export-pdf"] = text + (pdf_text(pdf) if code == 0 else "")
    return out


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_unauthorised_reader_sees_no_secret_anywhere(capsys, seeded, tmp_path):
    seen = outputs(capsys, seeded, "reader", tmp_path)
    for path, text in seen.items():
        assert MARKER not in text, f"restricted marker leaked through {path}"
        assert "internal-memo" not in text, f"restricted file name leaked through {path}"
        for name in PROTECTED:
            assert name not in text, f"protected name {name!r} leaked through {path}"
    # The pseudonym stands where the name was, in the text and in the PDF's text layer itself.
    assert "Witness W-1" in seen["show public"]
    assert "Witness W-1" in seen["export-pdf"]
    assert "Witness W-1 testified by video link" in seen["search-text protected witness testified"]
    # Facet counts and totals do not count restricted passages.
    facets = json.loads(seen["search Branch 251 detention"])
    assert "sealed" not in facets["facets"].get("collection", {})
    assert json.loads(seen["search Qasimi"])["total"] == 0
    assert json.loads(seen["collections"]) == {"default": "public"}


def test_totals_match_a_workspace_without_the_restricted_document(capsys, seeded):
    reader = json.loads(run(capsys, "search", "survivor Branch 251", "--json", "--facets", "--no-dense", "--data", seeded["data"], "--as", "reader")[1])
    admin = json.loads(run(capsys, "search", "survivor Branch 251", "--json", "--facets", "--no-dense", "--data", seeded["data"])[1])
    sealed_hits = admin["facets"]["collection"].get("sealed", 0)
    assert sealed_hits > 0
    assert reader["total"] == admin["total"] - sealed_hits
    assert sum(reader["facets"]["lang"].values()) == sum(admin["facets"]["lang"].values()) - sealed_hits


def test_granted_researcher_sees_the_collection_but_not_protected_names(capsys, seeded, tmp_path):
    seen = outputs(capsys, seeded, "analyst", tmp_path)
    assert json.loads(seen[f"search {MARKER}"])["hits"][0]["filename"] == "internal-memo.md"
    assert MARKER in seen["show sealed"]
    for path, text in seen.items():
        for name in PROTECTED:
            assert name not in text, f"protected name {name!r} leaked to a researcher through {path}"


def test_cleared_editor_and_admin_see_everything(capsys, seeded, tmp_path):
    for user in ("editor1", None):
        seen = outputs(capsys, seeded, user, tmp_path)
        assert json.loads(seen[f"search {MARKER}"])["hits"][0]["filename"] == "internal-memo.md"
        assert "Marwan Qasimi" in seen["show public"]
        assert "Marwan Qasimi" in seen["export-pdf"]
        assert "Qasimi" in seen["entity Qasimi"]
        assert "Qasimi" in seen["export json"]


def test_protection_was_automatic_and_is_listed(capsys, seeded):
    code, text = run(capsys, "protected", "--json", "--data", seeded["data"])
    assert code == 0
    rows = json.loads(text)
    assert [r["pseudonym"] for r in rows] == ["Witness W-1"]
    assert rows[0]["by"] == "dalil" and "protected witness" in rows[0]["reason"]


def test_editor_protects_and_unprotects_by_hand(capsys, seeded):
    common = ["--data", seeded["data"]]
    assert "Falkenrath" in run(capsys, "search", "structure of the General Intelligence Directorate", "--as", "reader", *common)[1]
    code, text = run(capsys, "protect", "Ingrid Falkenrath", "--reason", "asked the court", "--as", "editor1", *common)
    assert code == 0 and "Person P-1" in text or "Witness W-2" in text
    shown = run(capsys, "search", "structure of the General Intelligence Directorate", "--as", "reader", *common)[1]
    assert "Falkenrath" not in shown
    assert run(capsys, "protect", "Witness W-1", "--reason", "x", "--as", "reader", *common)[0] == 3  # viewers may not
    assert run(capsys, "unprotect", "Ingrid Falkenrath", "--as", "editor1", *common)[0] == 0
    assert "Falkenrath" in run(capsys, "search", "structure of the General Intelligence Directorate", "--as", "reader", *common)[1]


def test_viewer_may_not_export_or_administer(capsys, seeded):
    common = ["--data", seeded["data"], "--as", "viewer1"]
    assert run(capsys, "export", "--format", "json", *common)[0] == 3
    assert run(capsys, "users", "list", *common)[0] == 3
    assert run(capsys, "audit", *common)[0] == 3
    assert run(capsys, "failures", *common)[0] == 3


def test_restricted_reads_are_audited_and_the_log_cannot_be_rewritten(capsys, seeded):
    common = ["--data", seeded["data"]]
    run(capsys, "search", MARKER, "--as", "analyst", *common)
    run(capsys, "show", "internal-memo.md", "--as", "editor1", *common)
    entries = json.loads(run(capsys, "audit", "--json", *common)[1])
    assert any(e["principal"] == "analyst" and e["action"] == "search" and e["detail"]["query"] == MARKER for e in entries)
    assert any(e["principal"] == "editor1" and e["action"] == "view" for e in entries)
    assert all(e["collections"] == ["sealed"] for e in entries)
    assert run(capsys, "audit", "--verify", *common)[0] == 0
    db = sqlite3.connect(Path(seeded["data"]) / "audit.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit SET principal = 'someone-else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit")
    # Someone with a SQLite shell drops the trigger and edits an entry: the hash chain shows it.
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("UPDATE audit SET principal = 'someone-else' WHERE seq = 1")
    db.commit()
    code, text = run(capsys, "audit", "--verify", *common)
    assert code == 1 and "TAMPERED" in text


def test_removed_and_locked_users_lose_access_at_once(capsys, seeded):
    common = ["--data", seeded["data"]]
    password = str(seeded["dir"] / "password.txt")
    assert main(["users", "add", "temp1", "--role", "viewer", "--password-file", password, *common]) == 0
    assert run(capsys, "search", "Branch 251", "--as", "temp1", *common)[0] == 0
    assert run(capsys, "users", "lock", "temp1", *common)[0] == 0
    code, text = run(capsys, "search", "Branch 251", "--as", "temp1", *common)
    assert code == 3 and "no such active user" in text
    assert run(capsys, "users", "unlock", "temp1", *common)[0] == 0
    assert run(capsys, "users", "remove", "temp1", *common)[0] == 0
    assert run(capsys, "search", "Branch 251", "--as", "temp1", *common)[0] == 3


@pytest.fixture(scope="module")
def seeded_on_elasticsearch(seeded, elasticsearch_url, tmp_path_factory):
    """The seeded workspace, indexed into a real Elasticsearch node instead of tantivy."""
    import os
    import uuid

    from pipelines.stores.elasticsearch_store import ElasticsearchDocumentStore

    data = tmp_path_factory.mktemp("seeded-es") / "data"
    shutil.copytree(seeded["data"], data)
    alias = f"dalil-leak-{uuid.uuid4().hex[:8]}"
    saved = {k: os.environ.get(k) for k in ("DALIL_ES_URL", "DALIL_ES_INDEX", "DALIL_BACKEND")}
    os.environ.update(DALIL_ES_URL=elasticsearch_url, DALIL_ES_INDEX=alias)
    assert main(["reindex", "--backend", "elasticsearch", "--data", str(data)]) == 0
    os.environ["DALIL_BACKEND"] = "elasticsearch"
    yield {**seeded, "data": str(data)}
    ElasticsearchDocumentStore(elasticsearch_url, alias=alias).destroy()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_elasticsearch_backend_leaks_nothing_either(capsys, seeded_on_elasticsearch, tmp_path):
    seen = outputs(capsys, seeded_on_elasticsearch, "reader", tmp_path)
    for path, text in seen.items():
        assert MARKER not in text and "internal-memo" not in text, f"restricted material leaked through {path} on Elasticsearch"
        for name in PROTECTED:
            assert name not in text, f"protected name {name!r} leaked through {path} on Elasticsearch"
    assert "Witness W-1 testified by video link" in seen["search-text protected witness testified"]
    reader = json.loads(run(capsys, "search", "survivor Branch 251", "--json", "--facets", "--no-dense", "--data", seeded_on_elasticsearch["data"], "--as", "reader")[1])
    admin = json.loads(run(capsys, "search", "survivor Branch 251", "--json", "--facets", "--no-dense", "--data", seeded_on_elasticsearch["data"])[1])
    assert "sealed" not in reader["facets"].get("collection", {}) and admin["facets"]["collection"].get("sealed", 0) > 0
    assert reader["total"] == admin["total"] - admin["facets"]["collection"]["sealed"]
    editor = outputs(capsys, seeded_on_elasticsearch, "editor1", tmp_path)
    assert json.loads(editor[f"search {MARKER}"])["hits"][0]["filename"] == "internal-memo.md"
    assert "Marwan Qasimi" in editor["search-text protected witness testified"]
