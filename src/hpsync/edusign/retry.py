"""Which Edusign requests may be retried (the retry policy itself: ``hpsync.retry``)."""

from __future__ import annotations

from hpsync.retry import RetryPolicy

__all__ = ["IDEMPOTENT_METHODS", "RetryPolicy", "is_idempotent"]

# Methods whose repetition has the same effect as one call (a v1 POST create does not).
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def is_idempotent(method: str, path: str) -> bool:
    """True when replaying the request cannot create a duplicate.

    v3 batch-upsert is a POST, but it upserts by ``externalReferenceId`` [C, D-CHG], so a
    replay updates what the first try created instead of duplicating it.
    """
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return path.rstrip("/").endswith("/batch-upsert")
