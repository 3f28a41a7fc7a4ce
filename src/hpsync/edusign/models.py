"""Records read from Edusign: pydantic at the wire edge, frozen, snake_case names.

Each model maps Edusign's own field names (``FIRSTNAME``, ``API_ID``, ``studentId``…) to
snake_case attributes through aliases; unknown fields are ignored so a new server field
never breaks a sync. Datetimes come back as aware UTC datetimes (a naive value is read
as UTC, reference §13).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hpsync.errors import TargetError


def _utc(value: Any) -> Any:
    """Empty → None; naive ISO datetimes → UTC (Edusign stores UTC, §13)."""
    if value in ("", None):
        return None
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _str_list(value: Any) -> Any:
    """A single id or None where a list is expected (older API forms, §15) → list."""
    if value in (None, ""):
        return []
    if isinstance(value, str | int):
        return [str(value)]
    return value


def _text(value: Any) -> Any:
    """None → "" and numbers → str (``API_ID`` may come back as a number, §6)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _flag(value: Any) -> Any:
    """Edusign booleans come as true/false, 0/1 or null."""
    return bool(value) if value is not None else False


UtcDatetime = Annotated[datetime | None, BeforeValidator(_utc)]
StrList = Annotated[list[str], BeforeValidator(_str_list)]
Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Parse one wire record; an answer of the wrong shape is a TargetError, not a crash."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise TargetError(
                f"Edusign answered a {cls.__name__.lower()} of an unexpected shape "
                f"({exc.error_count()} problem(s), e.g. {exc.errors()[0]['msg']})",
                hint="is base_url an Edusign API? if so, report the answer to hpsync",
            ) from None


def _id_field() -> Any:
    return Field(validation_alias=AliasChoices("ID", "id", "_id"))


class AbsenceReason(_Record):
    """A reason a justified absence can carry (``absence-reason`` / school ``ABSENCES_TYPE``)."""

    id: str = _id_field()
    name: Text = Field(default="", validation_alias=AliasChoices("NAME", "name"))


class School(_Record):
    """The school (account) a key belongs to: ``GET /v1/school``."""

    id: str = _id_field()
    name: Text = Field(default="", alias="NAME")
    timezone: Text = Field(default="", alias="TIMEZONE")
    language: Text = Field(default="", alias="LANGUAGE")
    absences_type: list[AbsenceReason] = Field(default_factory=list, alias="ABSENCES_TYPE")


class Student(_Record):
    """A learner as Edusign stores it."""

    id: str = _id_field()
    first_name: Text = Field(default="", alias="FIRSTNAME")
    last_name: Text = Field(default="", alias="LASTNAME")
    email: Text = Field(default="", alias="EMAIL")
    api_id: Text = Field(default="", alias="API_ID")
    api_type: Text = Field(default="", alias="API_TYPE")
    tags: StrList = Field(default_factory=list, alias="TAGS")
    groups: StrList = Field(default_factory=list, alias="GROUPS")
    student_follower_id: StrList = Field(default_factory=list, alias="STUDENT_FOLLOWER_ID")
    file_number: Text = Field(default="", alias="FILE_NUMBER")
    company: Text = Field(default="", alias="COMPANY")
    hidden: Flag = Field(default=False, alias="HIDDEN")
    date_updated: UtcDatetime = Field(default=None, alias="DATE_UPDATED")


class Professor(_Record):
    """A trainer as Edusign stores it."""

    id: str = _id_field()
    first_name: Text = Field(default="", alias="FIRSTNAME")
    last_name: Text = Field(default="", alias="LASTNAME")
    email: Text = Field(default="", alias="EMAIL")
    api_id: Text = Field(default="", alias="API_ID")
    api_type: Text = Field(default="", alias="API_TYPE")
    tags: StrList = Field(default_factory=list, alias="TAGS")
    speciality: Text = Field(default="", alias="SPECIALITY")
    hidden: Flag = Field(default=False, alias="HIDDEN")
    date_updated: UtcDatetime = Field(default=None, alias="DATE_UPDATED")


class Group(_Record):
    """A group of students; ``students`` is the membership (ids)."""

    id: str = _id_field()
    name: Text = Field(default="", alias="NAME")
    description: Text = Field(default="", alias="DESCRIPTION")
    students: StrList = Field(default_factory=list, alias="STUDENTS")
    parent: Text = Field(default="", alias="PARENT")
    api_id: Text = Field(default="", alias="API_ID")
    api_type: Text = Field(default="", alias="API_TYPE")
    hidden: Flag = Field(default=False, alias="HIDDEN")


class AttendanceRecord(_Record):
    """One student's line on an attendance sheet (an item of ``course.STUDENTS``, §10).

    ``signature`` is the raw value (data URL or URL) or None; present ⇔ signed.
    """

    student_id: str = Field(alias="studentId")
    record_id: Text = Field(default="", alias="_id")
    state: Flag = False
    signature: Any = None
    timestamp: UtcDatetime = None
    delay: int = 0
    early_departure: UtcDatetime = Field(default=None, alias="earlyDeparture")
    excluded: UtcDatetime = None
    comment: Text = ""
    absence_id: str | None = Field(default=None, alias="absenceId")
    signature_email: dict[str, Any] | None = Field(default=None, alias="signatureEmail")


def _roster(value: Any) -> Any:
    """``STUDENTS`` items may be bare ids on some list forms; make them records."""
    if not isinstance(value, list):
        return []
    return [{"studentId": item} if isinstance(item, str) else item for item in value]


class Course(_Record):
    """An attendance sheet (one dated session) with its attendance records."""

    id: str = _id_field()
    name: Text = Field(default="", alias="NAME")
    description: Text = Field(default="", alias="DESCRIPTION")
    start: UtcDatetime = Field(default=None, alias="START")
    end: UtcDatetime = Field(default=None, alias="END")
    professor_ids: list[str] = Field(default_factory=list)
    classroom: Text = Field(default="", alias="CLASSROOM")
    school_group: StrList = Field(default_factory=list, alias="SCHOOL_GROUP")
    students: Annotated[list[AttendanceRecord], BeforeValidator(_roster)] = Field(
        default_factory=list, alias="STUDENTS"
    )
    locked: Flag = Field(default=False, alias="LOCKED")
    need_students_signature: Flag = Field(default=False, alias="NEED_STUDENTS_SIGNATURE")
    api_id: Text = Field(default="", alias="API_ID")
    api_type: Text = Field(default="", alias="API_TYPE")
    date_updated: UtcDatetime = Field(default=None, alias="DATE_UPDATED")

    @classmethod
    def from_wire(cls, raw: dict[str, Any]) -> Course:
        """Collect ``PROFESSOR``, ``PROFESSOR_2``… (any ``PROFESSOR(_n)``) in order."""
        if not isinstance(raw, dict):
            raise TargetError(
                f"Edusign answered a course of an unexpected shape ({type(raw).__name__})",
                hint="is base_url an Edusign API? if so, report the answer to hpsync",
            )
        numbered: list[tuple[int, str]] = []
        for key, value in raw.items():
            if not value or not key.startswith("PROFESSOR"):
                continue
            suffix = key[len("PROFESSOR") :]
            if suffix == "":
                numbered.append((1, str(value)))
            elif suffix.startswith("_") and suffix[1:].isdigit():
                numbered.append((int(suffix[1:]), str(value)))
        data = dict(raw)
        data["professor_ids"] = [pid for _, pid in sorted(numbered)]
        return cls.model_validate(data)


class JustifiedAbsence(_Record):
    """A justified absence: a period for one student, with a reason id (``TYPE``)."""

    id: str = _id_field()
    student_id: Text = Field(default="", alias="STUDENT_ID")
    type: Text = Field(default="", alias="TYPE")
    comment: Text = Field(default="", alias="COMMENT")
    file_url: Text = Field(default="", alias="FILE_URL")
    date_creation: UtcDatetime = Field(default=None, alias="DATE_CREATION")
    request_date: UtcDatetime = Field(default=None, alias="REQUEST_DATE")
    start: UtcDatetime = Field(default=None, alias="START")
    end: UtcDatetime = Field(default=None, alias="END")
    date_updated: UtcDatetime = Field(default=None, alias="DATE_UPDATED")

    def changed_at(self) -> datetime | None:
        """The latest instant the service says this justification was made or changed."""
        seen = [d for d in (self.date_creation, self.request_date, self.date_updated) if d]
        return max(seen) if seen else None


class BatchItemResult(_Record):
    """Outcome of one item of a batch upsert, at its position in the caller's list."""

    index: int
    ok: bool
    id: str | None = None
    external_id: str | None = None
    code: str | None = None
    message: str | None = None


class ClientStats(_Record):
    """What a client did: for reports and benchmarks."""

    requests: int = 0
    by_method: dict[str, int] = Field(default_factory=dict)
    by_route_class: dict[str, int] = Field(default_factory=dict)
    retries: int = 0
    throttle_waits: int = 0
    throttle_seconds: float = 0.0
    # When each request was sent: (seconds since the client was made, route class), the
    # latest TIMELINE_LIMIT only. Charts set it against the rate budget over time.
    timeline: tuple[tuple[float, str], ...] = ()
