"""Freshness, the e-mail log, the sync-now button and a run's meta and inputs.

Every test runs on the in-memory fake and on a real SQLite store filled through its API.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from hpsync.locale import Reader
from hpsync.secrets import Secret
from hpsync.state.marks import NotificationRow
from hpsync.web import create_app
from hpsync.web.views import notification_view, what_of

from .conftest import SYNCS
from .fakes import FakeStore
from .school import (
    ACCOUNTS,
    APPROVED,
    BODY,
    DIGESTS,
    LEAKED,
    NOW,
    PLAN_HASH,
    TOKEN,
    StepClock,
    fill,
)


def _text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert match is not None
    return match.group(1)


def _row(page: str, row_id: str) -> str:
    start = page.index(f'id="{row_id}"')
    return page[start : page.index("</tr>", start)]


def test_api_overview_reports_freshness_per_flow_and_marks(client: TestClient) -> None:
    """/api/overview gives each flow's last good run and the newest mark's lag, judged."""
    body = {a["account"]: a["freshness"] for a in client.get("/api/overview").json()["accounts"]}
    paris = body["paris"]
    assert paris["down"] == {
        "at": "2026-03-02T14:00:00+00:00",
        "age_seconds": 66 * 3600,
        "stale_after_seconds": 4 * 86400,  # twice paris' 2-day schedule
        "stale": False,
    }
    assert paris["up"]["age_seconds"] == 68 * 3600 and not paris["up"]["stale"]
    assert paris["marks"] == {
        "at": "2026-03-03T10:00:00+00:00",
        "age_seconds": 46 * 3600,
        "stale_after_seconds": 86400,
        "stale": True,
    }
    assert paris["failed_marks"] == 1 and paris["stale"] is True
    lyon = body["lyon"]  # no good run ever, default 1 h threshold; no mark is not stale
    assert lyon["down"] == {
        "at": None,
        "age_seconds": None,
        "stale_after_seconds": 3600,
        "stale": True,
    }
    assert lyon["marks"]["stale"] is False


def test_overview_shows_freshness_with_a_warning_when_stale(client: TestClient) -> None:
    """Each account's freshness table flags stale figures with a warning style."""
    page = client.get("/").text
    down = _row(page, "fresh-paris-down")
    marks = _row(page, "fresh-paris-marks")
    assert 'class="fresh"' in down and "2 d ago" in down and "4 d" in down
    assert 'class="stale"' in marks and "⚠ 1 d ago" in marks
    assert "Tue 3 Mar 2026, 11:00" in marks  # 10:00 UTC, read in Paris (CET)
    lyon_down = _row(page, "fresh-lyon-down")
    assert 'class="stale"' in lyon_down and "⚠ never" in lyon_down and "1 h" in lyon_down
    assert 'class="fresh"' in _row(page, "fresh-lyon-marks")


def test_notifications_page_lists_every_sort_and_status(client: TestClient) -> None:
    """The e-mail page lists alerts, guard trips, digests and reports with their status."""
    page = client.get("/accounts/paris/notifications").text
    text = _text(page)
    rows = page[page.index("<tbody>") :].split("<tr")[1:]
    assert len(rows) == 4
    assert "report" in rows[0] and "Weekly attendance 2026-W10" in rows[0]  # newest first
    assert "badge-pending" in rows[0]
    assert "digest" in rows[1] and "badge-dry_run" in rows[1]
    assert "guard trip" in rows[2] and "badge-failed" in rows[2] and "<td>3</td>" in rows[2]
    assert "SMTP 535 auth failed for key ***" in rows[2]
    assert "alert" in rows[3] and "tutor@firm.example" in rows[3] and "badge-sent" in rows[3]
    assert "Mon 2 Mar 2026, 09:00" in rows[3]
    for status in ("sent", "failed", "pending", "dry_run"):
        assert f'id="count-{status}">1<' in page
    assert LEAKED.reveal() not in page
    assert "<script>alert" not in page and "sync refused &lt;script&gt;" in page
    assert BODY not in page and "Absences of Alice Martin" in text


def test_notifications_page_is_linked_and_empty_or_missing(client: TestClient) -> None:
    """The overview links each account's e-mail page; no e-mail and no account are told."""
    assert 'href="/accounts/lyon/notifications"' in client.get("/").text
    assert "No e-mail logged for this account." in client.get("/accounts/lyon/notifications").text
    assert client.get("/accounts/nowhere/notifications").status_code == 404


def test_sync_now_button_calls_sync_now_and_shows_its_summary(client: TestClient) -> None:
    """The sync-now button (POST + CSRF) runs sync_now for that account and shows its text."""
    page = client.get("/").text
    assert '<button type="submit">Sync now paris</button>' in page
    assert client.post("/accounts/paris/sync", data={"csrf": "forged"}).status_code == 403
    assert SYNCS == []
    response = client.post("/accounts/paris/sync", data={"csrf": _csrf(client)})
    assert response.status_code == 200
    assert SYNCS == ["paris"]
    assert "down run 90: ok {&#39;created&#39;: 1}" in response.text
    assert "up run 91: ok {} (paris)" in response.text
    assert client.post("/accounts/nowhere/sync", data={"csrf": _csrf(client)}).status_code == 404


def test_sync_now_without_a_session_is_refused(anon: TestClient) -> None:
    """A POST to sync now without the session cookie answers 401 and syncs nothing."""
    assert anon.post("/accounts/paris/sync", data={"csrf": "x"}).status_code == 401
    assert SYNCS == []


def _app(sync_now: object) -> TestClient:
    store = FakeStore(StepClock())
    fill(store)
    app = create_app(
        store,
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),
        sync_now=sync_now,  # type: ignore[arg-type]
        clock=lambda: NOW,
        language="en",
    )
    c = TestClient(app, follow_redirects=False)
    c.post("/login", data={"token": TOKEN})
    return c


def test_sync_now_disabled_without_sync_now() -> None:
    """Without sync_now the button is disabled with a note, and a POST answers 409."""
    c = _app(None)
    page = c.get("/").text
    assert '<button type="submit" disabled>Sync now paris</button>' in page
    assert "without a configuration to sync from" in page
    assert c.post("/accounts/paris/sync", data={"csrf": _csrf(c)}).status_code == 409


def test_sync_now_failure_is_shown_redacted() -> None:
    """A sync_now that raises shows one redacted line and HTTP 500, not a traceback."""

    def broken(account: str) -> str:
        raise RuntimeError(f"guard refused {account} (key {LEAKED.reveal()})")

    c = _app(broken)
    response = c.post("/accounts/paris/sync", data={"csrf": _csrf(c)})
    assert response.status_code == 500
    assert "RuntimeError: guard refused paris (key ***)" in response.text
    assert LEAKED.reveal() not in response.text


def test_run_page_shows_forced_reason_by_and_approved_plan(
    client: TestClient, ids: dict[str, int]
) -> None:
    """A forced run's page says it was forced, why, by whom, and which plan was approved."""
    page = client.get(f"/runs/{ids['paris_down']}").text
    meta = _text(page[page.index('id="run-meta"') : page.index('id="inputs"')])
    assert "forced yes" in meta
    assert "reason guard released after review" in meta
    assert "by alice" in meta
    assert f"approved plan {APPROVED}" in meta
    plain = _text(client.get(f"/runs/{ids['paris_up']}").text)
    assert "forced no" in plain and "approved plan" not in plain


def test_run_page_shows_the_hashes_of_kept_inputs(client: TestClient, ids: dict[str, int]) -> None:
    """A run that kept its inputs shows the plan hash and each input's sha256."""
    page = client.get(f"/runs/{ids['paris_down_ok']}").text
    inputs = page[page.index('id="inputs"') :]
    assert f"<code>{PLAN_HASH}</code>" in inputs
    for role, digest in DIGESTS.items():
        assert f"<td>{role}</td><td><code>{digest}</code></td>" in inputs
    assert f"hpsync replay {ids['paris_down_ok']}" in inputs
    up = client.get(f"/runs/{ids['paris_up']}").text
    assert "No input kept (dry run, up flow, or pruned)." in up


def test_what_an_email_is_comes_from_its_dedup_key() -> None:
    """The sort of an e-mail is read from its dedup key's prefix, else from its kind."""
    assert what_of("alert", "guard:12:a@b") == "guard trip"
    assert what_of("alert", "failures:12:a@b") == "failures alert"
    assert what_of("report", "digest:2026-03-04:a@b") == "digest"
    assert what_of("alert", "alert:rule:L1:2026-03-03:a@b") == "alert"
    assert what_of("report", "report:weekly:2026-W10:t") == "report"
    row = NotificationRow(
        "p",
        "guard:1:a@b",
        "alert",
        "a@b",
        "s",
        "secret body",
        "",
        "failed",
        2,
        f"key {LEAKED.reveal()}",
    )
    view = notification_view(row)
    assert view.last_error == "key ***" and not hasattr(view, "body_text")


def test_thresholds_read_as_a_person_would() -> None:
    """Thresholds show in the largest whole unit: days, hours, else minutes."""
    duration = Reader("en").duration
    assert [duration(s) for s in (86400, 4 * 86400, 3600, 7200, 1800, 5400)] == [
        "1 d",
        "4 d",
        "1 h",
        "2 h",
        "30 min",
        "90 min",
    ]
