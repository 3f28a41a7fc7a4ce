"""Logging: one line per event, run and account bound, and never a registered secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from hpsync.errors import UsageError
from hpsync.logging import bind_run, configure_logging, get_logger
from hpsync.secrets import Secret

# a quote and a backslash: JSON escapes them, so masking only the rendered line would miss it
TRICKY = 'tr"ic\\ky-secret-0042'


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _capture(fmt: str) -> io.StringIO:
    out = io.StringIO()
    configure_logging(fmt, "debug", out)
    return out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secret_never_appears_in_fields_messages_or_tracebacks(fmt: str) -> None:
    """A registered secret logged in a field, a nested field and an exception comes out masked."""
    Secret(TRICKY)
    out = _capture(fmt)
    log = get_logger("hpsync.test")
    log.info("calling", header=f"Bearer {TRICKY}", nested={"keys": [TRICKY]})
    try:
        raise RuntimeError(f"refused {TRICKY}")
    except RuntimeError:
        log.exception("failed")
    logging.getLogger("httpx").warning("GET with %s", TRICKY)
    text = out.getvalue()
    assert "ic\\ky-secret" not in text and "ic\\\\ky-secret" not in text
    assert "secret-0042" not in text
    lines = text.splitlines()
    assert len(lines) == 3
    if fmt == "json":
        events = [json.loads(line) for line in lines]
        assert events[0]["header"] == "Bearer ***" and events[0]["nested"] == {"keys": ["***"]}
        assert "refused ***" in events[1]["exception"]
        assert events[2]["event"] == "GET with ***"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_one_line_per_event_with_run_and_account(fmt: str) -> None:
    """A multi-line message stays on one line, and bind_run tags every event in its block."""
    out = _capture(fmt)
    log = get_logger("hpsync.test")
    with bind_run("r-12", "nord"):
        log.warning("first\nsecond", count=2)
    log.warning("outside")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    if fmt == "json":
        inside, outside = (json.loads(line) for line in lines)
        assert (inside["run_id"], inside["account"], inside["event"]) == (
            "r-12",
            "nord",
            "first\nsecond",
        )
        assert "run_id" not in outside and outside["level"] == "warning"
    else:
        assert "run_id='r-12'" in lines[0] and "account='nord'" in lines[0]
        assert "run_id" not in lines[1]


def test_objects_that_leak_a_secret_through_repr_are_masked() -> None:
    """An object whose repr holds a secret is rendered masked; other objects keep their repr."""

    class Leaky:
        def __repr__(self) -> str:
            return f"Leaky({TRICKY})"

    Secret(TRICKY)
    out = _capture("text")
    get_logger("hpsync.test").info("objects", leaky=Leaky(), plain=(1, 2))
    line = out.getvalue()
    assert "secret-0042" not in line and "Leaky(***)" in line and "plain=[1, 2]" in line


def test_level_filters_and_bad_settings_are_usage_errors() -> None:
    """Below-level events are dropped; an unknown level or format is a UsageError."""
    out = io.StringIO()
    configure_logging("json", "warning", out)
    get_logger("hpsync.test").info("hidden")
    assert out.getvalue() == ""
    with pytest.raises(UsageError, match="unknown log level"):
        configure_logging("json", "loud", out)
    with pytest.raises(UsageError, match="unknown log format"):
        configure_logging("xml", "info", out)


def test_secrets_are_masked_in_every_encoding_a_server_may_echo() -> None:
    """A server echoing the Authorization header shows base64("user:password"); a URL
    shows the password percent-encoded: both are masked like the plain value."""
    import base64
    from urllib.parse import quote

    from hpsync.secrets import redact, register_basic

    password = "p@ss w0rd/é+"
    register_basic("ws-user", password)
    basic = base64.b64encode(f"ws-user:{password}".encode()).decode()
    echoed = f"Authorization: Basic {basic}; url=https://h/?pw={quote(password, safe='')}"
    masked = redact(echoed)
    assert basic not in masked and quote(password, safe="") not in masked
    assert password not in redact(f"plain {password}")
    assert masked.startswith("Authorization: Basic ***")
