"""The collector is off while the core plans, and back on afterwards, even on error."""

from __future__ import annotations

import gc

import pytest

from hpsync.engine.gcpause import gc_paused


@gc_paused
def state() -> bool:
    return gc.isenabled()


@gc_paused
def nested() -> tuple[bool, bool]:
    return state(), gc.isenabled()


@gc_paused
def broken() -> None:
    raise ValueError("bad record")


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    assert state() is False and nested() == (False, False)
    assert gc.isenabled()
    with pytest.raises(ValueError):
        broken()
    assert gc.isenabled()


def test_left_off_when_the_caller_had_it_off() -> None:
    gc.disable()
    try:
        state()
        assert not gc.isenabled()
    finally:
        gc.enable()
