"""v1 routes for ``/v1/group`` and ``/v1/classrooms`` (reference §8, §12)."""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign.fields import id_list, ids_of, page_args, public, require, text
from hpsync.emulators.edusign.gateway import ApiError, Call
from hpsync.emulators.edusign.storage import Doc, Tx
from hpsync.emulators.edusign.timefmt import new_id

GROUP_PAGE = 100


def find_group(tx: Tx, gid: Any) -> Doc:
    """A group by id, or a business error."""
    doc = tx.get("group", text(gid))
    if doc is None:
        raise ApiError("Group not found")
    return doc


def set_group_students(tx: Tx, group: Doc, student_ids: list[str]) -> None:
    """Replace ``group.STUDENTS`` and mirror it in each ``student.GROUPS``."""
    wanted = list(dict.fromkeys(student_ids))
    students = {}
    for sid in wanted:
        student = tx.get("student", sid)
        if student is None:
            raise ApiError(f"Student {sid} not found")
        students[sid] = student
    for sid in set(group.get("STUDENTS") or []) - set(wanted):
        old = tx.get("student", sid)
        if old is not None and group["ID"] in old["GROUPS"]:
            old["GROUPS"].remove(group["ID"])
            tx.update("student", old)
    for student in students.values():
        if group["ID"] not in student["GROUPS"]:
            student["GROUPS"].append(group["ID"])
            tx.update("student", student)
    group["STUDENTS"] = wanted


def _apply(tx: Tx, group: Doc, fields: Doc) -> None:
    for name in ("NAME", "DESCRIPTION", "API_ID", "API_TYPE", "LOGO"):
        if name in fields:
            group[name] = text(fields[name])
    if "PARENT" in fields:
        group["PARENT"] = text(fields["PARENT"]) or None
    if "HIDDEN" in fields:
        group["HIDDEN"] = 1 if fields["HIDDEN"] else 0
    if "STUDENTS" in fields:
        set_group_students(tx, group, id_list(fields["STUDENTS"]))


def new_group(tx: Tx, fields: Doc, now: str) -> Doc:
    """Create and store a group from UPPER_SNAKE fields."""
    gid = new_id()
    group: Doc = {
        "ID": gid, "id": gid, "NAME": "", "DESCRIPTION": "", "SCHOOL_ID": tx.school_id,
        "STUDENTS": [], "PARENT": None, "LOGO": "", "HIDDEN": 0, "API_ID": "",
        "API_TYPE": "", "DATE_CREATED": now, "DATE_UPDATED": now, "VARIABLES": [],
    }  # fmt: skip
    tx.insert("group", group)
    _apply(tx, group, fields)
    tx.update("group", group)
    return group


def list_groups(call: Call) -> list[Doc]:
    """Live groups; all of them without ``page``, 100 per page with it."""
    if "page" not in call.query:
        return [public(g) for g in call.tx.where("group", "hidden = 0")]
    limit, offset = page_args({"page": call.query["page"]}, GROUP_PAGE)
    return [public(g) for g in call.tx.page("group", "hidden = 0", (), "rowid", limit, offset)]


def get_group(call: Call) -> Doc:
    """One group by id."""
    return public(find_group(call.tx, call.params["id"]))


def group_get_id(call: Call) -> dict[str, str]:
    """Emulator extra: ``{ID, id}`` by API_ID, like students (not seen for real groups)."""
    found = call.tx.by_api_id("group", call.params["apiId"])
    if not found:
        raise ApiError("No group with this API_ID")
    return ids_of(found)


def create_group(call: Call) -> dict[str, str]:
    """POST ``{"group": {NAME, ...}}``."""
    fields = call.wrapped("group")
    require(fields, ("NAME",))
    return ids_of([new_group(call.tx, fields, call.now_text())])


def update_group(call: Call) -> Doc:
    """PATCH with ``ID`` in the body; ``STUDENTS`` replaces the membership."""
    fields = call.wrapped("group")
    require(fields, ("ID",))
    group = find_group(call.tx, fields["ID"])
    _apply(call.tx, group, fields)
    group["DATE_UPDATED"] = call.now_text()
    call.tx.update("group", group)
    return public(group)


def delete_group(call: Call) -> bool:
    """DELETE archives the group (hidden, memberships kept)."""
    group = find_group(call.tx, call.params["id"])
    group["HIDDEN"] = 1
    group["DATE_UPDATED"] = call.now_text()
    call.tx.update("group", group)
    return True


def new_classroom(tx: Tx, fields: Doc, now: str) -> Doc:
    """Create and store a classroom."""
    cid = new_id()
    room: Doc = {
        "ID": cid, "id": cid, "NAME": text(fields.get("NAME")),
        "API_ID": text(fields.get("API_ID")), "API_TYPE": text(fields.get("API_TYPE")),
        "HIDDEN": 0, "SCHOOL_ID": tx.school_id, "DATE_CREATED": now, "DATE_UPDATED": now,
    }  # fmt: skip
    tx.insert("classroom", room)
    return room


def list_classrooms(call: Call) -> list[Doc]:
    """Every live classroom."""
    return [public(r) for r in call.tx.where("classroom", "hidden = 0")]


def create_classroom(call: Call) -> dict[str, str]:
    """POST ``{"classroom": {NAME, API_ID?}}`` ([I] path, for test setup)."""
    fields = call.wrapped("classroom")
    require(fields, ("NAME",))
    return ids_of([new_classroom(call.tx, fields, call.now_text())])
