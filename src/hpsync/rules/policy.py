"""What one account asks for, as plain data the rules read (built from the config)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Couple:
    """A family/rubric couple, matched by label (case and spacing insensitive)."""

    family: str
    rubric: str

    def __str__(self) -> str:
        return f"{self.family}/{self.rubric}"


class RoomMode(enum.StrEnum):
    NAME = "name"
    CODE = "code"
    FIXED = "fixed"


class TrainerlessMode(enum.StrEnum):
    SKIP = "skip"
    FICTITIOUS = "fictitious"


@dataclass(frozen=True, slots=True)
class AccountRules:
    """The selection and mapping choices of one Edusign account."""

    account: str
    learner_couples: tuple[Couple, ...] = ()
    course_include: tuple[Couple, ...] = ()
    course_exclude: tuple[Couple, ...] = ()
    tag_families: tuple[str, ...] = ()
    tutors: bool = False
    exemptions: bool = True
    room_mode: RoomMode = RoomMode.NAME
    fixed_room: str = ""
    trainerless: TrainerlessMode = TrainerlessMode.SKIP
    fictitious_email: str = ""
    adopt_sessions: bool = False  # take over matching sessions made by hand / another tool


def norm(label: str) -> str:
    """Normalise a label for matching: case-folded, inner spaces collapsed."""
    return " ".join(label.split()).casefold()
