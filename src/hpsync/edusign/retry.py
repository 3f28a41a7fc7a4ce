"""Retry policy: capped exponential backoff with full jitter, Stripe-style.

What is retried is decided by the caller (the client knows whether a request is
idempotent); this module only says *how long* to wait and *how often* to try, with the
sleep and the random source injectable so tests are deterministic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` tries in all; the n-th wait is uniform in [0, min(cap, base·2ⁿ)]."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, retry_number: int) -> float:
        """Delay before retry number ``retry_number`` (0 for the first retry), full jitter."""
        ceiling = min(self.cap, self.base * (2**retry_number))
        return float(ceiling * self.random())

    def wait(self, retry_number: int) -> float:
        """Sleep the backoff delay and return it."""
        delay = self.backoff(retry_number)
        if delay > 0:
            self.sleep(delay)
        return delay


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
