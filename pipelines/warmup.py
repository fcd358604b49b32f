"""Load, once per process, what the first search would otherwise load while a person waits: the
multilingual embedding model (~1.8 s), the language profiles (~0.5 s) and the index readers.

The UI starts this in a background thread when the app starts, so the first search is answered as
fast as every later one (`tests/benchmarks/ui_first_search.py` measures it).
"""

from __future__ import annotations

import time

WARM_UP_QUERY = "Zeuge witness شاهد"


def warm_up(workspace) -> float:
    """Run one throw-away search through the whole query pipeline; returns the seconds it took."""
    started = time.perf_counter()
    workspace.searcher.search(WARM_UP_QUERY, limit=1, with_facets=True)
    return time.perf_counter() - started
