"""``next_year``: the same school one year later, as a brand new Hyperplanning base."""

from __future__ import annotations

from typing import Any


def next_year(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """Placeholder until the yearly switch generator lands."""
    raise NotImplementedError
