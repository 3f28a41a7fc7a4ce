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


FACES = ("commands", "web", "worker", "demo", "cli.py")
FLOW_STEPS = re.compile(
    r"\b(run_down|run_up|write_back_previous)\b|sync\.write_back import write_back"
)


def test_faces_run_flows_only_through_the_services_use_cases() -> None:
    """The CLI, dashboard, worker, webhook and demo call ``Services.sync_down`` /
    ``write_back`` (src/hpsync/bootstrap.py), never a flow's steps: a step added to a use
    case (a previous base, a notifier) reaches every face."""
    src = ROOT / "src" / "hpsync"
    files = [
        p
        for face in FACES
        for p in ((src / face).rglob("*.py") if (src / face).is_dir() else [src / face])
    ]
    assert len(files) > 20
    offenders = sorted(
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in files
        for m in FLOW_STEPS.finditer(p.read_text(encoding="utf-8"))
    )
    assert offenders == []
