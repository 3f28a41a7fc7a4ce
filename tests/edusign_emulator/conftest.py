"""Fixtures: a running emulator on a free loopback port and raw httpx clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hpsync.emulators.edusign import RunningEdusign, start_emulator

KEY_A = "key-school-a-0123456789"
KEY_B = "key-school-b-9876543210"


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[RunningEdusign]:
    """Two schools, generous rate limits, test controls on."""
    with start_emulator(
        schools=[("Lycée A", KEY_A), ("Lycée B", KEY_B)],
        db_path=tmp_path / "edusign.sqlite",
        rate_scale=100,
    ) as running:
        yield running


@pytest.fixture
def api(emu: RunningEdusign) -> Iterator[httpx.Client]:
    """A raw client authenticated as school A."""
    with httpx.Client(
        base_url=emu.url, headers={"Authorization": f"Bearer {KEY_A}"}, timeout=10
    ) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    """The ``result`` of a successful v1 envelope (asserts HTTP 200 + status success)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success", body
    return body["result"]


def error(response: httpx.Response) -> Any:
    """The ``message`` of a v1 business error (asserts HTTP 200 + status error)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "error", body
    return body["message"]


def make_student(api: httpx.Client, n: int = 1, **extra: Any) -> str:
    """Create a student through v1 and return its id."""
    fields = {"FIRSTNAME": f"Ana{n}", "LASTNAME": "Lopez", "EMAIL": f"ana{n}@school.test"}
    return str(ok(api.post("/v1/student", json={"student": {**fields, **extra}}))["ID"])


def make_professor(api: httpx.Client, n: int = 1, **extra: Any) -> str:
    """Create a professor through v1 and return its id."""
    fields = {"FIRSTNAME": f"Paul{n}", "LASTNAME": "Martin", "EMAIL": f"paul{n}@school.test"}
    return str(ok(api.post("/v1/professor", json={"professor": {**fields, **extra}}))["ID"])


def make_course(
    api: httpx.Client,
    professor: str,
    students: list[str] = (),  # type: ignore[assignment]
    start: str = "2025-03-10T08:00:00Z",
    end: str = "2025-03-10T10:00:00Z",
    **extra: Any,
) -> str:
    """Create a course through v1 and return its id."""
    fields = {
        "NAME": "Maths",
        "START": start,
        "END": end,
        "PROFESSOR": professor,
        "NEED_STUDENTS_SIGNATURE": True,
        "STUDENTS": [{"studentId": s} for s in students],
        **extra,
    }
    return str(ok(api.post("/v1/course", json={"course": fields}))["ID"])


def control(emu: RunningEdusign, method: str, path: str, /, **body: Any) -> Any:
    """Call a test control as school A and return its ``result``."""
    response = httpx.request(
        method,
        emu.url + path,
        json=body or None,
        headers={"Authorization": f"Bearer {KEY_A}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json().get("result", response.json())
