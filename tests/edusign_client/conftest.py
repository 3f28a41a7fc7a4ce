"""Fixtures for the Edusign client tests: a fake server, a fake clock, a client factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edusign_client.fakes import KEY, FakeEdusign
from hpsync.edusign import EdusignClient, RetryPolicy
from hpsync.secrets import Secret


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> FakeEdusign:
    """A fresh in-memory Edusign."""
    return FakeEdusign()


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


MakeClient = Callable[..., EdusignClient]


@pytest.fixture
def make_client(fake: FakeEdusign, clock: FakeClock) -> MakeClient:
    """Build a client on the fake; jitter fixed at its maximum so waits are predictable."""

    def build(**kwargs: Any) -> EdusignClient:
        kwargs.setdefault("api", "v3")
        retry = kwargs.pop("retry", RetryPolicy(sleep=clock.sleep, random=lambda: 1.0))
        return EdusignClient(
            "https://edusign.test",
            Secret(kwargs.pop("key", KEY)),
            transport=fake.transport(),
            sleep=clock.sleep,
            clock=clock,
            retry=retry,
            **kwargs,
        )

    return build
