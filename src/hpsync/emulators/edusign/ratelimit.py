"""Per-key sliding-window rate budget and the request statistics it feeds.

Edusign delays requests over budget (+100 ms per extra request in the minute) instead of
refusing them (reference §4); ``rate_mode="429"`` refuses with ``Retry-After`` instead.
Statistics never hold a key, only its fingerprint.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WINDOW = 60.0
STEP_DELAY = 0.1


@dataclass(slots=True)
class KeyStats:
    """What one key did since start or the last reset."""

    school: str
    requests: int = 0
    heavy: int = 0
    slowed: int = 0
    rejected: int = 0
    delay_seconds: float = 0.0
    max_window: int = 0
    max_window_heavy: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    normal_times: deque[float] = field(default_factory=deque)
    heavy_times: deque[float] = field(default_factory=deque)

    def as_json(self) -> dict[str, Any]:
        """The public view (no timestamps)."""
        return {
            "school": self.school,
            "requests": self.requests,
            "heavy": self.heavy,
            "slowed": self.slowed,
            "rejected_429": self.rejected,
            "delay_seconds": round(self.delay_seconds, 3),
            "max_in_60s": self.max_window,
            "max_heavy_in_60s": self.max_window_heavy,
            "by_route": dict(sorted(self.by_route.items())),
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with one request: wait ``delay`` seconds, or refuse for ``retry_after``."""

    delay: float = 0.0
    retry_after: int | None = None


class RateLimiter:
    """Sliding 60 s windows per key fingerprint; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock  # a test may share a fake clock with the client
        self._lock = threading.Lock()
        self._keys: dict[str, KeyStats] = {}

    def admit(
        self,
        fp: str,
        school: str,
        route: str,
        heavy: bool,
        limits: tuple[int, int],
        mode: str,
    ) -> Verdict:
        """Count one request and say how to treat it."""
        now = self._clock()
        with self._lock:
            stats = self._keys.setdefault(fp, KeyStats(school))
            for times in (stats.normal_times, stats.heavy_times):
                while times and times[0] <= now - WINDOW:
                    times.popleft()
            stats.requests += 1
            stats.by_route[route] += 1
            if heavy:
                stats.heavy += 1
            normal_limit, heavy_limit = limits
            over_normal = len(stats.normal_times) + 1 - normal_limit
            over_heavy = len(stats.heavy_times) + 1 - heavy_limit if heavy else 0
            if mode == "429" and max(over_normal, over_heavy) > 0:
                stats.rejected += 1
                times = stats.heavy_times if over_heavy > 0 else stats.normal_times
                return Verdict(retry_after=max(1, math.ceil(times[0] + WINDOW - now)))
            stats.normal_times.append(now)
            stats.max_window = max(stats.max_window, len(stats.normal_times))
            if heavy:
                stats.heavy_times.append(now)
                stats.max_window_heavy = max(stats.max_window_heavy, len(stats.heavy_times))
            extra = max(over_normal, over_heavy, 0)
            if extra == 0:
                return Verdict()
            stats.slowed += 1
            stats.delay_seconds += extra * STEP_DELAY
            return Verdict(delay=extra * STEP_DELAY)

    def snapshot(self) -> dict[str, Any]:
        """Per-fingerprint statistics."""
        with self._lock:
            return {fp: stats.as_json() for fp, stats in sorted(self._keys.items())}

    def reset(self) -> None:
        """Forget every count and window."""
        with self._lock:
            self._keys.clear()
