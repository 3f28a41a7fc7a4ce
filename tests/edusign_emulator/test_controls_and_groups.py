"""Administrator-style test controls (drift by hand, dump) and group membership over v1."""

from __future__ import annotations

import httpx
from tests.edusign_emulator.conftest import (
    control,
    make_course,
    make_professor,
    make_student,
    ok,
)

from hpsync.emulators.edusign import RunningEdusign


def test_hand_edits_show_up_through_the_api(emu: RunningEdusign, api: httpx.Client) -> None:
    """Editing a course by hand, adding/removing sheet lines and an API_ID-less student."""
    prof = make_professor(api)
    sid = make_student(api, 1)
    cid = make_course(api, prof, [sid])
    ok(api.get(f"/v1/course/lock/{cid}"))
    control(
        emu,
        "PATCH",
        f"/_emulator/records/course/{cid}",
        fields={"NAME": "Renamed", "START": "2025-03-10T09:00:00+01:00"},
    )
    stray = control(
        emu,
        "POST",
        "/_emulator/records/student",
        fields={"FIRSTNAME": "No", "LASTNAME": "Id", "EMAIL": "noid@school.test"},
    )
    control(emu, "POST", f"/_emulator/courses/{cid}/students", studentId=stray["ID"])
    control(emu, "DELETE", f"/_emulator/courses/{cid}/students/{sid}")
    control(emu, "POST", "/_emulator/professor-sign", courseId=cid)
    course = ok(api.get(f"/v1/course/{cid}"))
    assert course["NAME"] == "Renamed" and course["START"] == "2025-03-10T08:00:00.000Z"
    assert [r["studentId"] for r in course["STUDENTS"]] == [stray["ID"]]
    assert course["PROFESSOR_SIGNATURE"] and course["LOCKED"] == 1
    assert ok(api.get(f"/v1/student/{stray['ID']}"))["API_ID"] == ""


def test_attendance_control_marks_late_and_early(emu: RunningEdusign, api: httpx.Client) -> None:
    """The attendance control sets delay and early departure as Edusign staff would."""
    sid = make_student(api)
    cid = make_course(api, make_professor(api), [sid])
    control(
        emu,
        "POST",
        "/_emulator/attendance",
        courseId=cid,
        studentId=sid,
        delay=7,
        earlyDeparture="2025-03-10T09:40:00Z",
    )
    record = ok(api.get(f"/v1/course/{cid}"))["STUDENTS"][0]
    assert record["delay"] == 7 and record["earlyDeparture"] == "2025-03-10T09:40:00.000Z"


def test_dump_holds_every_record_including_archived(emu: RunningEdusign, api: httpx.Client) -> None:
    """The dump lists the school and each kind of record, archived ones included."""
    gone = make_student(api, 1)
    ok(api.delete(f"/v1/student/{gone}"))
    make_course(api, make_professor(api))
    dump = control(emu, "GET", "/_emulator/dump")
    assert dump["school"]["NAME"] == "Lycée A"
    assert [s["ID"] for s in dump["student"]] == [gone]
    assert len(dump["course"]) == 1 and len(dump["professor"]) == 1


def test_group_membership_stays_consistent_both_ways(api: httpx.Client) -> None:
    """PATCH group STUDENTS replaces membership and student.GROUPS follows; and back."""
    a, b = make_student(api, 1), make_student(api, 2)
    gid = ok(api.post("/v1/group", json={"group": {"NAME": "G", "STUDENTS": [a]}}))["ID"]
    ok(api.patch("/v1/group", json={"group": {"ID": gid, "STUDENTS": [b]}}))
    assert ok(api.get(f"/v1/student/{a}"))["GROUPS"] == []
    assert ok(api.get(f"/v1/student/{b}"))["GROUPS"] == [gid]
    ok(
        api.patch(
            "/v1/student",
            json={"student": {"ID": a, "FIRSTNAME": "A", "LASTNAME": "L", "GROUPS": gid}},
        )
    )
    assert ok(api.get(f"/v1/group/{gid}"))["STUDENTS"] == [b, a]
    ok(api.delete(f"/v1/group/{gid}"))
    assert ok(api.get("/v1/group")) == []
    assert ok(api.get(f"/v1/group/{gid}"))["HIDDEN"] == 1
