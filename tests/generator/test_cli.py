"""``hpsync generate-school`` writes files that the loader accepts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from hpsync.cli import app
from hpsync.emulators.school_file import load_school


def test_generate_then_next_year(tmp_path: Path) -> None:
    """The command writes a valid school, then a valid following year from it."""
    runner = CliRunner()
    first, second = tmp_path / "s.json", tmp_path / "s2.json"
    result = runner.invoke(app, ["generate-school", "--size", "S", "--seed", "3", "-o", str(first)])
    assert result.exit_code == 0, result.output
    assert load_school(first)["base"]["id"] == "lycee-demo-2026"
    result = runner.invoke(
        app,
        ["generate-school", "--seed", "4", "-o", str(second), "--next-year-of", str(first)],
    )
    assert result.exit_code == 0, result.output
    assert load_school(second)["base"]["id"] == "lycee-demo-2027"


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    """An unknown size is a usage error and writes nothing."""
    out = tmp_path / "x.json"
    result = CliRunner().invoke(
        app, ["generate-school", "--size", "Q", "--seed", "1", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert not out.exists()
