"""The retry policy of both clients: capped exponential backoff with full jitter.

What is retried is decided by each client (the Edusign one knows whether a request is
idempotent and honours Retry-After; the Hyperplanning one retries transport failures);
this module only says *how long* to wait and *how often* to try, with the sleep and the
random source injectable so tests are deterministic. One policy, so both services are
waited for the same way.
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
