"""The Redis token bucket: one budget per API key, shared by every limiter instance."""

from __future__ import annotations

from typing import Any

from hpsync.edusign.ratelimit import RouteClass
from hpsync.secrets import Secret
from hpsync.worker.ratelimit import RedisRateLimiter


class Clock:
    """A shared fake clock, moved by the test only."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _max_in_window(sends: list[float], window: float) -> int:
    sends = sorted(sends)
    best, start = 0, 0
    for end, t in enumerate(sends):
        while sends[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_two_limiters_of_one_key_keep_the_combined_rate_in_budget(
    redis_client: Any, prefix: str
) -> None:
    """Two workers hammering one key never exceed the key's per-minute budget together."""
    clock = Clock()
    key = Secret("api-key-for-the-shared-bucket")
    limiters = [
        RedisRateLimiter(
            redis_client, key, prefix=prefix, scale=0.1, clock=clock, sleep=lambda s: None
        )
        for _ in range(2)
    ]
    sends: list[float] = []
    for i in range(200):  # arrivals far faster than the 48/min budget
        clock.now += 0.05
        delay = limiters[i % 2].acquire(RouteClass.NORMAL)
        sends.append(clock.now + delay)
    assert _max_in_window(sends, 60.0) <= 48
    assert limiters[0].waits + limiters[1].waits > 150  # both were held back


def test_a_second_limiter_sees_the_first_ones_spending(redis_client: Any, prefix: str) -> None:
    """Once one instance spent the burst, the other instance has to wait too."""
    clock = Clock()
    key = Secret("api-key-spent-elsewhere")
    one = RedisRateLimiter(
        redis_client, key, prefix=prefix, scale=0.1, clock=clock, sleep=lambda s: None
    )
    other = RedisRateLimiter(
        redis_client, key, prefix=prefix, scale=0.1, clock=clock, sleep=lambda s: None
    )
    while one.reserve(RouteClass.NORMAL) == 0:
        pass
    assert other.acquire(RouteClass.NORMAL) > 0
    fresh = RedisRateLimiter(
        redis_client, Secret("another-account-key"), prefix=prefix, clock=clock
    )
    assert fresh.acquire(RouteClass.NORMAL) == 0  # another key has its own budget


def test_heavy_routes_have_their_own_smaller_budget(redis_client: Any, prefix: str) -> None:
    """Heavy routes get 24/min (×scale) and do not eat the normal budget."""
    clock = Clock()
    limiter = RedisRateLimiter(
        redis_client, Secret("api-key-heavy"), prefix=prefix, clock=clock, sleep=lambda s: None
    )
    sends = []
    for _ in range(60):
        clock.now += 0.01
        sends.append(clock.now + limiter.acquire(RouteClass.HEAVY))
    assert _max_in_window(sends, 60.0) <= 24
    assert limiter.acquire(RouteClass.NORMAL) == 0


def test_redis_holds_a_fingerprint_never_the_key(redis_client: Any, prefix: str) -> None:
    """The bucket's Redis key is a digest: the API key itself is nowhere in Redis."""
    secret = "super-secret-edusign-key-123"
    RedisRateLimiter(redis_client, Secret(secret), prefix=prefix).acquire(RouteClass.NORMAL)
    keys = [k.decode() for k in redis_client.scan_iter(match=f"{prefix}:*")]
    assert keys and all(secret not in k for k in keys)
    assert all(secret.encode() not in str(redis_client.hgetall(k)).encode() for k in keys)
