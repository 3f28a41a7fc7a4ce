"""Equal immutable values of many records held once in memory.

A big school's 300k sessions repeat a few thousand instants, trainer lists, room lists
and rubric sets; built per session they cost over 100 MiB of identical objects.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T", bound=Hashable)


class SharedValues:
    """One per snapshot being built: returns the first value seen equal to the one given."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        """An equal tuple or frozenset of keys (identities: no float, no bool among them)."""
        found: T = self._values.setdefault(value, value)
        return found

    def instant(self, value: datetime) -> datetime:
        """An instant in the same zone and fold: equal datetimes may be different instants
        (the repeated autumn hour) or print apart (another zone)."""
        found: datetime = self._values.setdefault(
            ("instant", value, value.fold, value.tzinfo), value
        )
        return found
