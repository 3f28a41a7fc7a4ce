"""Cyclic garbage collection paused while the pure core builds a plan.

Building the desired state and the plan allocates millions of small acyclic objects; each
allocation burst triggers collector passes that walk everything alive, the whole
snapshot included (over 2 s of a no-change XL plan). Reference counting still frees
everything the core drops; the collector resumes afterwards.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the cyclic collector off (nesting and threads are safe)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper
