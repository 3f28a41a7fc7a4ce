"""Courses (attendance sheets) and what hangs off them: rosters, locks, absences.

The course list accepts at most 90 days per query (§9): ``list_courses`` splits longer
windows itself, overlapping the chunks by a day (whether ``end`` is inclusive is
unknown, [X]) and dropping the duplicates by id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from hpsync.edusign import bodies
from hpsync.edusign.core import id_of
from hpsync.edusign.groups import GroupsApi
from hpsync.edusign.inputs import CourseInput
from hpsync.edusign.models import AbsenceReason, Course, JustifiedAbsence, School
from hpsync.edusign.pagination import paginate
from hpsync.edusign.people import PeopleApi
from hpsync.errors import RecordError, TargetError

COURSE_PAGE = 40  # documented page size [P]
MAX_SPAN = timedelta(days=89)  # the API refuses > 90 days; one day of margin


def _seg(value: str) -> str:
    return quote(value, safe="")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _filter_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in value)
    return str(value)


def windows(start: date, end: date) -> list[tuple[date, date]]:
    """Split [start, end] into chunks the API accepts, each overlapping the next by a day;
    an inverted window (nothing to read yet, e.g. every session is still ahead) is empty."""
    if end < start:
        return []
    chunks: list[tuple[date, date]] = []
    cursor = start
    while True:
        chunk_end = min(cursor + MAX_SPAN, end)
        chunks.append((cursor, chunk_end))
        if chunk_end >= end:
            return chunks
        cursor = chunk_end


class CoursesApi(PeopleApi, GroupsApi):
    """Course, school and justified-absence routes."""

    def classrooms(self) -> dict[str, str]:
        """Edusign classrooms by name (case ignored) → id; empty when the route is absent."""
        try:
            rows = self._call("GET", "/v1/classrooms") or []
        except TargetError as exc:
            if "404" not in exc.message:
                raise
            return {}
        out: dict[str, str] = {}
        for row in rows if isinstance(rows, list) else []:
            name, rid = str(row.get("NAME") or "").strip(), row.get("ID") or row.get("id")
            if name and rid and not row.get("HIDDEN"):
                out.setdefault(name.casefold(), str(rid))
        return out

    def school(self) -> School:
        """The school this key belongs to (also a cheap check of the key)."""
        return School.model_validate(self._call("GET", "/v1/school"))

    # ---------------------------------------------------------------- courses

    def list_courses(self, start: date, end: date, **filters: Any) -> list[Course]:
        """Courses between two dates; filters are snake_case (``group_id=[...]``, ``filters=
        "locked"``…) and sent camelCase, lists comma-joined."""
        return list(self.iter_courses(start, end, **filters))

    def iter_courses(self, start: date, end: date, **filters: Any) -> Iterator[Course]:
        """``list_courses`` a page at a time: a big school's 300k sheets, each with its
        attendance records, are gigabytes as models; a reader that keeps only what it needs
        of each holds one page of them. Duplicates (the windows overlap) by id are skipped."""
        extra = {_camel(k): _filter_value(v) for k, v in filters.items() if v is not None}
        seen: set[str] = set()
        for lo, hi in windows(start, end):

            def fetch(page: int, lo: date = lo, hi: date = hi) -> list[Course]:
                params = {"page": page, "start": lo.isoformat(), "end": hi.isoformat(), **extra}
                result = self._call("GET", "/v1/course", params=params)
                return [Course.from_wire(raw) for raw in result or []]

            for course in paginate(fetch, page_size=COURSE_PAGE):
                if course.id not in seen:
                    seen.add(course.id)
                    yield course

    def get_course(self, course_id: str) -> Course:
        """One course with its attendance records (RecordError when unknown)."""
        result = self._call("GET", f"/v1/course/{_seg(course_id)}", record=f"course {course_id}")
        return Course.from_wire(result)

    def course_id_by_api_id(self, api_id: str) -> str | None:
        """Edusign id of the course whose ``API_ID`` is ``api_id``, or None."""
        if not api_id:
            return None
        result = self._lookup(f"/v1/course/get-id/{_seg(api_id)}")
        return None if result in (None, {}) else id_of(result, where="course get-id")

    def _resolve(self, kind: str, api_ids: Sequence[str], record: str) -> list[str]:
        """External ids → Edusign ids via get-id (v1 has no server-side resolution)."""
        found: list[str] = []
        missing: list[str] = []
        for api_id in api_ids:
            edusign_id = self._id_by_api_id(kind, api_id)
            if edusign_id is None:
                missing.append(api_id)
            else:
                found.append(edusign_id)
        if missing:
            raise RecordError(
                f"unknown {kind}(s) by external id: {', '.join(missing)}",
                record=record,
                hint=f"push the {kind}s before the courses that use them",
            )
        return found

    def _course_body(self, item: CourseInput, edusign_id: str | None) -> dict[str, Any]:
        record = item.label()
        professors = list(item.professor_ids) or self._resolve(
            "professor", item.professor_api_ids, record
        )
        students = list(item.student_ids) or self._resolve("student", item.student_api_ids, record)
        return bodies.course_v1(
            item, professor_ids=professors, student_ids=students, edusign_id=edusign_id
        )

    def create_course(self, item: CourseInput) -> str:
        """Create a course; returns its Edusign id. A timed-out create is not duplicated."""
        body = self._course_body(item, None)

        def landed() -> Any:
            return self.course_id_by_api_id(item.api_id)

        result = self._call(
            "POST",
            "/v1/course",
            json=body,
            record=item.label(),
            landed=landed if item.api_id else None,
        )
        return id_of(result, where=f"create {item.label()}")

    def update_course(self, course_id: str, item: CourseInput) -> None:
        """Replace the course's fields (PATCH, ``ID`` in the body; attendance is kept)."""
        body = self._course_body(item, course_id)
        self._call("PATCH", "/v1/course", json=body, record=item.label())

    def delete_course(self, course_id: str) -> None:
        """Delete a course."""
        self._call("DELETE", f"/v1/course/{_seg(course_id)}", record=f"course {course_id}")

    def add_student_to_course(self, course_id: str, student_id: str) -> None:
        """Put one student on the sheet."""
        self._call(
            "PUT",
            f"/v1/course/attendance/{_seg(course_id)}",
            json={"studentId": student_id},
            record=f"course {course_id} student {student_id}",
        )

    def remove_student_from_course(self, course_id: str, student_id: str) -> None:
        """Take one student off the sheet."""
        self._call(
            "DELETE",
            f"/v1/course/attendance/{_seg(course_id)}",
            json={"studentId": student_id},
            record=f"course {course_id} student {student_id}",
        )

    def lock_course(self, course_id: str) -> None:
        """Lock (finalise) the sheet: ``GET /v1/course/lock/{id}`` (GET, as real clients, §9)."""
        self._call("GET", f"/v1/course/lock/{_seg(course_id)}", record=f"course {course_id}")

    def unlock_course(self, course_id: str) -> None:
        """Unlock the sheet."""
        self._call("PATCH", f"/v1/course/unlock/{_seg(course_id)}", record=f"course {course_id}")

    # ---------------------------------------------------------------- absences

    def list_justified_absences(self) -> list[JustifiedAbsence]:
        """Every justified absence (page size undocumented: read until an empty page)."""

        def fetch(page: int) -> list[JustifiedAbsence]:
            result = self._call("GET", "/v1/justified-absence", params={"page": page})
            return [JustifiedAbsence.model_validate(raw) for raw in result or []]

        return list(paginate(fetch))

    def absence_reasons(self) -> list[AbsenceReason]:
        """The reasons a justified absence can carry."""
        result = self._call("GET", "/v1/justified-absence/absence-reason")
        return [AbsenceReason.model_validate(raw) for raw in result or []]
