"""Validated scalar values of the configuration: secret references, URLs, zones, e-mails.

Validators raise ``ValueError`` with a short *code* (e.g. ``SECRET_INLINE``) that
``hpsync.config.messages`` turns into the user's message: the rejected value is never
part of the error, so a secret typed in the wrong place cannot be echoed back.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, GetCoreSchemaHandler, ValidationInfo
from pydantic_core import core_schema

from hpsync.secrets import Secret, resolve

_REF = re.compile(r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S.*)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
NAME = re.compile(r"^[a-z0-9_-]+$")


class SecretRef(str):
    """A reference to a secret (``env:NAME`` or ``file:PATH``), never the secret itself."""

    __slots__ = ()

    def resolve(self, where: str) -> Secret:
        """Read the secret it points to; UsageError naming ``where`` when it cannot."""
        return resolve(str(self), where=where)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())


def folder_of(info: ValidationInfo) -> Path | None:
    """The configuration file's folder, passed as validation context by the loader."""
    context = info.context
    folder = context.get("folder") if isinstance(context, dict) else None
    return folder if isinstance(folder, Path) else None


def _secret_ref(value: Any, info: ValidationInfo) -> SecretRef:
    if not isinstance(value, str):
        raise ValueError("SECRET_INLINE")
    if not _REF.match(value):
        if value.startswith(("env:", "file:")):
            raise ValueError("BAD_SECRET_REF")
        raise ValueError("SECRET_INLINE")
    folder = folder_of(info)
    if value.startswith("file:") and folder is not None:
        path = Path(value.removeprefix("file:")).expanduser()
        if not path.is_absolute():
            return SecretRef(f"file:{(folder / path).resolve()}")
    return SecretRef(value)


def http_url(value: Any) -> str:
    """An http(s) URL with a host, no credentials, no query: the base of an API."""
    if not isinstance(value, str) or re.search(r"\s", value):
        raise ValueError("NOT_HTTP_URL")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValueError("NOT_HTTP_URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("NOT_HTTP_URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("URL_CREDENTIALS")
    if parts.query or parts.fragment:
        raise ValueError("URL_QUERY")
    return value.rstrip("/")


def _zone(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("BAD_ZONE")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("BAD_ZONE") from None
    return value


def email(value: Any) -> str:
    """A plausible e-mail address (the servers will have the last word)."""
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise ValueError("BAD_EMAIL")
    return value.strip()


def state_url(value: Any, info: ValidationInfo) -> str:
    """SQLite (relative paths anchored at the config's folder) or PostgreSQL, no password."""
    if not isinstance(value, str):
        raise ValueError("BAD_STATE_URL")
    if value.startswith("sqlite://"):
        rest = value.removeprefix("sqlite:///")
        folder = folder_of(info)
        if value.startswith("sqlite:///") and rest and rest != ":memory:" and folder is not None:
            path = Path(rest).expanduser()
            if not path.is_absolute():
                return f"sqlite:///{(folder / path).resolve()}"
        return value
    if re.match(r"^postgresql(\+[a-z0-9]+)?://", value):
        try:
            password = urlsplit(value).password
        except ValueError:
            raise ValueError("BAD_STATE_URL") from None
        if password:
            raise ValueError("STATE_PASSWORD")
        return value
    raise ValueError("BAD_STATE_URL")


def quiet_hours(value: Any) -> str:
    """``"HH:MM-HH:MM"`` with two valid times (the span may cross midnight)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}-\d{2}:\d{2}", value):
        raise ValueError("BAD_QUIET_HOURS")
    try:
        for part in value.split("-"):
            time.fromisoformat(part)
    except ValueError:
        raise ValueError("BAD_QUIET_HOURS") from None
    return value


def default_base_id(url: str) -> str:
    """A slug of the URL's path, e.g. ``…/hpsw/2025-2026`` → ``hpsw-2025-2026``.

    The same rule as ``hpsync.hyperplanning.default_base_id`` (a test keeps them equal);
    repeated here so that reading a configuration does not import the SOAP stack.
    """
    path = re.sub(r"^[a-z]+://[^/]+", "", url.rstrip("/"))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()
    return slug or "hpsw"


SecretField = Annotated[SecretRef, BeforeValidator(_secret_ref)]
HttpUrl = Annotated[str, BeforeValidator(http_url)]
Zone = Annotated[str, BeforeValidator(_zone)]
Email = Annotated[str, BeforeValidator(email)]
StateUrl = Annotated[str, BeforeValidator(state_url)]
QuietHours = Annotated[str, BeforeValidator(quiet_hours)]
Day = Annotated[date, Field(strict=False)]  # a TOML date (2025-09-01) or the same in quotes
