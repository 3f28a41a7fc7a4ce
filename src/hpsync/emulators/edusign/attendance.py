"""Presential states, justified absences and the school object (reference §10, §11, §12).

A justified absence covers a period: accepting one sets ``absenceId`` on every attendance
record of that student whose course overlaps [START, END]. A *request* is stored pending
(not listed, not linked) until a test control accepts it.
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import courses, timefmt
from hpsync.emulators.edusign.fields import page_args, public, text
from hpsync.emulators.edusign.gateway import ApiError, Call
from hpsync.emulators.edusign.storage import Doc, Tx

ABSENCE_PAGE = 100


def record_of(course: Doc, student_id: str) -> Doc:
    """The student's attendance record on the course, or a business error."""
    for record in course["STUDENTS"]:
        if record["studentId"] == student_id:
            found: Doc = record
            return found
    raise ApiError("Student is not on this course")


def _editable_record(call: Call) -> tuple[Doc, Doc]:
    course = courses.unlocked(courses.find(call.tx, call.params["courseId"]))
    return course, record_of(course, call.params["studentId"])


def set_absent(call: Call) -> bool:
    """``{comment}``: not present (signature cleared), comment kept."""
    course, record = _editable_record(call)
    body = call.body if isinstance(call.body, dict) else {}
    record.update(state=False, signature=None, timestamp=None)
    if "comment" in body:
        record["comment"] = text(body["comment"]) or None
    courses.touch(call.tx, course, call.now_text())
    return True


def set_delay(call: Call) -> bool:
    """``{delay: minutes}``."""
    course, record = _editable_record(call)
    delay = call.body.get("delay") if isinstance(call.body, dict) else None
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise ApiError(["delay must be a non-negative number of minutes"])
    record["delay"] = int(delay)
    courses.touch(call.tx, course, call.now_text())
    return True


def set_early_departure(call: Call) -> bool:
    """``{earlyDate: ISO}``."""
    course, record = _editable_record(call)
    raw = call.body.get("earlyDate") if isinstance(call.body, dict) else None
    value = timefmt.normalise(raw)
    if value is None:
        raise ApiError(["earlyDate must be an ISO 8601 datetime"])
    record["earlyDeparture"] = value
    courses.touch(call.tx, course, call.now_text())
    return True


def link_absence(tx: Tx, absence: Doc, now: str) -> list[str]:
    """Set ``absenceId`` on the overlapping records of the student; returns the course ids."""
    sid = absence["STUDENT_ID"]
    linked: list[str] = []
    for course in tx.where(
        "course",
        "refs LIKE ? AND start < ? AND end_ > ?",
        (f"%,s:{sid},%", absence["END"], absence["START"]),
    ):
        for record in course["STUDENTS"]:
            if record["studentId"] == sid:
                record["absenceId"] = absence["ID"]
        courses.touch(tx, course, now)
        linked.append(course["ID"])
    return linked


def create_absence(tx: Tx, fields: dict[str, Any], now: str, *, request: bool) -> Doc:
    """A justified absence (accepted, linked) or a pending request, from control fields."""
    sid = text(fields.get("studentId") or fields.get("STUDENT_ID"))
    if tx.get("student", sid) is None:
        raise ApiError("Student not found")
    start = timefmt.normalise(fields.get("start") or fields.get("START"))
    end = timefmt.normalise(fields.get("end") or fields.get("END"))
    if start is None or end is None or end <= start:
        raise ApiError(["start and end must be ISO datetimes with end after start"])
    reasons = tx.school().get("ABSENCES_TYPE") or []
    reason = text(fields.get("type") or fields.get("TYPE") or (reasons[0]["id"] if reasons else ""))
    aid = timefmt.new_id()
    absence: Doc = {
        "ID": aid,
        "id": aid,
        "STUDENT_ID": sid,
        "TYPE": reason,
        "COMMENT": text(fields.get("comment") or fields.get("COMMENT")),
        "FILE_URL": text(fields.get("fileUrl") or fields.get("FILE_URL")) or None,
        "DATE_CREATION": now,
        "REQUEST_DATE": None if request else now,
        "START": start,
        "END": end,
        "STATUS": "pending" if request else "accepted",
        "HIDDEN": 1 if request else 0,
        "DATE_UPDATED": now,
    }
    tx.insert("absence", absence)
    if not request:
        link_absence(tx, absence, now)
    return absence


def accept_absence(tx: Tx, absence: Doc, now: str) -> list[str]:
    """Turn a pending request into a justified absence and link it."""
    absence.update(STATUS="accepted", HIDDEN=0, REQUEST_DATE=now, DATE_UPDATED=now)
    tx.update("absence", absence)
    return link_absence(tx, absence, now)


def list_absences(call: Call) -> list[Doc]:
    """Accepted justified absences, 100 per page from 0, oldest first."""
    limit, offset = page_args({"page": call.query.get("page", "0")}, ABSENCE_PAGE)
    docs = call.tx.page("absence", "hidden = 0", (), "rowid", limit, offset)
    return [public(d, drop=("STATUS", "HIDDEN", "DATE_UPDATED", "id")) for d in docs]


def absence_reasons(call: Call) -> list[dict[str, str]]:
    """``[{ID, NAME}]`` from the school's ABSENCES_TYPE."""
    return [{"ID": str(r["id"]), "NAME": str(r["name"])} for r in call.tx.school()["ABSENCES_TYPE"]]


def get_school(call: Call) -> Doc:
    """The school object (the client secret is never shown)."""
    return public(call.tx.school())


def patch_school(call: Call) -> Doc:
    """``{"school": {...}}``: NAME, address fields and WEBHOOKS [{TYPE, URL}]."""
    fields = call.wrapped("school")
    school = call.tx.school()
    for name in ("NAME", "LOGO", "STREET_ADDRESS", "CITY", "POSTALCODE", "COUNTRY", "PHONE",
                 "TIMEZONE", "LANGUAGE"):  # fmt: skip
        if name in fields:
            school[name] = text(fields[name])
    if "WEBHOOKS" in fields:
        hooks = fields["WEBHOOKS"]
        if not isinstance(hooks, list) or not all(
            isinstance(h, dict) and h.get("TYPE") and h.get("URL") for h in hooks
        ):
            raise ApiError(["WEBHOOKS must be an array of {TYPE, URL}"])
        school["WEBHOOKS"] = [{"TYPE": str(h["TYPE"]), "URL": str(h["URL"])} for h in hooks]
    if not school.get("NAME"):
        raise ApiError(["NAME is required"])
    call.tx.save_school(school)
    return public(school)
