"""The dashboard in a real headless Chromium (Debian's), driven by Playwright.

The app runs under uvicorn in a thread on a socket bound before the thread starts, so the
browser's first connection waits in the listen backlog: no polling, no sleeps.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from conftest import require
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.web import create_app

from .conftest import hp_url
from .school import ACCOUNTS, TOKEN, StepClock, fill

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """The dashboard over a real SQLite store, served by uvicorn on a free loopback port."""
    db = tmp_path_factory.mktemp("web") / "state.db"
    store = StateStore.open(f"sqlite:///{db}", clock=StepClock())
    ids = fill(store)
    app = create_app(
        store,
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),
        plan_now=lambda account: f"plan for {account}: 3 to create, 0 to remove",
        sync_now=lambda account: f"down run 90: ok\nup run 91: ok ({account})",
        hp_record_url=hp_url,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", ids
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with nothing calling home."""
    require(CHROMIUM.exists(), "needs Debian's chromium at /usr/bin/chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _assert_real_png(path: Path) -> None:
    """A PNG of a rendered page: right signature, a real size, more than a blank's bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 800 and height >= 300, (path, width, height)
    assert len(data) > 8_000, (path, len(data))


def test_wrong_token_is_refused_in_the_browser(server: tuple[str, Any], browser: Any) -> None:
    """Typing a wrong token shows 'wrong token' and keeps the user on the login page."""
    url, _ = server
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(url + "/")
        assert page.url == url + "/login"
        page.fill("#token", "not-the-token")
        with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
            page.click("button[type=submit]")
        assert answer.value.status == 401
        assert page.locator(".error").inner_text() == "wrong token"
        _assert_real_png(_shot(page, "01-login-refused"))
        page.goto(url + "/anomalies")
        assert page.url == url + "/login"
    finally:
        page.close()


def test_operator_journey(server: tuple[str, dict[str, int]], browser: Any) -> None:
    """Log in, go overview → run → anomalies → drift → ledger → e-mails, plan, sync now."""
    url, ids = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url + "/login")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        assert page.evaluate("document.cookie") == ""  # HttpOnly: invisible to scripts
        paris = page.locator("#account-paris")
        assert "partial" in paris.locator("h2").inner_text()
        assert page.locator("#account-paris svg.chart rect.writes").count() == 4
        shots = [_shot(page, "02-overview")]

        paris.locator(f'a[href="/runs/{ids["paris_down"]}"]').first.click()
        page.wait_for_url(url + f"/runs/{ids['paris_down']}")
        assert "room: B12 → C07" in page.locator("#action-update").inner_text()
        assert "Bob <script>alert('x')</script>" in page.locator("#action-remove").inner_text()
        shots.append(_shot(page, "03-run"))

        page.click("nav >> text=Anomalies")
        page.wait_for_url(url + "/anomalies")
        link = page.locator("#code-learner_without_rubric a.record").first
        assert link.get_attribute("href") == "https://hp.example.edu/learner/4031"
        shots.append(_shot(page, "04-anomalies"))

        page.click("nav >> text=Drift")
        page.wait_for_url(url + "/drift")
        assert "Carol (made in Edusign)" in page.locator("main").inner_text()
        shots.append(_shot(page, "05-drift"))

        page.click("nav >> text=Ledger paris")
        page.wait_for_url(url + "/accounts/paris/ledger")
        assert page.locator("#count-written").inner_text() == "3"
        assert "learner not in session" in page.locator("#ledger-failed").inner_text()
        shots.append(_shot(page, "06-ledger"))

        page.click("nav >> text=Overview")
        page.click("text=Dry-run plan lyon")
        page.wait_for_url(url + "/accounts/lyon/plan")
        assert (
            page.locator("#plan-output").inner_text() == "plan for lyon: 3 to create, 0 to remove"
        )
        shots.append(_shot(page, "07-plan"))

        page.click("nav >> text=E-mails paris")
        page.wait_for_url(url + "/accounts/paris/notifications")
        table = page.locator("#notifications")
        assert table.locator("tbody tr").count() == 4
        assert "guard trip" in table.inner_text() and "SMTP 535" in table.inner_text()
        assert page.locator("#count-failed").inner_text() == "1"
        shots.append(_shot(page, "08-notifications"))

        page.click("nav >> text=Overview")
        assert "⚠" in page.locator("#fresh-paris-marks").inner_text()
        page.click("text=Sync now paris")
        page.wait_for_url(url + "/accounts/paris/sync")
        assert page.locator("#sync-output").inner_text() == "down run 90: ok\nup run 91: ok (paris)"
        shots.append(_shot(page, "09-sync-now"))

        for path in shots:
            _assert_real_png(path)
    finally:
        context.close()
