"""The one retry policy of both clients, run by tenacity rather than hand-written loops.

Each client says *what* is worth another try (``retry=``: the Edusign one knows which
requests are idempotent, the Hyperplanning one retries transport failures); this module
says *how often* and *how long*, the same way for both services: capped exponential
backoff with full jitter, sleep and random injectable so tests are deterministic. A
service's own "come back in N s" (:class:`Throttled`, HTTP 429) is waited for exactly,
through the caller's ``pause`` (the Edusign rate limiter), not by the backoff.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tenacity
from tenacity.retry import RetryBaseT
from tenacity.stop import StopBaseT

Hook = Callable[[tenacity.RetryCallState], Any]


class Throttled(Exception):
    """The service asked for ``seconds`` of quiet before the next try (HTTP 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"throttled for {seconds:.1f} s")
        self.seconds = seconds


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

    def retrying(
        self,
        *,
        retry: RetryBaseT,
        before_sleep: Hook | None = None,
        stop: StopBaseT | None = None,
        pause: Callable[[float], None] | None = None,
        give_up: Hook | None = None,
    ) -> tenacity.Retrying:
        """A tenacity runner for one call: ``retry`` picks the failures worth another try;
        ``stop`` defaults to ``attempts`` tries; ``give_up`` (tenacity's
        ``retry_error_callback``) turns the last outcome into what the caller sees,
        otherwise the last exception is re-raised as it is."""
        waiter = _Waiter(self, pause)
        return tenacity.Retrying(
            stop=stop if stop is not None else tenacity.stop_after_attempt(self.attempts),
            wait=waiter.wait,
            sleep=waiter.sleep,
            retry=retry,
            before_sleep=before_sleep,
            retry_error_callback=give_up,
            reraise=True,
        )


class _Waiter:
    """tenacity's ``wait`` and ``sleep`` for one call: the backoff, slept with the policy's
    sleep; or a :class:`Throttled`'s own seconds, spent in ``pause`` (tenacity hands its
    sleep only a number, so the wait remembers which kind it chose)."""

    def __init__(self, policy: RetryPolicy, pause: Callable[[float], None] | None) -> None:
        self._policy = policy
        self._pause = pause
        self._throttled = False

    def wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        self._throttled = isinstance(error, Throttled)
        if isinstance(error, Throttled):
            return error.seconds
        return self._policy.backoff(state.attempt_number - 1)

    def sleep(self, seconds: float) -> None:
        if self._throttled and self._pause is not None:
            self._pause(seconds)  # even 0 s: the pause is counted as a throttle wait
        elif seconds > 0:
            self._policy.sleep(seconds)


def log_retry(logger: logging.Logger, service: str, what: str) -> Hook:
    """A before-sleep hook: one warning per retry, "<service> retry N of <what> after Xs"."""

    def hook(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        logger.warning(
            "%s retry %d of %s after %.2fs: %s",
            service,
            state.attempt_number,
            what,
            state.upcoming_sleep,
            error,
        )

    return hook
