"""Real Redis for the worker tests: a dedicated DB and a fresh key prefix per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import port_open, require

REDIS_DB = 13
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


@pytest.fixture
def redis_client() -> Iterator[Any]:
    """A client on the worker tests' DB; fails under CI, skips elsewhere, without Redis."""
    require(port_open("127.0.0.1", 6379), "Redis is not running on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: Any) -> Iterator[str]:
    """A key prefix no other test run uses; its keys are deleted afterwards."""
    name = f"hpsync-test-{uuid.uuid4().hex[:10]}"
    yield name
    for key in redis_client.scan_iter(match=f"{name}:*", count=500):
        redis_client.delete(key)
