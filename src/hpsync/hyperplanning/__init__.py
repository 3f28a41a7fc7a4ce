"""Hyperplanning Service Web: the operations table, the client and the snapshot reader."""

from __future__ import annotations

from hpsync.hyperplanning.client import HyperplanningClient, default_base_id
from hpsync.hyperplanning.mapping import to_snapshot

__all__ = ["HyperplanningClient", "default_base_id", "to_snapshot"]
