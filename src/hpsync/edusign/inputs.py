"""What callers send to Edusign: plain frozen records, independent of the API version.

``api_id`` is our source identity (``hp:<base>:<kind>:<key>``), sent as ``API_ID`` (v1) or
``externalReferenceId`` (v3); ``api_type`` names the connector. ``bodies.py`` turns these
into wire bodies for either version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

API_TYPE = "hpsync"


@dataclass(frozen=True, slots=True)
class StudentInput:
    """A learner to create or update; ``groups`` are Edusign group ids."""

    first_name: str
    last_name: str
    email: str
    api_id: str = ""
    api_type: str = API_TYPE
    tags: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    follower_ids: tuple[str, ...] = ()  # tutors → STUDENT_FOLLOWER_ID
    file_number: str = ""
    company: str = ""

    def label(self) -> str:
        """How errors name this record."""
        return f"student {self.api_id or self.email}"


@dataclass(frozen=True, slots=True)
class ProfessorInput:
    """A trainer to create or update."""

    first_name: str
    last_name: str
    email: str
    api_id: str = ""
    api_type: str = API_TYPE
    tags: tuple[str, ...] = ()
    speciality: str = ""

    def label(self) -> str:
        """How errors name this record."""
        return f"professor {self.api_id or self.email}"


@dataclass(frozen=True, slots=True)
class GroupInput:
    """A group; ``student_ids`` replaces the membership on update (Edusign ids)."""

    name: str
    description: str = ""
    student_ids: tuple[str, ...] = ()
    api_id: str = ""
    api_type: str = API_TYPE

    def label(self) -> str:
        """How errors name this record."""
        return f"group {self.api_id or self.name}"


@dataclass(frozen=True, slots=True)
class CourseInput:
    """A course (one dated session). ``start``/``end`` must be timezone-aware.

    Trainers and learners are given by Edusign id (``professor_ids``, ``student_ids``) or by
    external id (``professor_api_ids``, ``student_api_ids``); v3 resolves external ids on
    the server, v1 resolves them through ``get-id`` lookups.
    """

    name: str
    start: datetime
    end: datetime
    description: str = ""
    professor_ids: tuple[str, ...] = ()
    professor_api_ids: tuple[str, ...] = ()
    classroom: str = ""
    classroom_id: str = ""  # the Edusign classroom of that name, when one exists
    student_ids: tuple[str, ...] = ()
    student_api_ids: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()
    need_students_signature: bool = True
    api_id: str = ""
    api_type: str = API_TYPE

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"course {self.api_id or self.name}: start/end must be aware")

    def label(self) -> str:
        """How errors name this record."""
        return f"course {self.api_id or self.name}"
