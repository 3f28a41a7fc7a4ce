"""Edusign's wire conventions for ids and datetimes, in one place.

Ids are ~16 lowercase alphanumerics; datetimes are read as ISO-8601 (offset, ``Z`` or
naive = UTC) and always written as UTC ``YYYY-MM-DDTHH:MM:SS.000Z`` (reference §5, §13).
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime
from typing import Any

_ALPHABET = string.ascii_lowercase + string.digits
#: byte → ``_ALPHABET[byte % 36]``, for ``bytes.translate``
_BYTE_TO_CHAR = bytes(ord(_ALPHABET[b % 36]) for b in range(256))


def new_id(length: int = 16) -> str:
    """A fresh Edusign-looking id (e.g. ``0athprkic9ed79ba``).

    One random read per id, not one per character, and one ``translate`` to map its bytes:
    a batch of 1,000 sheets makes tens of thousands of attendance-line ids. (``byte % 36``
    leans slightly to the first letters; ids only need to be unique.)
    """
    return secrets.token_bytes(length).translate(_BYTE_TO_CHAR).decode("ascii")


def fmt(moment: datetime) -> str:
    """UTC with milliseconds fixed at ``.000`` and a ``Z``, like the real service."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse(value: Any) -> datetime | None:
    """An aware datetime from an ISO string (naive = UTC), or None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def normalise(value: Any) -> str | None:
    """An ISO input re-written in the wire format, or None when unreadable."""
    moment = parse(value)
    return fmt(moment) if moment else None
