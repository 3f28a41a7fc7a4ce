"""Decisions and anomalies: the vocabulary the rules use to explain themselves."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a record was kept or dropped for an account: the rule and its detail."""

    kept: bool
    rule: str
    detail: str

    def __str__(self) -> str:
        verb = "kept" if self.kept else "dropped"
        return f"{verb} by rule {self.rule}: {self.detail}"


class AnomalyCode(enum.StrEnum):
    """Problems in the source data that the school should fix in Hyperplanning."""

    FAMILY_NOT_FOUND = "family_not_found"
    RUBRIC_NOT_FOUND = "rubric_not_found"
    LEARNER_WITHOUT_RUBRIC = "learner_without_rubric"
    LEARNER_NO_EMAIL = "learner_no_email"
    LEARNER_INVALID_EMAIL = "learner_invalid_email"
    LEARNER_DUPLICATE_EMAIL = "learner_duplicate_email"
    TRAINER_NO_EMAIL = "trainer_no_email"
    TRAINER_INVALID_EMAIL = "trainer_invalid_email"
    TRAINER_DUPLICATE_EMAIL = "trainer_duplicate_email"
    TUTOR_NO_EMAIL = "tutor_no_email"
    SESSION_NO_TRAINER = "session_no_trainer"
    SESSION_BAD_TIMES = "session_bad_times"
    SESSION_NO_LEARNERS = "session_no_learners"
    ROOM_WITHOUT_CODE = "room_without_code"
    UNKNOWN_REFERENCE = "unknown_reference"
    RECORD_INCOMPLETE = "record_incomplete"


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One problem on one Hyperplanning record, with what it blocks and how to fix it."""

    code: AnomalyCode
    kind: str  # learner, trainer, tutor, session, room, config
    key: str  # the Hyperplanning key (or the config location for config problems)
    label: str  # a human name for the record
    message: str
    blocks: int = 0  # sessions affected (filled when known)

    def render(self) -> str:
        """One line a school administrator can act on."""
        tail = f" (affects {self.blocks} session(s))" if self.blocks else ""
        return f"[{self.code}] {self.kind} {self.key} {self.label}: {self.message}{tail}"
