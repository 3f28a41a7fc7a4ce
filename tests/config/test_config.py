"""Configuration: every problem reported once, with its location; secrets never echoed."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpsync.config import check_config, default_base_id, load_config
from hpsync.config.loader import problems_of
from hpsync.errors import ConfigError

from .conftest import ACCOUNT, BASE, write

SUD = '\n[[accounts]]\nname = "sud"\napi_key = "env:HPSYNC_T_KEY"\n'
PREVIOUS = (
    '\n[[hyperplanning.previous]]\nurl = "http://127.0.0.1:9/hpsw/"\nuser = "ws"\n'
    'password = "env:HPSYNC_T_HP"\n'
)

INVALID: list[tuple[str, list[str]]] = [
    (BASE, ["accounts: required key is missing"]),
    ("accounts = []\n" + BASE, ["accounts: at least one account is required"]),
    (
        BASE + ACCOUNT + 'room = "hall"',
        ['accounts[0].room: expected "name", "code" or {fixed = "..."}'],
    ),
    (
        BASE + ACCOUNT + SUD + "room = { fixed = 3 }",
        ['accounts[1].room: expected "name", "code" or {fixed = "..."}'],
    ),
    (
        BASE + ACCOUNT.replace('"env:HPSYNC_T_KEY"', '"abcdef123"'),
        [
            "accounts[0].api_key: a secret must be a reference env:NAME or file:PATH, "
            "never the value itself"
        ],
    ),
    (
        BASE + ACCOUNT + 'webhook_secret = "env:lower-case"',
        ["accounts[0].webhook_secret: expected env:NAME (letters, digits and _) or file:PATH"],
    ),
    (
        BASE.replace("http://127.0.0.1:9/hpsw", "ftp://x/hpsw") + ACCOUNT,
        ["hyperplanning.url: must be an http(s) URL"],
    ),
    (
        BASE.replace("http://", "https://ws:pw@") + ACCOUNT,
        ["hyperplanning.url: must not contain a user or password; use the user and password keys"],
    ),
    (
        BASE + ACCOUNT + SUD + ACCOUNT + 'room = "x"',
        [
            'accounts[2].name: duplicate account name "nord"',
            'accounts[2].room: expected "name", "code" or {fixed = "..."}',
        ],
    ),
    (
        BASE + ACCOUNT + 'tag_familes = ["x"]',
        ['accounts[0].tag_familes: unknown key; did you mean "tag_families"?'],
    ),
    (
        BASE + ACCOUNT + '[dashbord]\ntoken = "env:HPSYNC_T_HP"',
        ['dashbord: unknown key; did you mean "dashboard"?'],
    ),
    (
        BASE + ACCOUNT + 'trainerless = "ignore"',
        ['accounts[0].trainerless: expected "skip" or {fictitious_trainer = "e-mail"}'],
    ),
    (
        BASE + ACCOUNT + 'trainerless = { fictitious_trainer = "nope" }',
        ["accounts[0].trainerless: fictitious_trainer must be a valid e-mail address"],
    ),
    (BASE + ACCOUNT + 'api = "v2"', ['accounts[0].api: expected "v3" or "v1"']),
    (
        'timezone = "Paris"\nlog_format = "xml"\n' + BASE + ACCOUNT,
        [
            'timezone: unknown time zone; use an IANA name such as "Europe/Paris"',
            'log_format: expected "text" or "json"',
        ],
    ),
    (
        BASE + ACCOUNT + "[accounts.guards]\nmax_removal_share = 2",
        ["accounts[0].guards.max_removal_share: must be at most 1"],
    ),
    (
        BASE + ACCOUNT + "[accounts.attendance]\nfinal = { hours_after_end = -1 }",
        ['accounts[0].attendance.final: expected "locked" or {hours_after_end = N} with N >= 0'],
    ),
    (
        BASE + ACCOUNT + '[accounts.attendance]\nsince = "soon"',
        ["accounts[0].attendance.since: expected a date such as 2025-09-01"],
    ),
    (BASE.replace('user = "ws"\n', "") + ACCOUNT, ["hyperplanning.user: required key is missing"]),
    (
        BASE + ACCOUNT.replace('"nord"', '"Nord Campus"'),
        ["accounts[0].name: use lowercase letters, digits, '-' and '_' only"],
    ),
    (
        BASE + 'base_id = "a:b"\n' + ACCOUNT,
        ["hyperplanning.base_id: must be non-empty and contain no ':'"],
    ),
    (
        BASE + PREVIOUS + ACCOUNT,
        ['hyperplanning.previous[0].base_id: base id "hpsw" is already used by another base'],
    ),
    (
        BASE + ACCOUNT + 'learners = [{ family = "", rubric = "x", site = 1 }]',
        [
            "accounts[0].learners[0].family: must not be empty",
            "accounts[0].learners[0].site: unknown key; valid keys: family, rubric",
        ],
    ),
    (
        BASE + ACCOUNT + 'learners = { family = "Site", rubric = "Nord" }',
        ["accounts[0].learners: expected an array, e.g. [ ... ]"],
    ),
    (BASE + ACCOUNT + 'tutors = "yes"', ["accounts[0].tutors: expected true or false"]),
    (
        BASE + 'timeout_seconds = "30"\n' + ACCOUNT,
        ["hyperplanning.timeout_seconds: expected a number"],
    ),
    (
        'state_url = "mysql://db/x"\n' + BASE + ACCOUNT,
        ['state_url: expected "sqlite:///PATH" or "postgresql+psycopg://USER@HOST/DB"'],
    ),
    (
        BASE + ACCOUNT + '[smtp]\nsender = "nobody"\nport = 70000\nuser = "me"',
        [
            "smtp.port: must be at most 65535",
            "smtp.sender: must be an e-mail address",
        ],
    ),
    (
        BASE + ACCOUNT + '[smtp]\nuser = "me"',
        ["smtp: user and password go together: give both or neither"],
    ),
    (
        BASE + ACCOUNT + '[[accounts.alerts]]\nname = "a"\nkind = "absent"\nthreshold = 0',
        [
            'accounts[0].alerts[0].kind: expected "absences", "late", "early_departures" '
            'or "attendance_rate"',
            "accounts[0].alerts[0].threshold: must be greater than 0",
        ],
    ),
    ("hyperplanning = 3\n" + ACCOUNT, ["hyperplanning: expected a table, e.g. { key = ... }"]),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_configuration_gives_the_exact_messages(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    """Each invalid configuration yields exactly these located messages, nothing else."""
    assert check_config(write(tmp_path, text)) == expected


def test_problems_in_different_places_are_all_reported(tmp_path: Path) -> None:
    """Problems in the base, an account and a duplicate name are listed together."""
    text = BASE.replace("http://127.0.0.1:9/hpsw", "nope") + ACCOUNT + 'api = "v9"' + ACCOUNT
    assert check_config(write(tmp_path, text)) == [
        'accounts[1].name: duplicate account name "nord"',
        "hyperplanning.url: must be an http(s) URL",
        'accounts[0].api: expected "v3" or "v1"',
    ]


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error says on which line and column it is."""
    problems = check_config(write(tmp_path, BASE + "[[accounts]\n"))
    assert len(problems) == 1
    assert problems[0].startswith("TOML syntax error:") and "(at line 6, column 11)" in problems[0]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A missing configuration file is reported as a problem."""
    assert check_config(tmp_path / "absent.toml") == [
        "cannot read the configuration file (No such file or directory)"
    ]


def test_missing_environment_secret_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unset variable is reported with the key that names it."""
    monkeypatch.delenv("HPSYNC_T_KEY")
    problems = check_config(write(tmp_path, BASE + ACCOUNT))
    assert problems == ["accounts[0].api_key: environment variable HPSYNC_T_KEY is not set"]


def test_empty_secret_and_unreadable_secret_file_are_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty variable and a missing secret file are both reported where they are named."""
    monkeypatch.setenv("HPSYNC_T_KEY", "")
    text = BASE + ACCOUNT + 'webhook_secret = "file:missing.key"'
    problems = check_config(write(tmp_path, text))
    assert problems[0] == "accounts[0].api_key: env:HPSYNC_T_KEY is empty"
    assert problems[1].startswith(
        f"accounts[0].webhook_secret: cannot read secret file {tmp_path / 'missing.key'}"
    )
    assert len(problems) == 2


def test_short_dashboard_token_is_refused(tmp_path: Path) -> None:
    """A dashboard token shorter than 12 characters is a problem (hpsync serve refuses it)."""
    text = BASE + ACCOUNT + '[dashboard]\ntoken = "env:HPSYNC_T_HP"'
    assert check_config(write(tmp_path, text)) == [
        "dashboard.token: must be at least 12 characters long"
    ]


def test_relative_secret_file_and_sqlite_path_follow_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative file: secrets and SQLite paths are read next to the config, not the cwd."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "edusign.key").write_text("key-from-file-789\n", encoding="utf-8")
    text = (
        'state_url = "sqlite:///data/state.db"\n'
        + BASE
        + ACCOUNT.replace("env:HPSYNC_T_KEY", "file:edusign.key")
    )
    path = write(tmp_path / "conf", text)
    monkeypatch.chdir(tmp_path)
    config = load_config(path)
    assert config.state_url == f"sqlite:///{tmp_path.resolve() / 'conf' / 'data' / 'state.db'}"
    assert config.accounts[0].api_key.resolve("k").reveal() == "key-from-file-789"
    assert check_config(path) == []


def test_defaults_fill_a_minimal_file(tmp_path: Path) -> None:
    """A minimal file gets the documented defaults, and base_id comes from the URL path."""
    config = load_config(write(tmp_path, BASE.replace("/hpsw", "/hpsw/2025-2026") + ACCOUNT))
    account = config.accounts[0]
    assert config.hyperplanning.base_id == "hpsw-2025-2026"
    assert config.state_url == f"sqlite:///{tmp_path.resolve() / 'hpsync-state.db'}"
    assert (config.timezone, config.log_format) == ("Europe/Paris", "text")
    assert (account.api, account.url, account.v3_url) == ("v3", "https://ext.edusign.fr", None)
    assert (account.room.mode, account.trainerless.mode) == ("name", "skip")
    assert (account.attendance.final.mode, account.guards.max_removal_share) == ("locked", 0.2)
    assert config.account_zone(account) == "Europe/Paris"


def test_default_base_id_matches_the_hyperplanning_client() -> None:
    """The config's default base id is the one the SOAP client would derive itself."""
    from hpsync.hyperplanning import default_base_id as client_rule

    for url in ("https://hp.example.org/hpsw/2025-2026/", "http://h:8080", "http://h/A_b/c.d"):
        assert default_base_id(url) == client_rule(url)


def test_policies_are_typed_values(tmp_path: Path) -> None:
    """Room, trainer-less and final policies come out as small typed values."""
    text = (
        BASE
        + ACCOUNT
        + 'room = { fixed = "Salle NFC" }\n'
        + 'trainerless = { fictitious_trainer = "planning@ecole.test" }\n'
        + "[accounts.attendance]\nfinal = { hours_after_end = 24 }\nsince = 2025-09-01\n"
    )
    account = load_config(write(tmp_path, text)).accounts[0]
    assert (account.room.mode, account.room.fixed_name) == ("fixed", "Salle NFC")
    assert (account.trainerless.mode, account.trainerless.email) == (
        "fictitious",
        "planning@ecole.test",
    )
    assert (account.attendance.final.mode, account.attendance.final.hours) == (
        "hours_after_end",
        24.0,
    )
    assert str(account.attendance.since) == "2025-09-01"


def test_config_is_frozen(tmp_path: Path) -> None:
    """A loaded configuration cannot be changed by accident."""
    config = load_config(write(tmp_path, BASE + ACCOUNT))
    with pytest.raises(pydantic.ValidationError):
        config.accounts[0].tutors = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (BASE + ACCOUNT.replace('"env:HPSYNC_T_KEY"', '"sk_live_TOPSECRET"'), "TOPSECRET"),
        (BASE.replace("http://", "https://ws:TOPSECRET@") + ACCOUNT, "TOPSECRET"),
        ('state_url = "postgresql+psycopg://u:TOPSECRET@db/x"\n' + BASE + ACCOUNT, "TOPSECRET"),
        (BASE + ACCOUNT + "[smtp]\npassword = 12345678", "12345678"),
    ],
)
def test_inline_secret_is_refused_without_echoing_it(
    tmp_path: Path, text: str, secret: str
) -> None:
    """A secret written in the file is refused, and no message repeats it."""
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert info.value.problems
    assert secret not in str(info.value) and secret not in repr(info.value.problems)


@settings(max_examples=40, deadline=None)
@given(secret=st.text(alphabet=string.ascii_letters + string.digits + "_-.+", min_size=8))
def test_no_message_ever_repeats_an_inline_secret(secret: str) -> None:
    """Whatever is typed where a secret or a URL belongs, the problems never quote it."""
    text = (
        f'state_url = "postgresql://u:{secret}@db/x"\n'
        + BASE.replace('"env:HPSYNC_T_HP"', f'"{secret}"').replace("http://", f"http://w:{secret}@")
        + ACCOUNT.replace('"env:HPSYNC_T_KEY"', f'"{secret}"')
        + f'webhook_secret = "env:{secret}!"\n'
    )
    problems = problems_of(tomllib.loads(text))[1]
    assert len(problems) == 5
    assert not any(secret in problem for problem in problems)
