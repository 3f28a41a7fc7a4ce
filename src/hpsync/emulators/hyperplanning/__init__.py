"""The HYPERPLANNING Service Web emulator (SOAP 1.1, HTTP Basic), built from its own spec.

``spec.py`` lists every operation with its public evidence and the profiles serving it
(``full``, ``public``); nothing here imports the client packages.
"""

from __future__ import annotations

from hpsync.emulators.hyperplanning.server import (
    PUBLIC_ADDRESS,
    EmulatorState,
    RunningEmulator,
    build_state,
    create_app,
    start_emulator,
)
from hpsync.emulators.hyperplanning.state import School

__all__ = [
    "PUBLIC_ADDRESS",
    "EmulatorState",
    "RunningEmulator",
    "School",
    "build_state",
    "create_app",
    "start_emulator",
]
