"""The v3 batch frame: body checks, per-item savepoints, 200 / 207, item results.

Answer body (emulator definition, documented in docs/edusign-emulator.md)::

    {"status": "success" | "partial", "result": [
        {"inputIndex": 0, "id": "...", "externalReferenceId": "...", "action": "created"},
        {"inputIndex": 1, "externalReferenceId": "...",
         "error": {"code": "STUDENTS_NOT_FOUND", "message": "..."}}]}

HTTP 200 when every item succeeded, 207 otherwise (even when all failed). A malformed
request as a whole is HTTP 400 ``{"status": "error", "code": "VALIDATION_ERROR", ...}``.

The ``public`` profile answers only what the docs show (200 / 207, ``inputIndex`` per
item, symbolic codes; D-V3, D-CHG) and no id, no echo of the record (the body shape is
**X**, evidence §2 row 18)::

    {"status": "partial", "result": [
        {"inputIndex": 0, "status": "success"},
        {"inputIndex": 1, "status": "STUDENTS_NOT_FOUND"}]}

[I] An item's ``status`` is ``"success"`` or its documented error code; the wrapper
``{status, result}`` is the full profile's, kept so a client reads both the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hpsync.emulators.edusign.gateway import ApiError, Call, V3Answer, V3Error

MAX_ITEMS = 1000


class ItemError(Exception):
    """One item failed with a documented v3 code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def text_or_none(item: dict[str, Any], name: str) -> str | None:
    """An optional string field (numbers accepted), or a VALIDATION_ERROR."""
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ItemError("VALIDATION_ERROR", f"{name} must be a string")
    return str(value)


def id_array(item: dict[str, Any], name: str) -> list[str] | None:
    """An optional array of ids, or a VALIDATION_ERROR."""
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ItemError("VALIDATION_ERROR", f"{name} must be an array of ids")
    return [str(v) for v in value]


def run_batch(call: Call, key: str, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> V3Answer:
    """Apply ``handle`` to every item of ``{key: [...]}``, each in its own savepoint."""
    items = call.body.get(key) if isinstance(call.body, dict) else None
    if not isinstance(items, list):
        raise V3Error(400, "VALIDATION_ERROR", f'Body must be {{"{key}": [...]}}')
    if not 1 <= len(items) <= MAX_ITEMS:
        raise V3Error(400, "VALIDATION_ERROR", f"{key} must hold 1 to {MAX_ITEMS} items")
    seen: set[str] = set()
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        ref = item.get("externalReferenceId") if isinstance(item, dict) else None
        ref = str(ref) if ref not in (None, "") else None
        try:
            if not isinstance(item, dict):
                raise ItemError("VALIDATION_ERROR", "each item must be an object")
            if ref is not None:
                if ref in seen:
                    raise ItemError("DUPLICATE_IN_REQUEST", f"externalReferenceId {ref} repeated")
                seen.add(ref)
            with call.tx.savepoint():
                outcome = handle(item)
            results.append({"inputIndex": index, **outcome})
        except ItemError as exc:
            results.append(_failed(index, ref, exc.code, exc.message))
        except ApiError as exc:
            results.append(_failed(index, ref, "UPDATE_FAILED", str(exc.payload)))
    ok = all("error" not in r for r in results)
    if call.public:
        results = [public_item(r) for r in results]
    return V3Answer(
        200 if ok else 207, {"status": "success" if ok else "partial", "result": results}
    )


def public_item(result: dict[str, Any]) -> dict[str, Any]:
    """An item result in its public shape: ``inputIndex`` and ``status`` only."""
    error = result.get("error")
    status = error["code"] if isinstance(error, dict) else "success"
    return {"inputIndex": result["inputIndex"], "status": status}


def _failed(index: int, ref: str | None, code: str, message: str) -> dict[str, Any]:
    return {
        "inputIndex": index,
        "externalReferenceId": ref,
        "error": {"code": code, "message": message},
    }
