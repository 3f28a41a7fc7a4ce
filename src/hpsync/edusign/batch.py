"""Batch upserts: v3 ``batch-upsert`` in chunks of ≤1000, or a v1 fallback per item.

Callers always call ``batch_upsert_*``; with ``api="v1"`` each item becomes a ``get-id``
lookup then a PATCH (found) or a POST (not found), so the result has the same shape.
Per-item refusals come back as ``BatchItemResult(ok=False)``; only failures of the whole
call (auth, server down) raise.

The v3 response body is only partly documented (200/207 and ``inputIndex`` per item,
[C]); ``parse_batch`` accepts the plausible shapes and is the one place to fix. An item
accepted without an Edusign id is resolved by its external id (``_with_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from hpsync.edusign import bodies
from hpsync.edusign.courses import CoursesApi
from hpsync.edusign.inputs import CourseInput, ProfessorInput, StudentInput
from hpsync.edusign.models import BatchItemResult
from hpsync.errors import RecordError

CHUNK = 1000
_FAILURE_LISTS = ("errors", "failed", "failures")
_SUCCESS_LISTS = ("results", "items", "data", "result", "succeeded", "successes")
_FAILED_STATES = frozenset({"error", "failed", "failure", "rejected"})

Item = TypeVar("Item", StudentInput, ProfessorInput, CourseInput)


def _listed(payload: Any) -> Iterator[tuple[dict[str, Any], bool]]:
    """(item, listed-as-failure) pairs from any plausible v3 body shape."""
    if isinstance(payload, list):
        yield from ((item, False) for item in payload if isinstance(item, dict))
        return
    if not isinstance(payload, dict):
        return
    for key in _SUCCESS_LISTS + _FAILURE_LISTS:
        value = payload.get(key)
        if isinstance(value, list):
            failure = key in _FAILURE_LISTS
            yield from ((item, failure) for item in value if isinstance(item, dict))
        elif isinstance(value, dict) and key in ("result", "data"):
            yield from _listed(value)


def _error_of(item: dict[str, Any], listed_failure: bool) -> tuple[str, str] | None:
    """(code, message) when the item failed, else None."""
    error = item.get("error") or (item.get("errors") or [None])[0]
    if isinstance(error, dict):
        return str(error.get("code") or "ERROR"), str(error.get("message") or "")
    if isinstance(error, str):
        return str(item.get("code") or error), str(item.get("message") or error)
    code = item.get("code") or item.get("errorCode")
    state = str(item.get("status") or "").lower()
    if code or listed_failure or state in _FAILED_STATES or item.get("success") is False:
        return str(code or "ERROR"), str(item.get("message") or "")
    return None


def _id_in(item: dict[str, Any]) -> str | None:
    for key in ("id", "ID", "studentId", "professorId", "courseId", "edusignId"):
        if item.get(key):
            return str(item[key])
    return None


def parse_batch(payload: Any, *, offset: int, size: int, status: int) -> list[BatchItemResult]:
    """Map one chunk's answer to results indexed in the caller's list (offset + inputIndex)."""
    by_index: dict[int, BatchItemResult] = {}
    for item, listed_failure in _listed(payload):
        raw_index = item.get("inputIndex", item.get("index"))
        if not isinstance(raw_index, int) or not 0 <= raw_index < size:
            continue
        error = _error_of(item, listed_failure)
        external = item.get("externalReferenceId")
        by_index[raw_index] = BatchItemResult(
            index=offset + raw_index,
            ok=error is None,
            id=_id_in(item),
            external_id=str(external) if external else None,
            code=error[0] if error else None,
            message=error[1] if error else None,
        )
    only_failures = bool(by_index) and not any(r.ok for r in by_index.values())
    missing_ok = status == 200 or not by_index or only_failures
    return [
        by_index.get(i)
        or BatchItemResult(
            index=offset + i,
            ok=missing_ok,
            code=None if missing_ok else "NO_RESULT",
            message=None if missing_ok else "Edusign returned no result for this item",
        )
        for i in range(size)
    ]


#: Past this many answers without an id, one paged list beats one get-id per item.
LIST_OVER = 20


class BatchApi(CoursesApi):
    """Batch upserts and roster replacement, v3 or v1 fallback."""

    def _with_ids(
        self,
        results: list[BatchItemResult],
        items: Sequence[Item],
        lookup: Callable[[str], str | None],
        listing: Callable[[], dict[str, str]] | None = None,
    ) -> list[BatchItemResult]:
        """Accepted items whose answer carries no Edusign id (the documented v3 answer has
        only status and ``inputIndex``) get it by their external id; one that cannot be
        found is a failure — never an accepted record without an id."""
        missing = [r for r in results if r.ok and not r.id]
        if not missing:
            return results
        table = listing() if listing is not None and len(missing) > LIST_OVER else None
        out: list[BatchItemResult] = []
        for result in results:
            if not (result.ok and not result.id):
                out.append(result)
                continue
            api_id = items[result.index].api_id
            found = (table.get(api_id) if table is not None else lookup(api_id)) if api_id else None
            out.append(
                result.model_copy(update={"id": found})
                if found
                else result.model_copy(
                    update={
                        "ok": False,
                        "code": "NO_ID",
                        "message": "Edusign accepted the record but gave no id, and none "
                        "carries its external id: it will be looked for again next run",
                    }
                )
            )
        return out

    def _student_ids(self) -> dict[str, str]:
        return {s.api_id: s.id for s in self.list_students(include_archived=True) if s.api_id}

    def _professor_ids(self) -> dict[str, str]:
        return {p.api_id: p.id for p in self.list_professors(include_archived=True) if p.api_id}

    def _batch_v3(
        self, path: str, key: str, payloads: list[dict[str, Any]], record: str
    ) -> list[BatchItemResult]:
        results: list[BatchItemResult] = []
        for offset in range(0, len(payloads), CHUNK):
            chunk = payloads[offset : offset + CHUNK]
            status, body = self._call_v3("POST", path, json={key: chunk}, record=record)
            results.extend(parse_batch(body, offset=offset, size=len(chunk), status=status))
        return results

    def _batch_v1(
        self,
        items: Sequence[Item],
        find: Callable[[str], str | None],
        create: Callable[[Item], str],
        update: Callable[[str, Item], None],
    ) -> list[BatchItemResult]:
        results: list[BatchItemResult] = []
        for index, item in enumerate(items):
            external = item.api_id or None
            try:
                found = find(item.api_id) if item.api_id else None
                if found is None:
                    found = create(item)
                else:
                    update(found, item)
            except RecordError as exc:
                results.append(
                    BatchItemResult(
                        index=index, ok=False, external_id=external, code="REJECTED",
                        message=exc.message,
                    )
                )  # fmt: skip
                continue
            results.append(BatchItemResult(index=index, ok=True, id=found, external_id=external))
        return results

    def batch_upsert_students(self, items: Sequence[StudentInput]) -> list[BatchItemResult]:
        """Upsert students by ``api_id``; groups and followers follow via v1 in v3 mode."""
        if not items:
            return []
        if self.api == "v1":
            return self._batch_v1(
                items, self.student_id_by_api_id, self.create_student, self.update_student
            )
        payloads = [bodies.student_v3(item) for item in items]
        results = self._batch_v3("/v3/students/batch-upsert", "students", payloads, "students")
        results = self._with_ids(results, items, self.student_id_by_api_id, self._student_ids)
        return [self._follow_up(result, items[result.index]) for result in results]

    def _follow_up(self, result: BatchItemResult, item: StudentInput) -> BatchItemResult:
        """v3 carries no groups/followers: set them with one v1 update when there are any."""
        if not (result.ok and result.id and (item.groups or item.follower_ids)):
            return result
        try:
            self.update_student(result.id, item)
        except RecordError as exc:
            return result.model_copy(
                update={"ok": False, "code": "FOLLOW_UP_FAILED", "message": exc.message}
            )
        return result

    def batch_upsert_professors(self, items: Sequence[ProfessorInput]) -> list[BatchItemResult]:
        """Upsert professors by ``api_id``."""
        if not items:
            return []
        if self.api == "v1":
            return self._batch_v1(
                items, self.professor_id_by_api_id, self.create_professor, self.update_professor
            )
        payloads = [bodies.professor_v3(item) for item in items]
        results = self._batch_v3(
            "/v3/professors/batch-upsert", "professors", payloads, "professors"
        )
        return self._with_ids(results, items, self.professor_id_by_api_id, self._professor_ids)

    def batch_upsert_courses(self, items: Sequence[CourseInput]) -> list[BatchItemResult]:
        """Upsert courses by ``api_id`` (rosters replaced, past/locked sheets kept)."""
        if not items:
            return []
        if self.api == "v1":
            return self._batch_v1(
                items, self.course_id_by_api_id, self.create_course, self._update_course_v1
            )
        payloads = [bodies.course_v3(item) for item in items]
        results = self._batch_v3("/v3/courses/batch-upsert", "courses", payloads, "courses")
        return self._with_ids(results, items, self.course_id_by_api_id)

    def _update_course_v1(self, course_id: str, item: CourseInput) -> None:
        """v1's PATCH only ever adds students to a sheet: the roster is then made exact
        (a learner dropped from the session leaves the sheet)."""
        self.update_course(course_id, item)
        if item.student_ids or not item.student_api_ids:
            self.replace_course_students(course_id, item.student_ids)

    def replace_course_students(self, course_id: str, student_ids: Sequence[str]) -> None:
        """Make the sheet's roster exactly ``student_ids`` (v3 PUT, or v1 add/remove diff)."""
        record = f"course {course_id}"
        if self.api == "v3":
            self._call_v3(
                "PUT",
                f"/v3/courses/{course_id}/students",
                json={"studentIds": list(student_ids)},
                record=record,
            )
            return
        current = {r.student_id for r in self.get_course(course_id).students}
        wanted = list(dict.fromkeys(student_ids))
        for student_id in wanted:
            if student_id not in current:
                self.add_student_to_course(course_id, student_id)
        for student_id in sorted(current - set(wanted)):
            self.remove_student_from_course(course_id, student_id)
