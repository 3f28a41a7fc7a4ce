"""``POST /v3/students/batch-upsert`` and ``/v3/professors/batch-upsert`` (D-CHG).

``externalReferenceId`` (the same stored field as v1 ``API_ID``) upserts within the school;
``studentId``/``professorId`` is a strict update; both → AMBIGUOUS_*; a match that is
archived → ARCHIVED_*_EXISTS; neither → create (first name, last name, e-mail required).
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import people
from hpsync.emulators.edusign.gateway import ApiError, Call, V3Answer
from hpsync.emulators.edusign.v3_batch import ItemError, run_batch, text_or_none

_COMMON = {
    "firstName": "FIRSTNAME",
    "lastName": "LASTNAME",
    "email": "EMAIL",
    "externalReferenceId": "API_ID",
    "externalReferenceType": "API_TYPE",
    "phone": "PHONE",
}
_FIELDS = {
    "student": {
        **_COMMON,
        "curriculumName": "TRAINING_NAME",
        "company": "COMPANY",
        "badgeId": "BADGE_ID",
        "fileNumber": "FILE_NUMBER",
        "photoUrl": "PHOTO",
    },
    "professor": {**_COMMON, "speciality": "SPECIALITY"},
}


def _upper(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for camel, upper in _FIELDS[kind].items():
        value = text_or_none(item, camel)
        if value is not None:
            fields[upper] = value
    if "tags" in item:
        tags = item["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ItemError("VALIDATION_ERROR", "tags must be an array of strings")
        fields["TAGS"] = tags
    return fields


def upsert_item(call: Call, kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """Create or update one person; returns its result fields."""
    upper = kind.upper()
    own_id, ref = item.get(f"{kind}Id"), item.get("externalReferenceId")
    if own_id and ref:
        raise ItemError(f"AMBIGUOUS_{upper}_IDENTIFIER", f"give {kind}Id or externalReferenceId")
    fields = _upper(kind, item)
    strict = call.state.settings.strict_api_id
    now = call.now_text()
    if own_id:
        doc = call.tx.get(kind, str(own_id))
        if doc is None:
            code = "PROFESSOR_NOT_FOUND" if kind == "professor" else "STUDENTS_NOT_FOUND"
            raise ItemError(code, f"{kind} {own_id} not found")
    elif ref:
        matches = call.tx.by_api_id(kind, str(ref))
        doc = matches[0] if matches else None
    else:
        doc = None
    if doc is not None and doc["HIDDEN"]:
        raise ItemError(f"ARCHIVED_{upper}_EXISTS", f"{kind} {doc['ID']} is archived")
    if doc is not None:
        try:
            people.update(call.tx, kind, doc, fields, now=now, strict_api_id=strict)
        except ApiError as exc:
            raise ItemError("UPDATE_FAILED", str(exc.payload)) from None
        action = "updated"
    else:
        missing = [c for c in ("firstName", "lastName", "email") if not item.get(c)]
        if missing:
            raise ItemError("REQUIRED_FIELD_MISSING", f"missing: {', '.join(missing)}")
        try:
            doc = people.create(call.tx, kind, fields, now=now, strict_api_id=strict)
        except ApiError as exc:
            raise ItemError("CREATE_FAILED", str(exc.payload)) from None
        action = "created"
    return {"id": doc["ID"], "externalReferenceId": doc["API_ID"] or None, "action": action}


def batch_students(call: Call) -> V3Answer:
    """Upsert up to 1000 students."""
    return run_batch(call, "students", lambda item: upsert_item(call, "student", item))


def batch_professors(call: Call) -> V3Answer:
    """Upsert up to 1000 professors."""
    return run_batch(call, "professors", lambda item: upsert_item(call, "professor", item))
