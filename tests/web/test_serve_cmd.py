"""``hpsync serve``: token from the environment, checked before anything is served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hpsync.cli import app
from hpsync.commands.serve_cmd import check_token, known_accounts
from hpsync.errors import UsageError
from hpsync.secrets import Secret

from .fakes import FakeStore
from .school import StepClock, fill


def test_serve_refuses_a_missing_token_variable(tmp_path: Path) -> None:
    """Naming an unset variable is a usage error that says which variable to export."""
    result = CliRunner().invoke(
        app,
        ["serve", "--state-url", f"sqlite:///{tmp_path}/s.db", "--token-env", "NO_SUCH_VAR_X"],
        env={"NO_SUCH_VAR_X": None},
    )
    assert isinstance(result.exception, UsageError)
    assert "NO_SUCH_VAR_X" in str(result.exception)


def test_serve_refuses_a_short_token(tmp_path: Path) -> None:
    """A guessable token (under 12 characters) is refused before the store is opened."""
    result = CliRunner().invoke(
        app,
        ["serve", "--state-url", f"sqlite:///{tmp_path}/s.db", "--token-env", "DASH_T"],
        env={"DASH_T": "short"},
    )
    assert isinstance(result.exception, UsageError)
    assert "shorter than 12" in str(result.exception)
    assert "short" not in str(result.exception).replace("shorter", "")
    assert not (tmp_path / "s.db").exists()


def test_check_token_accepts_a_long_token() -> None:
    """A long random token passes the check."""
    check_token(Secret("x" * 24))
    with pytest.raises(UsageError):
        check_token(Secret("x" * 11))


def test_known_accounts_come_from_the_runs() -> None:
    """Without --account, the accounts shown are those the store has runs for."""
    store = FakeStore(StepClock())
    fill(store)
    assert known_accounts(store) == ["lyon", "paris"]


CONFIG = """
state_url = "sqlite:///{db}"
language = "en"
timezone = "America/Montreal"

[hyperplanning]
url = "http://127.0.0.1:9/hpsw"
user = "ws"
password = "env:HPSYNC_T_HP"

[[accounts]]
name = "nord"
api_key = "env:HPSYNC_T_KEY"

[accounts.schedule]
every_minutes = 30

[dashboard]
token = "env:HPSYNC_T_DASH"
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(args: list[str], env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``hpsync serve ARGS`` as a real process: yields it with its banner line (printed just
    before it listens); stopped by SIGINT after, and it must then exit 0."""
    hpsync = Path(sys.executable).with_name("hpsync")
    proc = subprocess.Popen(
        [str(hpsync), "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc, proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_serve_config_runs_as_a_real_process_and_logs_in_over_http(tmp_path: Path) -> None:
    """`hpsync serve --config FILE` listens on its port, takes the token, shows the account
    with sync-now and dry-run enabled and its schedule's threshold, and stops on SIGINT."""
    config = tmp_path / "hpsync.toml"
    config.write_text(CONFIG.format(db=tmp_path / "state.db"), encoding="utf-8")
    port = _free_port()
    token = "serve-proc-token-5e8d1b"
    env = {
        **os.environ,
        "HPSYNC_T_HP": "hp-pass-123",
        "HPSYNC_T_KEY": "edu-key-456",
        "HPSYNC_T_DASH": token,
        "PYTHONUNBUFFERED": "1",
    }
    with _serving(["--config", str(config), "--port", str(port)], env) as (_, banner):
        assert banner.strip() == f"dashboard on http://127.0.0.1:{port}/ for nord", banner
        base = f"http://127.0.0.1:{port}"
        # connection retries cover the instant between the banner and the bind
        transport = httpx.HTTPTransport(retries=5)
        with httpx.Client(base_url=base, transport=transport, timeout=10) as http:
            assert http.get("/").headers["location"] == "/login"
            assert http.post("/login", data={"token": "wrong-token-123"}).status_code == 401
            assert http.post("/login", data={"token": token}).status_code == 303
            page = http.get("/").text
            assert 'id="account-nord"' in page
            assert '<button type="submit">Sync now nord</button>' in page
            assert '<button type="submit">Dry-run plan nord</button>' in page
            assert "Times are in the America/Montreal time zone." in page  # the config's zone
            french = http.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
            assert '<button type="submit">Synchroniser nord maintenant</button>' in french
            overview = http.get("/api/overview").json()["accounts"][0]
            assert overview["freshness"]["down"]["stale_after_seconds"] == 3600  # 2 × 30 min
            assert token not in page


def test_sync_now_for_runs_down_then_up_against_the_emulators(tmp_path: Path) -> None:
    """The served sync-now runs one account down then up for real and summarises both runs."""
    from e2e.harness import world
    from hpsync.commands.serve_cmd import sync_now_for
    from hpsync.state import StateStore

    with world(tmp_path) as w:
        summary = sync_now_for(w.config)("sud").splitlines()
        with StateStore.open(f"sqlite:///{tmp_path / 'state.db'}") as store:
            runs = store.runs("sud")
    assert [(r.flow, r.outcome, r.dry_run) for r in runs] == [
        ("up", "ok", False),
        ("down", "ok", False),
    ]
    # shown on the dashboard in the configuration's language (French), counts as words
    assert summary[0].startswith(f"exécution {runs[1].run_id} (planning → Edusign) : ok ; créées ")
    assert summary[1].startswith(f"exécution {runs[0].run_id} (présences → Hyperplanning) : ok")
    assert "_" not in "".join(summary)


def test_the_dashboard_settles_a_run_whose_process_died(tmp_path: Path) -> None:
    """A run left "running" by a killed process, with nobody holding its account: `hpsync
    serve` marks it interrupted on its own, so the page shows it so, not running for ever."""
    from hpsync.state import StateStore

    url = f"sqlite:///{tmp_path / 'state.db'}"
    with StateStore.open(url) as store:
        run_id = store.start_run("nord", "down")  # its process was killed: never finished
    port = _free_port()
    token = "settle-token-7c2e9a41"
    env = {**os.environ, "HPSYNC_T_DASH": token, "PYTHONUNBUFFERED": "1"}
    argv = ["--state-url", url, "--token-env", "HPSYNC_T_DASH", "-a", "nord", "--port", str(port)]
    with _serving(argv, env) as _:
        transport = httpx.HTTPTransport(retries=5)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, transport=transport, timeout=10) as http:
            assert http.post("/login", data={"token": token}).status_code == 303
            for _ in range(50):  # settled at start, in the background
                page = http.get(f"/runs/{run_id}").text
                if "badge-interrupted" in page:
                    break
                time.sleep(0.1)
            assert "badge-interrupted" in page, page[:2000]
            assert "badge-running" not in page
