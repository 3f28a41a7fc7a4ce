"""v3 batch upserts and roster replacement over raw HTTP (200 / 207, codes, protections)."""

from __future__ import annotations

import time
from typing import Any

import httpx
from tests.edusign_emulator.conftest import control, make_professor, make_student, ok

from hpsync.emulators.edusign import RunningEdusign


def _student(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "firstName": f"S{n}",
        "lastName": "L",
        "email": f"s{n}@v3.test",
        "externalReferenceId": f"st-{n}",
        **extra,
    }


def _course(ref: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Cours",
        "startDateTime": "2030-01-10T08:00:00Z",
        "endDateTime": "2030-01-10T10:00:00Z",
        "externalReferenceId": ref,
        "professorExternalReferenceIds": ["pr-1"],
        **extra,
    }


def test_student_batch_creates_then_updates_by_external_reference(api: httpx.Client) -> None:
    """A first upsert creates (200), a second with the same refs updates the same ids."""
    first = api.post("/v3/students/batch-upsert", json={"students": [_student(1), _student(2)]})
    assert first.status_code == 200
    created = first.json()["result"]
    assert [r["action"] for r in created] == ["created", "created"]
    again = api.post(
        "/v3/students/batch-upsert", json={"students": [_student(1, firstName="Renamed")]}
    )
    assert again.json()["result"][0] == {
        "inputIndex": 0,
        "id": created[0]["id"],
        "externalReferenceId": "st-1",
        "action": "updated",
    }
    student = ok(api.get(f"/v1/student/{created[0]['id']}"))
    assert student["FIRSTNAME"] == "Renamed" and student["API_ID"] == "st-1"
    assert ok(api.get("/v1/student/get-id/st-2"))["ID"] == created[1]["id"]


def test_student_batch_partial_failure_is_207_with_codes(api: httpx.Client) -> None:
    """Bad items fail alone with documented codes; the good ones are applied."""
    archived = make_student(api, 9, API_ID="st-9")
    ok(api.delete(f"/v1/student/{archived}"))
    items = [
        _student(1),
        {"firstName": "no email", "lastName": "x", "externalReferenceId": "st-x"},
        _student(3, studentId="abc"),
        _student(9),
        _student(1, email="other@v3.test"),
        {**_student(5), "studentId": None, "externalReferenceId": None},
    ]
    response = api.post("/v3/students/batch-upsert", json={"students": items})
    assert response.status_code == 207
    results = response.json()["result"]
    assert [r["inputIndex"] for r in results] == list(range(6))
    codes = [r.get("error", {}).get("code") for r in results]
    assert codes == [
        None,
        "REQUIRED_FIELD_MISSING",
        "AMBIGUOUS_STUDENT_IDENTIFIER",
        "ARCHIVED_STUDENT_EXISTS",
        "DUPLICATE_IN_REQUEST",
        None,
    ]
    assert ok(api.get("/v1/student/get-id/st-1"))["ID"] == results[0]["id"]


def test_professor_strict_update_by_id(api: httpx.Client) -> None:
    """professorId updates that professor; an unknown one is PROFESSOR_NOT_FOUND."""
    pid = make_professor(api)
    body = {
        "professors": [
            {"professorId": pid, "speciality": "Maths"},
            {"professorId": "nope0000nope0000"},
        ]
    }
    response = api.post("/v3/professors/batch-upsert", json=body)
    assert response.status_code == 207
    assert response.json()["result"][1]["error"]["code"] == "PROFESSOR_NOT_FOUND"
    assert ok(api.get(f"/v1/professor/{pid}"))["SPECIALITY"] == "Maths"


def test_batch_size_bounds(api: httpx.Client) -> None:
    """An empty batch or more than 1000 items is refused as a whole with HTTP 400."""
    assert api.post("/v3/students/batch-upsert", json={"students": []}).status_code == 400
    big = {"students": [_student(n) for n in range(1001)]}
    response = api.post("/v3/students/batch-upsert", json=big)
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"


def _setup(api: httpx.Client) -> tuple[str, list[str], str]:
    pid = make_professor(api, API_ID="pr-1")
    students = [make_student(api, n, API_ID=f"st-{n}") for n in range(3)]
    group = ok(
        api.post(
            "/v1/group", json={"group": {"NAME": "G", "API_ID": "gr-1", "STUDENTS": [students[2]]}}
        )
    )["ID"]
    return pid, students, group


def test_course_batch_resolves_references_and_replaces_roster(api: httpx.Client) -> None:
    """Courses resolve professor/student/group refs; a second upsert replaces the roster."""
    pid, students, group = _setup(api)
    room = ok(api.post("/v1/classrooms", json={"classroom": {"NAME": "B12", "API_ID": "r-1"}}))
    roster = {"studentExternalReferenceIds": ["st-0", "st-1"], "groupIds": [group]}
    body = {"courses": [_course("c-1", students=roster, classroomExternalReferenceId="r-1")]}
    response = api.post("/v3/courses/batch-upsert", json=body)
    assert response.status_code == 200, response.text
    cid = response.json()["result"][0]["id"]
    course = ok(api.get(f"/v1/course/{cid}"))
    assert course["PROFESSOR"] == pid and course["CLASSROOM"] == "B12"
    assert course["CLASSROOM_ID"] == room["ID"]
    assert [r["studentId"] for r in course["STUDENTS"]] == students
    body = {
        "courses": [_course("c-1", students={"studentIds": [students[1]], "groupIds": [group]})]
    }
    assert (
        api.post("/v3/courses/batch-upsert", json=body).json()["result"][0]["action"] == "updated"
    )
    after = ok(api.get(f"/v1/course/{cid}"))
    assert [r["studentId"] for r in after["STUDENTS"]] == students[1:]


def test_course_batch_error_codes(api: httpx.Client) -> None:
    """Unknown refs, bad ranges and ambiguous ids fail per item with documented codes."""
    _setup(api)
    items = [
        _course("a", professorExternalReferenceIds=["missing"]),
        _course("b", endDateTime="2030-01-10T07:00:00Z"),
        _course("c", students={"studentExternalReferenceIds": ["ghost"]}),
        _course("d", courseId="x"),
        _course("e", classroomId="nowhere"),
        _course("f", students={"studentIds": ["x"], "studentExternalReferenceIds": ["y"]}),
        {"courseId": "unknownunknown00", "name": "x"},
        _course("g", students={}),
        _course("h", classroom="Amphi A"),
    ]
    response = api.post("/v3/courses/batch-upsert", json={"courses": items})
    assert response.status_code == 207
    codes = [r.get("error", {}).get("code") for r in response.json()["result"]]
    assert codes == [
        "PROFESSORS_NOT_FOUND",
        "INVALID_DATE_RANGE",
        "STUDENTS_NOT_FOUND",
        "AMBIGUOUS_COURSE_IDENTIFIER",
        "CLASSROOM_NOT_FOUND",
        "AMBIGUOUS_STUDENT_IDENTIFIER",
        "COURSE_NOT_FOUND",
        "MISSING_ENROLLMENT_DATA",
        None,
    ]
    last = response.json()["result"][-1]["id"]
    assert ok(api.get(f"/v1/course/{last}"))["CLASSROOM"] == "Amphi A"


def test_past_course_keeps_its_students(api: httpx.Client) -> None:
    """Replacing the roster of a past course adds but never removes students."""
    _, students, _ = _setup(api)
    past = {"startDateTime": "2020-01-10T08:00:00Z", "endDateTime": "2020-01-10T10:00:00Z"}
    body = {"courses": [_course("old", students={"studentIds": students[:1]}, **past)]}
    cid = api.post("/v3/courses/batch-upsert", json=body).json()["result"][0]["id"]
    response = api.put(f"/v3/courses/{cid}/students", json={"studentIds": students[1:2]})
    assert response.status_code == 200
    assert response.json()["result"]["kept"] == students[:1]
    roster = [r["studentId"] for r in ok(api.get(f"/v1/course/{cid}"))["STUDENTS"]]
    assert roster == students[:2]


def test_put_students_by_reference_replaces_roster(api: httpx.Client) -> None:
    """PUT /v3/courses/by-reference-id/{ref}/students replaces a future course's roster."""
    _, students, _ = _setup(api)
    body = {"courses": [_course("c-9", students={"studentIds": students[:2]})]}
    cid = api.post("/v3/courses/batch-upsert", json=body).json()["result"][0]["id"]
    response = api.put(
        "/v3/courses/by-reference-id/c-9/students", json={"studentExternalReferenceIds": ["st-2"]}
    )
    assert response.status_code == 200
    assert response.json()["result"]["removed"] == students[:2]
    assert [r["studentId"] for r in ok(api.get(f"/v1/course/{cid}"))["STUDENTS"]] == students[2:]
    missing = api.put("/v3/courses/by-reference-id/none/students", json={"studentIds": []})
    assert missing.status_code == 404 and missing.json()["code"] == "COURSE_NOT_FOUND"


def test_identical_write_within_five_seconds_is_applied_once(
    emu: RunningEdusign, api: httpx.Client
) -> None:
    """Replaying the same v3 body within the idempotency window returns the first answer."""
    body = {"students": [{**_student(1), "externalReferenceId": None}]}
    first = api.post("/v3/students/batch-upsert", json=body)
    second = api.post("/v3/students/batch-upsert", json=body)
    assert second.json() == first.json()
    assert second.headers.get("x-emulator-idempotent-replay") == "true"
    assert len(control(emu, "GET", "/_emulator/dump")["student"]) == 1


def test_thousand_course_batch_in_one_request(api: httpx.Client) -> None:
    """1000 courses with 30-student rosters are all created by one batch request."""
    make_professor(api, API_ID="pr-1")
    refs = [f"st-{n}" for n in range(30)]
    ok_students = api.post(
        "/v3/students/batch-upsert", json={"students": [_student(n) for n in range(30)]}
    )
    assert ok_students.status_code == 200
    courses = [
        _course(f"c-{n}", students={"studentExternalReferenceIds": refs}) for n in range(1000)
    ]
    started = time.perf_counter()
    response = api.post("/v3/courses/batch-upsert", json={"courses": courses})
    print(f"1000-course batch: {time.perf_counter() - started:.2f}s")  # a figure, not a check
    assert response.status_code == 200
    results = response.json()["result"]
    assert len({r["id"] for r in results}) == 1000
    assert all(r["action"] == "created" for r in results)
