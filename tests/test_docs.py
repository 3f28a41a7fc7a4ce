"""The README's commands exist and its two main commands are the Makefile's."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from hpsync.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _command_paths() -> set[tuple[str, ...]]:
    def walk(group: object, prefix: tuple[str, ...]) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for name, cmd in getattr(group, "commands", {}).items():
            found.add((*prefix, name))
            found |= walk(cmd, (*prefix, name))
        return found

    return walk(typer.main.get_command(app), ())


def test_every_hpsync_command_in_the_readme_exists() -> None:
    """Each `hpsync ...` line of the README names a real command that answers --help."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^hpsync ([a-z][a-z -]*?)(?: -|\s*$| [A-Z/<\[])", readme, re.M)
    assert len(lines) >= 10
    known = _command_paths()
    runner = CliRunner()
    for words in lines:
        tokens = tuple(words.split())
        path = max(
            (tokens[:n] for n in range(1, len(tokens) + 1) if tokens[:n] in known),
            key=len,
            default=(),
        )
        assert path, f"README mentions unknown command: hpsync {words}"
        assert runner.invoke(app, [*path, "--help"]).exit_code == 0


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    """`make demo` and `make test` are in the README and the Makefile; .ci/run calls make test."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_the_docs_mention_exists_with_its_options() -> None:
    """Each `hpsync …` command written in docs/*.md (code lines and inline code) is a real
    command, and each --option written after it is one of its options."""
    known = _command_paths()
    runner = CliRunner()
    found = 0
    for doc in sorted((ROOT / "docs").glob("*.md")):
        mentions = _code_mentions(doc.read_text(encoding="utf-8"))
        for words, rest in mentions:
            tokens = tuple(words.split())
            path = max(
                (tokens[:n] for n in range(1, len(tokens) + 1) if tokens[:n] in known),
                key=len,
                default=(),
            )
            assert path, f"{doc.name} mentions an unknown command: hpsync {words.strip()}"
            helped = runner.invoke(app, [*path, "--help"], terminal_width=200)
            assert helped.exit_code == 0
            for option in re.findall(r"(--[a-z][a-z-]+)", rest):
                assert option in helped.output, f"{doc.name}: hpsync {' '.join(path)} {option}"
            found += 1
    assert found >= 20


def _code_mentions(text: str) -> list[tuple[str, str]]:
    """(command words, rest of the line) of `hpsync …` in code: fenced or indented code
    lines, and inline code spans (prose naming hpsync is not a command)."""
    code: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            code.append(line.strip())
    code += re.findall(r"`(hpsync [^`]+)`", text)
    pattern = re.compile(r"^hpsync ((?:[a-z][a-z-]* ?)+)(.*)$")
    return [m.groups() for line in code if (m := pattern.match(line.strip()))]
