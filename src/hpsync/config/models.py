"""The configuration as typed, frozen models (pydantic only at this edge).

Secrets are kept as references (``env:NAME`` / ``file:PATH``) and resolved only where
they are used, so a configuration can be printed, checked and compared safely.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from hpsync.secrets import Secret, resolve

_REF = re.compile(r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_NAME = re.compile(r"^[a-z0-9_-]+$")


class SecretRef(str):
    """A reference to a secret, never the secret itself."""

    __slots__ = ()

    def resolve(self, where: str) -> Secret:
        """Read the secret it points to; UsageError naming ``where`` when it cannot."""
        return resolve(str(self), where=where)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())


def _secret_ref(value: Any) -> SecretRef:
    if not isinstance(value, str) or not _REF.match(value):
        raise ValueError("SECRET_INLINE")
    return SecretRef(value)


def _url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("NOT_HTTP_URL")
    return value.rstrip("/")


def _zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("BAD_ZONE") from None
    return str(value)


SecretField = Annotated[SecretRef, BeforeValidator(_secret_ref)]
HttpUrl = Annotated[str, BeforeValidator(_url)]
Zone = Annotated[str, BeforeValidator(_zone)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoupleConfig(_Model):
    """A family/rubric couple, by label."""

    family: str = Field(min_length=1)
    rubric: str = Field(min_length=1)


class CoursesConfig(_Model):
    include: list[CoupleConfig] = Field(default_factory=list)
    exclude: list[CoupleConfig] = Field(default_factory=list)


class RoomPolicy(_Model):
    """``"name"`` (default), ``"code"``, or ``{ fixed = "..." }``."""

    mode: Literal["name", "code", "fixed"] = "name"
    fixed_name: str | None = None


def _room(value: Any) -> Any:
    if isinstance(value, RoomPolicy):
        return value
    if value in ("name", "code"):
        return {"mode": value}
    fixed = value.get("fixed") if isinstance(value, dict) and set(value) == {"fixed"} else None
    if isinstance(fixed, str) and fixed.strip():
        return {"mode": "fixed", "fixed_name": value["fixed"].strip()}
    raise ValueError("BAD_ROOM")


class TrainerlessPolicy(_Model):
    """``"skip"`` (default) or ``{ fictitious_trainer = "e-mail" }``."""

    mode: Literal["skip", "fictitious"] = "skip"
    email: str | None = None


def _trainerless(value: Any) -> Any:
    if isinstance(value, TrainerlessPolicy):
        return value
    if value == "skip":
        return {"mode": "skip"}
    if isinstance(value, dict) and set(value) == {"fictitious_trainer"}:
        email = value["fictitious_trainer"]
        if isinstance(email, str) and _EMAIL.match(email.strip()):
            return {"mode": "fictitious", "email": email.strip()}
        raise ValueError("BAD_FICTITIOUS_EMAIL")
    raise ValueError("BAD_TRAINERLESS")


class FinalPolicyConfig(_Model):
    """``"locked"`` (default) or ``{ hours_after_end = N }``."""

    mode: Literal["locked", "hours_after_end"] = "locked"
    hours: float = 0.0


def _final(value: Any) -> Any:
    if isinstance(value, FinalPolicyConfig):
        return value
    if value == "locked":
        return {"mode": "locked"}
    if isinstance(value, dict) and set(value) == {"hours_after_end"}:
        hours = value["hours_after_end"]
        if isinstance(hours, int | float) and not isinstance(hours, bool) and hours >= 0:
            return {"mode": "hours_after_end", "hours": float(hours)}
    raise ValueError("BAD_FINAL")


class GuardsConfig(_Model):
    max_removal_share: float = Field(default=0.2, ge=0.0, le=1.0)
    additions_only: bool = False


class AttendanceConfig(_Model):
    final: Annotated[FinalPolicyConfig, BeforeValidator(_final)] = FinalPolicyConfig()
    since: date | None = None


class AlertRuleConfig(_Model):
    """One smart-alert rule (see docs/config.md)."""

    name: str = Field(min_length=1)
    kind: Literal["absences", "late", "early_departures", "attendance_rate"]
    threshold: float = Field(gt=0)
    days: int = Field(default=30, gt=0, le=366)
    min_late_minutes: int = Field(default=0, ge=0)
    count_justified: bool = False
    notify: Literal["tutor", "school", "both"] = "tutor"


class AccountConfig(_Model):
    """One Edusign account and the rules that fill it."""

    name: str
    url: HttpUrl = "https://ext.edusign.fr"
    v3_url: HttpUrl | None = None
    api_key: SecretField
    api: Literal["v3", "v1"] = "v3"
    timezone: Zone | None = None
    learners: list[CoupleConfig] = Field(default_factory=list)
    courses: CoursesConfig = CoursesConfig()
    tag_families: list[str] = Field(default_factory=list)
    tutors: bool = False
    exemptions: bool = True
    room: Annotated[RoomPolicy, BeforeValidator(_room)] = RoomPolicy()
    trainerless: Annotated[TrainerlessPolicy, BeforeValidator(_trainerless)] = TrainerlessPolicy()
    webhook_secret: SecretField | None = None
    rate_scale: float = Field(default=1.0, gt=0)
    guards: GuardsConfig = GuardsConfig()
    attendance: AttendanceConfig = AttendanceConfig()
    alerts: list[AlertRuleConfig] = Field(default_factory=list)
    school_email: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("BAD_ACCOUNT_NAME")
        return value


class BaseConfig(_Model):
    """One Hyperplanning base (a previous one has the same fields)."""

    url: HttpUrl
    user: str = Field(min_length=1)
    password: SecretField
    base_id: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)

    @field_validator("base_id")
    @classmethod
    def _base_id(cls, value: str | None) -> str | None:
        if value is not None and (not value or ":" in value):
            raise ValueError("BAD_BASE_ID")
        return value


class HyperplanningConfig(BaseConfig):
    previous: list[BaseConfig] = Field(default_factory=list)


class DashboardConfig(_Model):
    token: SecretField


class SmtpConfig(_Model):
    host: str = "127.0.0.1"
    port: int = Field(default=25, gt=0, lt=65536)
    tls: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = None
    password: SecretField | None = None
    sender: str = "hpsync@localhost"


class Config(_Model):
    """A whole hpsync.toml."""

    state_url: str = "sqlite:///hpsync-state.db"
    timezone: Zone = "Europe/Paris"
    log_format: Literal["text", "json"] = "text"
    hyperplanning: HyperplanningConfig
    accounts: list[AccountConfig] = Field(min_length=1)
    dashboard: DashboardConfig | None = None
    smtp: SmtpConfig | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        seen: set[str] = set()
        for account in self.accounts:
            if account.name in seen:
                raise ValueError(f"DUPLICATE_ACCOUNT:{account.name}")
            seen.add(account.name)
        return self

    def account_zone(self, account: AccountConfig) -> str:
        return account.timezone or self.timezone
