"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .clock_helpers import share_with_session
from .m_world import build_synced_m, shared_root


@pytest.fixture(scope="session", autouse=True)
def session_timelines(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One timeline per instant for the whole session, whichever worker runs a command."""
    share_with_session(shared_root(tmp_path_factory))


@pytest.fixture(scope="session")
def synced_m(tmp_path_factory: pytest.TempPathFactory, session_timelines: None) -> Path:
    """The files of an M school after its first sync (see m_world.py), built once."""
    return build_synced_m(tmp_path_factory)
