"""Malformed, oversized or mis-shaped answers from "Edusign" end in a typed hpsync error.

The client runs against an httpx.MockTransport answering every request with one body;
any exception outside hpsync's tree (pydantic, AttributeError, RecursionError) is a
defect, pinned below as a strict xfail naming the call that lets it through (none now).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from hpsync.edusign import EdusignClient, RetryPolicy, StudentInput
from hpsync.errors import HpsyncError, RetriableRemoteError, TargetError
from hpsync.secrets import Secret

MB = 1024 * 1024
BIG_GARBAGE = b"x" * (50 * MB)
BIG_STRING = b'{"status":"success","result":"' + b"x" * (50 * MB) + b'"}'


def client(body: bytes, status: int = 200, content_type: str = "application/json") -> EdusignClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    return EdusignClient(
        "https://edusign.test",
        Secret("proof-edusign-key-123"),
        api="v1",
        transport=httpx.MockTransport(answer),
        sleep=lambda _s: None,
        retry=RetryPolicy(sleep=lambda _s: None),
    )


CALLS: dict[str, Callable[[EdusignClient], Any]] = {
    "school": lambda c: c.school(),
    "list_students": lambda c: c.list_students(),
    "list_groups": lambda c: c.list_groups(),
    "get_course": lambda c: c.get_course("c1"),
    "list_courses": lambda c: c.list_courses(date(2026, 9, 1), date(2026, 9, 8)),
    "create_student": lambda c: c.create_student(
        StudentInput("Léa", "Durand", "lea@etu.test", api_id="hp:x:learner:1")
    ),
}

BODIES: dict[str, bytes] = {
    "malformed-json": b'{"status": "succ',
    "html-page": b"<html><body><h1>Welcome to nginx</h1></body></html>",
    "invalid-utf8": b'\xff\xfe{"status"',
    "array-not-envelope": b"[1, 2, 3]",
    "50MB-garbage": BIG_GARBAGE,
    "array-where-object": b'{"status":"success","result":[1, 2]}',
    "string-where-object": b'{"status":"success","result":"oops"}',
    "50MB-string-where-object": BIG_STRING,
    "nested-100000-deep": b"[" * 100_000 + b"]" * 100_000,
}

#: Every defect pinned here earlier is fixed (wrong shapes and deep nesting are TargetErrors);
#: the table stays so a regression can be pinned again in one line.
BUGS: dict[tuple[str, str], str] = {}
#: A bare string is a documented create result (§12), so these answers are accepted.
ACCEPTED = {
    ("string-where-object", "create_student"),
    ("50MB-string-where-object", "create_student"),
}


def cases() -> list[Any]:
    out = []
    for body in BODIES:
        for call in CALLS:
            if (body, call) in ACCEPTED:
                continue
            bug = BUGS.get((body, call))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            out.append(pytest.param(body, call, id=f"{body}-{call}", marks=marks))
    return out


@pytest.mark.parametrize(("body", "call"), cases())
def test_bad_answer_is_a_typed_error(body: str, call: str) -> None:
    """A body that is not the Edusign answer expected raises a short, typed error."""
    with pytest.raises(HpsyncError) as info:
        CALLS[call](client(BODIES[body]))
    assert isinstance(info.value, TargetError | RetriableRemoteError)
    text = str(info.value)
    assert "/v1/" in text or "create" in text or "unexpected shape" in text  # says what failed
    assert len(text) < 2000, "the message must not carry the whole body"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_page_is_retriable(status: int) -> None:
    """An HTML error page with a 5xx status is a retriable error, with a short excerpt."""
    with pytest.raises(RetriableRemoteError) as info:
        client(b"<html>" + b"x" * MB + b"</html>", status, "text/html").list_students()
    assert f"HTTP {status}" in str(info.value) and len(str(info.value)) < 2000


def test_bare_string_create_result_is_taken_as_the_id() -> None:
    """A create answered with a bare string result takes that string as the Edusign id."""
    new_id = CALLS["create_student"](client(b'{"status":"success","result":"s42"}'))
    assert new_id == "s42"
