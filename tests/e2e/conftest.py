"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .m_world import build_synced_m


@pytest.fixture(scope="session")
def synced_m(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of an M school after its first sync (see m_world.py), built once."""
    return build_synced_m(tmp_path_factory)
