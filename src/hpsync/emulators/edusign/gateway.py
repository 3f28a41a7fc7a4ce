"""The path every API request takes: auth → maintenance → rate → faults → handler → webhooks.

Handlers are plain functions of a :class:`Call`; they return the ``result`` (wrapped in the
``{status, result}`` envelope, HTTP 200), raise :class:`ApiError` for a business failure
(``{status: error, message}``, HTTP 200), or, for v3, return :class:`V3Answer` / raise
:class:`V3Error` (real HTTP codes). Any other exception is an HTTP 500 with the plain body
``Internal Server Error`` and a rolled-back transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from hpsync.emulators.edusign.faults import Fault
from hpsync.emulators.edusign.profiles import PUBLIC_TEXTS, HasProfile, is_public
from hpsync.emulators.edusign.state import EmuState
from hpsync.emulators.edusign.storage import Doc, Tx

log = logging.getLogger(__name__)

_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ApiError(Exception):
    """A v1 business failure: HTTP 200 with ``{status: error, message}``.

    ``key`` names the failure when the public profile words it differently
    (``profiles.PUBLIC_TEXTS``); ``message`` is the full profile's text.
    """

    def __init__(self, message: str | list[str], *, key: str = "") -> None:
        super().__init__(str(message))
        self.payload = message
        self.key = key

    def text_for(self, settings: HasProfile) -> str | list[str]:
        """The message as the running profile words it."""
        if is_public(settings) and self.key in PUBLIC_TEXTS:
            return PUBLIC_TEXTS[self.key]
        return self.payload


class V3Error(Exception):
    """A v3 request-level failure with a real HTTP status and a symbolic code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class V3Answer:
    """A v3 answer: HTTP status (200 / 207) and JSON body."""

    status: int
    body: Any


@dataclass
class Call:
    """One authenticated request, inside its transaction."""

    state: EmuState
    tx: Tx
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def public(self) -> bool:
        """Whether the emulator runs the ``public`` profile (answers in public shape)."""
        return is_public(self.state.settings)

    def now(self) -> datetime:
        """The emulator clock."""
        return self.state.now()

    def now_text(self) -> str:
        """The emulator clock in the wire format."""
        return self.state.now_text()

    def emit(self, event: str, payload: dict[str, Any]) -> None:
        """Send a webhook once the transaction has committed."""
        self.events.append((event, payload))

    def wrapped(self, name: str) -> Doc:
        """The wrapped object of a v1 body (``{"student": {...}}``), or an error."""
        inner = self.body.get(name) if isinstance(self.body, dict) else None
        if not isinstance(inner, dict):
            raise ApiError(f'Body must be a JSON object {{"{name}": {{...}}}}')
        return inner


Handler = Callable[[Call], Any]


def plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text technical answer (``Unauthorized``, ``Not Found``, ...)."""
    return Response(text, status_code=status, media_type="text/plain", headers=headers)


def success(result: Any) -> JSONResponse:
    """``{"status": "success", "result": ...}`` with HTTP 200."""
    return JSONResponse({"status": "success", "result": result})


def failure(message: str | list[str]) -> JSONResponse:
    """``{"status": "error", "message": ...}`` with HTTP 200."""
    return JSONResponse({"status": "error", "message": message})


class DroppedConnection(Response):
    """Close the TCP connection without an answer (a reset, as the client sees it)."""

    def __init__(self, state: EmuState) -> None:
        super().__init__(b"")
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        drop = self._state.drop_connection
        if drop is not None and drop(scope):
            await asyncio.sleep(0.05)  # let the server notice the closed transport
            return
        # fallback: promise a body and never send it
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"1000")]})  # fmt: skip


async def _fault_response(state: EmuState, fault: Fault) -> Response | None:
    """The answer a fault imposes, or None to carry on (``slow`` only delays)."""
    if fault.kind == "slow":
        await asyncio.sleep(fault.seconds)
        return None
    if fault.kind == "500":
        return plain(500, "Internal Server Error")
    if fault.kind == "timeout":
        await asyncio.sleep(fault.seconds)
    return DroppedConnection(state)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def endpoint(
    state: EmuState, template: str, handler: Handler, *, scope: str, heavy: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with auth, rate budget, faults, transaction and envelope."""
    v3 = template.startswith("/v3/")

    async def run(request: Request) -> Response:
        info = state.key_info(_bearer(request))
        if info is None:
            state.unauthorised += 1
            return plain(401, "Unauthorized")
        if info.no_api_option:
            return plain(402, "Payment Required")
        if info.scopes is not None and scope not in info.scopes:
            return plain(403, "Forbidden")
        if state.maintenance:
            return plain(503, "Service Unavailable")
        route = f"{request.method} {template}"
        verdict = state.limiter.admit(
            info.fingerprint,
            state.school_name(info.school_id),
            route,
            heavy,
            state.settings.limits(),
            state.settings.rate_mode,
        )
        if verdict.retry_after is not None:
            return plain(429, "Too Many Requests", {"Retry-After": str(verdict.retry_after)})
        if verdict.delay:
            await asyncio.sleep(verdict.delay)
        fault = state.faults.pick(request.method, request.url.path)
        if fault is not None and fault.when == "before":
            imposed = await _fault_response(state, fault)
            if imposed is not None:
                return imposed
        raw = await request.body() if request.method in _BODY_METHODS else b""
        answer = await _answer(state, info.school_id, info.fingerprint, request, raw, handler, v3)
        if fault is not None and fault.when == "after":
            imposed = await _fault_response(state, fault)
            if imposed is not None:
                return imposed
        return answer

    return run


async def _answer(
    state: EmuState,
    school_id: str,
    fp: str,
    request: Request,
    raw: bytes,
    handler: Handler,
    v3: bool,
) -> Response:
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        if v3:
            return _v3_error(V3Error(400, "VALIDATION_ERROR", "Body is not valid JSON"))
        return failure("Body is not valid JSON")
    token = ""
    if v3:
        digest = hashlib.sha256(raw).hexdigest()
        token = f"{fp}|{request.method}|{request.url.path}|{digest}"
        seen = state.replay(token)
        if seen is not None:
            return Response(seen[1], status_code=seen[0], media_type="application/json",
                            headers={"x-emulator-idempotent-replay": "true"})  # fmt: skip
    call_query = dict(request.query_params)
    try:
        with state.store.tx(school_id) as tx:
            call = Call(state, tx, dict(request.path_params), call_query, body)
            result = handler(call)
            school = tx.school() if call.events else {}
    except ApiError as exc:
        return failure(exc.text_for(state.settings))
    except V3Error as exc:
        return _v3_error(exc)
    except Exception:
        log.exception("edusign emulator: handler crashed on %s", request.url.path)
        return plain(500, "Internal Server Error")
    for event, payload in call.events:
        state.webhooks.enqueue(school, event, payload)
    if isinstance(result, V3Answer):
        response = JSONResponse(result.body, status_code=result.status)
        if token and request.method != "GET":
            state.remember(token, result.status, bytes(response.body))
        return response
    return success(result)


def _v3_error(exc: V3Error) -> JSONResponse:
    return JSONResponse(
        {"status": "error", "code": exc.code, "message": exc.message}, status_code=exc.status
    )
