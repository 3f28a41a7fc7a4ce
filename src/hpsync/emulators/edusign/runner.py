"""Run the emulator in a background thread on a loopback port (tests, demo, CLI)."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from hpsync.emulators.edusign.app import create_app
from hpsync.emulators.edusign.profiles import FULL
from hpsync.emulators.edusign.profiles import check as check_profile
from hpsync.emulators.edusign.ratelimit import RateLimiter
from hpsync.emulators.edusign.spec import SchoolSpec, Settings, as_school_specs
from hpsync.emulators.edusign.state import EmuState
from hpsync.emulators.edusign.storage import Store


def build_state(
    schools: list[tuple[str, str]] | list[SchoolSpec],
    *,
    db_path: Path | None,
    settings: Settings,
) -> EmuState:
    """Open (or create) the database and make sure every school and key exists."""
    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="edusign-emu-")) / "edusign.sqlite"
    state = EmuState(store=Store(db_path), settings=settings)
    for spec in as_school_specs(schools):
        state.ensure_school(spec)
    state.reload_keys()
    return state


def _dropper(server: uvicorn.Server) -> Any:
    """Close (abort) the TCP connection serving an ASGI scope: a reset for the client."""

    def drop(scope: Any) -> bool:
        for conn in list(getattr(server.server_state, "connections", ())):
            cycle = getattr(conn, "cycle", None)
            transport = getattr(conn, "transport", None)
            if cycle is not None and getattr(cycle, "scope", None) is scope and transport:
                transport.abort()
                return True
        return False

    return drop


class RunningEdusign:
    """An emulator serving in a background thread; ``url`` is the base (no ``/v1``)."""

    def __init__(self, state: EmuState, host: str, port: int) -> None:
        self.state = state
        config = uvicorn.Config(
            create_app(state),
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            date_header=False,  # the app sends its own clock's Date (app.ServerDate)
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        state.drop_connection = _dropper(self._server)
        self._thread = threading.Thread(target=self._serve, daemon=True, name="edusign-emulator")
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Edusign emulator did not start")
            time.sleep(0.01)
        sock = self._server.servers[0].sockets[0]
        self.host, self.port = host, int(sock.getsockname()[1])
        self.url = f"http://{host}:{self.port}"

    def _serve(self) -> None:
        asyncio.run(self._server.serve())

    @property
    def db_path(self) -> Path:
        """The SQLite file holding the data."""
        return self.state.store.path

    def stop(self) -> None:
        """Stop serving, flush webhooks, close the database."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.state.webhooks.close()
        self.state.store.close()

    def __enter__(self) -> RunningEdusign:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator(
    *,
    schools: list[tuple[str, str]] | list[SchoolSpec],
    db_path: Path | None = None,
    test_controls: bool = True,
    rate_scale: float = 1.0,
    rate_mode: str = "slow",
    strict_api_id: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    rate_clock: Callable[[], float] | None = None,
    profile: str = FULL,
) -> RunningEdusign:
    """Serve Edusign v1 + v3 for ``schools`` on loopback (port 0 = a free port).

    ``rate_clock`` (tests) replaces ``time.monotonic`` for the rate windows, so a test can
    share a fake clock with the client and run minutes of traffic instantly.
    ``profile``: ``"full"`` (every route, hpsync's guesses included) or ``"public"`` (only
    what public evidence supports, in its public shape; see ``profiles.py``).
    """
    if rate_mode not in ("slow", "429"):
        raise ValueError("rate_mode must be 'slow' or '429'")
    settings = Settings(
        test_controls=test_controls,
        rate_scale=rate_scale,
        rate_mode=rate_mode,
        strict_api_id=strict_api_id,
        profile=check_profile(profile),
    )
    state = build_state(schools, db_path=db_path, settings=settings)
    if rate_clock is not None:
        state.limiter = RateLimiter(rate_clock)
    return RunningEdusign(state, host, port)
