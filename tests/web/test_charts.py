"""The three pictures: what they count, how they are drawn, and the request timeline they
read from the Edusign client."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import httpx
from fastapi.testclient import TestClient

from hpsync.edusign import EdusignClient
from hpsync.locale import Reader
from hpsync.secrets import Secret
from hpsync.state.marks import MarkRow
from hpsync.web.figures import (
    attendance_chart,
    call_budget_share,
    calls_chart,
    daily_attendance,
    writes_chart,
    written_by_kind,
)

EN, FR = Reader("en"), Reader("fr")
T0 = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris: still Monday there


def _mark(start: datetime, status: str = "present", **kw: object) -> MarkRow:
    return MarkRow("s", "l", status, start, start + timedelta(hours=1), **kw)  # type: ignore[arg-type]


def test_attendance_is_counted_per_local_day_and_status() -> None:
    """A late evening session counts on its Paris day; late wins over left early."""
    marks = [
        _mark(T0),
        _mark(T0 + timedelta(hours=2), late_minutes=5, left_at=T0 + timedelta(hours=2.5)),
        _mark(T0 + timedelta(hours=10), left_at=T0 + timedelta(hours=10.5)),
        _mark(T0 + timedelta(hours=10), "absent"),
    ]
    days = daily_attendance(marks, "Europe/Paris")
    assert [d for d, _ in days] == [date(2026, 3, 2), date(2026, 3, 3)]
    assert days[0][1] == Counter({"present": 1})
    assert days[1][1] == Counter({"late": 1, "early_departure": 1, "absent": 1})


def test_attendance_chart_stacks_statuses_with_totals_and_words() -> None:
    """One column per day, a segment per status, the day's total on top, legend in words."""
    days = [(date(2026, 3, 2), Counter(present=3, absent=1)), (date(2026, 3, 3), Counter(late=2))]
    svg = str(attendance_chart(days, FR))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.count('class="segment"') == 3
    assert re.findall(r'class="total"[^>]*>(\d+)<', svg) == ["4", "2"]
    assert "lun. 2 mars" in svg and "absent" in svg and "en retard" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no external asset
    assert "no attendance recorded yet" in str(attendance_chart([], EN))


def test_writes_chart_has_a_bar_per_kind_and_a_segment_per_operation() -> None:
    """Down writes per kind and action, up writes from written.<kind>.<op>, in words."""
    writes = Counter({("session", "create"): 10, ("learner", "update"): 2})
    writes.update(written_by_kind({"written.absence.write": 4, "written.absence.rewrite": 1}))
    assert writes[("absence", "write")] == 4 and writes[("absence", "rewrite")] == 1
    svg = str(writes_chart(writes, EN))
    labels = re.findall(r'text-anchor="end" font-size="12">([^<]+)<', svg)
    assert labels == ["learners", "sessions", "absences"]  # the kinds' usual order
    assert svg.count('class="segment"') == 4
    assert "corrected" in svg and "entered" in svg and "written.absence" not in svg
    assert "nothing written yet" in str(writes_chart(Counter(), EN))


def test_call_budget_share_counts_the_last_minute_of_each_class() -> None:
    """A share is the calls of the trailing minute over the class's budget per minute."""
    timeline = [(float(t), "normal") for t in range(0, 120, 2)] + [(30.0, "heavy")]
    xs, shares = call_budget_share(timeline, {"normal": 60.0, "heavy": 2.0}, samples=5)
    assert xs == [0.0, 29.5, 59.0, 88.5, 118.0]
    # at t=59: 30 ordinary calls (0..58) of 60 allowed; the heavy call at 30 is 1 of 2
    assert shares["normal"][2] == 50.0 and shares["heavy"][2] == 50.0
    assert shares["normal"][4] == 50.0 and shares["heavy"][4] == 0.0
    assert call_budget_share([], {"normal": 60.0}) == ([], {})


def test_calls_chart_draws_the_limit_when_near_it_and_names_it_when_far() -> None:
    """Close to the budget the 100 % line is drawn; far under it, the chart says so."""
    busy = [(t / 10, "normal") for t in range(0, 500)]
    near = str(calls_chart(busy, {"normal": 60.0}, EN))
    assert 'class="limit"' in near and "limit per minute" in near
    calm = str(calls_chart(busy[:5], {"normal": 6000.0}, FR))
    assert 'class="limit"' not in calm and "bien au-dessus" in calm
    assert "appels ordinaires" in calm
    assert "no Edusign call recorded" in str(calls_chart([], {"normal": 1.0}, EN))


def test_the_client_records_when_each_request_was_sent_and_its_class() -> None:
    """ClientStats.timeline gives each request's time since the client was made and its
    rate class; requests and their answers are unchanged."""
    ticks = (100.0 + 0.5 * n for n in itertools.count())  # a clock that moves on each read
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx.Response(200, json={"status": "success", "result": []})

    client = EdusignClient(
        "http://edusign.test",
        Secret("k-timeline-test"),
        transport=httpx.MockTransport(answer),
        clock=lambda: next(ticks),
        sleep=lambda _s: None,
    )
    with client:
        client.stats()  # nothing sent yet
        client._call("GET", "/v1/group")  # type: ignore[attr-defined]
        client._call("POST", "/v3/students/batch-upsert", json={})  # type: ignore[attr-defined]
        stats = client.stats()
    assert seen == ["GET /v1/group", "POST /v3/students/batch-upsert"]
    assert stats.requests == 2
    assert [c for _, c in stats.timeline] == ["normal", "heavy"]
    times = [t for t, _ in stats.timeline]
    assert times == sorted(times) and times[0] > 0


def test_the_dashboard_draws_the_charts_of_each_account(client: TestClient) -> None:
    """The overview shows, per account, runs, attendance per day, writes per kind and calls
    per run; the ledger page shows the attendance chart."""
    page = client.get("/").text
    paris = page[page.index('id="account-paris"') : page.index('id="account-lyon"')]
    assert paris.count("<svg") == 4
    assert 'svg class="chart attendance"' in paris and paris.count('class="total"') >= 2
    assert 'svg class="chart writes"' in paris and "sessions" in paris
    assert 'svg class="chart calls"' in paris and 'class="series"' in paris
    lyon = page[page.index('id="account-lyon"') : page.index('id="account-nantes"')]
    assert "no attendance recorded yet" in lyon and "no run recorded its Edusign calls" in lyon
    nantes = page[page.index('id="account-nantes"') :]  # never ran: every chart says so
    assert nantes.count("<svg") == 4 and "&lt;svg" not in nantes
    assert "no finished runs yet" in nantes
    ledger = client.get("/accounts/paris/ledger").text
    assert 'svg class="chart attendance"' in ledger
