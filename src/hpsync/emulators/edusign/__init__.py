"""Edusign REST API emulator (v1 + v3 on one server), built from the reference alone.

Start it with :func:`start_emulator` (tests, demo) or ``hpsync emulate edusign`` (CLI),
on the ``full`` (default) or ``public`` profile; its routes, their rate classes and
evidence are its own table (``routes.py``), never hpsync's client's. See
docs/edusign-emulator.md for the routes, profiles, policies and test controls.
"""

from __future__ import annotations

from hpsync.emulators.edusign.runner import RunningEdusign, build_state, start_emulator
from hpsync.emulators.edusign.spec import KeySpec, SchoolSpec, Settings, fingerprint

__all__ = [
    "KeySpec",
    "RunningEdusign",
    "SchoolSpec",
    "Settings",
    "build_state",
    "fingerprint",
    "start_emulator",
]
