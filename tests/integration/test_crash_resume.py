"""kill -9 during `dalil ingest`, then the same command again: the result equals an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.workspace import Workspace
from tests.batch import make_batch as _make_batch

pytestmark = pytest.mark.slow


def _ingest(data: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(folder), "--data", str(data), "--workers", "2", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _state(data: Path) -> tuple:
    workspace = Workspace.open(data)
    try:
        indexed = sorted(d.id for d in workspace.index.filter_documents())
        counts = workspace.records.counts()
        failures = sorted((f.path, f.reason) for f in workspace.records.failures())
        return workspace.records.content_digest(), counts, indexed, failures
    finally:
        workspace.close()


def test_killed_ingest_resumes_to_the_same_result(tmp_path):
    folder = tmp_path / "batch"
    _make_batch(folder)
    reference = tmp_path / "reference"
    assert _ingest(reference, folder).wait(timeout=300) == 0
    expected = _state(reference)
    assert expected[1]["documents"] == 36 and len(expected[2]) == expected[1]["passages"]

    crashed = tmp_path / "crashed"
    kills = 0
    for delay in (1.0, 2.0, 3.0, 4.5):
        process = _ingest(crashed, folder)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
    assert kills >= 2, "the ingest finished before it could be killed; make the batch bigger"
    assert _ingest(crashed, folder).wait(timeout=300) == 0
    assert _state(crashed) == expected
    # And once more: nothing changes on a re-run.
    assert _ingest(crashed, folder).wait(timeout=300) == 0
    assert _state(crashed) == expected
