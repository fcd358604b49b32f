"""Errors a search backend reports to the person at the keyboard (the CLI prints them, no traceback)."""

from __future__ import annotations


class IndexUnavailable(RuntimeError):
    """The search index cannot be reached or used (a cluster that is down, refused credentials)."""


class IndexWriteError(RuntimeError):
    """The search index rejected documents, after retrying what could be retried."""
