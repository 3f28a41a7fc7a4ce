"""Small coercions shared by the v1 resources (numbers → strings, string → list, paging)."""

from __future__ import annotations

from typing import Any

from hpsync.emulators.edusign.gateway import ApiError
from hpsync.emulators.edusign.storage import Doc


def text(value: Any) -> str:
    """A free-text field as stored: numbers become strings, None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def id_list(value: Any) -> list[str]:
    """A list of ids from an array, a single string, or nothing."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [text(v) for v in value if v not in (None, "")]
    return [text(value)]


def require(fields: Doc, names: tuple[str, ...]) -> None:
    """Validation errors as an array message, like the real API's validator."""
    missing = [f"{name} is required" for name in names if fields.get(name) in (None, "")]
    if missing:
        raise ApiError(missing)


def page_args(query: dict[str, str], default_size: int) -> tuple[int, int]:
    """(limit, offset) from ``page`` (from 0) and optional ``limit``."""
    try:
        page = int(query.get("page", "0") or 0)
        size = int(query.get("limit", default_size) or default_size)
    except ValueError:
        raise ApiError("page and limit must be integers") from None
    if page < 0 or size <= 0:
        raise ApiError("page must be >= 0 and limit > 0")
    return size, page * size


def wants_archived(query: dict[str, str]) -> bool:
    """[I] ``archived=true`` also lists archived records (HIDDEN=1); the reference documents
    no such switch, but the client's ``include_archived`` relies on it."""
    return query.get("archived", "").strip().lower() in ("true", "1")


def public(doc: Doc, *, drop: tuple[str, ...] = ()) -> Doc:
    """A stored document as the API shows it (no emulator-internal keys)."""
    return {k: v for k, v in doc.items() if not k.startswith("_") and k not in drop}


def ids_of(docs: list[Doc]) -> dict[str, str]:
    """``{ID, id}`` of a create result."""
    if not docs:
        return {}
    return {"ID": docs[0]["ID"], "id": docs[0]["ID"]}
