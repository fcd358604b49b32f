"""Ingest files into a workspace: discover → hash → extract (isolated) → record store → index.

Re-running is idempotent (documents are keyed by content hash), and a run killed at any point is
completed by running it again: stored documents are skipped, unindexed ones are indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest import sources
from ingest.extract import Limits, Options
from ingest.isolation import Job, extract_isolated
from ingest.model import Failure, FailureReason, SourceDocument
from pipelines import crossref
from pipelines.entities.enrich import mention_rows
from pipelines.derived import rebuild_derived
from pipelines.indexing import index_new, index_pending, pending_upgrade
from pipelines.workspace import Workspace


# Entity extraction runs in the reader workers, in parallel, right after a file is read.
ENRICH = "pipelines.entities.enrich:enrich_document"


@dataclass
class IngestSummary:
    files: int = 0
    new_documents: int = 0
    already_known: int = 0
    pages: int = 0
    passages: int = 0
    failures: list[Failure] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    run_id: int | None = None
    protected: int = 0  # people newly protected because the documents mark them so
    upgraded: list[str] = field(default_factory=list)  # what an upgrade of Dalil made this run redo

    def to_json(self) -> dict:
        return {
            "run_id": self.run_id,
            "files": self.files,
            "documents": self.new_documents,
            "already_known": self.already_known,
            "pages": self.pages,
            "passages": self.passages,
            "partial": self.partial,
            "protected": self.protected,
            "upgraded": self.upgraded,
            "failures": [{"path": f.path, "doc_id": f.doc_id, "reason": f.reason.value, "detail": f.detail} for f in self.failures],
        }


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    path: str
    outcome: str  # "new" | "known" | a failure reason


def ingest_paths(
    workspace: Workspace,
    paths: Iterable[str | Path],
    *,
    options: Options = Options(),
    limits: Limits = Limits(),
    collection: str = "default",
    workers: int = 2,
    index_every: int = 25,
    on_progress: Callable[[Progress], None] | None = None,
) -> IngestSummary:
    records, store = workspace.records, workspace.index
    files = list(sources.discover(paths))
    summary = IngestSummary(files=len(files))
    summary.run_id = records.start_run({"paths": [str(p) for p in paths], "collection": collection})
    upgrade = pending_upgrade(records, store)
    retagging = len(upgrade.retag)  # an upgrade brought new entity rules
    if upgrade.reindex:
        summary.upgraded.append("search index rebuilt for a newer text analysis")
    if retagging:
        summary.upgraded.append(f"{retagging} document{'s' if retagging != 1 else ''} tagged again with newer entity rules")
    index_pending(records, store, upgrade=upgrade)  # finish what an interrupted run left unindexed
    if options.ocr_cache_dir is None:
        options = Options(options.password, options.ocr_lang, options.ocr, str(workspace.settings.ocr_cache_path))

    done = 0
    jobs: list[Job] = []

    def fail(path: Path, reason: FailureReason, detail: str) -> None:
        nonlocal done
        failure = Failure(str(path), None, reason, detail)
        records.put_failure(failure, summary.run_id)
        summary.failures.append(failure)
        done += 1
        _report(on_progress, done, len(files), str(path), reason.value)

    for path in files:
        if not path.exists():
            fail(path, FailureReason.CORRUPT, "no such file")
            continue
        if not path.is_file():
            fail(path, FailureReason.UNSUPPORTED, "not a regular file (a pipe or device)")
            continue
        try:
            doc_id = sources.sha256_file(path) if path.stat().st_size <= limits.max_bytes else ""
        except OSError as exc:
            fail(path, FailureReason.CORRUPT, f"cannot read the file ({exc.strerror})")
            continue
        if doc_id and records.has_document(doc_id):
            records.note_source(str(path), doc_id)
            summary.already_known += 1
            done += 1
            _report(on_progress, done, len(files), str(path), "known")
            continue
        jobs.append(Job(str(path), doc_id))

    since_index = 0
    for result in extract_isolated(jobs, options, limits, workers=workers, enrich=ENRICH):
        done += 1
        if isinstance(result, SourceDocument):
            mentions = result.annotations.get("mentions")
            rows = mention_rows(result.doc_id, mentions) if mentions is not None else None
            version = result.annotations.get("tagger_version") if mentions is not None else None
            if records.put_document(result, collection, summary.run_id, rows, version):
                summary.new_documents += 1
                summary.pages += len(result.pages)
                summary.passages += len(result.passages)
                since_index += 1
                if result.page_errors:
                    partial = Failure(result.path, result.doc_id, FailureReason.PARTIAL, "; ".join(result.page_errors)[:500])
                    records.put_failure(partial, summary.run_id)
                    summary.partial.append(result.path)
            else:
                summary.already_known += 1
            _report(on_progress, done, len(files), result.path, "new")
        else:
            records.put_failure(result, summary.run_id)
            summary.failures.append(result)
            _report(on_progress, done, len(files), result.path, result.reason.value)
        if since_index >= index_every:
            index_new(records, store)
            since_index = 0
    index_new(records, store)
    if summary.new_documents or retagging:
        summary.protected = rebuild_derived(records)
    elif not records.query("SELECT 1 FROM sqlite_master WHERE name = 'entities'"):
        crossref.build(records)
    records.finish_run(summary.run_id, summary.to_json())
    return summary


def _report(callback, done, total, path, outcome) -> None:
    if callback:
        callback(Progress(done, total, path, outcome))
