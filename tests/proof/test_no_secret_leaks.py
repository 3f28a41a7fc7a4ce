"""Recognisable test secrets never show in output, exception text or repr on real code paths.

Config loading, the Edusign and Hyperplanning clients failing against stubs that echo the
credentials back, the logging setup in both formats and ``hpsync config check`` all run
with secrets that are easy to spot; every captured text is searched for them.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import structlog
from typer.testing import CliRunner
from zeep.transports import Transport

from hpsync.cli import app
from hpsync.config import example_config, load_config
from hpsync.config.loader import secret_refs
from hpsync.edusign import EdusignClient, RetryPolicy
from hpsync.errors import HpsyncError
from hpsync.hyperplanning import HyperplanningClient
from hpsync.logging import configure_logging, get_logger
from hpsync.secrets import Secret

HP_PASSWORD = "Pr00f-HP-passw0rd-4242"
EDUSIGN_KEY = "pr00f-edusign-api-key-4242"
WEBHOOK = "pr00f-webhook-secret-4242"
INLINE = "Pr00f-inline-secret-4242"
SECRETS = (HP_PASSWORD, EDUSIGN_KEY, WEBHOOK, INLINE)


def assert_clean(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text), f"{secret} leaked in {str(text)[:200]!r}"


def exception_texts(exc: BaseException) -> list[str]:
    """str, repr, hint and record of an exception and its chained causes."""
    out: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        out += [str(current), repr(current), str(current.args)]
        if isinstance(current, HpsyncError):
            out += [current.hint, current.record, current.message]
        current = current.__cause__ or current.__context__
    return out


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HP_PASSWORD", HP_PASSWORD)
    monkeypatch.setenv("EDUSIGN_KEY_NORD", EDUSIGN_KEY)
    monkeypatch.setenv("EDUSIGN_SECRET_NORD", WEBHOOK)
    for name in ("EDUSIGN_KEY_SUD", "EDUSIGN_SECRET_SUD", "SMTP_PASSWORD", "HPSYNC_TOKEN"):
        monkeypatch.setenv(name, WEBHOOK + name)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger and structlog back as they were (no effect on other tests)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    config = structlog.get_config()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


def test_loaded_configuration_never_shows_its_secrets(env: None, tmp_path: Path) -> None:
    """A configuration with env secrets keeps them out of its repr and of each reference."""
    path = tmp_path / "hpsync.toml"
    path.write_text(example_config(), encoding="utf-8")
    config = load_config(path)
    resolved = [ref.resolve(where) for where, ref in secret_refs(config)]
    assert any(s.reveal() == EDUSIGN_KEY for s in resolved)
    assert_clean(repr(config), str(config), config.model_dump(), *map(repr, resolved))


def echoing_edusign(status: int) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=f"denied: {request.headers.get('Authorization')}")

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("status", [400, 401, 418, 500])
def test_edusign_errors_never_show_the_api_key(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """An Edusign refusal that echoes the Authorization header keeps the key out of the error."""
    client = EdusignClient(
        "https://edusign.test",
        Secret(EDUSIGN_KEY, source="env:EDUSIGN_KEY_NORD"),
        api="v1",
        transport=echoing_edusign(status),
        sleep=lambda _s: None,
        retry=RetryPolicy(sleep=lambda _s: None),
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(HpsyncError) as info:
        client.list_students()
    assert_clean(*exception_texts(info.value), repr(client), caplog.text)


class EchoAdapter(requests.adapters.BaseAdapter):
    """A requests adapter answering every call with a status and the decoded credentials."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status

    def send(self, request: requests.PreparedRequest, **_kw: Any) -> requests.Response:
        header = str(request.headers.get("Authorization", ""))
        decoded = base64.b64decode(header.removeprefix("Basic ")).decode() if header else ""
        response = requests.Response()
        response.status_code = self.status
        response._content = f"<html>refused {header} {decoded}</html>".encode()
        response.headers["Content-Type"] = "text/html"
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.mark.parametrize("status", [401, 500])
def test_hyperplanning_errors_never_show_the_password(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A Service Web refusal that echoes the credentials keeps the password out of the error."""
    session = requests.Session()
    session.mount("https://", EchoAdapter(status))
    client = HyperplanningClient(
        "https://planning.test/hpsw",
        "ws-hpsync",
        Secret(HP_PASSWORD, source="env:HP_PASSWORD"),
        timezone="Europe/Paris",
        retries=0,
        transport=Transport(session=session),
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(HpsyncError) as info:
        client.base_info()
    assert_clean(*exception_texts(info.value), repr(client), caplog.text)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_log_lines_never_show_a_secret(fmt: str, restored_logging: None) -> None:
    """Secrets in event fields, messages and tracebacks are masked in both log formats."""
    Secret(EDUSIGN_KEY)
    stream = io.StringIO()
    configure_logging(fmt, "debug", stream)
    get_logger("hpsync.proof").info("login", key=EDUSIGN_KEY, header=f"Bearer {EDUSIGN_KEY}")
    logging.getLogger("httpx").warning("sent Authorization: Bearer %s", EDUSIGN_KEY)
    try:
        raise RuntimeError(f"refused key {EDUSIGN_KEY}")
    except RuntimeError:
        get_logger("hpsync.proof").exception("boom")
    text = stream.getvalue()
    assert text.count("\n") >= 3 and "***" in text
    assert_clean(text)


def test_config_check_never_echoes_an_inline_secret(env: None, tmp_path: Path) -> None:
    """`hpsync config check` on a file with an inline password reports it without showing it."""
    path = tmp_path / "hpsync.toml"
    text = example_config().replace('password = "env:HP_PASSWORD"', f'password = "{INLINE}"', 1)
    assert INLINE in text
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "check", str(path)])
    assert result.exit_code == 2
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "hyperplanning.password" in output
    assert_clean(output, repr(result.exception))
