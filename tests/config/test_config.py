"""Configuration: every problem reported once, with its location; secrets never echoed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hpsync.config import check_config, example_config, load_config
from hpsync.errors import ConfigError

BASE = """
[hyperplanning]
url = "http://127.0.0.1:9/hpsw"
user = "ws"
password = "env:HPSYNC_T_HP"
"""
ACCOUNT = """
[[accounts]]
name = "nord"
api_key = "env:HPSYNC_T_KEY"
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HPSYNC_T_HP", "hp-pass-123")
    monkeypatch.setenv("HPSYNC_T_KEY", "edu-key-456")
    for name in ("HP_PASSWORD", "EDUSIGN_KEY_NORD", "EDUSIGN_KEY_SUD"):
        monkeypatch.setenv(name, f"value-of-{name}")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hpsync.toml"
    path.write_text(text, encoding="utf-8")
    return path


INVALID = [
    (BASE, "accounts: required key is missing"),
    ("accounts = []\n" + BASE, "accounts: at least one account is required"),
    (
        BASE + ACCOUNT + 'room = "hall"',
        'accounts[0].room: expected "name", "code" or {fixed = "..."}',
    ),
    (
        BASE + ACCOUNT + "room = { fixed = 3 }",
        'accounts[0].room: expected "name", "code" or {fixed = "..."}',
    ),
    (
        BASE + ACCOUNT.replace('"env:HPSYNC_T_KEY"', '"abcdef123"'),
        "accounts[0].api_key: a secret must be a reference env:NAME or file:PATH, "
        "never the value itself",
    ),
    (
        BASE.replace("http://127.0.0.1:9/hpsw", "ftp://x/hpsw") + ACCOUNT,
        "hyperplanning.url: must be an http(s) URL",
    ),
    (BASE + ACCOUNT + ACCOUNT, 'accounts: duplicate account name "nord"'),
    (
        BASE + ACCOUNT + 'tag_familes = ["x"]',
        'accounts[0].tag_familes: unknown key; did you mean "tag_families"?',
    ),
    (
        BASE + ACCOUNT + 'trainerless = "ignore"',
        'accounts[0].trainerless: expected "skip" or {fictitious_trainer = "e-mail"}',
    ),
    (
        BASE + ACCOUNT + 'trainerless = { fictitious_trainer = "nope" }',
        "accounts[0].trainerless: fictitious_trainer must be a valid e-mail address",
    ),
    (BASE + ACCOUNT + 'api = "v2"', "accounts[0].api: expected 'v3' or 'v1'"),
    (
        BASE + ACCOUNT + 'timezone = "Mars/Olympus"',
        'accounts[0].timezone: unknown time zone; use an IANA name such as "Europe/Paris"',
    ),
    (
        BASE + ACCOUNT + "[accounts.guards]\nmax_removal_share = 2",
        "accounts[0].guards.max_removal_share: input should be less than or equal to 1",
    ),
    (
        BASE + ACCOUNT + '[accounts.attendance]\nfinal = "closed"',
        'accounts[0].attendance.final: expected "locked" or {hours_after_end = N} with N >= 0',
    ),
    (BASE.replace('user = "ws"\n', "") + ACCOUNT, "hyperplanning.user: required key is missing"),
    (
        BASE + ACCOUNT.replace('"nord"', '"Nord Campus"'),
        "accounts[0].name: use lowercase letters, digits, '-' and '_' only",
    ),
    (
        BASE + 'base_id = "a:b"\n' + ACCOUNT,
        "hyperplanning.base_id: must be non-empty and contain no ':'",
    ),
    (
        BASE + ACCOUNT + 'learners = [{ family = "Site" }]',
        "accounts[0].learners[0].rubric: required key is missing",
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_configuration_gives_the_exact_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Each invalid configuration names the location and says what is expected."""
    problems = check_config(write(tmp_path, text))
    assert expected in problems, problems


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    """Problems are listed together, not one per run."""
    text = BASE.replace("http://127.0.0.1:9/hpsw", "nope") + ACCOUNT + 'room = "x"\napi = "v9"'
    assert len(check_config(write(tmp_path, text))) == 3


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error says where it is."""
    problems = check_config(write(tmp_path, BASE + "[[accounts]\n"))
    assert problems and "line" in problems[0] and "column" in problems[0]


def test_missing_environment_secret_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unset variable is reported with the key that names it."""
    monkeypatch.delenv("HPSYNC_T_KEY")
    problems = check_config(write(tmp_path, BASE + ACCOUNT))
    assert problems == ["accounts[0].api_key: environment variable HPSYNC_T_KEY is not set"]


def test_example_passes_the_check(tmp_path: Path) -> None:
    """`hpsync config example` prints a configuration that passes the check."""
    assert check_config(write(tmp_path, example_config())) == []
    config = load_config(tmp_path / "hpsync.toml")
    nord = config.accounts[0]
    assert nord.room.mode == "code" and nord.trainerless.email == "planning@ecole.example"
    assert nord.attendance.final.hours == 24
    assert config.state_url == f"sqlite:///{(tmp_path / 'hpsync-state.db').resolve()}"


def test_inline_secret_is_refused_without_echoing_it(tmp_path: Path) -> None:
    """The refused inline value appears in no message."""
    text = BASE + ACCOUNT.replace('"env:HPSYNC_T_KEY"', '"sk_live_TOPSECRET"')
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert "TOPSECRET" not in str(info.value)


def test_cli_check_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    """`hpsync config check` prints one line per problem, no traceback, exit code 2."""
    path = write(tmp_path, BASE + ACCOUNT + 'room = "x"\napi = "v9"')
    out = subprocess.run(
        [sys.executable, "-m", "hpsync", "config", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(str(path)) for line in lines)
    assert "Traceback" not in out.stderr


def test_cli_check_ok_and_example(tmp_path: Path) -> None:
    """A valid file is reported ok with its account count; example prints TOML."""
    path = write(tmp_path, BASE + ACCOUNT)
    out = subprocess.run(
        [sys.executable, "-m", "hpsync", "config", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "ok:" in out.stdout and "(1 accounts)" in out.stdout
    example = subprocess.run(
        [sys.executable, "-m", "hpsync", "config", "example"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "[[accounts]]" in example.stdout
