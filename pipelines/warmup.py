"""Load, once per process, what the first search would otherwise load while a person waits: the
multilingual embedding model (~1.8 s), the German compound splitter (~2.5 s), the language profiles
(~0.5 s) and the index readers.

The UI starts this in a background thread when the app starts, so the first search is answered as
fast as every later one (`tests/benchmarks/ui_first_search.py` measures it).
"""

from __future__ import annotations

import threading
import time

WARM_UP_QUERY = "Zeuge witness شاهد"


def warm_up(workspace, keyword_ready: threading.Event | None = None) -> float:
    """Run throw-away searches through the query pipeline; returns the seconds it took.

    `keyword_ready` is set as soon as keyword (BM25) search is warm, before the embedding model loads,
    so a search typed meanwhile can be answered from keywords at once.
    """
    started = time.perf_counter()
    workspace.searcher.search(WARM_UP_QUERY, limit=1, with_facets=True, dense=False)
    if keyword_ready is not None:
        keyword_ready.set()
    from pipelines import compounds

    compounds.load()  # after keyword_ready: only queries with long words need it
    workspace.searcher.search(WARM_UP_QUERY, limit=1, with_facets=True)
    return time.perf_counter() - started
