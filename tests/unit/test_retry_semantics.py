"""What the one retry policy (tenacity, built by ``hpsync.retry``) does for each client.

The Edusign engine runs on an ``httpx.MockTransport`` that plays a script of answers; the
backoff sleep, the limiter's sleep and the clock are fakes, so nothing really waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import requests
from zeep import exceptions as zeep_errors

from hpsync.edusign.core import THROTTLE_BUDGET, ClientCore
from hpsync.edusign.ratelimit import RateLimiter
from hpsync.errors import RetriableRemoteError, SourceError
from hpsync.hyperplanning.client import HyperplanningClient
from hpsync.retry import RetryPolicy
from hpsync.secrets import Secret

Step = int | tuple[int, str] | type[httpx.TransportError]


class Service:
    """A scripted Edusign: each request takes the next step (a status, a (status,
    Retry-After) pair or a transport error to raise); past the script, 200."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.seen: list[str] = []
        self.events: list[str] = []  # requests, sleeps, pauses and landed checks, in order

    def handler(self, request: httpx.Request) -> httpx.Response:
        where = f"{request.method} {request.url.path}"
        self.seen.append(where)
        self.events.append(where)
        step = self.steps.pop(0) if self.steps else 200
        if isinstance(step, type):
            raise step("scripted failure", request=request)
        if isinstance(step, tuple):
            status, retry_after = step
            return httpx.Response(status, headers={"Retry-After": retry_after}, json={})
        return httpx.Response(step, json={"status": "success", "result": {"ID": "s1"}})


class Clock:
    """Time that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def engine(
    service: Service, *, attempts: int = 5, draws: Iterator[float] | None = None
) -> tuple[ClientCore, RateLimiter, list[float], list[float]]:
    """The engine on the script: (core, its limiter, backoff sleeps, limiter sleeps)."""
    clock = Clock()
    backoffs: list[float] = []
    pauses: list[float] = []

    def backoff_sleep(seconds: float) -> None:
        backoffs.append(seconds)
        service.events.append(f"sleep {seconds:g}")
        clock.now += seconds

    def limiter_sleep(seconds: float) -> None:
        pauses.append(seconds)
        service.events.append(f"pause {seconds:g}")
        clock.now += seconds

    limiter = RateLimiter(scale=1000.0, clock=clock, sleep=limiter_sleep)
    pick: Callable[[], float] = (lambda: next(draws)) if draws is not None else (lambda: 1.0)
    core = ClientCore(
        "https://edusign.test",
        Secret("unit-test-key-0001"),
        api="v1",
        transport=httpx.MockTransport(service.handler),
        retry=RetryPolicy(attempts=attempts, sleep=backoff_sleep, random=pick),
        limiter=limiter,
        clock=clock,
        sleep=backoff_sleep,
    )
    return core, limiter, backoffs, pauses


# --- server errors and exhaustion -----------------------------------------------------


def test_a_5xx_is_retried_after_the_backoff_then_succeeds() -> None:
    """One 503 then a 200: the 200 is returned after one full-jitter wait (0.5 s at the
    ceiling), and both tries are counted."""
    service = Service(503)
    core, _, backoffs, _ = engine(service)
    response, found = core._send("GET", "/v1/school")
    assert response is not None and response.status_code == 200 and found is None
    assert service.seen == ["GET /v1/school"] * 2
    assert backoffs == [0.5]
    stats = core.stats()
    assert stats.retries == 1 and stats.requests == 2 and stats.by_method == {"GET": 2}


def test_the_backoff_draws_from_the_policys_random() -> None:
    """The jitter comes from the injected random: draws of 0.5 halve each ceiling."""
    service = Service(500, 500, 500)
    core, _, backoffs, _ = engine(service, draws=iter([0.5, 0.5, 0.5]))
    core._send("GET", "/v1/school")
    assert backoffs == [0.25, 0.5, 1.0]


def test_when_the_attempts_are_spent_the_last_failure_is_raised() -> None:
    """Three attempts of a persistent 502: three requests, two waits, then the 502."""
    service = Service(502, 502, 502, 502)
    core, _, backoffs, _ = engine(service, attempts=3)
    with pytest.raises(RetriableRemoteError, match="HTTP 502"):
        core._send("GET", "/v1/school")
    assert len(service.seen) == 3
    assert backoffs == [0.5, 1.0]
    assert core.stats().retries == 2


def test_a_4xx_is_an_answer_not_retried() -> None:
    """Below 500 the response is handed back at once, whatever it says."""
    service = Service(404)
    core, _, backoffs, _ = engine(service)
    response, _ = core._send("GET", "/v1/school")
    assert response is not None and response.status_code == 404
    assert len(service.seen) == 1 and backoffs == []


def test_retries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Each retry says which, of what, after how long and why."""
    caplog.set_level(logging.INFO, logger="hpsync.edusign")
    core, _, _, _ = engine(Service(500, (429, "2")))
    core._send("GET", "/v1/school")
    assert "edusign retry 1 of GET /v1/school after 0.50s: GET /v1/school: HTTP 500" in caplog.text
    assert "edusign throttled: GET /v1/school, waiting 2.0s" in caplog.text


# --- HTTP 429 ---------------------------------------------------------------------------


def test_a_429_waits_its_retry_after_through_the_limiter_pause() -> None:
    """Retry-After 7: the limiter pauses 7 s (a throttle wait in the stats), not the
    backoff sleep, and the request is sent again."""
    service = Service((429, "7"))
    core, limiter, backoffs, pauses = engine(service)
    response, _ = core._send("GET", "/v1/school")
    assert response is not None and response.status_code == 200
    assert pauses == [7.0] and backoffs == []
    assert limiter.waits == 1 and limiter.waited_seconds == 7.0
    assert core.stats().throttle_waits == 1 and core.stats().retries == 0
    assert service.events == ["GET /v1/school", "pause 7", "GET /v1/school"]


def test_a_429_with_retry_after_0_is_still_a_counted_pause() -> None:
    """Even a zero wait goes through the limiter, which counts it."""
    core, limiter, _, pauses = engine(Service((429, "0")))
    core._send("GET", "/v1/school")
    assert pauses == [0.0] and limiter.waits == 1


def test_429s_give_up_once_the_throttle_budget_is_spent() -> None:
    """Retry-After 120 (the cap) each time: 360 s would pass the 300 s budget, so the
    third 429 is the end, after two pauses."""
    assert THROTTLE_BUDGET == 300.0
    service = Service(*[(429, "120")] * 10)
    core, _, backoffs, pauses = engine(service)
    with pytest.raises(RetriableRemoteError) as info:
        core._send("GET", "/v1/school")
    assert info.value.message == (
        "GET /v1/school: still rate-limited (HTTP 429) after 3 waits (360 s)"
    )
    assert "lower rate_scale" in info.value.hint
    assert pauses == [120.0, 120.0] and backoffs == []
    assert len(service.seen) == 3


def test_429s_give_up_after_twice_the_attempts() -> None:
    """Short Retry-Afters never spend the budget: with 2 attempts, the 4th 429 ends it."""
    service = Service(*[(429, "1")] * 10)
    core, _, _, pauses = engine(service, attempts=2)
    with pytest.raises(RetriableRemoteError, match=r"after 4 waits \(4 s\)"):
        core._send("GET", "/v1/school")
    assert pauses == [1.0, 1.0, 1.0]
    assert len(service.seen) == 4


def test_a_429_uses_up_a_try_of_the_failure_budget() -> None:
    """One counter for both: with 3 attempts, a 429 then two 500s spend them all."""
    service = Service((429, "1"), 500, 500, 200)
    core, _, backoffs, _ = engine(service, attempts=3)
    with pytest.raises(RetriableRemoteError, match="HTTP 500"):
        core._send("GET", "/v1/school")
    assert len(service.seen) == 3
    assert backoffs == [1.0]  # the second retry: base·2¹


# --- creates ----------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [500, httpx.ReadTimeout, httpx.RemoteProtocolError])
def test_a_sent_create_is_never_replayed_without_a_landed_check(failure: Step) -> None:
    """A POST create that reached the server and failed is raised at once: it may have
    created the record, and nothing can tell."""
    service = Service(failure)
    core, _, backoffs, _ = engine(service)
    with pytest.raises(RetriableRemoteError):
        core._send("POST", "/v1/student", json={"FIRSTNAME": "Marie"})
    assert service.seen == ["POST /v1/student"]
    assert backoffs == [] and core.stats().retries == 0


def test_a_create_that_landed_is_found_and_not_sent_again() -> None:
    """After the backoff wait the landed check runs; it finds the record, which is
    returned instead of a second POST."""
    service = Service(500)
    core, _, _, _ = engine(service)

    def landed() -> str:
        service.events.append("landed?")
        return "s-found"

    response, found = core._send("POST", "/v1/student", json={}, landed=landed)
    assert (response, found) == (None, "s-found")
    assert service.events == ["POST /v1/student", "sleep 0.5", "landed?"]
    assert core.stats().retries == 1


def test_a_create_that_did_not_land_is_sent_again() -> None:
    """The landed check finds nothing: the POST is sent once more."""
    service = Service(httpx.ReadTimeout)
    core, _, _, _ = engine(service)
    checks: list[int] = []

    def landed() -> None:
        checks.append(1)

    response, found = core._send("POST", "/v1/student", json={}, landed=landed)
    assert response is not None and response.status_code == 200 and found is None
    assert service.seen == ["POST /v1/student"] * 2 and checks == [1]


def test_the_landed_checks_own_failure_is_raised_not_retried() -> None:
    """The check is a request of its own, already retried: its error ends the create."""
    service = Service(500)
    core, _, _, _ = engine(service)

    def landed() -> Any:
        raise SourceError("lookup failed")

    with pytest.raises(SourceError, match="lookup failed"):
        core._send("POST", "/v1/student", json={}, landed=landed)
    assert service.seen == ["POST /v1/student"]


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_a_create_that_was_not_sent_is_retried(failure: Step) -> None:
    """A connection never made cannot have created anything: the POST is retried, no
    landed check needed (none is asked for when one is given)."""
    service = Service(failure)
    core, _, backoffs, _ = engine(service)
    response, _ = core._send("POST", "/v1/student", json={})
    assert response is not None and response.status_code == 200
    assert service.seen == ["POST /v1/student"] * 2 and backoffs == [0.5]

    service2 = Service(failure)
    core2, _, _, _ = engine(service2)
    checks: list[int] = []
    core2._send("POST", "/v1/student", json={}, landed=lambda: checks.append(1))
    assert checks == [] and len(service2.seen) == 2


def test_every_try_waits_for_the_rate_limiter() -> None:
    """Each attempt takes a token and is counted by route class and on the timeline."""
    service = Service(503, 503)
    core, _, _, _ = engine(service)
    core._send("GET", "/v1/school")
    stats = core.stats()
    assert sum(stats.by_route_class.values()) == 3 and len(stats.timeline) == 3


# --- Hyperplanning ------------------------------------------------------------------------


def hp_client(attempts: int, backoffs: list[float]) -> HyperplanningClient:
    policy = RetryPolicy(attempts=attempts, base=0.1, sleep=backoffs.append, random=lambda: 1.0)
    return HyperplanningClient(
        "http://hp.test/hpsw",
        "user",
        Secret("hp-unit-password"),
        timezone="Europe/Paris",
        retry=policy,
    )


def flaky(*failures: BaseException) -> Callable[[], str]:
    """An action failing with each of ``failures`` in turn, then answering "ok"."""
    left = list(failures)

    def action() -> str:
        if left:
            raise left.pop(0)
        return "ok"

    return action


def test_hp_transport_failures_are_retried_with_the_shared_backoff() -> None:
    """A reset, a timeout and a 503 gateway, then the answer: three waits, 0.1·2ⁿ."""
    backoffs: list[float] = []
    client = hp_client(5, backoffs)
    gateway = zeep_errors.TransportError("unavailable", status_code=503)
    action = flaky(requests.ConnectionError(), requests.Timeout(), gateway)
    assert client._guard("TousLesCours", action) == "ok"
    assert backoffs == [0.1, 0.2, 0.4]


def test_hp_gives_up_when_the_attempts_are_spent() -> None:
    backoffs: list[float] = []
    client = hp_client(2, backoffs)
    action = flaky(*[requests.ConnectionError()] * 3)
    with pytest.raises(RetriableRemoteError, match="cannot reach"):
        client._guard("TousLesCours", action)
    assert backoffs == [0.1]


@pytest.mark.parametrize(
    "failure",
    [
        zeep_errors.Fault("n'existe pas"),
        zeep_errors.TransportError("denied", status_code=401),
    ],
)
def test_hp_answers_are_not_retried(failure: BaseException) -> None:
    """A SOAP fault or a 401 is an answer: raised as a SourceError at once."""
    backoffs: list[float] = []
    client = hp_client(5, backoffs)
    calls: list[int] = []

    def action() -> str:
        calls.append(1)
        raise failure

    with pytest.raises(SourceError):
        client._guard("TousLesCours", action)
    assert calls == [1] and backoffs == []
