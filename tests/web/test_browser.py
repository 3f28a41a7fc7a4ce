"""The dashboard and the demo report in a real headless Chromium (Debian's), via Playwright.

The app runs under uvicorn in a thread on a socket bound before the thread starts, so the
browser's first connection waits in the listen backlog: no polling, no sleeps. Its clock
is the test data's own (``NOW``), so pages, and the screenshots the README shows
(``docs/screenshots``), are the same from one run to the next.
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
from hpsync.locale import Reader
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.web import create_app

from .conftest import hp_url
from .report_data import fixed_report
from .school import ACCOUNTS, NOW, TOKEN, StepClock, fill
from .test_language import ISO_WITH_OFFSET, RAW_KEYS

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"  # linked from the README
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",  # steadier glyphs: fewer pixels change between runs
]
LOCALES = {"fr": "fr-FR", "en": "en-GB"}

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
        clock=lambda: NOW,  # the data's own "now": pages and screenshots do not drift
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


def _shot(page: Any, name: str, folder: Path = SHOTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
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
    page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="en-GB")
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(url + "/login")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        assert page.evaluate("document.cookie") == ""  # HttpOnly: invisible to scripts
        paris = page.locator("#account-paris")
        assert "partly done" in paris.locator("h2").inner_text()
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


def _log_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _reads_as_a_person_would(page: Any, language: str, *, zone_once: bool = True) -> str:
    """The page's text names no UTC, no ISO time, no count key; its zone once."""
    text = str(page.evaluate("document.body.innerText"))
    assert page.get_attribute("html", "lang") == language
    assert "UTC" not in text and not ISO_WITH_OFFSET.search(text), page.url
    raw = [key for key in RAW_KEYS if key in text]
    assert raw == [], (page.url, raw)
    if zone_once:
        assert text.count(Reader(language).zone_note()) == 1, page.url
    return text


def _charts_render(page: Any, where: str, count: int) -> None:
    """``count`` SVG charts are laid out with a real size and carry marks (bars, lines)."""
    charts = page.locator(f"{where} svg.chart")
    assert charts.count() == count, where
    for n in range(count):
        chart = charts.nth(n)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (where, n)
        marks = chart.locator("rect.writes, rect.segment, polyline.series, circle.point")
        assert marks.count() > 0, (where, n)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_pages_read_in_the_browsers_language_with_charts(
    server: tuple[str, dict[str, int]], browser: Any, language: str
) -> None:
    """In French and in English: overview, run, anomalies, ledger and drift show no UTC
    and no count key, name the zone once, and draw their charts; the screenshots the
    README shows are taken here."""
    url, ids = server
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=LOCALES[language], timezone_id="UTC"
    )
    page = context.new_page()
    shots: list[Path] = []
    folder = DOC_SHOTS if language == "fr" else SHOTS
    try:
        _log_in(page, url)
        text = _reads_as_a_person_would(page, language)
        assert ("Vue d’ensemble" if language == "fr" else "Overview") in text
        _charts_render(page, "#account-paris", 4)
        # the overview card of paris, where the charts are, is the picture
        shots.append(_shot(page, f"{language}-overview", folder))

        page.goto(url + f"/runs/{ids['paris_down']}")
        text = _reads_as_a_person_would(page, language)
        kept = page.locator("#action-protected").inner_text()
        assert (
            "conservée : feuille verrouillée" if language == "fr" else "kept: locked sheet"
        ) in (kept)
        shots.append(_shot(page, f"{language}-run", folder))

        page.goto(url + "/anomalies")
        _reads_as_a_person_would(page, language)
        shots.append(_shot(page, f"{language}-anomalies", folder))

        page.goto(url + "/accounts/paris/ledger")
        text = _reads_as_a_person_would(page, language)
        # the failed mark's session: 3 March, 08:00-10:00 UTC, read in Paris
        when = (
            "mar. 3 mars 2026, 09:00 → 11:00"
            if language == "fr"
            else "Tue 3 Mar 2026, 09:00 → 11:00"
        )
        assert when in text
        _charts_render(page, "main", 1)
        shots.append(_shot(page, f"{language}-ledger", folder))

        page.goto(url + "/drift")
        _reads_as_a_person_would(page, language)
        for path in shots:
            _assert_real_png(path)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demo_report_reads_and_prints_with_its_charts(
    browser: Any, language: str, tmp_path: Path
) -> None:
    """The demo's HTML report, opened as a file: the reader's language, no UTC, no count
    key, six charts (three per account) that keep their size on paper too."""
    report = tmp_path / f"report-{language}.html"
    report.write_text(fixed_report(language).html(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    try:
        page.goto(report.as_uri())
        text = _reads_as_a_person_would(page, language)
        words = (
            "absences corrigées dans Hyperplanning 1"
            if language == "fr"
            else ("absences corrected in Hyperplanning 1")
        )
        assert words in text
        _charts_render(page, "#charts", 6)
        page.emulate_media(media="print")
        _charts_render(page, "#charts", 6)
        page.emulate_media(media="screen")
        folder = DOC_SHOTS if language == "fr" else SHOTS
        _assert_real_png(_shot(page, f"{language}-report", folder))
    finally:
        context.close()
