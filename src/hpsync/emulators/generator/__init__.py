"""Deterministic generator of realistic school snapshots (``hpsync-school/1``).

Used by the emulator, the tests and the benchmarks: same size and seed, same JSON.
"""

from __future__ import annotations

from hpsync.emulators.generator.next_year import next_year
from hpsync.emulators.generator.school import SIZES, generate_school

__all__ = ["SIZES", "generate_school", "next_year"]
