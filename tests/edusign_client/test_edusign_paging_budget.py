"""Pagination, course-window splitting and the client-side rate budget."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from edusign_client.conftest import FakeClock, MakeClient
from edusign_client.fakes import FakeEdusign
from hpsync.edusign.courses import windows
from hpsync.edusign.inputs import ProfessorInput
from hpsync.edusign.pagination import paginate
from hpsync.edusign.ratelimit import Budget, RateLimiter, RouteClass, TokenBucket, classify


def test_paginate_stops_on_a_short_page() -> None:
    """Pages are read from 0 until one is shorter than the page size."""
    asked: list[int] = []
    data = list(range(95))

    def fetch(page: int) -> list[int]:
        asked.append(page)
        return data[page * 40 : (page + 1) * 40]

    assert list(paginate(fetch, page_size=40)) == data
    assert asked == [0, 1, 2]


def test_paginate_without_size_stops_on_empty_or_repeated_page() -> None:
    """With no known size, an empty page ends the loop, and so does a server ignoring page."""
    assert list(paginate(lambda p: [p] if p < 3 else [])) == [0, 1, 2]
    assert list(paginate(lambda p: ["same", "all"])) == ["same", "all"]


def _pages(data: list[int], served: int) -> tuple[list[int], object]:
    """A fetch serving ``served`` items a page (whatever was asked) and the pages asked."""
    asked: list[int] = []

    def fetch(page: int) -> list[int]:
        asked.append(page)
        return data[page * served : (page + 1) * served]

    return asked, fetch


def test_a_silently_capped_first_page_is_not_taken_for_the_last() -> None:
    """1,000 asked, 100 served: the short first page is probed, the list read whole at 100."""
    data = list(range(250))
    asked, fetch = _pages(data, 100)
    assert list(paginate(fetch, page_size=1000, may_cap=True)) == data  # type: ignore[arg-type]
    assert asked == [0, 1, 2]
    asked, fetch = _pages(data, 100)
    assert list(paginate(fetch, page_size=1000)) == data[:100]  # type: ignore[arg-type]
    assert asked == [0]  # what trusting the short page would lose


def test_an_honoured_large_page_costs_one_probe_at_most() -> None:
    """Served as asked: a small list costs one empty probe, a large one nothing more."""
    small = list(range(250))
    asked, fetch = _pages(small, 1000)
    assert list(paginate(fetch, page_size=1000, may_cap=True)) == small  # type: ignore[arg-type]
    assert asked == [0, 1]
    large = list(range(2500))
    asked, fetch = _pages(large, 1000)
    assert list(paginate(fetch, page_size=1000, may_cap=True)) == large  # type: ignore[arg-type]
    assert asked == [0, 1, 2]


def _course(fake: FakeEdusign, n: int, day: date) -> None:
    fake.courses[f"c{n}"] = {"ID": f"c{n}", "NAME": f"C{n}", "START": f"{day}T08:00:00.000Z"}


def test_list_courses_pages_through_40_per_page(fake: FakeEdusign, make_client: MakeClient) -> None:
    """95 courses in one window come back whole in three page requests."""
    for n in range(95):
        _course(fake, n, date(2025, 1, 6))
    courses = make_client().list_courses(date(2025, 1, 1), date(2025, 1, 31))
    assert len(courses) == 95
    assert fake.count("GET", "/v1/course") == 3


def test_iter_courses_reads_a_page_at_a_time(fake: FakeEdusign, make_client: MakeClient) -> None:
    """The streamed list asks for the next page only once the previous one is consumed (a
    reader of 300k sheets never holds them all as models) and yields what the list has."""
    for n in range(95):
        _course(fake, n, date(2025, 1, 6))
    courses = make_client().iter_courses(date(2025, 1, 1), date(2025, 1, 31))
    first = [next(courses) for _ in range(40)]
    assert fake.count("GET", "/v1/course") == 1
    rest = list(courses)
    assert fake.count("GET", "/v1/course") == 3
    assert sorted(c.id for c in first + rest) == sorted(fake.courses)


def test_long_windows_are_split_under_90_days_without_duplicates(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """A 200-day query becomes several ≤90-day queries and each course appears once."""
    start = date(2025, 1, 1)
    for n in range(200):
        _course(fake, n, start + timedelta(days=n))
    courses = make_client().list_courses(start, start + timedelta(days=199))
    assert sorted(c.id for c in courses) == sorted(fake.courses)
    assert fake.count("GET", "/v1/course") >= 3


def test_windows_cover_the_range_within_the_limit() -> None:
    """Chunks are ≤ 90 days, contiguous (sharing a day) and cover [start, end]."""
    chunks = windows(date(2025, 1, 1), date(2025, 12, 31))
    assert chunks[0][0] == date(2025, 1, 1) and chunks[-1][1] == date(2025, 12, 31)
    assert all((hi - lo).days <= 90 for lo, hi in chunks)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(chunks))


def test_route_classification_table() -> None:
    """Only the v3 batch upserts and roster PUTs are heavy (§4); every v1 route is normal."""
    for kind in ("students", "professors", "courses"):
        assert classify("POST", f"/v3/{kind}/batch-upsert") is RouteClass.HEAVY
    assert classify("PUT", "/v3/courses/abc/students") is RouteClass.HEAVY
    assert classify("PUT", "/v3/courses/by-reference-id/c-1/students") is RouteClass.HEAVY
    for method, path in (
        ("GET", "/v1/course"),
        ("GET", "/v1/course/abc"),
        ("POST", "/v1/course"),
        ("GET", "/v1/student"),
        ("GET", "/v3/courses/abc/students"),
        ("POST", "/v3/courses/abc/other/students"),
    ):
        assert classify(method, path) is RouteClass.NORMAL, (method, path)


def test_burst_above_budget_waits_and_no_window_exceeds_it() -> None:
    """300 requests against a 60/min budget wait, and no 60 s window holds more than 60."""
    clock = FakeClock()
    limiter = RateLimiter(
        budgets={RouteClass.NORMAL: Budget(60), RouteClass.HEAVY: Budget(6)},
        clock=clock,
        sleep=clock.sleep,
    )
    sent: list[float] = []
    for _ in range(300):
        limiter.acquire(RouteClass.NORMAL)
        sent.append(clock.now)
    assert limiter.waits > 0
    assert max(sum(1 for t in sent if s <= t < s + 60) for s in sent) <= 60


def test_a_server_imposed_pause_holds_every_caller_of_the_key() -> None:
    """A 429's Retry-After honoured by one caller: another caller of the same limiter (a
    second thread, here at the same instant) waits until the pause is over, then sends."""
    now = [100.0]
    slept: list[float] = []
    limiter = RateLimiter(scale=1, clock=lambda: now[0], sleep=slept.append)
    limiter.pause(5.0)  # the sleeping caller: the clock does not move for the other one
    assert limiter.acquire(RouteClass.NORMAL) == 5.0
    now[0] += 3.0
    assert limiter.acquire(RouteClass.NORMAL) == 2.0  # the rest of the pause only
    now[0] += 2.0
    assert limiter.acquire(RouteClass.NORMAL) == 0.0
    assert slept == [5.0, 5.0, 2.0]


def test_bucket_refills_over_time() -> None:
    """After a quiet minute the burst capacity is available again without waiting."""
    clock = FakeClock()
    bucket = TokenBucket(Budget(480), clock=clock)
    for _ in range(int(bucket.capacity)):
        assert bucket.reserve() == 0.0
    assert bucket.reserve() > 0
    clock.now += 60
    assert bucket.reserve() == 0.0


def test_client_counts_requests_by_route_class(
    fake: FakeEdusign, make_client: MakeClient, clock: FakeClock
) -> None:
    """Heavy v3 batch calls are budgeted apart: a scaled heavy budget makes them wait."""
    client = make_client(rate_scale=0.25)  # heavy: 6/min → burst of 1
    for n in range(4):
        client.batch_upsert_professors([ProfessorInput("P", f"N{n}", f"p{n}@x.org", "p-1")])
    client.school()
    client.list_courses(date(2025, 1, 1), date(2025, 1, 2))
    stats = client.stats()
    assert stats.by_route_class == {"heavy": 4, "normal": 2}
    assert stats.by_method == {"POST": 4, "GET": 2}
    assert stats.throttle_waits >= 3 and stats.throttle_seconds > 0
