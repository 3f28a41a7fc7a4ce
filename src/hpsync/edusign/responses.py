"""One place that turns an Edusign HTTP response into a result or a typed error.

v1 answers business outcomes with HTTP 200 and ``{status, result|message}``; technical
failures use HTTP codes, sometimes with a plain-text body (reference §3). v3 uses real
codes: 200, 207 (partial), and 4xx with a symbolic error code.
"""

from __future__ import annotations

from typing import Any

import httpx

from hpsync.errors import HpsyncError, RecordError, RetriableRemoteError, TargetError
from hpsync.secrets import redact

_STATUS_HINTS: dict[int, tuple[str, str]] = {
    401: (
        "Edusign refused the API key (HTTP 401)",
        "the key is wrong, revoked or belongs to another school: check this account's "
        "api_key reference",
    ),
    402: (
        "Edusign refused the request for payment reasons (HTTP 402)",
        "the school's subscription lacks the API option: ask Edusign to enable it",
    ),
    403: (
        "Edusign forbids this route to the API key (HTTP 403)",
        "the key lacks the right for this resource: grant the scope in Edusign's admin "
        "(Applications → API keys) or use a key that has it",
    ),
    404: (
        "Edusign has no such route (HTTP 404)",
        "check base_url (https://ext.edusign.fr) and v3_base_url (https://api.edusign.com)",
    ),
}

RETRIABLE_HINT = (
    "Edusign is failing or in maintenance (Saturdays 16:00-22:00 UTC+1): rerun later; "
    "writes are keyed by external id, so a rerun resumes"
)


def body_text(response: httpx.Response) -> str:
    """A short, redacted excerpt of the body, for messages."""
    return redact(response.text[:300].strip())


def message_text(message: Any) -> str:
    """``message`` may be a string or an array of validation errors (§3)."""
    if isinstance(message, list):
        return "; ".join(str(part) for part in message)
    return str(message) if message is not None else "no message"


def parse_json(response: httpx.Response, where: str) -> Any:
    """The JSON body, or a TargetError naming the route when it is not JSON."""
    try:
        return response.json()
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurdly deep nesting
        raise TargetError(
            f"{where}: expected JSON, got HTTP {response.status_code} {body_text(response)!r}",
            hint="check base_url: it may point at something that is not Edusign",
        ) from None


def business_error(message: str, *, record: str, code: str = "") -> HpsyncError:
    """A refusal of one record → RecordError (skip it); of a whole call → TargetError."""
    text = redact(f"{code}: {message}" if code else message)
    if record:
        return RecordError(
            text, record=redact(record), hint="fix this record in the source or in Edusign"
        )
    return TargetError(text, hint="see the message; Edusign refused the request")


def http_failure(response: httpx.Response, *, where: str, record: str) -> HpsyncError:
    """Map a non-success HTTP status to the error the caller must react to."""
    status = response.status_code
    if status in _STATUS_HINTS:
        message, hint = _STATUS_HINTS[status]
        return TargetError(f"{where}: {message}", hint=hint, record=record)
    if status >= 500:
        return RetriableRemoteError(
            f"{where}: HTTP {status} {body_text(response)!r}", hint=RETRIABLE_HINT, record=record
        )
    try:
        payload = response.json()
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurdly deep nesting
        payload = None
    if isinstance(payload, dict):
        code = str(payload.get("code") or payload.get("errorCode") or "")
        msg = message_text(payload.get("message") or payload.get("error") or body_text(response))
        return business_error(f"{msg} (HTTP {status})", record=record, code=code)
    return TargetError(f"{where}: HTTP {status} {body_text(response)!r}", record=record)


def unwrap_v1(payload: Any, *, where: str, record: str) -> Any:
    """``{status: success, result}`` → result; ``{status: error, message}`` → typed error."""
    if not isinstance(payload, dict) or "status" not in payload:
        raise TargetError(
            f"{where}: response is not an Edusign envelope",
            hint="check base_url: it may point at something that is not Edusign v1",
        )
    if payload["status"] == "success":
        return payload.get("result")
    raise business_error(message_text(payload.get("message")), record=record)
