"""Students and professors (v1): list, get, lookups, create, update, archive.

Both resources follow the same pattern (wrapped body, PATCH with ``ID`` in the body,
DELETE = archive, §6-§7), so one generic helper serves both.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar
from urllib.parse import quote

from hpsync.edusign import bodies
from hpsync.edusign.core import ClientCore, id_of
from hpsync.edusign.inputs import ProfessorInput, StudentInput
from hpsync.edusign.models import Professor, Student
from hpsync.edusign.pagination import paginate
from hpsync.errors import TargetError

STUDENT_PAGE = 1000  # we ask for ``limit=1000`` [P: limit param]; a silent cap is detected
STUDENT_PAGE_FALLBACK = 100  # asked instead when the service refuses the larger limit
PROFESSOR_PAGE = 100  # documented page size [P]

P = TypeVar("P", Student, Professor)
log = logging.getLogger("hpsync.edusign")


def _seg(value: str) -> str:
    """A path segment, URL-encoded (Moodle encodes e-mails in the path, §5)."""
    return quote(value, safe="")


class PeopleApi(ClientCore):
    """Student and professor routes."""

    _refused_limit = False  # set once the service refused ``limit=STUDENT_PAGE``

    # ---------------------------------------------------------------- shared

    def _list_people(
        self, kind: str, model: type[P], page_size: int, include_archived: bool
    ) -> list[P]:
        asks_limit = kind == "student"
        if asks_limit and self._refused_limit:
            page_size = STUDENT_PAGE_FALLBACK
        try:
            people = self._read_people(kind, model, page_size, include_archived, asks_limit)
        except TargetError:
            if not asks_limit or page_size == STUDENT_PAGE_FALLBACK:
                raise
            # A service whose validator refuses a limit over its own maximum: read it
            # at the smaller size (a second refusal is a real failure and is raised).
            log.warning(
                "Edusign refused limit=%d on %s; reading %d a page",
                page_size,
                kind,
                STUDENT_PAGE_FALLBACK,
            )
            self._refused_limit = True
            people = self._read_people(
                kind, model, STUDENT_PAGE_FALLBACK, include_archived, asks_limit
            )
        return people if include_archived else [p for p in people if not p.hidden]

    def _read_people(
        self, kind: str, model: type[P], page_size: int, include_archived: bool, asks_limit: bool
    ) -> list[P]:
        extra: dict[str, Any] = {"limit": page_size} if asks_limit else {}
        if include_archived:
            extra["archived"] = "true"  # [I] no documented switch; hidden filtered below

        def fetch(page: int) -> list[P]:
            result = self._call("GET", f"/v1/{kind}", params={"page": page, **extra})
            return [model.model_validate(raw) for raw in result or []]

        return list(paginate(fetch, page_size=page_size, may_cap=asks_limit))

    def _id_by_api_id(self, kind: str, api_id: str) -> str | None:
        if not api_id:
            return None
        result = self._lookup(f"/v1/{kind}/get-id/{_seg(api_id)}")
        if result is None or result == {}:
            return None
        return id_of(result, where=f"{kind} get-id")

    def _by_email(self, kind: str, model: type[P], email: str) -> P | None:
        result = self._lookup(f"/v1/{kind}/by-email/{_seg(email)}")
        return model.model_validate(result) if isinstance(result, dict) and result else None

    def _create(self, kind: str, body: dict[str, Any], api_id: str, record: str) -> str:
        def landed() -> Any:
            return self._id_by_api_id(kind, api_id) if api_id else None

        result = self._call(
            "POST", f"/v1/{kind}", json=body, record=record, landed=landed if api_id else None
        )
        return id_of(result, where=f"create {record}")

    # ---------------------------------------------------------------- students

    def list_students(self, include_archived: bool = False) -> list[Student]:
        """Every student of the school (archived ones only when asked)."""
        return self._list_people("student", Student, STUDENT_PAGE, include_archived)

    def get_student(self, student_id: str) -> Student:
        """One student by Edusign id (RecordError when unknown)."""
        result = self._call(
            "GET", f"/v1/student/{_seg(student_id)}", record=f"student {student_id}"
        )
        return Student.model_validate(result)

    def student_id_by_api_id(self, api_id: str) -> str | None:
        """Edusign id of the student whose ``API_ID`` is ``api_id``, or None."""
        return self._id_by_api_id("student", api_id)

    def student_by_email(self, email: str) -> Student | None:
        """The student with this e-mail, or None."""
        return self._by_email("student", Student, email)

    def create_student(self, item: StudentInput) -> str:
        """Create a student; returns its Edusign id. A timed-out create is not duplicated."""
        return self._create("student", bodies.student_v1(item), item.api_id, item.label())

    def update_student(self, student_id: str, item: StudentInput) -> None:
        """Replace the student's fields (PATCH, ``ID`` in the body)."""
        body = bodies.student_v1(item, edusign_id=student_id)
        self._call("PATCH", "/v1/student", json=body, record=item.label())

    def archive_student(self, student_id: str) -> None:
        """Archive (soft-delete) a student."""
        self._call("DELETE", f"/v1/student/{_seg(student_id)}", record=f"student {student_id}")

    # ---------------------------------------------------------------- professors

    def list_professors(self, include_archived: bool = False) -> list[Professor]:
        """Every professor of the school (archived ones only when asked)."""
        return self._list_people("professor", Professor, PROFESSOR_PAGE, include_archived)

    def get_professor(self, professor_id: str) -> Professor:
        """One professor by Edusign id (RecordError when unknown)."""
        result = self._call(
            "GET", f"/v1/professor/{_seg(professor_id)}", record=f"professor {professor_id}"
        )
        return Professor.model_validate(result)

    def professor_id_by_api_id(self, api_id: str) -> str | None:
        """Edusign id of the professor whose ``API_ID`` is ``api_id``, or None."""
        return self._id_by_api_id("professor", api_id)

    def professor_by_email(self, email: str) -> Professor | None:
        """The professor with this e-mail, or None."""
        return self._by_email("professor", Professor, email)

    def create_professor(self, item: ProfessorInput) -> str:
        """Create a professor; returns its Edusign id. A timed-out create is not duplicated."""
        return self._create("professor", bodies.professor_v1(item), item.api_id, item.label())

    def update_professor(self, professor_id: str, item: ProfessorInput) -> None:
        """Replace the professor's fields (PATCH, ``ID`` in the body)."""
        body = bodies.professor_v1(item, edusign_id=professor_id)
        self._call("PATCH", "/v1/professor", json=body, record=item.label())

    def archive_professor(self, professor_id: str) -> None:
        """Archive (soft-delete) a professor."""
        self._call(
            "DELETE", f"/v1/professor/{_seg(professor_id)}", record=f"professor {professor_id}"
        )
