"""Secrets: resolved by reference, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpsync.errors import UsageError
from hpsync.secrets import Secret, redact, resolve


def test_secret_never_shows_its_value() -> None:
    """str and repr of a Secret name its source, not its value."""
    secret = Secret("s3cr3t-value-123", source="env:X")
    assert "s3cr3t" not in str(secret)
    assert "s3cr3t" not in repr(secret)
    assert secret.reveal() == "s3cr3t-value-123"


def test_redact_masks_every_registered_secret() -> None:
    """Any text mentioning a secret value comes out masked."""
    Secret("tok-abcdef-987")
    assert redact("Bearer tok-abcdef-987 failed") == "Bearer *** failed"


def test_resolve_from_env_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """env:NAME and file:PATH both resolve, file content stripped."""
    monkeypatch.setenv("HPSYNC_T_KEY", "from-env-1")
    assert resolve("env:HPSYNC_T_KEY", where="x").reveal() == "from-env-1"
    path = tmp_path / "k"
    path.write_text("from-file-2\n")
    assert resolve(f"file:{path}", where="x").reveal() == "from-file-2"


def test_missing_env_secret_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing variable is a usage error telling which one to export."""
    monkeypatch.delenv("HPSYNC_NOPE", raising=False)
    with pytest.raises(UsageError, match="HPSYNC_NOPE") as info:
        resolve("env:HPSYNC_NOPE", where="accounts[0].api_key")
    assert info.value.record == "accounts[0].api_key"


def test_inline_secret_reference_is_refused_without_echoing_it() -> None:
    """An inline value is refused and the error does not repeat the value."""
    with pytest.raises(UsageError) as info:
        resolve("plaintextpassword", where="hyperplanning.password")
    assert "plaintextpassword" not in str(info.value)
