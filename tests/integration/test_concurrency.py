"""Searching while an ingest is running must never fail."""

import subprocess
import sys

import pytest

from pipelines.workspace import Workspace
from tests.batch import make_batch

pytestmark = pytest.mark.slow


def test_search_during_ingest(tmp_path):
    folder = tmp_path / "batch"
    make_batch(folder, count=45)
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ingest", str(folder), "--data", str(data), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    searches, seen = 0, set()
    while process.poll() is None or searches == 0:
        workspace = Workspace.open(data)
        results = workspace.searcher.search("Zeuge Abteilung", limit=5, with_facets=True)
        seen.add(results.total)
        searches += 1
        workspace.close()
    assert process.wait() == 0, process.stderr.read().decode()
    assert searches >= 3
    final = Workspace.open(data).searcher.search("Zeuge Abteilung", limit=5)
    assert final.total > 0 and final.total >= max(seen)
