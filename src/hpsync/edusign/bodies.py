"""Input records → JSON bodies, for v1 (wrapped, UPPER_SNAKE) and v3 (camelCase).

Every choice that rests on an inferred fact of the reference is marked [I] here, in one
place, so it can be corrected when better information arrives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hpsync.edusign.inputs import CourseInput, GroupInput, ProfessorInput, StudentInput


def utc_z(moment: datetime) -> str:
    """An aware datetime as explicit UTC ``YYYY-MM-DDTHH:MM:SS.000Z`` (reference §13)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime sent to Edusign; hpsync only sends aware datetimes")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# ---------------------------------------------------------------- v1


def student_v1(item: StudentInput, *, edusign_id: str | None = None) -> dict[str, Any]:
    """``{"student": {...}}`` for POST (create) or PATCH (update, ``ID`` in body)."""
    fields: dict[str, Any] = {
        "FIRSTNAME": item.first_name,
        "LASTNAME": item.last_name,
        "EMAIL": item.email,
        "API_ID": item.api_id,
        "API_TYPE": item.api_type,
        "TAGS": list(item.tags),
        "STUDENT_FOLLOWER_ID": list(item.follower_ids),
        "FILE_NUMBER": item.file_number,
        "COMPANY": item.company,
    }
    if item.groups:  # no groups given = membership left as it is (hpsync sets it on groups)
        fields["GROUPS"] = list(item.groups)
    if edusign_id is None:
        fields["SEND_EMAIL_CREDENTIALS"] = False  # as Edusign's Moodle plugin does
    else:
        # An update also restores an archived student ([P] HIDDEN is an update field, §6).
        fields = {"ID": edusign_id, **fields, "HIDDEN": 0}
    return {"student": fields}


def professor_v1(item: ProfessorInput, *, edusign_id: str | None = None) -> dict[str, Any]:
    """``{"professor": {...}}``; ``dontSendCredentials`` sits at both levels (§7, [X])."""
    fields: dict[str, Any] = {
        "FIRSTNAME": item.first_name,
        "LASTNAME": item.last_name,
        "EMAIL": item.email,
        "API_ID": item.api_id,
        "API_TYPE": item.api_type,
        "TAGS": list(item.tags),
        "SPECIALITY": item.speciality,
    }
    if edusign_id is None:
        fields["dontSendCredentials"] = True
        return {"professor": fields, "dontSendCredentials": True}
    return {"professor": {"ID": edusign_id, **fields, "HIDDEN": 0}}


def group_v1(item: GroupInput, *, edusign_id: str | None = None) -> dict[str, Any]:
    """``{"group": {...}}``; ``STUDENTS`` is always the full list (replace semantics, [I])."""
    fields: dict[str, Any] = {
        "NAME": item.name,
        "DESCRIPTION": item.description,
        "STUDENTS": list(item.student_ids),
        "API_ID": item.api_id,
        "API_TYPE": item.api_type,
    }
    if edusign_id is not None:
        fields = {"ID": edusign_id, **fields}
    return {"group": fields}


def course_v1(
    item: CourseInput,
    *,
    professor_ids: list[str],
    student_ids: list[str],
    edusign_id: str | None = None,
) -> dict[str, Any]:
    """``{"course": {...}}`` with ``PROFESSOR``, ``PROFESSOR_2``…; ids already resolved."""
    fields: dict[str, Any] = {
        "NAME": item.name,
        "DESCRIPTION": item.description,
        "START": utc_z(item.start),
        "END": utc_z(item.end),
        "CLASSROOM": item.classroom,  # v1: a free-text room name in every real client [C]
        "SCHOOL_GROUP": list(item.group_ids),
        "STUDENTS": [{"studentId": sid} for sid in student_ids],  # Moodle form [C]
        "NEED_STUDENTS_SIGNATURE": item.need_students_signature,
        "API_ID": item.api_id,
        "API_TYPE": item.api_type,
    }
    for number, pid in enumerate(professor_ids, start=1):
        fields["PROFESSOR" if number == 1 else f"PROFESSOR_{number}"] = pid
    if edusign_id is None:
        return {"course": fields}
    return {"course": {"ID": edusign_id, **fields}, "editSurveys": False}


# ---------------------------------------------------------------- v3


def student_v3(item: StudentInput) -> dict[str, Any]:
    """One item of ``POST /v3/students/batch-upsert`` (fields of D-CHG).

    v3 has no field for groups or followers: the client sets those through v1 afterwards.
    """
    body: dict[str, Any] = {
        "firstName": item.first_name,
        "lastName": item.last_name,
        "email": item.email,
        "externalReferenceId": item.api_id,
        "externalReferenceType": item.api_type,
        "tags": list(item.tags),
    }
    if item.company:
        body["company"] = item.company
    if item.file_number:
        body["fileNumber"] = item.file_number
    return body


def professor_v3(item: ProfessorInput) -> dict[str, Any]:
    """One item of ``POST /v3/professors/batch-upsert``."""
    body: dict[str, Any] = {
        "firstName": item.first_name,
        "lastName": item.last_name,
        "email": item.email,
        "externalReferenceId": item.api_id,
        "externalReferenceType": item.api_type,
        "tags": list(item.tags),
    }
    if item.speciality:
        body["speciality"] = item.speciality
    return body


def course_v3(item: CourseInput) -> dict[str, Any]:
    """One item of ``POST /v3/courses/batch-upsert`` (D-V3)."""
    body: dict[str, Any] = {
        "name": item.name,
        "description": item.description,
        "startDateTime": utc_z(item.start),
        "endDateTime": utc_z(item.end),
        "externalReferenceId": item.api_id,
        "externalReferenceType": item.api_type,
        "needStudentsSignature": item.need_students_signature,  # [I] v3 spelling
    }
    if item.professor_api_ids:
        body["professorExternalReferenceIds"] = list(item.professor_api_ids)
    else:
        body["professorIds"] = list(item.professor_ids)
    if item.classroom_id:
        body["classroomId"] = item.classroom_id  # [C] D-V3
    elif item.classroom:
        # Free text is contradicted by the v3 docs ([X]): sent all the same (a server may
        # take it); the account adapter checks once whether it stuck, else sets the room
        # through v1's CLASSROOM text.
        body["classroom"] = item.classroom
    students: dict[str, Any] = {}
    if item.student_api_ids:
        students["studentExternalReferenceIds"] = list(item.student_api_ids)
    elif item.student_ids:
        students["studentIds"] = list(item.student_ids)
    if item.group_ids:
        students["groupIds"] = list(item.group_ids)
    if students:
        body["students"] = students
    return body
