import os
from pathlib import Path

import pytest

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "sample"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is absent ({SHARED}); these tests need the development data sets")
    return SHARED


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory) -> Path:
    """The sample corpus ingested once, with the real CLI, into a fresh data folder."""
    from pipelines.cli import main

    if not any(SAMPLE.glob("*.*")):
        pytest.fail("corpora/sample is empty: run `make corpus`")
    data = tmp_path_factory.mktemp("sample-data")
    assert main(["ingest", str(SAMPLE), "--data", str(data), "-q"]) == 0
    return data


@pytest.fixture(scope="session")
def sample_workspace(sample_data):
    from pipelines.workspace import Workspace

    workspace = Workspace.open(sample_data)
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def elasticsearch_url():
    """A real Elasticsearch node for the whole session (tests/elasticsearch_node.py). Fails, never skips."""
    from tests.elasticsearch_node import NodeUnavailable, running_node

    try:
        with running_node() as url:
            yield url
    except NodeUnavailable as exc:
        pytest.fail(f"the Elasticsearch tests need a real node and none could be started: {exc}", pytrace=False)
