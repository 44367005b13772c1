"""The error ingestion raises for what a user can get wrong, with a short Vietnamese reason."""

from __future__ import annotations


class IngestError(Exception):
    """A file cannot be indexed; ``str()`` is a short Vietnamese reason for the user."""
