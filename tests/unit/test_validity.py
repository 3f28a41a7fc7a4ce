"""The validity rules (src/hpsync/rules/validity.py), at their edges: what is fit for
Edusign and what is left out, with the anomaly code a school sees."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from hpsync.model import Learner, Session, Trainer
from hpsync.rules.outcome import AnomalyCode
from hpsync.rules.validity import (
    email_problem,
    learner_problem,
    session_times_problem,
    trainer_problem,
    unknown_rooms_and_trainers,
)
from hpsync.testing.builders import at, small_snapshot

FIRST_DAY = date(2026, 8, 31)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("a.b@ecole.fr", True),
        ("  A.B@Ecole.FR ", True),
        (None, False),
        ("   ", False),
        ("a.b@ecole", False),
        ("a b@ecole.fr", False),
        ("a@b@ecole.fr", False),
        ("a.b@ecole.fr; c@d.fr", False),
    ],
)
def test_an_email_is_usable_or_says_what_is_wrong(email: str | None, ok: bool) -> None:
    assert (email_problem(email) is None) is ok


def test_learners_each_keep_their_first_email_and_need_both_names() -> None:
    seen: Counter[str] = Counter()
    first = Learner(1, "Durand", "Lea", "lea@ecole.fr")
    twin = Learner(2, "Durand", "Leo", " LEA@ecole.fr ")
    nameless = Learner(3, " ", "Max", "max@ecole.fr")
    missing = Learner(4, "Petit", "Ana", None)
    assert learner_problem(first, seen) is None
    assert learner_problem(twin, seen) == (
        "e-mail lea@ecole.fr is already used by another learner",
        AnomalyCode.LEARNER_DUPLICATE_EMAIL,
    )
    assert learner_problem(nameless, seen) == (
        "first or last name is empty",
        AnomalyCode.RECORD_INCOMPLETE,
    )
    assert learner_problem(missing, seen) == ("no e-mail", AnomalyCode.LEARNER_NO_EMAIL)


def test_a_shared_trainer_email_blocks_both_trainers() -> None:
    emails = Counter({"prof@ecole.fr": 2, "solo@ecole.fr": 1})
    assert trainer_problem(Trainer(1, "A", "B", "Prof@ecole.fr"), emails) == (
        "e-mail prof@ecole.fr is shared with another trainer",
        AnomalyCode.TRAINER_DUPLICATE_EMAIL,
    )
    assert trainer_problem(Trainer(2, "C", "D", "solo@ecole.fr"), emails) is None
    found = trainer_problem(Trainer(3, "E", "F", "nope"), emails)
    assert found is not None and found[1] is AnomalyCode.TRAINER_INVALID_EMAIL


def session(start_day: date, hours: float, minutes: int = 0) -> Session:
    start = at(0, 8) + timedelta(days=(start_day - date(2026, 9, 7)).days)
    return Session("1-1", 1, start, start + timedelta(hours=hours, minutes=minutes), None)


@pytest.mark.parametrize(
    ("day", "hours", "minutes", "why"),
    [
        (FIRST_DAY, 2, 0, None),
        (FIRST_DAY, 24, 0, None),  # a whole day is the longest accepted
        (FIRST_DAY, 24, 1, "end is not after start, or longer than 24 h"),
        (FIRST_DAY, 0, 0, "end is not after start, or longer than 24 h"),
        (FIRST_DAY - timedelta(days=7), 2, 0, None),
        (FIRST_DAY - timedelta(days=8), 2, 0, "outside the base's year"),
        (FIRST_DAY + timedelta(days=400), 2, 0, None),
        (FIRST_DAY + timedelta(days=401), 2, 0, "outside the base's year"),
    ],
)
def test_session_dates_within_the_base_year_and_a_day_long_at_most(
    day: date, hours: float, minutes: int, why: str | None
) -> None:
    found = session_times_problem(session(day, hours, minutes), FIRST_DAY)
    assert (found[1] if found else None) == why


def test_unknown_rooms_are_named_and_trainers_only_when_some_are_known() -> None:
    snap = small_snapshot()
    base = session(FIRST_DAY, 2)
    mixed = Session(base.key, 1, base.start, base.end, None, trainer_keys=(1, 99), room_keys=(77,))
    assert unknown_rooms_and_trainers(snap, mixed) == ("room 77", "trainer 99")
    nobody = Session(base.key, 1, base.start, base.end, None, trainer_keys=(98, 99))
    assert unknown_rooms_and_trainers(snap, nobody) == ()  # reported as trainer-less
