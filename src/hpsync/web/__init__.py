"""The dashboard (``hpsync serve``): server-rendered pages over the state store.

``create_app(store, token=..., accounts=[...])`` returns a FastAPI app; it only reads
the store, and its one action (a dry-run plan) is a callable given by the caller.
"""

from __future__ import annotations

from hpsync.web.app import create_app

__all__ = ["create_app"]
