"""Per-account lease in Redis with a fencing token: one run per account across all workers.

``SET key holder NX PX ttl`` takes the account and ``INCR`` on a separate counter hands
out a token that only grows. Renew and release are Lua scripts that act only if we still
hold the key; ``check_fence`` refuses a holder whose token is no longer the newest (the
lease expired and someone took over), so a stale worker stops before writing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hpsync.errors import LeaseHeld

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[3] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_FENCE = """
local newest = tonumber(redis.call('GET', KEYS[2]) or '0')
if newest ~= tonumber(ARGV[2]) then return -1 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
return 1
"""


@dataclass(frozen=True, slots=True)
class Held:
    """A lease we took: who we are and the fencing token we got."""

    scope: str
    holder: str
    token: int


class RedisLeases:
    """The lease and fencing counter of every account, under one key prefix."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._fence = redis.register_script(_FENCE)

    def _keys(self, scope: str) -> list[str]:
        return [f"{self._prefix}:lease:{scope}", f"{self._prefix}:fence:{scope}"]

    def acquire(self, scope: str, holder: str, ttl_ms: int) -> Held | None:
        """Take the account for ``ttl_ms``, or None when another live holder has it."""
        token = int(self._acquire(keys=self._keys(scope), args=[holder, ttl_ms]))
        return Held(scope, holder, token) if token else None

    def holder_of(self, scope: str) -> str | None:
        """Who holds the account now (for the 'busy' message)."""
        value = self._redis.get(self._keys(scope)[0])
        return value.decode() if isinstance(value, bytes) else value

    def renew(self, held: Held, ttl_ms: int) -> bool:
        """Extend our lease; False when it expired or was taken over."""
        return bool(
            int(self._renew(keys=self._keys(held.scope), args=[held.holder, ttl_ms, held.token]))
        )

    def release(self, held: Held) -> bool:
        """Give the account back; a lease already lost is left to its new holder."""
        return bool(int(self._release(keys=self._keys(held.scope), args=[held.holder])))

    def check_fence(self, held: Held) -> None:
        """LeaseHeld unless our token is still the newest and our lease is live."""
        state = int(self._fence(keys=self._keys(held.scope), args=[held.holder, held.token]))
        if state == -1:
            raise LeaseHeld(
                f"{held.scope}: fencing token {held.token} is stale, a newer holder took over",
                hint="this worker must stop writing; the newer run carries on",
            )
        if state == -2:
            raise LeaseHeld(
                f"{held.scope}: the lease of {held.holder} expired",
                hint="this worker must stop writing; the next run resumes from the state store",
            )

    @contextmanager
    def hold(self, held: Held, ttl_ms: int) -> Iterator[Callable[[], None]]:
        """Keep the lease renewed while the body runs; yield its ``fence()`` callable."""
        stop = threading.Event()
        lost = threading.Event()

        def renew_loop() -> None:
            while not stop.wait(ttl_ms / 3000):
                if not self.renew(held, ttl_ms):
                    lost.set()
                    return

        def fence() -> None:
            if lost.is_set():
                raise LeaseHeld(f"{held.scope}: lease of {held.holder} was lost")
            self.check_fence(held)

        thread = threading.Thread(target=renew_loop, name=f"lease-{held.scope}", daemon=True)
        thread.start()
        try:
            yield fence
        finally:
            stop.set()
            thread.join(timeout=5)
            self.release(held)
