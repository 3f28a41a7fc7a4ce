"""Client-side rate budget: a token bucket per API key and route class.

Edusign does not reject requests above its budget, it *slows them down* (+100 ms per
extra request, reference §4). A sync that hits the limit therefore gets slower and
slower without any error; the client keeps itself under budget instead.

The bucket is sized so that no sliding window of ``window`` seconds ever sees more than
``limit × margin`` requests: burst ``B`` plus refill ``r × window`` stays within it.
"""

from __future__ import annotations

import enum
import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hpsync.secrets import Secret


class RouteClass(enum.StrEnum):
    """Edusign's two rate classes (the reference marks heavy routes with a red dot)."""

    NORMAL = "normal"
    HEAVY = "heavy"


# THE classification table, shared with the emulator (its routes are classified by
# ``classify`` too, so client and emulator cannot drift): (method, path regex) → heavy.
# Everything else is normal. Reference §4: 480/min normal, 24/min heavy "marked with a red
# dot in the reference; v3 pages say 'Rate limit: HEAVY'" — the only pages we could read
# that carry the mark are the v3 batch upserts and roster PUTs, so they are the only heavy
# routes. [I] No v1 route is known to be heavy (the v1 red dots were not readable);
# treating ``GET /v1/course`` as heavy was a guess that made reading a school's sheets
# twenty times slower, so it is gone.
HEAVY_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("POST", re.compile(r"^/v3/(students|professors|courses)/batch-upsert/?$")),
    ("PUT", re.compile(r"^/v3/courses/[^/]+/students/?$")),
    ("PUT", re.compile(r"^/v3/courses/by-reference-id/[^/]+/students/?$")),
)

# Requests per minute documented by Edusign (reference §4, [C]).
DEFAULT_LIMITS: Mapping[RouteClass, float] = {RouteClass.NORMAL: 480.0, RouteClass.HEAVY: 24.0}


def classify(method: str, path: str) -> RouteClass:
    """Rate class of a request, from the one table above."""
    upper = method.upper()
    for route_method, pattern in HEAVY_ROUTES:
        if upper == route_method and pattern.match(path):
            return RouteClass.HEAVY
    return RouteClass.NORMAL


@dataclass(frozen=True, slots=True)
class Budget:
    """At most ``limit`` requests in any ``window`` seconds."""

    limit: float
    window: float = 60.0


def bucket_size(budget: Budget, margin: float = 0.92) -> tuple[float, float]:
    """(capacity, tokens per second) of a bucket that keeps every window of the budget
    within ``limit × margin`` requests (burst plus refill over the window).

    8 % under the limit, 1 % of it as burst: the steady pace is 91 % of the limit (a long
    sync is paced by the refill rate; a 5 % burst cost it 4 % of its pace and saved a
    short run a second at most). The 8 % absorb the calls granted apart that arrive
    together (several in flight, a server busy with a heavy batch for a few seconds): at
    5 % a window reached 959 of 960.
    """
    allowed = max(1.0, budget.limit * margin)
    capacity = max(1.0, float(int(budget.limit * 0.01)))
    return capacity, max(allowed - capacity, 0.05) / budget.window


class TokenBucket:
    """A thread-safe token bucket that never lets a window exceed its budget."""

    def __init__(self, budget: Budget, *, clock: Callable[[], float]):
        self.capacity, self.rate = bucket_size(budget)  # rate: tokens per second
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one token now and return how long the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate


class RateLimiter:
    """One bucket per route class; ``acquire`` sleeps as long as the budget requires."""

    def __init__(
        self,
        *,
        scale: float = 1.0,
        budgets: Mapping[RouteClass, Budget] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if scale <= 0:
            raise ValueError("rate scale must be positive")
        chosen = budgets or {cls: Budget(limit * scale) for cls, limit in DEFAULT_LIMITS.items()}
        self._buckets = {cls: TokenBucket(chosen[cls], clock=clock) for cls in RouteClass}
        self._sleep = sleep
        self._pause_clock = clock
        self._lock = threading.Lock()
        self._quiet_until = float("-inf")  # a 429's Retry-After holds every caller
        self.waits = 0
        self.waited_seconds = 0.0

    def acquire(self, route_class: RouteClass) -> float:
        """Wait out a pause another caller honours, then for a token of ``route_class``;
        returns the seconds waited."""
        delay = self.quiet_left() + self._buckets[route_class].reserve()
        if delay > 0:
            with self._lock:
                self.waits += 1
                self.waited_seconds += delay
            self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Honour a server-imposed wait (HTTP 429 Retry-After): this caller sleeps it, and
        every caller sharing the key's budget waits until it is over before sending."""
        with self._lock:
            self.waits += 1
            self.waited_seconds += seconds
            self._quiet_until = max(self._quiet_until, self._pause_clock() + seconds)
        self._sleep(seconds)

    def quiet_left(self) -> float:
        """Seconds left of the latest server-imposed pause (0 when none is running)."""
        with self._lock:
            return max(self._quiet_until - self._pause_clock(), 0.0)


_registry: dict[tuple[str, float, int], RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for_key(
    api_key: Secret,
    *,
    scale: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> RateLimiter:
    """The shared limiter of one API key, so two clients of one account share one budget.

    The key is stored only as a SHA-256 digest.
    """
    digest = hashlib.sha256(api_key.reveal().encode()).hexdigest()
    key = (digest, scale, id(clock))
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = RateLimiter(scale=scale, clock=clock, sleep=sleep)
            _registry[key] = limiter
        return limiter
