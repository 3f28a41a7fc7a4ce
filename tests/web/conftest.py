"""Dashboard fixtures: a filled store (fake and real SQLite) and clients with and without
a session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.web import create_app

from .fakes import FakeStore
from .school import ACCOUNTS, NOW, TOKEN, StepClock, fill

PLANS: list[str] = []
SYNCS: list[str] = []
SYNC_EVERY = {"paris": timedelta(days=2)}  # paris' runs are stale after 4 d, others 1 h


def fake_plan(account: str) -> str:
    """A plan_now that records its calls and answers a recognisable text."""
    PLANS.append(account)
    return f"plan for {account}: 3 to create, 0 to remove"


def fake_sync(account: str) -> str:
    """A sync_now that records its calls and answers a summary like the real one."""
    SYNCS.append(account)
    return f"down run 90: ok {{'created': 1}}\nup run 91: ok {{}} ({account})"


def hp_url(record: str) -> str | None:
    kind, _, key = record.partition(" ")
    return f"https://hp.example.edu/{kind}/{key}" if key else None


@pytest.fixture(params=["fake", "sqlite"])
def filled(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[object, dict[str, int]]]:
    """The school history in the in-memory fake, then in a real SQLite StateStore."""
    if request.param == "fake":
        store: object = FakeStore(StepClock())
        yield store, fill(store)  # type: ignore[arg-type]
        return
    real = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}", clock=StepClock())
    try:
        yield real, fill(real)
    finally:
        real.close()


@pytest.fixture
def app(filled: tuple[object, dict[str, int]]) -> FastAPI:
    PLANS.clear()
    SYNCS.clear()
    return create_app(
        filled[0],  # type: ignore[arg-type]
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),
        plan_now=fake_plan,
        sync_now=fake_sync,
        sync_every=SYNC_EVERY,
        hp_record_url=hp_url,
        clock=lambda: NOW,
        language="en",  # these tests read English; tests/web/test_language.py reads both
    )


@pytest.fixture
def ids(filled: tuple[object, dict[str, int]]) -> dict[str, int]:
    return filled[1]


@pytest.fixture
def anon(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """A client logged in with the right token."""
    c = TestClient(app, follow_redirects=False)
    assert c.post("/login", data={"token": TOKEN}).status_code == 303
    return c
