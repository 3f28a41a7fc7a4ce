"""The C allocator's settings for a long run: made on glibc, the user's environment wins."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from hpsync import allocator

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's")
def test_a_run_sets_two_arenas_and_a_fixed_mmap_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert allocator.tune() == ["MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072"]


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's")
def test_a_setting_given_in_the_environment_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert allocator.tune() == ["MALLOC_MMAP_THRESHOLD_=131072"]


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_memory_freed_inside_the_heap_goes_back_to_the_system() -> None:
    """Blocks of 4 KiB (malloc's, not pymalloc's) freed all but the last: the heap cannot
    shrink from its top, only ``release`` gives the pages back."""
    code = """
import sys
from hpsync import allocator
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) // 1024
blocks = [bytearray(4096) for _ in range(50_000)]  # about 200 MiB of heap
keep = blocks[-1]
del blocks
before = rss()
released = allocator.release()
print(before, rss(), released)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    before, after, released = done.stdout.split()
    assert released == "True"
    assert int(before) - int(after) > 100, done.stdout  # MiB given back


def test_off_glibc_nothing_is_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_glibc", lambda: None)
    assert allocator.tune() == []
    assert allocator.release() is False
