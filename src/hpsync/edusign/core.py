"""The request engine under :class:`EdusignClient`: auth, budget, retries, envelope.

Every request goes through ``_call``: wait for the rate budget, send, classify the
response (``responses.py``), and retry what is safe to retry (tenacity, through the
policy both clients share, ``hpsync.retry``). A POST create is never replayed blindly:
before a retry the caller's ``landed`` check (a ``get-id`` lookup by external id) tells
whether the first try created the record after all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

import httpx
import tenacity

from hpsync.edusign import responses
from hpsync.edusign.models import ClientStats
from hpsync.edusign.ratelimit import RateLimiter, classify, limiter_for_key
from hpsync.edusign.retry import RetryPolicy, is_idempotent
from hpsync.errors import HpsyncError, RecordError, RetriableRemoteError, TargetError
from hpsync.retry import Throttled, log_retry
from hpsync.secrets import Secret, redact

log = logging.getLogger("hpsync.edusign")

ApiVersion = Literal["v1", "v3"]
_PROD_V1_HOSTS = frozenset({"ext.edusign.fr", "ext.edusign.com"})
PROD_V3_URL = "https://api.edusign.com"
_MAX_RETRY_AFTER = 120.0
#: Bounds of one answer: its whole transfer (not each read) and its size.
CALL_DEADLINE = 120.0
MAX_BODY = 64 * 1024 * 1024
#: Total time one request may spend waiting on HTTP 429 before giving up.
THROTTLE_BUDGET = 300.0
TIMELINE_LIMIT = 20_000  # requests remembered for the timeline (~0.5 MB at most)


def default_v3_url(base_url: str) -> str:
    """Production v1 hosts → api.edusign.com (§1); anything else (an emulator) → itself."""
    host = urlsplit(base_url).hostname or ""
    return PROD_V3_URL if host in _PROD_V1_HOSTS else base_url


def _retry_after(response: httpx.Response) -> float:
    raw = response.headers.get("Retry-After", "1")
    try:
        return min(max(float(raw), 0.0), _MAX_RETRY_AFTER)
    except ValueError:
        return 1.0


class _Failed(Exception):
    """A try that failed: ``error`` is what the caller sees if no other try follows;
    ``sent`` says whether the request may have reached Edusign."""

    def __init__(self, error: HpsyncError, *, sent: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.sent = sent


@dataclass(slots=True)
class _Call:
    """One request across its tries: what tenacity's stop and give-up need beyond the
    count of tries it keeps itself."""

    where: str
    record: str
    idempotent: bool
    landed: Callable[[], Any] | None
    attempts: int
    throttled: float = 0.0  # seconds spent waiting on HTTP 429 so far
    look_first: bool = False  # the last try was a create that may have landed

    def failed(self, error: HpsyncError, *, sent: bool) -> _Failed:
        if sent and not self.idempotent:
            self.look_first = True
        return _Failed(error, sent=sent)

    def stop(self, state: tenacity.RetryCallState) -> bool:
        """Give up when the throttle budget is spent, or the tries are, or when a create
        that may have landed has no way to be checked (it is never replayed blindly)."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, Throttled):
            return self.throttled > THROTTLE_BUDGET or state.attempt_number >= self.attempts * 2
        if state.attempt_number >= self.attempts:
            return True
        return (
            isinstance(error, _Failed)
            and error.sent
            and not self.idempotent
            and self.landed is None
        )

    def give_up(self, state: tenacity.RetryCallState) -> NoReturn:
        """Raise what the caller sees once no other try follows."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, Throttled):
            raise RetriableRemoteError(
                f"{self.where}: still rate-limited (HTTP 429) after {state.attempt_number} "
                f"waits ({self.throttled:.0f} s)",
                hint="another client may share this key; lower rate_scale, or retry later",
                record=self.record,
            )
        assert isinstance(error, _Failed)
        raise error.error


class ClientCore:
    """Transport, budget and retries shared by every resource method."""

    def __init__(
        self,
        base_url: str,
        api_key: Secret,
        *,
        v3_base_url: str | None = None,
        api: ApiVersion = "v3",
        rate_scale: float = 1.0,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        if api not in ("v1", "v3"):
            raise ValueError(f"api must be 'v1' or 'v3', not {api!r}")
        self.base_url = base_url.rstrip("/")
        self.v3_base_url = (v3_base_url or default_v3_url(base_url)).rstrip("/")
        self.api: ApiVersion = api
        self._key = api_key
        self._retry = retry or RetryPolicy(sleep=sleep)
        self._limiter = limiter or limiter_for_key(
            api_key, scale=rate_scale, clock=clock, sleep=sleep
        )
        self._limiter_waits0 = self._limiter.waits
        self._limiter_seconds0 = self._limiter.waited_seconds
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={
                "Authorization": f"Bearer {api_key.reveal()}",
                "Accept": "application/json",
                "User-Agent": "hpsync",
            },
        )
        self._stats_lock = threading.Lock()
        self._by_method: Counter[str] = Counter()
        self._by_class: Counter[str] = Counter()
        self._retries = 0
        self._clock = clock
        self._started = clock()
        self._timeline: deque[tuple[float, str]] = deque(maxlen=TIMELINE_LIMIT)
        self._server_time: datetime | None = None

    def __repr__(self) -> str:
        return f"EdusignClient(base_url={self.base_url!r}, api={self.api!r})"

    # ------------------------------------------------------------ public plumbing

    def stats(self) -> ClientStats:
        """Requests sent by method and route class, retries and throttle waits."""
        with self._stats_lock:
            return ClientStats(
                requests=sum(self._by_method.values()),
                by_method=dict(self._by_method),
                by_route_class=dict(self._by_class),
                retries=self._retries,
                timeline=tuple(self._timeline),
                throttle_waits=self._limiter.waits - self._limiter_waits0,
                throttle_seconds=self._limiter.waited_seconds - self._limiter_seconds0,
            )

    def server_time(self) -> datetime | None:
        """The service's own clock, from the ``Date`` header of its latest answer (None when
        it sends none): where "changed since" is measured, whatever this machine's clock."""
        with self._stats_lock:
            return self._server_time

    def _saw_date(self, response: httpx.Response) -> None:
        try:
            when = parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:
            return
        with self._stats_lock:
            self._server_time = when

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ClientCore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the engine

    def _send(
        self,
        method: str,
        path: str,
        *,
        v3: bool = False,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        record: str = "",
        landed: Callable[[], Any] | None = None,
    ) -> tuple[httpx.Response | None, Any]:
        """Send with budget and retries; returns (response, None) or (None, landed result)."""
        url = (self.v3_base_url if v3 else self.base_url) + path
        route_class = classify(method, path)
        where = f"{method} {path}"
        call = _Call(where, record, is_idempotent(method, path), landed, self._retry.attempts)

        def attempt() -> tuple[httpx.Response | None, Any]:
            if call.look_first and landed is not None:
                call.look_first = False
                found = landed()
                if found is not None:
                    log.info("edusign %s had landed before the failure; not resent", where)
                    return None, found
            self._limiter.acquire(route_class)
            with self._stats_lock:
                self._by_method[method] += 1
                self._by_class[route_class.value] += 1
                self._timeline.append((self._clock() - self._started, route_class.value))
            try:
                response = self._bounded(method, url, json=json, params=params, where=where)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise call.failed(self._transport_failure(where, exc, record), sent=False) from None
            except httpx.TransportError as exc:
                raise call.failed(self._transport_failure(where, exc, record), sent=True) from None
            self._saw_date(response)
            if response.status_code == 429:
                wait = _retry_after(response)
                call.throttled += wait
                raise Throttled(wait)
            if response.status_code < 500:
                return response, None
            failure = responses.http_failure(response, where=where, record=record)
            raise call.failed(failure, sent=True)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            if isinstance(error, Throttled):
                log.info("edusign throttled: %s, waiting %.1fs", where, error.seconds)
                return
            with self._stats_lock:
                self._retries += 1
            log_retry(log, "edusign", where)(state)

        retrying = self._retry.retrying(
            retry=tenacity.retry_if_exception_type((_Failed, Throttled)),
            stop=call.stop,
            before_sleep=before_sleep,
            pause=self._limiter.pause,  # a 429's Retry-After is spent in the shared limiter
            give_up=call.give_up,
        )
        return retrying(attempt)

    def _bounded(
        self, method: str, url: str, *, json: Any, params: Any, where: str
    ) -> httpx.Response:
        """One request whose whole answer arrives within ``CALL_DEADLINE`` seconds and
        ``MAX_BODY`` bytes, read as a stream: a server trickling a byte at a time, or
        sending without end, is cut off instead of holding the run or its memory."""
        started = time.monotonic()
        with self._http.stream(method, url, json=json, params=params) as streamed:
            declared = streamed.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BODY:
                raise TargetError(
                    f"{where}: the answer announces {int(declared)} bytes, over the "
                    f"{MAX_BODY} bytes accepted",
                    hint="ask Edusign support; smaller pages or windows may help",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in streamed.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY:
                    raise TargetError(
                        f"{where}: the answer is larger than {MAX_BODY} bytes; not read further",
                        hint="ask Edusign support; smaller pages or windows may help",
                    )
                if time.monotonic() - started > CALL_DEADLINE:
                    raise httpx.ReadTimeout(
                        f"no complete answer within {CALL_DEADLINE:.0f} s", request=streamed.request
                    )
                chunks.append(chunk)
            headers = [  # the body is already decoded: it must not be decoded twice
                (k, v)
                for k, v in streamed.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            ]
            return httpx.Response(
                streamed.status_code,
                headers=headers,
                content=b"".join(chunks),
                request=streamed.request,
            )

    @staticmethod
    def _transport_failure(where: str, exc: Exception, record: str) -> RetriableRemoteError:
        return RetriableRemoteError(
            redact(f"{where}: {type(exc).__name__} ({exc})"),
            hint=responses.RETRIABLE_HINT,
            record=record,
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        record: str = "",
        landed: Callable[[], Any] | None = None,
    ) -> Any:
        """A v1 call: returns the unwrapped ``result`` or raises a typed error."""
        response, found = self._send(
            method, path, json=json, params=params, record=record, landed=landed
        )
        if response is None:
            return found
        where = f"{method} {path}"
        if response.status_code != 200:
            raise responses.http_failure(response, where=where, record=record)
        payload = responses.parse_json(response, where)
        return responses.unwrap_v1(payload, where=where, record=record)

    def _lookup(self, path: str, *, record: str = "") -> Any:
        """A v1 lookup where ``status: error`` means "no such record" → None."""
        try:
            return self._call("GET", path, record=record or "lookup")
        except RecordError:
            return None

    def _call_v3(self, method: str, path: str, *, json: Any, record: str = "") -> tuple[int, Any]:
        """A v3 call: (HTTP status, JSON body) for 200/207, typed error otherwise."""
        response, _ = self._send(method, path, v3=True, json=json, record=record)
        assert response is not None  # v3 calls are idempotent: no landed shortcut
        where = f"{method} {path}"
        if response.status_code not in (200, 201, 204, 207):
            raise responses.http_failure(response, where=where, record=record)
        if response.status_code == 204 or not response.content:
            return response.status_code, None
        payload = responses.parse_json(response, where)
        if isinstance(payload, dict) and payload.get("status") == "error":
            raise responses.business_error(
                responses.message_text(payload.get("message")), record=record
            )
        return response.status_code, payload


def id_of(result: Any, *, where: str) -> str:
    """The Edusign id in a create result: ``{ID}``, ``{id}`` or a bare string (§12)."""
    if isinstance(result, str) and result:
        return result
    if isinstance(result, dict):
        value = result.get("ID") or result.get("id")
        if value:
            return str(value)
    raise TargetError(f"{where}: no id in the create result", hint="report this Edusign answer")
