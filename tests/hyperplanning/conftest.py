"""Fixtures: one emulator per module serving the hand-made school on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hpsync.emulators.hyperplanning import RunningEmulator, start_emulator
from hyperplanning.school import school

USER = "ORG\\api@ecole.test"
PASSWORD = "s3cret-Pa55word"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh emulator (its data may be changed by the test)."""
    with start_emulator(school(), user=USER, password=PASSWORD, root="/hpsw/2025-2026") as emu:
        yield emu
