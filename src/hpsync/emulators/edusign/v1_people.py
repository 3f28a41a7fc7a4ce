"""v1 routes for ``/v1/student`` and ``/v1/professor`` (reference §6, §7)."""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign import people
from hpsync.emulators.edusign.fields import (
    ids_of,
    page_args,
    public,
    require,
    text,
    wants_archived,
)
from hpsync.emulators.edusign.gateway import ApiError, Call, Handler
from hpsync.emulators.edusign.storage import Doc
from hpsync.emulators.edusign.timefmt import normalise

PROFESSOR_PAGE = 100
STUDENT_PAGE = 100  # default when ``limit`` is absent


def _view(kind: str, doc: Doc, *, single: bool) -> Doc:
    drop = ("GROUPS",) if kind == "student" and not single else ()
    return public(doc, drop=drop)


def _matches(doc: Doc, search: str) -> bool:
    names = (doc.get("FIRSTNAME"), doc.get("LASTNAME"), doc.get("EMAIL"))
    return any(search in str(n or "").lower() for n in names)


def list_people(kind: str) -> Handler:
    """Live people (all with ``archived=true``), paged from 0; students take ``limit``,
    ``updatedAfter``, ``search``."""

    def handle(call: Call) -> list[Doc]:
        size = STUDENT_PAGE if kind == "student" else PROFESSOR_PAGE
        query = dict(call.query)
        if kind != "student":
            query.pop("limit", None)
        limit, offset = page_args(query, size)
        bound = call.state.settings.max_limit
        if bound and limit > bound:
            if call.state.settings.over_max_limit == "refuse":
                raise ApiError([f"limit must not be greater than {bound}"])
            limit, offset = bound, offset // limit * bound
        clause = "1" if wants_archived(query) else "hidden = 0"
        params: list[Any] = []
        if kind == "student" and query.get("updatedAfter"):
            after = normalise(query["updatedAfter"])
            if after is None:
                raise ApiError("updatedAfter must be an ISO date")
            clause += " AND updated > ?"
            params.append(after)
        search = query.get("search", "").strip().lower()
        if search:
            docs = [d for d in call.tx.where(kind, clause, tuple(params)) if _matches(d, search)]
            docs = docs[offset : offset + limit]
        else:
            docs = call.tx.page(kind, clause, tuple(params), "rowid", limit, offset)
        return [_view(kind, d, single=False) for d in docs]

    return handle


def get_person(kind: str) -> Handler:
    """One person by id, archived included."""

    def handle(call: Call) -> Doc:
        return _view(kind, people.find(call.tx, kind, call.params["id"]), single=True)

    return handle


def by_email(kind: str) -> Handler:
    """Full object by e-mail (case-insensitive, live first)."""

    def handle(call: Call) -> Doc:
        found = call.tx.by_email(kind, call.params["email"])
        if not found:
            raise ApiError(f"{kind.capitalize()} not found")
        return _view(kind, found[0], single=True)

    return handle


def get_id(kind: str) -> Handler:
    """``{ID, id}`` of the person (or course) whose API_ID matches (live first)."""

    def handle(call: Call) -> dict[str, str]:
        found = call.tx.by_api_id(kind, call.params["apiId"])
        if not found:
            raise ApiError(f"No {kind} with this API_ID")
        return ids_of(found)

    return handle


def by_ids(call: Call) -> list[Doc]:
    """``POST /v1/student/by-ids`` ``{studentIds: [...]}``: the known ones, in order."""
    wanted = call.body.get("studentIds") if isinstance(call.body, dict) else None
    if not isinstance(wanted, list):
        raise ApiError("studentIds must be an array")
    docs = [call.tx.get("student", text(sid)) for sid in wanted]
    return [_view("student", d, single=False) for d in docs if d is not None]


def create_person(kind: str) -> Handler:
    """POST a wrapped person; e-mail must be unused by a live one."""

    def handle(call: Call) -> dict[str, str]:
        fields = call.wrapped(kind)
        require(fields, ("FIRSTNAME", "LASTNAME", "EMAIL"))
        doc = people.create(
            call.tx, kind, fields, now=call.now_text(),
            strict_api_id=call.state.settings.strict_api_id,
            followers_checked=not call.public,
        )  # fmt: skip
        return ids_of([doc])

    return handle


def update_person(kind: str) -> Handler:
    """PATCH with ``ID`` in the wrapped body (FIRSTNAME and LASTNAME required too)."""

    def handle(call: Call) -> Doc:
        fields = call.wrapped(kind)
        require(fields, ("ID", "FIRSTNAME", "LASTNAME"))
        doc = people.find(call.tx, kind, fields["ID"])
        people.update(
            call.tx, kind, doc, fields, now=call.now_text(),
            strict_api_id=call.state.settings.strict_api_id,
            followers_checked=not call.public,
        )  # fmt: skip
        return _view(kind, doc, single=True)

    return handle


def archive_person(kind: str) -> Handler:
    """DELETE = archive: hidden from lists, readable by id."""

    def handle(call: Call) -> bool:
        doc = people.find(call.tx, kind, call.params["id"])
        people.archive(call.tx, kind, doc, now=call.now_text())
        return True

    return handle
