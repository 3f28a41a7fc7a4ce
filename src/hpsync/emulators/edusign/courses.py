"""Courses (attendance sheets) as records: fields, professors, roster, absence links.

Shared by v1 and v3. The roster is ``course.STUDENTS``, a list of attendance records
(reference §10); adding a student creates a record linked to any justified absence of
that student overlapping the course; removing one drops its record.
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import timefmt
from hpsync.emulators.edusign.fields import id_list, text
from hpsync.emulators.edusign.gateway import ApiError
from hpsync.emulators.edusign.storage import Doc, Tx

PROFESSOR_KEYS = ("PROFESSOR", *tuple(f"PROFESSOR_{n}" for n in range(2, 10)))
_TEXT = ("NAME", "DESCRIPTION", "CLASSROOM", "API_ID", "API_TYPE", "TRAINING_ID", "ZOOM")


def attendance_record(course_id: str, student_id: str) -> Doc:
    """A student's line on a sheet with every documented field at its default."""
    return {
        "_id": timefmt.new_id(24),
        "studentId": student_id,
        "courseId": course_id,
        "state": False,
        "signature": None,
        "timestamp": None,
        "delay": 0,
        "earlyDeparture": None,
        "excluded": None,
        "comment": None,
        "absenceId": None,
        "signatureEmail": None,
    }


def blank(school_id: str, now: str) -> Doc:
    """A course with every documented field at its default."""
    cid = timefmt.new_id()
    doc: Doc = {"ID": cid, "id": cid}
    doc.update({name: "" for name in _TEXT})
    doc.update({key: None for key in PROFESSOR_KEYS[:3]})
    doc.update(
        {
            "START": None,
            "END": None,
            "PROFESSOR_SIGNATURE": None,
            "PROFESSOR_SIGNATURE_2": None,
            "PROFESSOR_SIGNATURE_3": None,
            "PROFESSOR_SIGNATURE_TIMESTAMP": None,
            "PROFESSORS_PRESENCES": [],
            "SCHOOL_GROUP": [],
            "STUDENTS": [],
            "LOCKED": 0,
            "ABSENCE_SENT": 0,
            "ATTENDANCE_ENDED": 0,
            "NEED_STUDENTS_SIGNATURE": 1,
            "MAX_STUDENTS": None,
            "CREATOR_ID": "api",
            "SCHOOL_ID": school_id,
            "HIDDEN": 0,
            "DATE_CREATED": now,
            "DATE_UPDATED": now,
            "STATE_UPDATE": now,
            "TEAMS": "",
            "ANNOTATION": "",
            "ADMIN_ANNOTATION": "",
        }
    )
    return doc


def professor_ids(course: Doc) -> list[str]:
    """Every professor of the course, in PROFESSOR, PROFESSOR_2… order."""
    return [str(course[k]) for k in PROFESSOR_KEYS if course.get(k)]


def set_professors(course: Doc, ids: list[str]) -> None:
    """Write ``PROFESSOR``, ``PROFESSOR_2``… from a list."""
    for key in PROFESSOR_KEYS:
        if key in PROFESSOR_KEYS[:3]:
            course[key] = None
        else:
            course.pop(key, None)
    for number, pid in enumerate(ids, start=1):
        course["PROFESSOR" if number == 1 else f"PROFESSOR_{number}"] = pid


def check_dates(course: Doc) -> None:
    """START and END readable, END after START."""
    start, end = timefmt.parse(course["START"]), timefmt.parse(course["END"])
    if start is None or end is None:
        raise ApiError("START and END must be ISO 8601 datetimes")
    if end <= start:
        raise ApiError("END must be after START")


def is_past(course: Doc, now: str) -> bool:
    """The sheet is over (its END is before the emulator clock)."""
    return bool(course.get("END")) and str(course["END"]) < now


def student_roster(course: Doc) -> list[str]:
    """Student ids on the sheet."""
    return [str(r["studentId"]) for r in course["STUDENTS"]]


def group_members(tx: Tx, group_ids: list[str]) -> list[str]:
    """Students of the given groups (unknown groups are an error)."""
    members: list[str] = []
    for gid in group_ids:
        group = tx.get("group", gid)
        if group is None:
            raise ApiError(f"Group {gid} not found")
        members += group["STUDENTS"]
    return members


class Lookups:
    """Per-request caches of people, groups and absences (batch upserts touch the same
    students thousands of times; none of these change while a course batch runs)."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._docs: dict[tuple[str, str], Doc | None] = {}
        self._refs: dict[tuple[str, str], Doc | None] = {}
        self._absences: dict[str, list[Doc]] | None = None

    def get(self, kind: str, rid: str) -> Doc | None:
        """A record by id (cached)."""
        if (kind, rid) not in self._docs:
            self._docs[kind, rid] = self.tx.get(kind, rid)
        return self._docs[kind, rid]

    def by_ref(self, kind: str, ref: str) -> Doc | None:
        """The record whose API_ID is ``ref``, live first (cached)."""
        if (kind, ref) not in self._refs:
            found = self.tx.by_api_id(kind, ref)
            self._refs[kind, ref] = found[0] if found else None
        return self._refs[kind, ref]

    def absence_for(self, course: Doc, student_id: str) -> str | None:
        """The accepted justified absence of the student overlapping the course, if any."""
        if self._absences is None:
            self._absences = {}
            for absence in self.tx.where("absence", "hidden = 0"):
                self._absences.setdefault(absence["STUDENT_ID"], []).append(absence)
        for absence in self._absences.get(student_id, []):
            if absence["START"] < course["END"] and absence["END"] > course["START"]:
                return str(absence["ID"])
        return None


def add_students(
    tx: Tx, course: Doc, student_ids: list[str], lookups: Lookups | None = None
) -> list[str]:
    """Put students on the sheet (known ones only); returns those newly added."""
    look = lookups or Lookups(tx)
    present = set(student_roster(course))
    added: list[str] = []
    for sid in dict.fromkeys(student_ids):
        if sid in present:
            continue
        if look.get("student", sid) is None:
            raise ApiError(f"Student {sid} not found")
        record = attendance_record(course["ID"], sid)
        record["absenceId"] = look.absence_for(course, sid)
        course["STUDENTS"].append(record)
        present.add(sid)
        added.append(sid)
    return added


def remove_students(course: Doc, student_ids: set[str]) -> None:
    """Drop students' records from the sheet."""
    course["STUDENTS"] = [r for r in course["STUDENTS"] if r["studentId"] not in student_ids]


def explicit_students(value: Any) -> list[str]:
    """``STUDENTS`` as sent: ``[{"studentId": id}]`` (Moodle) or plain ids."""
    if not isinstance(value, list):
        return id_list(value)
    return [text(v.get("studentId")) if isinstance(v, dict) else text(v) for v in value]


def apply_v1_fields(tx: Tx, course: Doc, fields: Doc) -> None:
    """Copy v1 fields onto a course; PROFESSOR* and SCHOOL_GROUP must exist; adds roster."""
    for name in _TEXT:
        if name in fields:
            course[name] = text(fields[name])
    for name in ("START", "END"):
        if name in fields:
            value = timefmt.normalise(fields[name])
            if value is None:
                raise ApiError(f"{name} must be an ISO 8601 datetime")
            course[name] = value
    for flag in ("NEED_STUDENTS_SIGNATURE", "NEED_STUDENT_SIGNATURE"):
        if flag in fields:
            course["NEED_STUDENTS_SIGNATURE"] = 1 if fields[flag] else 0
    if "MAX_STUDENTS" in fields:
        course["MAX_STUDENTS"] = fields["MAX_STUDENTS"]
    if any(key in fields for key in PROFESSOR_KEYS):
        ids = [text(fields[k]) for k in PROFESSOR_KEYS if fields.get(k)]
        for pid in ids:
            prof = tx.get("professor", pid)
            if prof is None or prof["HIDDEN"]:
                raise ApiError(f"Professor {pid} not found")
        set_professors(course, ids)
    check_dates(course)
    if not course.get("PROFESSOR"):
        raise ApiError(["PROFESSOR is required"])
    wanted: list[str] = []
    if "SCHOOL_GROUP" in fields:
        course["SCHOOL_GROUP"] = id_list(fields["SCHOOL_GROUP"])
        wanted += group_members(tx, course["SCHOOL_GROUP"])
    if "STUDENTS" in fields:
        wanted = explicit_students(fields["STUDENTS"]) + wanted
    add_students(tx, course, wanted)


def find(tx: Tx, cid: Any) -> Doc:
    """A course by id, or a business error."""
    course = tx.get("course", text(cid))
    if course is None:
        raise ApiError("Course not found", key="course_not_found")
    return course


def unlocked(course: Doc) -> Doc:
    """The course, or a business error when its sheet is locked."""
    if course.get("LOCKED"):
        raise ApiError("Course is locked", key="course_locked")
    return course


def touch(tx: Tx, course: Doc, now: str) -> None:
    """Store the course with a fresh DATE_UPDATED."""
    course["DATE_UPDATED"] = now
    tx.update("course", course)
