"""School snapshot dict read over SOAP → domain ``Snapshot``: the one school codec.

The client builds a school dict from the Service Web's answers (``read.py``) and loads it
with the same loader as snapshot files and replay (``hpsync.school``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hpsync.model import Snapshot
from hpsync.school.load import hp_week, localize, snapshot_from_school

__all__ = ["hp_week", "localize", "to_snapshot"]


def to_snapshot(
    data: dict[str, Any],
    *,
    base_id: str | None = None,
    seances: Iterable[tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> Snapshot:
    """Map a school snapshot dict onto the domain records (``hpsync.school.load``)."""
    return snapshot_from_school(data, base_id=base_id, seances=seances)
