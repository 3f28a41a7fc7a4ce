"""Students and professors as records: creation, update, archive, group membership.

Shared by the v1 routes and the v3 batch upserts so both follow one policy:
an e-mail already used by a live person of the same kind is refused ("already exists");
a duplicate ``API_ID`` is accepted unless ``strict_api_id`` is on.
"""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import v1_externals
from hpsync.emulators.edusign.fields import id_list, text
from hpsync.emulators.edusign.gateway import ApiError
from hpsync.emulators.edusign.storage import Doc, Tx
from hpsync.emulators.edusign.timefmt import new_id

_STUDENT_TEXT = (
    "FIRSTNAME", "LASTNAME", "EMAIL", "PHOTO", "PHONE", "TRAINING_NAME", "FILE_NUMBER",
    "COMPANY", "API_ID", "API_TYPE", "BADGE_ID", "ISIC_ID", "LANGUAGE",
)  # fmt: skip
_PROFESSOR_TEXT = (
    "FIRSTNAME", "LASTNAME", "EMAIL", "PHONE", "SPECIALITY", "API_ID", "API_TYPE", "PIN",
)  # fmt: skip


def text_fields(kind: str) -> tuple[str, ...]:
    """The free-text fields a person of ``kind`` stores as strings."""
    return _STUDENT_TEXT if kind == "student" else _PROFESSOR_TEXT


def blank(kind: str, school_id: str, now: str) -> Doc:
    """A person with every documented field at its default."""
    rid = new_id()
    doc: Doc = {"ID": rid, "id": rid}
    doc.update({name: "" for name in text_fields(kind)})
    doc.update(
        {
            "TAGS": [],
            "VARIABLES": [],
            "HIDDEN": 0,
            "ARCHIVED": False,
            "SCHOOL_ID": school_id,
            "DATE_CREATED": now,
            "DATE_UPDATED": now,
        }
    )
    if kind == "student":
        doc.update(
            {
                "USERNAME": "",
                "SIGNATURE_ID": None,
                "MULTI_ACCOUNT_LOGIN_CODE": None,
                "PUSH_TOKEN": None,
                "LANGUAGE": "fr",
                "STUDENT_FOLLOWER_ID": [],
                "NEW_PASSWORD_NEEDED": True,
                "TRAINING_IDS": [],
                "GROUPS": [],
                "STUDENT_CARD": None,
            }
        )
    return doc


def check_unique(tx: Tx, kind: str, doc: Doc, *, strict_api_id: bool) -> None:
    """Refuse a second live person with the same e-mail (or API_ID when strict)."""
    others = [
        d for d in tx.by_email(kind, doc["EMAIL"]) if d["ID"] != doc["ID"] and not d["HIDDEN"]
    ]
    if doc["EMAIL"] and others:
        raise ApiError(
            f"A {kind} with the email {doc['EMAIL']} already exists",
            key="professor_exists" if kind == "professor" else "",
        )
    if strict_api_id and doc["API_ID"]:
        same = [d for d in tx.by_api_id(kind, doc["API_ID"]) if d["ID"] != doc["ID"]]
        if any(not d["HIDDEN"] for d in same):
            raise ApiError(f"A {kind} with the API_ID {doc['API_ID']} already exists")


def apply_fields(
    tx: Tx, kind: str, doc: Doc, fields: Doc, *, followers_checked: bool = True
) -> None:
    """Copy the writable fields present in ``fields`` onto ``doc`` (coercing types).

    ``followers_checked``: ``STUDENT_FOLLOWER_ID`` must name externals (the ``full``
    profile's invented ``/v1/externals``). Without externals (``public``) what the ids
    point to is unknown (reference §12, [I]), so they are stored as given.
    """
    for name in text_fields(kind):
        if name in fields:
            doc[name] = text(fields[name])
    if "EMAIL" in fields and kind == "student":
        doc["USERNAME"] = doc["EMAIL"]
    for name in ("TAGS", "VARIABLES"):
        if name in fields:
            value = fields[name]
            doc[name] = list(value) if isinstance(value, list) else id_list(value)
    if "HIDDEN" in fields:
        doc["HIDDEN"] = 1 if fields["HIDDEN"] else 0
        doc["ARCHIVED"] = bool(doc["HIDDEN"])
    if kind != "student":
        return
    if "STUDENT_FOLLOWER_ID" in fields:
        followers = id_list(fields["STUDENT_FOLLOWER_ID"])
        if followers_checked:
            v1_externals.check_followers(tx, followers)
        doc["STUDENT_FOLLOWER_ID"] = followers
    for name in ("STUDENT_CARD", "NEW_PASSWORD_NEEDED"):
        if name in fields:
            doc[name] = fields[name]
    if "GROUPS" in fields:
        set_student_groups(tx, doc, id_list(fields["GROUPS"]))


def set_student_groups(tx: Tx, student: Doc, group_ids: list[str]) -> None:
    """Make ``student.GROUPS`` exactly ``group_ids`` and mirror it in each ``group.STUDENTS``."""
    groups: dict[str, Doc] = {}
    for gid in group_ids:
        group = tx.get("group", gid)
        if group is None:
            raise ApiError(f"Group {gid} not found")
        groups[gid] = group
    for gid in set(student.get("GROUPS") or []) - set(groups):
        old = tx.get("group", gid)
        if old is not None and student["ID"] in old["STUDENTS"]:
            old["STUDENTS"].remove(student["ID"])
            tx.update("group", old)
    for group in groups.values():
        if student["ID"] not in group["STUDENTS"]:
            group["STUDENTS"].append(student["ID"])
            tx.update("group", group)
    student["GROUPS"] = list(dict.fromkeys(group_ids))


def create(
    tx: Tx,
    kind: str,
    fields: Doc,
    *,
    now: str,
    strict_api_id: bool,
    followers_checked: bool = True,
) -> Doc:
    """A new person from UPPER_SNAKE fields (already validated for required ones)."""
    doc = blank(kind, tx.school_id, now)
    groups = fields.get("GROUPS")
    apply_fields(
        tx,
        kind,
        doc,
        {k: v for k, v in fields.items() if k != "GROUPS"},
        followers_checked=followers_checked,
    )
    check_unique(tx, kind, doc, strict_api_id=strict_api_id)
    tx.insert(kind, doc)
    if kind == "student" and groups not in (None, "", []):
        set_student_groups(tx, doc, id_list(groups))
        tx.update(kind, doc)
    return doc


def update(
    tx: Tx,
    kind: str,
    doc: Doc,
    fields: Doc,
    *,
    now: str,
    strict_api_id: bool,
    followers_checked: bool = True,
) -> Doc:
    """Apply a partial update to a stored person."""
    apply_fields(
        tx,
        kind,
        doc,
        {k: v for k, v in fields.items() if k != "ID"},
        followers_checked=followers_checked,
    )
    check_unique(tx, kind, doc, strict_api_id=strict_api_id)
    doc["DATE_UPDATED"] = now
    tx.update(kind, doc)
    return doc


def archive(tx: Tx, kind: str, doc: Doc, *, now: str) -> None:
    """Soft delete: hidden from lists, still readable by id."""
    doc["HIDDEN"] = 1
    doc["ARCHIVED"] = True
    doc["DATE_UPDATED"] = now
    tx.update(kind, doc)


def find(tx: Tx, kind: str, rid: Any) -> Doc:
    """A person by Edusign id, or a business error."""
    doc = tx.get(kind, text(rid))
    if doc is None:
        raise ApiError(f"{kind.capitalize()} not found")
    return doc
