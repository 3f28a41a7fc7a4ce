"""Each page shows the stored history (fake store and real SQLite store alike)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from hpsync.locale import Reader
from hpsync.secrets import Secret
from hpsync.web import create_app
from hpsync.web.chart import chart_svg

from .conftest import PLANS
from .fakes import FakeStore
from .school import ACCOUNTS, LEAKED, NOW, TOKEN, StepClock, fill


def _text(html: str) -> str:
    """The page's visible text, whitespace collapsed, for phrase assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_overview_shows_health_runs_and_holdings(client: TestClient, ids: dict[str, int]) -> None:
    """Each account shows its health, last down/up runs, held records and stuck ledger rows."""
    page = client.get("/").text
    paris = page[page.index('id="account-paris"') : page.index('id="account-lyon"')]
    lyon = page[page.index('id="account-lyon"') : page.index('id="account-nantes"')]
    nantes = page[page.index('id="account-nantes"') :]
    assert "badge-partial" in paris  # latest real down run was partial
    assert f'href="/runs/{ids["paris_down"]}"' in paris
    assert f'href="/runs/{ids["paris_up"]}"' in paris
    assert f'href="/runs/{ids["paris_dry"]}"' in paris  # shown as the last dry run
    assert "learners: 2" in _text(paris) and "sessions: 1" in _text(paris)
    assert "1 waiting, 1 failed" in _text(paris)
    assert "Last good run: 2 d ago" in _text(paris)
    assert "badge-failing" in lyon
    assert "Last good run: never" in _text(lyon)
    assert "badge-never-run" in nantes


def test_overview_chart_is_inline_svg_of_writes_and_anomalies(client: TestClient) -> None:
    """The chart is server-drawn SVG: one bar per finished run, an anomalies line."""
    page = client.get("/").text
    paris = page[page.index('id="account-paris"') : page.index('id="account-lyon"')]
    assert "<svg" in paris
    assert paris.count('class="writes"') == 4  # 4 finished runs (the dry one writes 0)
    assert "run 1 (planning → Edusign, ok): 42 written" in paris
    assert "run 2 (attendance → Hyperplanning, ok): 7 written" in paris
    assert 'class="anomalies"' in paris
    assert "<script" not in page


def test_run_page_groups_items_and_explains_them(client: TestClient, ids: dict[str, int]) -> None:
    """A run's page groups items by action with reasons, field changes and outcomes."""
    page = client.get(f"/runs/{ids['paris_down']}").text
    text = _text(page)
    order = [page.index(f'id="action-{a}"') for a in ("create", "update", "remove", "hand_made")]
    assert order == sorted(order)
    assert "kept by rule rubric: BTS SIO 1" in text
    assert "room : B12 → C07" in text
    assert "trainer : ∅ → Dupont" in text
    assert "Edusign answered 409: professor has signed courses" in text
    assert "badge-failed" in page and "badge-done" in page
    assert "learner_without_rubric" in text and "session_no_trainer" in text
    assert 'href="https://hp.example.edu/learner/4031"' in page
    assert "Drift (1)" in text  # the hand-made record is listed apart, not as drift


def test_run_page_escapes_markup(client: TestClient, ids: dict[str, int]) -> None:
    """Text from the store is escaped: a summary holding a script tag shows as text."""
    page = client.get(f"/runs/{ids['paris_down']}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_run_page_never_shows_a_secret(client: TestClient, ids: dict[str, int]) -> None:
    """A secret inside a stored run error is masked on the page."""
    page = client.get(f"/runs/{ids['lyon_down']}").text
    assert LEAKED.reveal() not in page
    assert "deletion guard: 80% removed (key ***)" in page


def test_unknown_run_and_account_are_404(client: TestClient) -> None:
    """Runs and ledgers that do not exist (or are not configured) answer 404."""
    assert client.get("/runs/999").status_code == 404
    assert client.get("/accounts/nowhere/ledger").status_code == 404


def test_anomalies_page_groups_latest_runs_by_code(client: TestClient, ids: dict[str, int]) -> None:
    """Anomalies come from each account's newest planned run, grouped by code, linked to HP."""
    page = client.get("/anomalies").text
    text = _text(page)
    group = page[page.index('id="code-learner_without_rubric"') :]
    assert group.index("learner 4031") < group.index('id="code-learner_no_email"')
    assert "learner_without_rubric (2)" in text
    assert 'href="https://hp.example.edu/learner/4050"' in page
    assert f'href="/runs/{ids["paris_dry"]}#anomalies"' in page
    # the older run's anomaly, no longer in the newest plan, is not listed
    assert "session_no_trainer" not in text


def test_drift_page_lists_drift_of_latest_runs(client: TestClient, ids: dict[str, int]) -> None:
    """The drift page lists records hpsync wrote and a person edited, and apart from them
    the records made outside hpsync, seen by the latest runs."""
    text = _text(client.get("/drift").text)
    drift, outside = text.split("Made outside hpsync")
    assert "Carol (made in Edusign)" not in drift
    assert "Carol (made in Edusign)" in outside and "stu-555" in outside


def test_ledger_page_shows_stuck_rows_and_counts(client: TestClient) -> None:
    """The ledger page counts written rows and lists pending and failed ones with attempts."""
    page = client.get("/accounts/paris/ledger").text
    assert 'id="count-written">3<' in page
    failed = _text(page[page.index('id="ledger-failed"') : page.index('id="ledger-pending"')])
    pending = _text(page[page.index('id="ledger-pending"') :])
    assert "Hyperplanning refused: learner not in session" in failed
    assert " 5 " in failed
    assert "sheet still open in Edusign" in pending


def test_dry_run_button_calls_plan_now_and_shows_text(client: TestClient) -> None:
    """The dry-run button runs plan_now for that account and shows its text."""
    page = client.get("/").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    response = client.post("/accounts/lyon/plan", data={"csrf": csrf.group(1)})
    assert PLANS == ["lyon"]
    assert "plan for lyon: 3 to create, 0 to remove" in response.text


def _app(plan_now: object) -> FastAPI:
    return create_app(
        FakeStore(StepClock()),
        token=Secret(TOKEN),
        accounts=list(ACCOUNTS),
        plan_now=plan_now,  # type: ignore[arg-type]
        clock=lambda: NOW,
        language="en",
    )


def _logged_in(app: FastAPI) -> tuple[TestClient, str]:
    c = TestClient(app, follow_redirects=False)
    c.post("/login", data={"token": TOKEN})
    match = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert match is not None
    return c, match.group(1)


def test_dry_run_disabled_without_plan_now() -> None:
    """Without plan_now the button is disabled with a note, and a POST answers 409."""
    c, csrf = _logged_in(_app(None))
    page = c.get("/").text
    assert '<button type="submit" disabled>Dry-run plan paris</button>' in page
    assert "without a configuration to plan from" in page
    assert c.post("/accounts/paris/plan", data={"csrf": csrf}).status_code == 409


def test_dry_run_failure_is_shown_redacted() -> None:
    """A plan_now that raises shows one redacted line and HTTP 500, not a traceback."""

    def broken(account: str) -> str:
        raise RuntimeError(f"cannot reach Edusign with key {LEAKED.reveal()}")

    c, csrf = _logged_in(_app(broken))
    response = c.post("/accounts/paris/plan", data={"csrf": csrf})
    assert response.status_code == 500
    assert "RuntimeError: cannot reach Edusign with key ***" in response.text
    assert LEAKED.reveal() not in response.text


def test_api_overview_reports_health(client: TestClient) -> None:
    """The JSON overview gives each account's health for monitoring."""
    body = client.get("/api/overview").json()
    health = {a["account"]: a["health"] for a in body["accounts"]}
    assert health == {"paris": "partial", "lyon": "failing", "nantes": "never run"}


def test_chart_marks_each_runs_anomalies() -> None:
    """Each finished run gets an anomaly point whose tooltip gives its count."""
    store = FakeStore(StepClock())
    fill(store)
    english = Reader("en")
    svg = str(chart_svg(store.runs("paris"), title="paris <chart>", reader=english))
    assert svg.count('class="anomaly"') == 4
    assert "run 3: 2 anomalies" in svg
    assert "<title>paris &lt;chart&gt;</title>" in svg
    assert "Mon 2 Mar 2026, 10:00" in svg  # the first run's start, in Paris
    assert "no finished runs yet" in str(chart_svg([], title="empty", reader=english))
    assert "exécution 3 : 2 anomalies" in str(
        chart_svg(store.runs("paris"), title="paris", reader=Reader("fr"))
    )
