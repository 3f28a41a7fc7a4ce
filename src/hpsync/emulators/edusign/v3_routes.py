"""The v3 (BETA) route table.

Which of these are heavy is not decided here: the app classifies every route with the
client's ``hpsync.edusign.ratelimit.classify`` (one table, reference §4).
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign.gateway import Handler
from hpsync.emulators.edusign.v3_courses import (
    batch_courses,
    put_students,
    put_students_by_reference,
)
from hpsync.emulators.edusign.v3_people import batch_professors, batch_students

ROUTES: list[tuple[str, str, Handler, dict[str, Any]]] = [
    ("POST", "/v3/students/batch-upsert", batch_students, {"scope": "students"}),
    ("POST", "/v3/professors/batch-upsert", batch_professors, {"scope": "professors"}),
    ("POST", "/v3/courses/batch-upsert", batch_courses, {}),
    ("PUT", "/v3/courses/by-reference-id/{ref}/students", put_students_by_reference, {}),
    ("PUT", "/v3/courses/{id}/students", put_students, {}),
]
