"""The Edusign rate budget shared by every worker: one token bucket per API key in Redis.

Same sizing as :class:`hpsync.edusign.ratelimit.TokenBucket` (burst + refill over a
window never exceed ``limit × margin``), evaluated atomically by a Lua script so any
number of processes share one budget. Buckets are keyed on a SHA-256 prefix of the key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from hpsync.edusign.ratelimit import DEFAULT_LIMITS, Budget, RateLimiter, RouteClass, bucket_size
from hpsync.secrets import Secret

_RESERVE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
if now > stamp then
  tokens = math.min(capacity, tokens + (now - stamp) * rate)
  stamp = now
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil(((capacity - tokens) / rate + 1) * 1000))
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


def fingerprint(api_key: Secret) -> str:
    """What identifies a key in Redis: a digest prefix, never the key."""
    return hashlib.sha256(api_key.reveal().encode()).hexdigest()[:16]


class RedisRateLimiter(RateLimiter):
    """A drop-in ``limiter=`` for EdusignClient whose buckets live in Redis."""

    def __init__(
        self,
        redis: Any,
        api_key: Secret,
        *,
        prefix: str = "hpsync",
        scale: float = 1.0,
        budgets: Mapping[RouteClass, Budget] | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(scale=scale, budgets=budgets, sleep=sleep)
        chosen = budgets or {cls: Budget(limit * scale) for cls, limit in DEFAULT_LIMITS.items()}
        self._sizes = {cls: bucket_size(chosen[cls]) for cls in RouteClass}
        self._script = redis.register_script(_RESERVE)
        self._clock = clock  # None: Redis's own clock, the same for every host
        self._base = f"{prefix}:rate:{fingerprint(api_key)}"

    def reserve(self, route_class: RouteClass) -> float:
        """Take one token of the shared bucket; the seconds to wait before sending."""
        capacity, rate = self._sizes[route_class]
        now = "" if self._clock is None else repr(self._clock())
        raw = self._script(keys=[f"{self._base}:{route_class.value}"], args=[capacity, rate, now])
        return float(raw.decode() if isinstance(raw, bytes) else raw)

    def acquire(self, route_class: RouteClass) -> float:
        """Wait out a pause this process honours, then for a token of ``route_class`` from
        the shared budget; the seconds waited."""
        delay = self.quiet_left() + self.reserve(route_class)
        if delay > 0:
            with self._lock:
                self.waits += 1
                self.waited_seconds += delay
            self._sleep(delay)
        return delay
