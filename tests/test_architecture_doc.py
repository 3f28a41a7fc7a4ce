"""docs/architecture.md's walk-throughs name files that exist: the map matches the land."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_the_architecture_page_names_exists() -> None:
    """Each `src/…`, `tests/…` or `docs/…` path in docs/architecture.md is a real file or
    folder of the repository."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:src|tests|docs)/[A-Za-z0-9_./-]+)`", text))
    assert len(paths) >= 30
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == []
