"""[I] Provisional ``/v1/externals``: external contacts (tutors, learning masters).

The reference (§12) shows only the student field ``STUDENT_FOLLOWER_ID`` and a permission
"Externals: create an external contact"; no path or body was seen. This resource is the
guess hpsync's ``tutors.py`` speaks, shaped like the people routes: wrapped body
``{"external": {...}}``, PATCH with ``ID`` in the body, DELETE = archive, ``get-id``.
A student's ``STUDENT_FOLLOWER_ID`` must name externals of the same school.
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign.fields import (
    ids_of,
    page_args,
    public,
    require,
    text,
    wants_archived,
)
from hpsync.emulators.edusign.gateway import ApiError, Call
from hpsync.emulators.edusign.storage import Doc, Tx
from hpsync.emulators.edusign.timefmt import new_id

KIND = "external"
PAGE = 100
TEXT_FIELDS = ("FIRSTNAME", "LASTNAME", "EMAIL", "PHONE", "COMPANY", "API_ID", "API_TYPE")


def blank(school_id: str, now: str) -> Doc:
    """An external with every field at its default."""
    rid = new_id()
    doc: Doc = {"ID": rid, "id": rid, **{name: "" for name in TEXT_FIELDS}}
    doc.update({"HIDDEN": 0, "ARCHIVED": False, "SCHOOL_ID": school_id})
    doc.update({"DATE_CREATED": now, "DATE_UPDATED": now})
    return doc


def apply_fields(doc: Doc, fields: Doc) -> None:
    """Copy the writable fields present in ``fields`` (numbers → strings)."""
    for name in TEXT_FIELDS:
        if name in fields:
            doc[name] = text(fields[name])
    if "HIDDEN" in fields:
        doc["HIDDEN"] = 1 if fields["HIDDEN"] else 0
        doc["ARCHIVED"] = bool(doc["HIDDEN"])


def check_unique(tx: Tx, doc: Doc, *, strict_api_id: bool) -> None:
    """A live e-mail (case-insensitive) names one live external (and API_ID when strict)."""
    if doc["HIDDEN"]:
        return
    if doc["EMAIL"]:
        others = [d for d in tx.by_email(KIND, doc["EMAIL"]) if d["ID"] != doc["ID"]]
        if any(not d["HIDDEN"] for d in others):
            raise ApiError(f"An external with the email {doc['EMAIL']} already exists")
    if strict_api_id and doc["API_ID"]:
        same = [d for d in tx.by_api_id(KIND, doc["API_ID"]) if d["ID"] != doc["ID"]]
        if any(not d["HIDDEN"] for d in same):
            raise ApiError(f"An external with the API_ID {doc['API_ID']} already exists")


def create(tx: Tx, fields: Doc, *, now: str, strict_api_id: bool) -> Doc:
    """A new external from UPPER_SNAKE fields (required ones already checked)."""
    doc = blank(tx.school_id, now)
    apply_fields(doc, fields)
    check_unique(tx, doc, strict_api_id=strict_api_id)
    tx.insert(KIND, doc)
    return doc


def find(tx: Tx, rid: Any) -> Doc:
    """An external by Edusign id (archived included), or a business error."""
    doc = tx.get(KIND, text(rid))
    if doc is None:
        raise ApiError("External not found")
    return doc


def check_followers(tx: Tx, ids: list[str]) -> None:
    """Every id of a ``STUDENT_FOLLOWER_ID`` must be an external of this school."""
    unknown = [i for i in ids if tx.get(KIND, i) is None]
    if unknown:
        raise ApiError(f"STUDENT_FOLLOWER_ID: unknown external(s) {', '.join(unknown)}")


def list_externals(call: Call) -> list[Doc]:
    """Live externals (all with ``archived=true``), 100 per page from page 0."""
    limit, offset = page_args({"page": call.query.get("page", "0")}, PAGE)
    clause = "1" if wants_archived(call.query) else "hidden = 0"
    return [public(d) for d in call.tx.page(KIND, clause, (), "rowid", limit, offset)]


def get_external(call: Call) -> Doc:
    """One external by id, archived included."""
    return public(find(call.tx, call.params["id"]))


def get_id(call: Call) -> dict[str, str]:
    """``{ID, id}`` of the external whose API_ID matches (live first)."""
    found = call.tx.by_api_id(KIND, call.params["apiId"])
    if not found:
        raise ApiError("No external with this API_ID")
    return ids_of(found)


def create_external(call: Call) -> dict[str, str]:
    """POST ``{"external": {FIRSTNAME, LASTNAME, EMAIL, ...}}`` → ``{ID, id}``."""
    fields = call.wrapped(KIND)
    require(fields, ("FIRSTNAME", "LASTNAME", "EMAIL"))
    doc = create(call.tx, fields, now=call.now_text(),
                 strict_api_id=call.state.settings.strict_api_id)  # fmt: skip
    return ids_of([doc])


def update_external(call: Call) -> Doc:
    """PATCH ``{"external": {ID, ...}}``: partial update → the updated object."""
    fields = call.wrapped(KIND)
    require(fields, ("ID",))
    doc = find(call.tx, fields["ID"])
    apply_fields(doc, {k: v for k, v in fields.items() if k != "ID"})
    check_unique(call.tx, doc, strict_api_id=call.state.settings.strict_api_id)
    doc["DATE_UPDATED"] = call.now_text()
    call.tx.update(KIND, doc)
    return public(doc)


def archive_external(call: Call) -> bool:
    """DELETE = archive (HIDDEN=1): gone from the list, readable by id."""
    doc = find(call.tx, call.params["id"])
    doc.update({"HIDDEN": 1, "ARCHIVED": True, "DATE_UPDATED": call.now_text()})
    call.tx.update(KIND, doc)
    return True
