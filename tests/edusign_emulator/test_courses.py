"""Courses over raw HTTP: roster, attendance records, lock, pagination, filters, states."""

from __future__ import annotations

import httpx
from tests.edusign_emulator.conftest import (
    control,
    error,
    make_course,
    make_professor,
    make_student,
    ok,
)

from hpsync.emulators.edusign import RunningEdusign

RECORD_FIELDS = {
    "_id",
    "studentId",
    "courseId",
    "state",
    "signature",
    "timestamp",
    "delay",
    "earlyDeparture",
    "excluded",
    "comment",
    "absenceId",
    "signatureEmail",
}


def test_course_roster_is_students_plus_group_members(api: httpx.Client) -> None:
    """A course's STUDENTS holds a full attendance record per explicit student and member."""
    prof = make_professor(api)
    alone, member = make_student(api, 1), make_student(api, 2)
    group = ok(api.post("/v1/group", json={"group": {"NAME": "G1", "STUDENTS": [member]}}))["ID"]
    cid = make_course(api, prof, [alone], SCHOOL_GROUP=[group], CLASSROOM="B12")
    course = ok(api.get(f"/v1/course/{cid}"))
    assert [r["studentId"] for r in course["STUDENTS"]] == [alone, member]
    assert set(course["STUDENTS"][0]) == RECORD_FIELDS
    assert course["STUDENTS"][0]["courseId"] == cid
    assert course["CLASSROOM"] == "B12" and course["SCHOOL_GROUP"] == [group]
    assert ok(api.get(f"/v1/student/{member}"))["GROUPS"] == [group]


def test_course_dates_are_returned_in_utc(api: httpx.Client) -> None:
    """START with an offset is stored and returned as UTC with .000Z."""
    cid = make_course(api, make_professor(api), start="2025-03-10T09:00:00+01:00")
    assert ok(api.get(f"/v1/course/{cid}"))["START"] == "2025-03-10T08:00:00.000Z"


def test_course_validation(api: httpx.Client) -> None:
    """END before START, an unknown professor or a missing field is a status error."""
    prof = make_professor(api)
    body = {
        "NAME": "X",
        "START": "2025-03-10T10:00:00Z",
        "END": "2025-03-10T09:00:00Z",
        "PROFESSOR": prof,
        "NEED_STUDENTS_SIGNATURE": True,
    }
    assert "END" in error(api.post("/v1/course", json={"course": body}))
    body["END"], body["PROFESSOR"] = "2025-03-10T11:00:00Z", "unknownprof00000"
    assert "Professor" in error(api.post("/v1/course", json={"course": body}))
    assert error(api.post("/v1/course", json={"course": {"NAME": "X"}})) == [
        "START is required",
        "END is required",
        "PROFESSOR is required",
    ]


def test_patch_get_id_and_delete(api: httpx.Client) -> None:
    """PATCH edits with ID in the body; get-id finds it by API_ID; DELETE removes it."""
    cid = make_course(api, make_professor(api), API_ID=42)
    ok(
        api.patch(
            "/v1/course", json={"course": {"ID": cid, "NAME": "Physics"}, "editSurveys": False}
        )
    )
    assert ok(api.get(f"/v1/course/{cid}"))["NAME"] == "Physics"
    assert ok(api.get("/v1/course/get-id/42"))["ID"] == cid
    assert ok(api.delete(f"/v1/course/{cid}")) is True
    error(api.get(f"/v1/course/{cid}"))


def test_roster_add_and_remove(api: httpx.Client) -> None:
    """PUT/DELETE /v1/course/attendance/{id} with studentId add and remove one student."""
    sid = make_student(api)
    cid = make_course(api, make_professor(api))
    ok(api.put(f"/v1/course/attendance/{cid}", json={"studentId": sid}))
    assert [r["studentId"] for r in ok(api.get(f"/v1/course/{cid}"))["STUDENTS"]] == [sid]
    ok(api.request("DELETE", f"/v1/course/attendance/{cid}", json={"studentId": sid}))
    assert ok(api.get(f"/v1/course/{cid}"))["STUDENTS"] == []


def test_locked_course_refuses_edits_until_unlocked(api: httpx.Client) -> None:
    """After GET lock, roster, state and course edits fail; PATCH unlock allows them again."""
    sid, other = make_student(api, 1), make_student(api, 2)
    cid = make_course(api, make_professor(api), [sid])
    link = ok(api.get(f"/v1/course/lock/{cid}"))["link"]
    assert link.endswith(".pdf")
    assert ok(api.get(f"/v1/course/{cid}"))["LOCKED"] == 1
    assert "locked" in error(api.put(f"/v1/course/attendance/{cid}", json={"studentId": other}))
    assert "locked" in error(
        api.patch(f"/v1/presential-states/set-delay/{cid}/{sid}", json={"delay": 5})
    )
    assert "locked" in error(api.patch("/v1/course", json={"course": {"ID": cid, "NAME": "Z"}}))
    ok(api.patch(f"/v1/course/unlock/{cid}"))
    ok(api.put(f"/v1/course/attendance/{cid}", json={"studentId": other}))
    assert ok(api.post(f"/v1/course/lock/{cid}")) == {"link": link}


def test_presential_states(api: httpx.Client) -> None:
    """set-delay, set-early-departure and set-absent write the student's record."""
    sid = make_student(api)
    cid = make_course(api, make_professor(api), [sid])
    base = "/v1/presential-states"
    ok(api.patch(f"{base}/set-delay/{cid}/{sid}", json={"delay": 12}))
    ok(
        api.patch(
            f"{base}/set-early-departure/{cid}/{sid}",
            json={"earlyDate": "2025-03-10T10:30:00+01:00"},
        )
    )
    ok(api.patch(f"{base}/set-absent/{cid}/{sid}", json={"comment": "malade"}))
    record = ok(api.get(f"/v1/course/{cid}"))["STUDENTS"][0]
    assert record["delay"] == 12
    assert record["earlyDeparture"] == "2025-03-10T09:30:00.000Z"
    assert record["comment"] == "malade" and record["state"] is False
    other = make_student(api, 2)
    assert "not on this course" in error(
        api.patch(f"{base}/set-delay/{cid}/{other}", json={"delay": 1})
    )


def test_course_list_pages_by_40_ordered_by_start(api: httpx.Client) -> None:
    """The course list gives 40 per page from page 0, ordered by START."""
    prof = make_professor(api)
    for n in range(45):
        day = 1 + n % 28
        make_course(
            api, prof, start=f"2025-03-{day:02d}T08:{n:02d}:00Z", end=f"2025-03-{day:02d}T10:00:00Z"
        )
    window = {"start": "2025-03-01", "end": "2025-03-31"}
    page0 = ok(api.get("/v1/course", params={"page": 0, **window}))
    page1 = ok(api.get("/v1/course", params={"page": 1, **window}))
    assert len(page0) == 40 and len(page1) == 5
    starts = [c["START"] for c in page0 + page1]
    assert starts == sorted(starts)


def test_course_list_window_and_filters(api: httpx.Client) -> None:
    """start/end select overlapping courses (≤ 90 days); locked and studentId filters work."""
    prof = make_professor(api)
    sid = make_student(api)
    march = make_course(api, prof, [sid])
    april = make_course(api, prof, start="2025-04-02T08:00:00Z", end="2025-04-02T09:00:00Z")
    ok(api.get(f"/v1/course/lock/{april}"))

    def ids(**params: str) -> list[str]:
        return [c["ID"] for c in ok(api.get("/v1/course", params={"page": 0, **params}))]

    assert ids(start="2025-03-10", end="2025-03-10") == [march]
    assert ids(start="2025-03-01", end="2025-04-30", filters="locked") == [april]
    assert ids(start="2025-03-01", end="2025-04-30", studentId=sid) == [march]
    assert ids(start="2025-03-01", end="2025-04-30", professorId=prof) == [march, april]
    message = error(api.get("/v1/course", params={"start": "2025-01-01", "end": "2025-06-01"}))
    assert "90 days" in message


def test_justified_absence_links_overlapping_records(
    emu: RunningEdusign, api: httpx.Client
) -> None:
    """A justified absence appears in the list and sets absenceId on overlapping records."""
    sid = make_student(api)
    prof = make_professor(api)
    inside = make_course(api, prof, [sid])
    outside = make_course(
        api, prof, [sid], start="2025-03-20T08:00:00Z", end="2025-03-20T09:00:00Z"
    )
    reasons = ok(api.get("/v1/justified-absence/absence-reason"))
    assert {"ID", "NAME"} == set(reasons[0])
    absence = control(
        emu,
        "POST",
        "/_emulator/justified-absences",
        studentId=sid,
        start="2025-03-10T00:00:00Z",
        end="2025-03-11T00:00:00Z",
        type=reasons[1]["ID"],
        comment="certificat",
    )
    listed = ok(api.get("/v1/justified-absence", params={"page": 0}))
    assert [a["ID"] for a in listed] == [absence["ID"]]
    assert listed[0]["TYPE"] == reasons[1]["ID"] and listed[0]["STUDENT_ID"] == sid
    assert ok(api.get(f"/v1/course/{inside}"))["STUDENTS"][0]["absenceId"] == absence["ID"]
    assert ok(api.get(f"/v1/course/{outside}"))["STUDENTS"][0]["absenceId"] is None


def test_signing_control_sets_state_signature_and_timestamp(
    emu: RunningEdusign, api: httpx.Client
) -> None:
    """The sign control marks the student present with a signature and a timestamp."""
    sid = make_student(api)
    cid = make_course(api, make_professor(api), [sid])
    control(
        emu,
        "POST",
        "/_emulator/sign",
        courseId=cid,
        studentId=sid,
        timestamp="2025-03-10T08:05:00Z",
    )
    record = ok(api.get(f"/v1/course/{cid}"))["STUDENTS"][0]
    assert record["state"] is True and record["signature"]
    assert record["timestamp"] == "2025-03-10T08:05:00.000Z"


def test_school_get_and_patch_webhooks(api: httpx.Client) -> None:
    """GET /v1/school shows ID, NAME, TIMEZONE, ABSENCES_TYPE; PATCH sets WEBHOOKS."""
    school = ok(api.get("/v1/school"))
    assert school["NAME"] == "Lycée A" and school["TIMEZONE"] and school["ABSENCES_TYPE"]
    assert not any(k.startswith("_") for k in school)
    hooks = [{"TYPE": "on_course_created", "URL": "http://127.0.0.1:9/hook"}]
    ok(api.patch("/v1/school", json={"school": {"WEBHOOKS": hooks}}))
    assert ok(api.get("/v1/school"))["WEBHOOKS"] == hooks
