"""How the C allocator holds a long run's memory (glibc; elsewhere nothing is changed).

Python objects live in pymalloc's arenas, but a sync's big short-lived buffers (an
Edusign page's JSON, a SOAP answer, the table of a 300k-entry dict) come from glibc's
malloc. By default every thread that allocates gets an arena of its own, and the mmap
threshold grows to the biggest block freed, so those buffers end up inside the heap: once
freed they stay in the process as holes the next phase cannot always reuse. Two arenas
and a fixed threshold (big blocks mapped, and unmapped when freed) took an L resync's
peak from 231 to 196 MiB (docs/benchmarks.md, P3). A setting given in the environment
(``MALLOC_ARENA_MAX``, ``MALLOC_MMAP_THRESHOLD_``) is the user's and is left as it is.
"""

from __future__ import annotations

import ctypes
import os
import platform
from functools import cache
from typing import Any

#: mallopt parameters (glibc's malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
#: what a run sets when the environment does not say
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024
_SETTINGS = (
    ("MALLOC_ARENA_MAX", M_ARENA_MAX, ARENAS),
    ("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, MMAP_THRESHOLD),
)


@cache
def _glibc() -> Any:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
        libc.malloc_trim.argtypes = (ctypes.c_size_t,)
    except (OSError, AttributeError):
        return None
    return libc


def tune() -> list[str]:
    """Set the allocator for a long run, before its threads start; the settings made (none
    off glibc, or where the environment already chose)."""
    libc = _glibc()
    if libc is None:
        return []
    made: list[str] = []
    for env, param, value in _SETTINGS:
        if env not in os.environ and libc.mallopt(param, value) == 1:
            made.append(f"{env}={value}")
    return made


def release() -> bool:
    """Give the free memory inside the heap back to the system (after a phase that built
    and dropped much: the base's read, an account's planning); whether any was."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
