"""Edusign REST API emulator (v1 + v3 on one server), built from the reference alone.

Start it with :func:`start_emulator` (tests, demo) or ``hpsync emulate edusign`` (CLI);
see docs/edusign-emulator.md for the routes, policies and test controls.
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
