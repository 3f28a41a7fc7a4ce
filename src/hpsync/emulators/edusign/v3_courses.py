"""v3 courses: ``batch-upsert`` and roster replacement (D-V3).

Rosters have replace semantics: the new roster is the explicit students plus the members
of the assigned groups (so a student still in an assigned group is never removed); on a
past (END before now) or locked course nobody is removed. Updating a locked course
otherwise fails with UPDATE_FAILED, like v1 edits.
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import courses, timefmt
from hpsync.emulators.edusign.courses import Lookups
from hpsync.emulators.edusign.fields import public
from hpsync.emulators.edusign.gateway import ApiError, Call, V3Answer, V3Error
from hpsync.emulators.edusign.storage import Doc
from hpsync.emulators.edusign.v3_batch import ItemError, id_array, run_batch, text_or_none

_ROSTER_KEYS = (
    "studentIds",
    "studentExternalReferenceIds",
    "groupIds",
    "groupExternalReferenceIds",
)


def resolve(
    look: Lookups, kind: str, ids: list[str] | None, refs: list[str] | None, plural: bool = True
) -> list[Doc]:
    """Records by Edusign ids or external ids, with the documented v3 error codes."""
    upper = kind.upper()
    if ids is not None and refs is not None:
        raise ItemError(f"AMBIGUOUS_{upper}_IDENTIFIER", f"give {kind} ids or external ids")
    found: list[Doc] = []
    missing: list[str] = []
    for value in ids or []:
        doc = look.get(kind, value)
        found.append(doc) if doc else missing.append(value)
    for value in refs or []:
        doc = look.by_ref(kind, value)
        found.append(doc) if doc else missing.append(value)
    if missing:
        code = f"{upper}S_NOT_FOUND" if plural else f"{upper}_NOT_FOUND"
        raise ItemError(code, f"unknown {kind}(s): {', '.join(missing)}")
    archived = [d["ID"] for d in found if d.get("HIDDEN")]
    if archived:
        raise ItemError(f"ARCHIVED_{upper}_EXISTS", f"archived {kind}(s): {', '.join(archived)}")
    return found


def wanted_roster(look: Lookups, spec: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(student ids, group ids) asked for by a v3 ``students`` object."""
    if not any(k in spec for k in _ROSTER_KEYS):
        raise ItemError(
            "MISSING_ENROLLMENT_DATA", f"students needs one of {', '.join(_ROSTER_KEYS)}"
        )
    students = resolve(
        look, "student", id_array(spec, "studentIds"), id_array(spec, "studentExternalReferenceIds")
    )
    groups = resolve(
        look, "group", id_array(spec, "groupIds"), id_array(spec, "groupExternalReferenceIds")
    )
    group_ids = [g["ID"] for g in groups]
    members = [sid for g in groups for sid in g["STUDENTS"]]
    return list(dict.fromkeys([s["ID"] for s in students] + members)), group_ids


def replace_roster(
    call: Call, course: Doc, spec: dict[str, Any], look: Lookups
) -> dict[str, list[str]]:
    """Make the roster what ``spec`` asks, sparing removals on past or locked courses."""
    student_ids, group_ids = wanted_roster(look, spec)
    limit = course.get("MAX_STUDENTS")
    if isinstance(limit, int) and limit > 0 and len(student_ids) > limit:
        raise ItemError("MAX_STUDENTS_EXCEEDED", f"{len(student_ids)} students > {limit}")
    course["SCHOOL_GROUP"] = group_ids
    current = courses.student_roster(course)
    extra = [sid for sid in current if sid not in set(student_ids)]
    protected = bool(course.get("LOCKED")) or courses.is_past(course, call.now_text())
    kept = extra if protected else []
    if not protected:
        courses.remove_students(course, set(extra))
    added = courses.add_students(call.tx, course, student_ids, look)
    return {"added": added, "removed": [] if protected else extra, "kept": kept}


def _professors(look: Lookups, item: dict[str, Any]) -> list[str] | None:
    ids, refs = id_array(item, "professorIds"), id_array(item, "professorExternalReferenceIds")
    if ids is None and refs is None:
        return None
    found = resolve(look, "professor", ids, refs)
    if not found:
        raise ItemError("REQUIRED_FIELD_MISSING", "at least one professor is required")
    return [d["ID"] for d in found]


def _classroom(look: Lookups, course: Doc, item: dict[str, Any], *, free_text: bool) -> None:
    cid, ref = text_or_none(item, "classroomId"), text_or_none(item, "classroomExternalReferenceId")
    if cid is not None or ref is not None:
        room = resolve(look, "classroom", [cid] if cid else None, [ref] if ref else None, False)[0]
        course["CLASSROOM"], course["CLASSROOM_ID"] = room["NAME"], room["ID"]
    elif free_text and "classroom" in item:
        # full-profile convenience: a plain room name, like v1. [X] D-V3 allows only
        # classroomId / classroomExternalReferenceId: the public profile ignores it.
        course["CLASSROOM"] = text_or_none(item, "classroom") or ""


def _apply(call: Call, course: Doc, item: dict[str, Any], look: Lookups) -> None:
    for camel, upper in (("name", "NAME"), ("description", "DESCRIPTION"),
                         ("externalReferenceId", "API_ID"),
                         ("externalReferenceType", "API_TYPE")):  # fmt: skip
        value = text_or_none(item, camel)
        if value is not None:
            course[upper] = value
    for camel, upper in (("startDateTime", "START"), ("endDateTime", "END")):
        if camel in item:
            value = timefmt.normalise(item[camel])
            if value is None:
                raise ItemError("VALIDATION_ERROR", f"{camel} must be an ISO 8601 datetime")
            course[upper] = value
    if str(course["END"]) <= str(course["START"]):
        raise ItemError("INVALID_DATE_RANGE", "endDateTime must be after startDateTime")
    if "needStudentsSignature" in item:
        course["NEED_STUDENTS_SIGNATURE"] = 1 if item["needStudentsSignature"] else 0
    if "maxStudents" in item:
        course["MAX_STUDENTS"] = item["maxStudents"]
    professor_ids = _professors(look, item)
    if professor_ids is not None:
        courses.set_professors(course, professor_ids)
    _classroom(look, course, item, free_text=not call.public)


def upsert_course(call: Call, item: dict[str, Any], look: Lookups) -> dict[str, Any]:
    """Create or update one course (roster replaced when ``students`` is given)."""
    own_id, ref = item.get("courseId"), item.get("externalReferenceId")
    if own_id and ref:
        raise ItemError("AMBIGUOUS_COURSE_IDENTIFIER", "give courseId or externalReferenceId")
    doc: Doc | None = None
    if own_id:
        doc = call.tx.get("course", str(own_id))
        if doc is None:
            raise ItemError("COURSE_NOT_FOUND", f"course {own_id} not found")
    elif ref:
        matches = call.tx.by_api_id("course", str(ref))
        doc = matches[0] if matches else None
    if doc is not None and doc.get("HIDDEN"):
        raise ItemError("ARCHIVED_COURSE_EXISTS", f"course {doc['ID']} is archived")
    if doc is not None and doc.get("LOCKED"):
        raise ItemError("UPDATE_FAILED", "Course is locked")
    creating = doc is None
    if creating:
        missing = [k for k in ("name", "startDateTime", "endDateTime") if not item.get(k)]
        if not (item.get("professorIds") or item.get("professorExternalReferenceIds")):
            missing.append("professorIds|professorExternalReferenceIds")
        if missing:
            raise ItemError("REQUIRED_FIELD_MISSING", f"missing: {', '.join(missing)}")
        doc = courses.blank(call.tx.school_id, call.now_text())
    assert doc is not None
    _apply(call, doc, item, look)
    if creating:
        call.tx.insert("course", doc)
    spec = item.get("students")
    if spec is not None:
        if not isinstance(spec, dict):
            raise ItemError("VALIDATION_ERROR", "students must be an object")
        replace_roster(call, doc, spec, look)
    courses.touch(call.tx, doc, call.now_text())
    call.emit("on_course_created" if creating else "on_course_edited", {"course": public(doc)})
    return {
        "id": doc["ID"],
        "externalReferenceId": doc["API_ID"] or None,
        "action": "created" if creating else "updated",
    }


def batch_courses(call: Call) -> V3Answer:
    """Upsert up to 1000 courses."""
    look = Lookups(call.tx)
    return run_batch(call, "courses", lambda item: upsert_course(call, item, look))


def _put_roster(call: Call, course: Doc | None, label: str) -> V3Answer:
    if course is None:
        raise V3Error(404, "COURSE_NOT_FOUND", f"course {label} not found")
    body = call.body if isinstance(call.body, dict) else None
    if body is None:
        raise V3Error(400, "VALIDATION_ERROR", "Body must be a JSON object")
    nested = body.get("students")
    spec: dict[str, Any] = nested if isinstance(nested, dict) else body
    try:
        changes = replace_roster(call, course, spec, Lookups(call.tx))
    except ItemError as exc:
        status = 404 if exc.code.endswith("NOT_FOUND") else 400
        raise V3Error(status, exc.code, exc.message) from None
    except ApiError as exc:
        raise V3Error(400, "UPDATE_FAILED", str(exc.payload)) from None
    courses.touch(call.tx, course, call.now_text())
    call.emit("on_course_edited", {"course": public(course)})
    result = {"id": course["ID"], "externalReferenceId": course["API_ID"] or None, **changes}
    return V3Answer(200, {"status": "success", "result": result})


def put_students(call: Call) -> V3Answer:
    """``PUT /v3/courses/{id}/students``: replace the roster."""
    cid = call.params["id"]
    return _put_roster(call, call.tx.get("course", cid), cid)


def put_students_by_reference(call: Call) -> V3Answer:
    """``PUT /v3/courses/by-reference-id/{ref}/students``: same, by external id."""
    ref = call.params["ref"]
    found = call.tx.by_api_id("course", ref)
    return _put_roster(call, found[0] if found else None, ref)
