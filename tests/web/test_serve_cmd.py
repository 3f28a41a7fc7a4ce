"""``hpsync serve``: token from the environment, checked before anything is served."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hpsync.cli import app
from hpsync.commands.serve_cmd import check_token, known_accounts
from hpsync.errors import UsageError
from hpsync.secrets import Secret

from .fakes import FakeStore
from .school import StepClock, fill


def test_serve_refuses_a_missing_token_variable(tmp_path: Path) -> None:
    """Naming an unset variable is a usage error that says which variable to export."""
    result = CliRunner().invoke(
        app,
        ["serve", "--state-url", f"sqlite:///{tmp_path}/s.db", "--token-env", "NO_SUCH_VAR_X"],
        env={"NO_SUCH_VAR_X": None},
    )
    assert isinstance(result.exception, UsageError)
    assert "NO_SUCH_VAR_X" in str(result.exception)


def test_serve_refuses_a_short_token(tmp_path: Path) -> None:
    """A guessable token (under 12 characters) is refused before the store is opened."""
    result = CliRunner().invoke(
        app,
        ["serve", "--state-url", f"sqlite:///{tmp_path}/s.db", "--token-env", "DASH_T"],
        env={"DASH_T": "short"},
    )
    assert isinstance(result.exception, UsageError)
    assert "shorter than 12" in str(result.exception)
    assert "short" not in str(result.exception).replace("shorter", "")
    assert not (tmp_path / "s.db").exists()


def test_check_token_accepts_a_long_token() -> None:
    """A long random token passes the check."""
    check_token(Secret("x" * 24))
    with pytest.raises(UsageError):
        check_token(Secret("x" * 11))


def test_known_accounts_come_from_the_runs() -> None:
    """Without --account, the accounts shown are those the store has runs for."""
    store = FakeStore(StepClock())
    fill(store)
    assert known_accounts(store) == ["lyon", "paris"]
