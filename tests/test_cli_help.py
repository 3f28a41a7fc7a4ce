"""Every CLI command answers --help (the CLI is the product's surface)."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from hpsync.cli import app


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, cmd in getattr(group, "commands", {}).items():
        found.append((*prefix, name))
        found.extend(_commands(cmd, (*prefix, name)))
    return found


def test_every_command_has_help() -> None:
    """Each command and group prints help and exits 0."""
    root = typer.main.get_command(app)
    paths = _commands(root)
    assert ("config",) in paths
    for path in paths:
        out = subprocess.run(
            [sys.executable, "-m", "hpsync", *path, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0, (path, out.stderr)
        assert "Usage" in out.stdout
