"""`hpsync config example|check`: the example is valid, the check speaks one line a problem."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from hpsync.config import Config, check_config, example_config, load_config

from .conftest import ACCOUNT, BASE, write

DOCS = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def _set_example_env(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names = sorted(set(re.findall(r'"env:([A-Z0-9_]+)"', example_config())))
    for name in names:
        monkeypatch.setenv(name, f"value-of-{name}")
    return names


def test_example_passes_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The printed example passes the check once the variables it names are set."""
    names = _set_example_env(monkeypatch)
    path = write(tmp_path, example_config())
    assert check_config(path) == []
    config = load_config(path)
    nord = config.accounts[0]
    assert [a.name for a in config.accounts] == ["nord", "sud"]
    assert nord.room.mode == "code" and nord.trainerless.email == "planning@ecole.example"
    assert nord.attendance.final.hours == 24
    monkeypatch.delenv(names[0])
    assert len(check_config(path)) == 1


def test_example_shows_every_key_of_the_schema() -> None:
    """Every key of the schema appears in the example, commented out or not."""
    text = example_config()
    missing = [key for key in _model_keys(Config) if not re.search(rf"\b{key}\b", text)]
    assert missing == []


def test_docs_reference_every_key_and_only_real_ones() -> None:
    """docs/config.md's table names every key of the schema, and no key that does not exist."""
    documented = set(re.findall(r"`(?:\[\[)?([a-z_0-9.]+)", DOCS.read_text(encoding="utf-8")))
    leaves = {key.rsplit(".", 1)[-1] for key in documented}
    keys = set(_model_keys(Config))
    assert keys - leaves == set()
    table_keys = {
        k.rsplit(".", 1)[-1]
        for line in DOCS.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
        for k in re.findall(r"`(?:\[\[)?([a-z_0-9.]+)(?:\]\])?`", line.split("|")[1])
    }
    assert table_keys - keys == set()


def _model_keys(model: type[BaseModel]) -> list[str]:
    out: list[str] = []
    for name, field in model.model_fields.items():
        out.append(name)
        inner = _inner(field.annotation)
        if inner is not None and name not in ("room", "trainerless", "final"):
            out += _model_keys(inner)
    return out


def _inner(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner(arg)
        if found is not None:
            return found
    return None


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hpsync", "config", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_cli_check_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    """`hpsync config check` prints one located line per problem, no traceback, exit code 2."""
    text = BASE + ACCOUNT + 'room = "x"\napi = "v9"\nwebhook_secret = "sk_live_LEAK"'
    path = write(tmp_path, text)
    out = _run("check", str(path))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f'{path}: accounts[0].api: expected "v3" or "v1"',
        f'{path}: accounts[0].room: expected "name", "code" or {{fixed = "..."}}',
        f"{path}: accounts[0].webhook_secret: a secret must be a reference env:NAME or "
        "file:PATH, never the value itself",
    ]
    assert "Traceback" not in out.stderr and "LEAK" not in out.stderr + out.stdout


def test_cli_check_ok_and_example(tmp_path: Path) -> None:
    """A valid file is reported ok with its account count; `example` prints valid TOML."""
    path = write(tmp_path, BASE + ACCOUNT)
    out = _run("check", str(path))
    assert (out.returncode, out.stdout) == (0, f"ok: {path} (1 accounts)\n")
    example = _run("example")
    assert example.returncode == 0 and example.stdout == example_config()
    assert tomllib.loads(example.stdout)["accounts"][0]["name"] == "nord"


def test_cli_check_of_a_syntax_error_and_a_missing_file(tmp_path: Path) -> None:
    """A broken or missing file is one line and exit code 2, never a traceback."""
    broken = _run("check", str(write(tmp_path, "[[accounts]\n")))
    assert broken.returncode == 2 and len(broken.stderr.splitlines()) == 1
    assert "line 1, column" in broken.stderr
    missing = _run("check", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1
    assert "Traceback" not in broken.stderr + missing.stderr
