"""The emulator's own route table: per route, its rate class, evidence and profiles.

This is the emulator's truth, written from the references (``edusign-api.md`` §4–§12 and
``evidence-2026-12.md`` §2), never taken from hpsync's client: an emulator that borrows
the client's tables agrees with every mistake in them. ``docs/edusign-emulator.md``
("Route table and evidence") shows the same table; a test keeps the two equal.

Rate classes (reference §4, [C]): 480 requests a minute, 24 on heavy routes. The only
pages read that carry the "Rate limit: HEAVY" mark are the v3 batch upserts and roster
PUTs (D-V3, D-CHG), so they are the only heavy routes. [I] Which v1 routes are heavy is
unknown (the red dots of the v1 reference were not readable): they stay normal.

Verdicts: **C** two or more independent sources (or Edusign's own code or docs), **P**
one, **I** no public source (a guess), **X** contradicted. ``public`` serves C and P
routes only; I and X routes are ``full`` only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from hpsync.emulators.edusign import (
    attendance,
    v1_courses,
    v1_externals,
    v1_groups,
    v1_people,
    v3_courses,
    v3_people,
)
from hpsync.emulators.edusign.gateway import Handler
from hpsync.emulators.edusign.profiles import BOTH, FULL_ONLY

Verdict = Literal["C", "P", "I", "X"]


class RateClass(enum.StrEnum):
    """Edusign's two rate classes."""

    NORMAL = "normal"
    HEAVY = "heavy"


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """One served route and what is known about it."""

    method: str
    template: str
    handler: Handler
    scope: str  # the permission scope a key needs (D-PERM families, ``spec.SCOPES``)
    verdict: Verdict
    sources: tuple[str, ...]  # source tags of the references
    rate: RateClass = RateClass.NORMAL
    profiles: frozenset[str] = BOTH
    note: str = ""

    @property
    def key(self) -> str:
        """``METHOD template``, as stats and docs name the route."""
        return f"{self.method} {self.template}"


_H = RateClass.HEAVY


_S, _P = "/v1/student", "/v1/professor"
_STUDENTS = [
    RouteSpec("POST", _S + "/by-ids", v1_people.by_ids, "students", "P", ("MC",)),
    RouteSpec("GET", _S, v1_people.list_people("student"), "students", "C",
              ("L-WAGON", "PY-SDK", "MC"), note="`page`/`limit` P (MC); `archived=true` I"),
    RouteSpec("POST", _S, v1_people.create_person("student"), "students", "C",
              ("M-MOD", "L-WAGON", "PY-SDK", "PD", "MC")),
    RouteSpec("PATCH", _S, v1_people.update_person("student"), "students", "C",
              ("L-WAGON", "R-AIKKU", "MC")),
    RouteSpec("PATCH", _S + "/", v1_people.update_person("student"), "students", "P",
              ("PY-SDK",), note="trailing slash, as PY-SDK sends it"),
    RouteSpec("GET", _S + "/by-email/{email}", v1_people.by_email("student"), "students",
              "C", ("M-MOD", "PY-SDK", "L-WAGON")),
    RouteSpec("GET", _S + "/get-id/{apiId}", v1_people.get_id("student"), "students", "P",
              ("MC",)),
    RouteSpec("GET", _S + "/{id}", v1_people.get_person("student"), "students", "C",
              ("M-MOD", "L-WAGON", "PY-SDK")),
    RouteSpec("DELETE", _S + "/{id}", v1_people.archive_person("student"), "students", "P",
              ("MC",), note="archive (HIDDEN=1)"),
]  # fmt: skip

_PROFESSORS = [
    RouteSpec("GET", _P, v1_people.list_people("professor"), "professors", "P", ("MC",),
              note="evidence §2 row 7 rates the row C; only MC names the list; "
              "`archived=true` I"),
    RouteSpec("POST", _P, v1_people.create_person("professor"), "professors", "C",
              ("M-MOD", "L-WAGON", "PY-SDK", "MC"),
              note="`dontSendCredentials` at either level (L-WAGON, M-MOD)"),
    RouteSpec("PATCH", _P, v1_people.update_person("professor"), "professors", "C",
              ("R-AIKKU", "MC")),
    RouteSpec("PATCH", _P + "/", v1_people.update_person("professor"), "professors", "I",
              (), profiles=FULL_ONLY, note="by analogy with the student route"),
    RouteSpec("GET", _P + "/by-email/{email}", v1_people.by_email("professor"), "professors",
              "C", ("M-MOD", "PY-SDK", "L-WAGON")),
    RouteSpec("GET", _P + "/get-id/{apiId}", v1_people.get_id("professor"), "professors",
              "P", ("MC",)),
    RouteSpec("GET", _P + "/{id}", v1_people.get_person("professor"), "professors", "C",
              ("M-MOD", "L-WAGON")),
    RouteSpec("DELETE", _P + "/{id}", v1_people.archive_person("professor"), "professors",
              "P", ("MC",), note="archive (HIDDEN=1)"),
]  # fmt: skip

_GROUPS = [
    RouteSpec("GET", "/v1/group", v1_groups.list_groups, "groups", "C", ("PD", "R-AIKKU")),
    RouteSpec("POST", "/v1/group", v1_groups.create_group, "groups", "C",
              ("PY-SDK", "R-AIKKU", "ODOO", "L-WAGON")),
    RouteSpec("PATCH", "/v1/group", v1_groups.update_group, "groups", "C",
              ("R-AIKKU", "L-WAGON"), note="`STUDENTS` replaces the membership (L-WAGON)"),
    RouteSpec("GET", "/v1/group/get-id/{apiId}", v1_groups.group_get_id, "groups", "I", (),
              profiles=FULL_ONLY, note="emulator extra, never seen for groups"),
    RouteSpec("GET", "/v1/group/{id}", v1_groups.get_group, "groups", "C",
              ("ODOO", "L-WAGON")),
    RouteSpec("DELETE", "/v1/group/{id}", v1_groups.delete_group, "groups", "P",
              ("L-WAGON",), note="evidence §2 row 8 (one source)"),
    RouteSpec("GET", "/v1/classrooms", v1_groups.list_classrooms, "classrooms", "P", ("PD",)),
    RouteSpec("POST", "/v1/classrooms", v1_groups.create_classroom, "classrooms", "I", (),
              profiles=FULL_ONLY, note="path guessed; D-PERM names the permission only"),
]  # fmt: skip

_EXTERNALS_NOTE = "invented for tutors; D-PERM names an Externals permission only"
_EXTERNALS = [
    RouteSpec(method, template, handler, "externals", "I", (), profiles=FULL_ONLY,
              note=_EXTERNALS_NOTE)
    for method, template, handler in (
        ("GET", "/v1/externals", v1_externals.list_externals),
        ("POST", "/v1/externals", v1_externals.create_external),
        ("PATCH", "/v1/externals", v1_externals.update_external),
        ("PATCH", "/v1/externals/", v1_externals.update_external),
        ("GET", "/v1/externals/get-id/{apiId}", v1_externals.get_id),
        ("GET", "/v1/externals/{id}", v1_externals.get_external),
        ("DELETE", "/v1/externals/{id}", v1_externals.archive_external),
    )
]  # fmt: skip

_COURSES = [
    RouteSpec("GET", "/v1/course", v1_courses.list_courses, "courses", "C",
              ("R-AIKKU", "L-WAGON", "PY-SDK", "MC"), note="40 per page P (MC)"),
    RouteSpec("POST", "/v1/course", v1_courses.create_course, "courses", "C",
              ("M-MOD", "R-AIKKU", "PY-SDK", "L-WAGON", "MC"),
              note="`NEED_STUDENTS_SIGNATURE` optional, default 1 (I)"),
    RouteSpec("PATCH", "/v1/course", v1_courses.update_course, "courses", "C",
              ("M-MOD", "R-AIKKU", "L-WAGON")),
    RouteSpec("GET", "/v1/course/get-id/{apiId}", v1_courses.get_id, "courses", "P", ("MC",)),
    RouteSpec("GET", "/v1/course/lock/{id}", v1_courses.lock, "courses", "C",
              ("M-MOD", "PY-SDK", "L-WAGON"),
              note="answers `result.link`, a PDF URL (L-WAGON); public: a 2nd lock is an error"),
    RouteSpec("POST", "/v1/course/lock/{id}", v1_courses.lock, "courses", "X", ("J-OAS",),
              profiles=FULL_ONLY, note="J-OAS only; every real client uses GET"),
    RouteSpec("PATCH", "/v1/course/unlock/{id}", v1_courses.unlock, "courses", "C",
              ("M-MOD",)),
    RouteSpec("PUT", "/v1/course/attendance/{id}", v1_courses.add_attendance, "attendance",
              "C", ("M-MOD", "PD", "L-WAGON")),
    RouteSpec("DELETE", "/v1/course/attendance/{id}", v1_courses.remove_attendance,
              "attendance", "C", ("M-MOD", "L-WAGON")),
    RouteSpec("GET", "/v1/course/{id}", v1_courses.get_course, "courses", "C",
              ("M-MOD", "L-WAGON", "PY-SDK")),
    RouteSpec("DELETE", "/v1/course/{id}", v1_courses.delete_course, "courses", "C",
              ("M-MOD", "R-AIKKU", "L-WAGON")),
]  # fmt: skip

_STATES = "/v1/presential-states"
_ATTENDANCE = [
    RouteSpec("PATCH", _STATES + "/set-absent/{courseId}/{studentId}", attendance.set_absent,
              "attendance", "C", ("M-MOD",)),
    RouteSpec("PATCH", _STATES + "/set-delay/{courseId}/{studentId}", attendance.set_delay,
              "attendance", "C", ("M-MOD",)),
    RouteSpec("PATCH", _STATES + "/set-early-departure/{courseId}/{studentId}",
              attendance.set_early_departure, "attendance", "C", ("M-MOD",)),
    RouteSpec("GET", "/v1/justified-absence/absence-reason", attendance.absence_reasons,
              "absences", "P", ("R-AIKKU",)),
    RouteSpec("GET", "/v1/justified-absence", attendance.list_absences, "absences", "C",
              ("R-AIKKU", "L-WAGON")),
    RouteSpec("GET", "/v1/school", attendance.get_school, "school", "C", ("PY-SDK", "M-MOD")),
    RouteSpec("PATCH", "/v1/school", attendance.patch_school, "school", "P", ("MC",)),
]  # fmt: skip

_V3_ANSWER = "answer body X: public answers `inputIndex` + `status` per item"
_V3 = [
    RouteSpec("POST", "/v3/students/batch-upsert", v3_people.batch_students, "students", "C",
              ("D-CHG",), rate=_H, note=_V3_ANSWER),
    RouteSpec("POST", "/v3/professors/batch-upsert", v3_people.batch_professors, "professors",
              "C", ("D-CHG",), rate=_H, note=_V3_ANSWER),
    RouteSpec("POST", "/v3/courses/batch-upsert", v3_courses.batch_courses, "courses", "C",
              ("D-V3",), rate=_H,
              note=_V3_ANSWER + "; `needStudentsSignature` optional, default true (I); "
              "`classroom` text X (full only)"),
    RouteSpec("PUT", "/v3/courses/by-reference-id/{ref}/students",
              v3_courses.put_students_by_reference, "courses", "C", ("D-V3",), rate=_H),
    RouteSpec("PUT", "/v3/courses/{id}/students", v3_courses.put_students, "courses", "C",
              ("D-V3",), rate=_H),
]  # fmt: skip

#: Every route the emulator can serve, in matching order.
ROUTES: tuple[RouteSpec, ...] = (
    *_STUDENTS,
    *_PROFESSORS,
    *_GROUPS,
    *_EXTERNALS,
    *_COURSES,
    *_ATTENDANCE,
    *_V3,
)


def served(profile: str) -> tuple[RouteSpec, ...]:
    """The routes a profile serves (the others answer 404 ``Not Found``)."""
    return tuple(spec for spec in ROUTES if profile in spec.profiles)


def heavy_routes(profile: str) -> list[str]:
    """``METHOD template`` of every heavy route a profile serves (24 a minute)."""
    return [spec.key for spec in served(profile) if spec.rate is RateClass.HEAVY]
