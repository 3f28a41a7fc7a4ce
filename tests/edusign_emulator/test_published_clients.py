"""Independent published clients run their own call sequences, unchanged, on both profiles.

(a) The PyPI package ``edusign`` 0.0.12 (PY-SDK), used as published: only its
``base_url`` constructor argument points it at the emulator.
(b) Le Wagon's gem (L-WAGON, ``lewagon/edusign`` ``lib/edusign/client.rb`` at b3b0307),
replayed request by request with httpx: same methods, paths, bodies (Ruby ``nil`` → JSON
``null``), query strings as ``Hash#to_query`` builds them (keys sorted), and the fields
and error texts the gem reads to steer its flow. Not replayed, because the emulator does
not serve them (signature links and e-mails, documents, ``POST /v1/justified-absence``):
``signature_links_for_course``, ``teacher_signature_link_for_course``,
``send_signature_email``, ``student_individual_attendance_sheet_pdf``, ``declare_absence``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from edusign import Courses, EdusignAPIError, Groups, Professors, Students
from tests.edusign_emulator.conftest import KEY_A

from hpsync.emulators.edusign import RunningEdusign, start_emulator
from hpsync.emulators.edusign.profiles import PROFILES

PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(params=PROFILES)
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningEdusign]:
    """One school, generous limits, on each profile in turn."""
    with start_emulator(
        schools=[("Lycée A", KEY_A)],
        db_path=tmp_path / "edusign.sqlite",
        rate_scale=100,
        profile=request.param,
    ) as emu:
        yield emu


def _profile(emu: RunningEdusign) -> str:
    return emu.state.settings.profile


# --- (a) PyPI edusign 0.0.12 -------------------------------------------------------


def test_pypi_client_builds_a_school_and_locks_a_course(running: RunningEdusign) -> None:
    """Students, a professor, a group, a course from the group (no NEED_STUDENTS_SIGNATURE),
    reads, a student PATCH and the lock all succeed through the published package."""
    base = running.url + "/v1"  # the package's own default is https://ext.edusign.fr/v1
    students, professors = Students(KEY_A, base_url=base), Professors(KEY_A, base_url=base)
    groups, courses = Groups(KEY_A, base_url=base), Courses(KEY_A, base_url=base)

    ana = students.create("Ana", "Lopez", "ana@school.test")
    bo = students.create("Bo", "Li", "bo@school.test")
    paul = professors.create("Paul", "Martin", "paul@school.test")
    group = groups.create("BTS 1", [ana, bo])
    start = dt.datetime(2025, 3, 10, 9, 0, tzinfo=PARIS_WINTER)
    course = courses.create("Maths", start, start + dt.timedelta(hours=2), [paul], group)

    sheet = courses.get_by_id(course)["result"]
    assert (sheet["START"], sheet["END"]) == (
        "2025-03-10T08:00:00.000Z",
        "2025-03-10T10:00:00.000Z",
    )
    assert sheet["PROFESSOR"] == paul and sheet["SCHOOL_GROUP"] == [group]
    assert sorted(courses.get_student_signature_status(course)) == sorted(
        [(ana, False), (bo, False)]
    )
    assert courses.has_professor_signed(course) is False
    assert [c["ID"] for c in courses.get_all()] == [course]

    assert students.get_by_email("ana@school.test")["ID"] == ana
    assert professors.get_by_email("paul@school.test")["ID"] == paul
    assert sorted(s["ID"] for s in students.get_all()) == sorted([ana, bo])
    students.patch(ID=ana, FIRSTNAME="Anna", LASTNAME="Lopez")
    assert students.get_by_id(ana)["FIRSTNAME"] == "Anna"

    locked = courses.lock(course)
    assert locked["link"].endswith(".pdf")
    assert courses.get_by_id(course)["result"]["LOCKED"] == 1


def test_pypi_client_second_lock(running: RunningEdusign) -> None:
    """Locking again: an EdusignAPIError in public ("Course already locked"), the same
    link in full."""
    base = running.url + "/v1"
    paul = Professors(KEY_A, base_url=base).create("Paul", "Martin", "paul@school.test")
    group = Groups(KEY_A, base_url=base).create("Empty", [])
    courses = Courses(KEY_A, base_url=base)
    naive = dt.datetime(2025, 3, 10, 8, 0)  # strftime gives no offset: read as UTC
    course = courses.create("Maths", naive, naive + dt.timedelta(hours=1), [paul], group)
    assert courses.get_by_id(course)["result"]["START"] == "2025-03-10T08:00:00.000Z"
    first = courses.lock(course)
    if _profile(running) == "public":
        with pytest.raises(EdusignAPIError) as refused:
            courses.lock(course)
        assert "Course already locked" in refused.value.message
    else:
        assert courses.lock(course) == first


def test_pypi_client_refuses_a_wrong_key(running: RunningEdusign) -> None:
    """The package checks its key with GET /school at construction: 401 → its own error."""
    with pytest.raises(EdusignAPIError) as refused:
        Students("not-a-key", base_url=running.url + "/v1")
    assert refused.value.status_code == 401


# --- (b) Le Wagon's gem, replayed --------------------------------------------------


class LeWagonGem:
    """The gem's requests, one method per gem method (same names, same bodies)."""

    ALREADY_LOCKED = "Course already locked"
    ALREADY_ON_SHEET = "Student already in the list"
    PROFESSOR_EXISTS = "Professor already exists in this school"

    def __init__(self, emu: RunningEdusign) -> None:
        self.http = httpx.Client(
            base_url=emu.url + "/v1",  # base_uri "https://ext.edusign.fr/v1"
            headers={"Authorization": f"Bearer {KEY_A}", "Content-Type": "application/json"},
            timeout=10,
        )
        self.sent: list[str] = []

    def api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """The gem's ``api``: parse JSON, raise on ``status == "error"``."""
        self.sent.append(f"{method} {path.partition('?')[0]}")
        response = self.http.request(method, path, json=body)
        assert response.status_code not in (502, 504)
        answer: dict[str, Any] = response.json()
        if answer.get("status") == "error":
            raise GemError(answer["message"])
        return answer

    # GROUP
    def create_or_update_group(
        self,
        name: str,
        student_uids: Sequence[str] = (),
        group_uid: str | None = None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"group": {"NAME": name, "STUDENTS": []}}
        if group_uid:
            payload["group"]["ID"] = group_uid
            payload["group"]["STUDENTS"] = list(student_uids)
            return self.api("PATCH", "/group", payload)
        return self.api("POST", "/group", payload)

    def group(self, group_uid: str) -> dict[str, Any]:
        return self.api("GET", f"/group/{group_uid}")["result"]

    def add_students_to_group(self, group_uid: str, student_uids: list[str]) -> None:
        group = self.group(group_uid)
        group["STUDENTS"] = list(dict.fromkeys(group["STUDENTS"] + student_uids))
        self.api("PATCH", "/group", {"group": group})

    def delete_group(self, group_uid: str) -> dict[str, Any]:
        return self.api("DELETE", f"/group/{group_uid}")

    # COURSE
    def course(self, course_uid: str) -> dict[str, Any]:
        return self.api("GET", f"/course/{course_uid}")["result"]

    def _course_body(
        self,
        group_uid: str,
        name: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        teacher_uid: str,
    ) -> dict[str, Any]:
        return {
            "NAME": name,
            "START": starts_at.isoformat(),  # Ruby Time#iso8601: 2025-03-10T09:00:00+01:00
            "END": ends_at.isoformat(),
            "DESCRIPTION": None,
            "PROFESSOR": teacher_uid,
            "SCHOOL_GROUP": [group_uid],
            "ZOOM": False,
            "API_ID": None,
        }

    def create_course(
        self,
        group_uid: str,
        name: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        teacher_uid: str,
    ) -> dict[str, Any]:
        body = self._course_body(group_uid, name, starts_at, ends_at, teacher_uid)
        return self.api("POST", "/course", {"course": body})

    def update_course(
        self,
        course_uid: str,
        group_uid: str,
        name: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        teacher_uid: str,
    ) -> dict[str, Any]:
        body = {
            "ID": course_uid,
            **self._course_body(group_uid, name, starts_at, ends_at, teacher_uid),
        }
        return self.api("PATCH", "/course", {"course": body})

    def courses(self, group_uid: str, starts_at: dt.date, ends_at: dt.date) -> list[Any]:
        query = f"end={ends_at}&groupId={group_uid}&start={starts_at}"  # to_query sorts keys
        return self.api("GET", f"/course?{query}")["result"]

    def lock_course(self, course_uid: str) -> Any:
        course = self.course(course_uid)
        if course["LOCKED"] == 0:  # Ruby: course_on_edusign[:LOCKED].zero?
            try:
                return self.api("GET", f"/course/lock/{course_uid}")["result"]["link"]
            except GemError as exc:
                if exc.message != self.ALREADY_LOCKED:
                    raise
                return None
        return course["ATTENDANCE_LIST_GENERATED"]

    def delete_course(self, course_uid: str) -> dict[str, Any]:
        return self.api("DELETE", f"/course/{course_uid}")

    def add_student_to_course(self, course_uid: str, student_uid: str) -> str:
        """The answer as the gem sees it: ``ok`` or the rescued message."""
        try:
            self.api("PUT", f"/course/attendance/{course_uid}", {"studentId": student_uid})
        except GemError as exc:
            if exc.message != self.ALREADY_ON_SHEET:
                raise
            return "rescued"
        return "ok"

    def remove_student_from_course(self, course_uid: str, student_uid: str) -> None:
        self.api("DELETE", f"/course/attendance/{course_uid}", {"studentId": student_uid})

    # STUDENT
    def create_student(
        self, first_name: str, last_name: str, email: str, group_uids: Sequence[str] = ()
    ) -> dict[str, Any]:
        body = {
            "FIRSTNAME": first_name,
            "LASTNAME": last_name,
            "EMAIL": email,
            "SEND_EMAIL_CREDENTIALS": False,
            "GROUPS": list(group_uids),
        }
        return self.api("POST", "/student", {"student": body})

    def update_student(
        self,
        student_uid: str,
        first_name: str,
        last_name: str,
        email: str,
        group_uids: Sequence[str] = (),
    ) -> dict[str, Any]:
        body = {
            "ID": student_uid,
            "FIRSTNAME": first_name,
            "LASTNAME": last_name,
            "EMAIL": email,
            "SEND_EMAIL_CREDENTIALS": False,
            "GROUPS": list(group_uids),
        }
        return self.api("PATCH", "/student", {"student": body})

    def create_or_update_student(
        self,
        first_name: str,
        last_name: str,
        email: str,
        student_uid: str | None = None,
        group_uids: Sequence[str] = (),
    ) -> dict[str, Any]:
        try:
            student = self.api("GET", f"/student/{student_uid}")["result"] if student_uid else None
            if student is None:
                student = self.api("GET", f"/student/by-email/{email}")["result"]
            if student["HIDDEN"] == 1:
                raise GemError("Student was deleted from edusign")
            return self.update_student(student["ID"], first_name, last_name, email, group_uids)
        except GemError:
            return self.create_student(first_name, last_name, email, group_uids)

    def students(self) -> list[Any]:
        return self.api("GET", "/student")["result"]

    def justified_absences(self) -> list[Any]:
        return self.api("GET", "/justified-absence")["result"]

    # TEACHER
    def create_professor(self, first_name: str, last_name: str, email: str) -> dict[str, Any]:
        body = {
            "professor": {"FIRSTNAME": first_name, "LASTNAME": last_name, "EMAIL": email},
            "dontSendCredentials": True,
        }
        return self.api("POST", "/professor", body)

    def professor_by_email(self, email: str) -> dict[str, Any]:
        """find_or_create_professor's lookup (its HIDDEN check is Ruby-side only)."""
        return self.api("GET", f"/professor/by-email/{email}")["result"]

    def teacher_by_uid(self, teacher_uid: str) -> dict[str, Any]:
        return self.api("GET", f"/professor/{teacher_uid}")["result"]


class GemError(Exception):
    """The gem's ``Response::Error``: the envelope's message."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def test_le_wagon_sequence_runs_on_both_profiles(running: RunningEdusign) -> None:
    """Le Wagon's gem, from empty school to locked sheet, gets the answers it relies on."""
    gem = LeWagonGem(running)
    public = _profile(running) == "public"

    gid = gem.create_or_update_group("Batch 1234")["result"]["ID"]
    ana = gem.create_or_update_student("Ana", "Lopez", "ana@lewagon.test", group_uids=[gid])
    bo = gem.create_or_update_student("Bo", "Li", "bo@lewagon.test", group_uids=[gid])
    ana_id, bo_id = ana["result"]["ID"], bo["result"]["ID"]
    renamed = gem.create_or_update_student(
        "Anna", "Lopez", "ana@lewagon.test", student_uid=ana_id, group_uids=[gid]
    )
    assert renamed["result"]["FIRSTNAME"] == "Anna" and renamed["result"]["GROUPS"] == [gid]

    teacher = gem.create_professor("Boris", "Paillard", "boris@lewagon.test")["result"]["ID"]
    with pytest.raises(GemError) as twice:
        gem.create_professor("Boris", "Paillard", "boris@lewagon.test")
    if public:  # the gem then falls back to find_or_create_professor
        assert twice.value.message == LeWagonGem.PROFESSOR_EXISTS
    assert gem.professor_by_email("boris@lewagon.test")["ID"] == teacher
    assert gem.teacher_by_uid(teacher)["EMAIL"] == "boris@lewagon.test"

    gem.create_or_update_group("Batch 1234", student_uids=[ana_id], group_uid=gid)
    assert gem.group(gid)["STUDENTS"] == [ana_id]
    gem.add_students_to_group(gid, [bo_id])
    assert gem.group(gid)["STUDENTS"] == [ana_id, bo_id]

    start = dt.datetime(2025, 3, 10, 9, 0, tzinfo=PARIS_WINTER)
    end = start + dt.timedelta(hours=3)
    cid = gem.create_course(gid, "Ruby basics", start, end, teacher)["result"]["ID"]
    sheet = gem.course(cid)
    assert sheet["LOCKED"] == 0 and type(sheet["LOCKED"]) is int
    assert sorted(r["studentId"] for r in sheet["STUDENTS"]) == sorted([ana_id, bo_id])
    gem.update_course(cid, gid, "Ruby objects", start, end, teacher)
    assert gem.course(cid)["NAME"] == "Ruby objects"
    listed = gem.courses(gid, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert [c["ID"] for c in listed] == [cid]

    late = gem.create_student("Cy", "Martin", "cy@lewagon.test")["result"]["ID"]
    assert gem.add_student_to_course(cid, late) == "ok"
    assert gem.add_student_to_course(cid, late) == ("rescued" if public else "ok")
    gem.remove_student_from_course(cid, late)
    assert late not in [r["studentId"] for r in gem.course(cid)["STUDENTS"]]

    assert gem.justified_absences() == []
    assert len(gem.students()) == 3

    link = gem.lock_course(cid)
    assert isinstance(link, str) and link.endswith(".pdf")
    assert gem.lock_course(cid) == link  # already locked: read from the course
    again = gem.http.get(f"/course/lock/{cid}").json()
    if public:
        assert again == {"status": "error", "message": LeWagonGem.ALREADY_LOCKED}
    else:
        assert again == {"status": "success", "result": {"link": link}}

    spare = gem.create_course(gid, "Spare", end, end + dt.timedelta(hours=1), teacher)
    assert gem.delete_course(spare["result"]["ID"])["result"] is True
    assert gem.delete_group(gid)["result"] is True
    assert gem.sent.count("GET /course/lock/" + cid) == 1
