"""A real single-node Elasticsearch for the tests, via scripts/elasticsearch.sh (no mocks).

The distribution is fetched once with Maven into .cache/elasticsearch/ and started on 127.0.0.1 and a
free port, as a non-root user. If it cannot be fetched or started the tests that need it FAIL with
the reason: a silent skip would count an untested backend as passing. Set DALIL_TEST_ES_URL to use
a running cluster instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "elasticsearch.sh"


class NodeUnavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_node(fetch_timeout: float = 900, start_timeout: float = 180) -> Iterator[str]:
    if os.environ.get("DALIL_TEST_ES_URL"):
        yield os.environ["DALIL_TEST_ES_URL"]
        return
    env = {**os.environ, "DALIL_ES_START_TIMEOUT": str(int(start_timeout)), "DALIL_PYTHON": sys.executable}
    fetched = subprocess.run(["bash", str(SCRIPT), "fetch"], capture_output=True, text=True, timeout=fetch_timeout, env=env)
    if fetched.returncode:
        raise NodeUnavailable(f"could not fetch Elasticsearch (needs Java 17+ and Maven): {fetched.stderr.strip()[-1500:]}")
    rundir = tempfile.mkdtemp(prefix="dalil-es-")
    try:
        started = subprocess.run(["bash", str(SCRIPT), "start", str(_free_port()), rundir],
                                 capture_output=True, text=True, timeout=start_timeout + 60, env=env)
    except subprocess.TimeoutExpired as exc:
        subprocess.run(["bash", str(SCRIPT), "stop", rundir], capture_output=True, timeout=120)
        raise NodeUnavailable(f"Elasticsearch did not start within {start_timeout + 60:.0f}s") from exc
    if started.returncode:
        log = ""
        for path in sorted(Path(rundir).glob("logs/*.log"))[:1]:
            log = path.read_text(errors="replace")[-1500:]
        subprocess.run(["bash", str(SCRIPT), "stop", rundir], capture_output=True, timeout=120)
        raise NodeUnavailable(f"Elasticsearch did not start: {started.stderr.strip()[-1500:]}\n{log}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", rundir], capture_output=True, timeout=120)
