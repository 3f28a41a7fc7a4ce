"""Fixtures for the alerts suite: the state store on both back-ends (from the state suite),
a real local SMTP server (aiosmtpd) on a free port, and marks for a few learners.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from state.conftest import FakeClock, clock, postgres_database, store, store_url

__all__ = ["FakeClock", "SmtpServer", "clock", "postgres_database", "store", "store_url"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def _refuse(*_args: Any) -> AuthResult:
    return AuthResult(success=False, handled=False)


class SmtpServer:
    """A local SMTP server the test can stop and start again on the same port."""

    def __init__(self, *, refuse_auth: bool = False) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self.refuse_auth = refuse_auth
        self._controller: Controller | None = None

    def start(self) -> None:
        extra: dict[str, Any] = {}
        if self.refuse_auth:
            extra = {"authenticator": _refuse, "auth_require_tls": False}
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **extra)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running local SMTP server that keeps every message it accepts."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
