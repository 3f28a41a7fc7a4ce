"""Secret references and the redaction list.

A secret is configured by reference (``env:NAME`` or ``file:/path``), resolved once into a
:class:`Secret` whose ``str``/``repr`` never show the value, and registered so that
``redact`` can scrub it from any text that leaves the process (logs, reports, errors).
"""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

from hpsync.errors import UsageError

_MASK = "***"
_lock = threading.Lock()
_known: set[str] = set()


class Secret:
    """An opaque secret value: ``reveal()`` is the only way to read it."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str = "inline") -> None:
        self._value = value
        self.source = source
        register(value)

    def reveal(self) -> str:
        """The clear value, for the one place that needs it (an auth header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret(source={self.source!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


def _encodings(value: str) -> set[str]:
    """The forms a secret takes on the wire or in a URL: as is, URL-encoded, base64 (with
    and without padding) — a server echoing a request shows it in one of them."""
    raw = value.encode()
    b64 = base64.b64encode(raw).decode()
    return {
        value,
        quote(value, safe=""),
        quote_plus(value),
        b64,
        b64.rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


def register(value: str) -> None:
    """Remember a value, in every encoding, so that ``redact`` masks it; short values are
    ignored as noise."""
    if value and len(value) >= 4:
        with _lock:
            _known.update(v for v in _encodings(value) if len(v) >= 4)


def register_basic(user: str, password: str) -> None:
    """Also mask HTTP Basic credentials as sent: base64 of ``user:password``."""
    register(password)
    register(f"{user}:{password}")


def redact(text: str) -> str:
    """Replace every registered secret in ``text`` by ``***`` (longest first)."""
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, _MASK)
    return text


def resolve(reference: str, *, where: str) -> Secret:
    """Resolve ``env:NAME`` or ``file:PATH`` into a Secret; errors name ``where`` to fix."""
    kind, _, target = reference.partition(":")
    if kind == "env" and target:
        value = os.environ.get(target)
        if value is None:
            raise UsageError(
                f"environment variable {target} is not set",
                record=where,
                hint=f"export {target}=... before running hpsync",
            )
        return Secret(value, source=f"env:{target}")
    if kind == "file" and target:
        path = Path(target).expanduser()
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(
                f"cannot read secret file {path} ({exc.strerror})",
                record=where,
                hint="check the path and that the file is readable by this user",
            ) from None
        return Secret(value, source=f"file:{path}")
    raise UsageError(
        "a secret must be given by reference (env:NAME or file:PATH), not inline",
        record=where,
        hint='write e.g. password = "env:HP_PASSWORD" or api_key = "file:/etc/hpsync/key"',
    )
