"""The HYPERPLANNING Service Web emulator (SOAP 1.1, document/literal, HTTP Basic)."""

from __future__ import annotations

from hpsync.emulators.hyperplanning.server import (
    EmulatorState,
    RunningEmulator,
    create_app,
    start_emulator,
)
from hpsync.emulators.hyperplanning.state import School

__all__ = ["EmulatorState", "RunningEmulator", "School", "create_app", "start_emulator"]
