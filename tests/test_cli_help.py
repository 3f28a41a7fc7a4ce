"""Every CLI command answers --help (the CLI is the product's surface)."""

from __future__ import annotations

import subprocess
import sys

import typer.main
from typer.testing import CliRunner

from hpsync.cli import app


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, cmd in getattr(group, "commands", {}).items():
        found.append((*prefix, name))
        found.extend(_commands(cmd, (*prefix, name)))
    return found


def test_every_command_has_help() -> None:
    """Each command and group prints its help and exits 0."""
    paths = _commands(typer.main.get_command(app))
    assert {("config",), ("plan",), ("sync",), ("attendance",), ("year", "switch")} <= set(paths)
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_the_console_entry_point_runs() -> None:
    """`python -m hpsync --help` works as installed, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "hpsync", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "sync" in out.stdout


def test_errors_are_one_line_with_an_exit_code(tmp_path: object) -> None:
    """A missing configuration file is one 'error:' line and exit code 2, no traceback."""
    out = subprocess.run(
        [sys.executable, "-m", "hpsync", "plan", "-c", "/nonexistent/hpsync.toml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("error:") and "Traceback" not in out.stderr
