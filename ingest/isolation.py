"""Run each file's extraction in a worker process with time and memory limits.

A parser that hangs or blows up on a hostile file is killed and recorded as a failure; the
worker is replaced and the batch goes on. Results come back in completion order.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from ingest.extract import Limits, Options, extract_file
from ingest.model import ExtractResult, Failure, FailureReason, SourceDocument


@dataclass(frozen=True)
class Job:
    path: str
    doc_id: str


def _load_enricher(spec: str | None):
    """'package.module:function' → the callable; it takes and returns a SourceDocument."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker(conn: Connection, limits: Limits, options: Options, enrich_spec: str | None = None) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # pdfminer logs every oddity of a broken file; the outcome is recorded, the noise is not useful.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        limit = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    except ImportError:
        pass
    # Warm up (language profiles, lazy imports) before saying ready, so a file's time limit
    # measures reading that file, not starting the worker.
    from ingest.language import detect_language

    detect_language("Der Zeuge sagte aus. The witness testified.")
    for module in ("ingest.pdf", "ingest.office", "ingest.html", "ingest.plaintext"):
        __import__(module)
    enrich = _load_enricher(enrich_spec)
    if enrich is not None and hasattr(enrich, "warm_up"):
        enrich.warm_up()
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = extract_file(job.path, options, limits, doc_id=job.doc_id)
            if enrich is not None and isinstance(result, SourceDocument):
                result = enrich(result)
        except MemoryError:
            result = Failure(job.path, job.doc_id, FailureReason.TOO_LARGE, "needs more memory than the per-file limit")
        except BaseException as exc:  # the worker must answer, whatever happened
            result = Failure(job.path, job.doc_id, FailureReason.CORRUPT, f"reader crashed ({type(exc).__name__}: {exc})"[:400])
        try:
            conn.send(result)
        except Exception as exc:  # e.g. a result too odd to pickle
            conn.send(Failure(job.path, job.doc_id, FailureReason.CORRUPT, f"result could not be returned ({exc})"[:400]))


class _Slot:
    def __init__(self, ctx, limits: Limits, options: Options, enrich: str | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, limits, options, enrich), daemon=False)
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0
        self.ready = False

    def kill(self) -> None:
        try:
            self.process.kill()
        finally:
            self.process.join(5)
            self.conn.close()


def extract_isolated(jobs: Iterable[Job], options: Options, limits: Limits, workers: int = 2, enrich: str | None = None) -> Iterator[ExtractResult]:
    """Results in completion order. `enrich` ('module:function') post-processes each document in the worker."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["ingest.extract"])
    queue = list(jobs)
    queue.reverse()
    slots = [_Slot(ctx, limits, options, enrich) for _ in range(max(1, min(workers, len(queue))))] if queue else []
    try:
        while queue or any(s.job for s in slots):
            for slot in slots:
                if slot.ready and slot.job is None and queue:
                    slot.job = queue.pop()
                    slot.started = time.monotonic()
                    slot.conn.send(slot.job)
            busy = [s for s in slots if s.job]
            waiting = [s for s in slots if not s.ready]
            deadline = min((s.started + limits.timeout_s for s in busy), default=time.monotonic() + 60)
            ready = wait([s.conn for s in busy + waiting], timeout=max(0.05, deadline - time.monotonic()))
            for index, slot in enumerate(slots):
                if not slot.ready:
                    if slot.conn in ready:
                        try:
                            slot.ready = slot.conn.recv() == "ready"
                        except (EOFError, OSError):
                            slot.kill()
                            slots[index] = _Slot(ctx, limits, options, enrich)
                    continue
                if slot.job is None:
                    continue
                job = slot.job
                if slot.conn in ready:
                    try:
                        result = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.process.exitcode
                        reason = FailureReason.TOO_LARGE if code in (-9, 137) else FailureReason.CORRUPT
                        result = Failure(job.path, job.doc_id, reason, f"the reader process died (exit code {code}) on this file")
                        slot.kill()
                        slots[index] = slot = _Slot(ctx, limits, options, enrich)
                    slot.job = None
                    yield result
                elif time.monotonic() - slot.started > limits.timeout_s:
                    slot.kill()
                    slots[index] = _Slot(ctx, limits, options, enrich)
                    yield Failure(job.path, job.doc_id, FailureReason.TIMEOUT, f"reading took longer than the {limits.timeout_s:g} s limit; the reader was stopped")
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for slot in slots:
            slot.process.join(2)
            if slot.process.is_alive():
                slot.kill()
