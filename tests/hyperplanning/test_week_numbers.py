"""Session keys carry Hyperplanning's week number; both snapshot builders use one rule."""

from __future__ import annotations

from datetime import date

from hpsync.emulators.generator import generate_school
from hpsync.hyperplanning.mapping import hp_week
from hpsync.school.load import snapshot_from_school


def test_weeks_count_from_the_monday_of_the_bases_first_day() -> None:
    first_day = date(2026, 9, 2)  # a Wednesday
    assert hp_week(first_day, date(2026, 8, 31)) == 1  # its Monday
    assert hp_week(first_day, date(2026, 9, 6)) == 1  # its Sunday
    assert hp_week(first_day, date(2026, 9, 7)) == 2
    assert hp_week(first_day, date(2027, 1, 4)) == 19


def test_generated_session_keys_use_the_week_of_their_start() -> None:
    snapshot = snapshot_from_school(generate_school("S", 1, year=2026))
    first_day = snapshot.base.first_day
    for key, session in snapshot.sessions.items():
        course, week = key.rsplit("-", 1)
        assert int(course) == session.course_key
        assert int(week) == hp_week(first_day, session.start.date())
