"""The configuration as typed, frozen models (pydantic only at this edge).

Secrets are kept as references (``env:NAME`` / ``file:PATH``) and resolved only where
they are used, so a configuration can be printed, checked and compared safely.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from hpsync.config.fields import (
    NAME,
    Day,
    Email,
    HttpUrl,
    QuietHours,
    SecretField,
    StateUrl,
    Zone,
    default_base_id,
    email,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


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
        try:
            return {"mode": "fictitious", "email": email(value["fictitious_trainer"])}
        except ValueError:
            raise ValueError("BAD_FICTITIOUS_EMAIL") from None
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


class KindGuardConfig(_Model):
    """Removal limits of one record kind: a share of what is held and/or a count."""

    max_removal_share: float | None = Field(default=None, ge=0.0, le=1.0)
    max_removals: int | None = Field(default=None, ge=0)


class ScheduleConfig(_Model):
    """How often the worker syncs an account, and when it must not (``"22:00-06:00"``)."""

    every_minutes: int = Field(default=15, gt=0)
    quiet_hours: QuietHours | None = None


class GuardsConfig(_Model):
    max_removal_share: float = Field(default=0.2, ge=0.0, le=1.0)
    additions_only: bool = False
    additions_only_until: Day | None = None
    learner: KindGuardConfig | None = None
    trainer: KindGuardConfig | None = None
    tutor: KindGuardConfig | None = None
    group: KindGuardConfig | None = None
    session: KindGuardConfig | None = None
    max_source_shrink: float = Field(default=0.3, ge=0.0, le=1.0)
    max_span_shrink_days: int = Field(default=14, ge=0)


class AttendanceConfig(_Model):
    final: Annotated[FinalPolicyConfig, BeforeValidator(_final)] = FinalPolicyConfig()
    since: Day | None = None
    motifs: dict[str, str] = Field(default_factory=dict)  # Edusign reason -> HP motif


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
    school_email: Email | None = None
    digest_to: list[Email] = Field(default_factory=list)
    schedule: ScheduleConfig | None = None
    adopt_existing_sessions: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("BAD_ACCOUNT_NAME")
        return value


class BaseConfig(_Model):
    """One Hyperplanning base (a previous one has the same fields)."""

    url: HttpUrl
    user: str = Field(min_length=1)
    password: SecretField
    base_id: str
    timeout_seconds: float = Field(default=30, gt=0)
    #: hpsync's operation name -> this server's, when a real Service Web differs
    operations: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_base_id(cls, data: Any) -> Any:
        """Without ``base_id``, the slug of the URL's path names the base (as the client does)."""
        if isinstance(data, dict) and "base_id" not in data and isinstance(data.get("url"), str):
            return {**data, "base_id": default_base_id(data["url"])}
        return data

    @field_validator("base_id")
    @classmethod
    def _base_id(cls, value: str) -> str:
        if not value or ":" in value or value != value.strip():
            raise ValueError("BAD_BASE_ID")
        return value


class HyperplanningConfig(BaseConfig):
    """The current base and the previous years' bases still owed attendance."""

    previous: list[BaseConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_base_ids(self) -> HyperplanningConfig:
        """Each base names its records ``hp:<base id>:…``: two bases must not share an id."""
        seen = {self.base_id}
        for index, base in enumerate(self.previous):
            if base.base_id in seen:
                raise ValueError(f"DUPLICATE_BASE_ID:{index}:{base.base_id}")
            seen.add(base.base_id)
        return self


MatchCriterion = Literal["identifier", "ine", "email"]


def _default_match() -> list[MatchCriterion]:
    return ["identifier", "ine", "email"]


class YearConfig(_Model):
    """The yearly change of base: how people are matched, and how many must match."""

    match: list[MatchCriterion] = Field(default_factory=_default_match, min_length=1)
    min_learners_matched: float = Field(default=0.25, ge=0.0, le=1.0)
    min_trainers_matched: float = Field(default=0.5, ge=0.0, le=1.0)


class DashboardConfig(_Model):
    token: SecretField


class SmtpConfig(_Model):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = Field(default=None, min_length=1)
    password: SecretField | None = None
    sender: Email = "hpsync@localhost"

    @model_validator(mode="after")
    def _auth_pair(self) -> SmtpConfig:
        """SMTP authentication needs both halves; one alone is surely a mistake."""
        if (self.user is None) != (self.password is None):
            raise ValueError("SMTP_AUTH")
        return self


class Config(_Model):
    """A whole hpsync.toml."""

    state_url: StateUrl = Field(default="sqlite:///hpsync-state.db", validate_default=True)
    timezone: Zone = "Europe/Paris"
    # What staff read (dashboard, HTML report, e-mails); a browser's Accept-Language
    # overrides it on the dashboard. The CLI and machine outputs stay English.
    language: Literal["fr", "en"] = "fr"
    log_format: Literal["text", "json"] = "text"
    hyperplanning: HyperplanningConfig
    accounts: list[AccountConfig] = Field(min_length=1)
    dashboard: DashboardConfig | None = None
    smtp: SmtpConfig | None = None
    retention_days: int = Field(default=90, gt=0)
    lease_seconds: int = Field(default=900, ge=2)
    # Hours between two whole reads of each account's sheets; the syncs in between read
    # only the sheets Edusign updated since, and those the planning changed (0: always all).
    full_read_hours: float = Field(default=24, ge=0)
    # Accounts read and plan side by side while the base has at most this many sessions;
    # above, one at a time (their writes still run side by side): an XL base's accounts
    # would otherwise hold their sheets in memory together. 0: always one at a time.
    side_by_side_sessions: int = Field(default=100_000, ge=0)
    year: YearConfig = YearConfig()

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        duplicates = duplicate_names([account.name for account in self.accounts])
        if duplicates:
            raise ValueError("DUPLICATE_ACCOUNT:" + "|".join(f"{i}:{n}" for i, n in duplicates))
        return self

    def account_zone(self, account: AccountConfig) -> str:
        """The account's time zone, or the base's when it has none of its own."""
        return account.timezone or self.timezone


def duplicate_names(names: list[object]) -> list[tuple[int, str]]:
    """``(index, name)`` of every account name already used by an earlier account."""
    seen: set[str] = set()
    out: list[tuple[int, str]] = []
    for index, name in enumerate(names):
        if isinstance(name, str):
            if name in seen:
                out.append((index, name))
            seen.add(name)
    return out
