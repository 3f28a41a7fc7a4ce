"""Courses and their weekly seances: the bulk of a generated school.

Each course recurs weekly on a fixed weekday and time over its teaching weeks (the whole
year, or one semester); one seance per HP week at most, as the session key requires.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hpsync.emulators.generator.academic import is_teaching_day
from hpsync.emulators.generator.names import MEMOS

PRESENTIEL, DISTANCIEL, AUTONOMIE = 41, 42, 43

#: Start times (hour, minute), all between 08:00 and 17:00.
STARTS: tuple[tuple[int, int], ...] = (
    (8, 0), (9, 0), (10, 15), (11, 0), (13, 0), (13, 30), (14, 0), (15, 30), (16, 0), (17, 0),
)  # fmt: skip
#: Durations in hours with their weights.
DURATIONS: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0)
DURATION_WEIGHTS: tuple[float, ...] = (0.2, 0.25, 0.4, 0.15)


def _teaching_day(day: date) -> str | None:
    """ISO date of a teaching day, or None on a public holiday or after 30 June."""
    return day.isoformat() if is_teaching_day(day) else None


@dataclass
class Promotion:
    """What the timetable needs to know about one promotion."""

    key: int
    tds: list[int]
    options: list[int]
    subjects: list[int]
    used_slots: set[tuple[int, int]] = field(default_factory=set)


class Timetable:
    """Builds course records; keys are allocated in creation order."""

    def __init__(
        self,
        rng: random.Random,
        weeks: list[date],
        rooms: list[int],
        teachers_by_subject: dict[int, list[int]],
        teachers: list[int],
    ) -> None:
        self.rng = rng
        self.n_weeks = len(weeks)
        self.days: list[list[str | None]] = [
            [_teaching_day(m + timedelta(days=d)) for d in range(5)] for m in weeks
        ]
        self.rooms = rooms
        self.teachers_by_subject = teachers_by_subject
        self.teachers = teachers
        self.courses: list[dict[str, Any]] = []
        self.parents = 0

    def _week_range(self) -> tuple[int, int]:
        n = self.n_weeks
        roll = self.rng.random()
        if n <= 16 or roll < 0.6:
            return 0, n
        return (0, n // 2) if roll < 0.8 else (n // 2, n)

    def _seances(self, slots: set[tuple[int, int]]) -> list[dict[str, Any]]:
        rng = self.rng
        slot = (rng.randrange(5), rng.randrange(len(STARTS)))
        for _ in range(6):
            if slot not in slots:
                break
            slot = (rng.randrange(5), rng.randrange(len(STARTS)))
        slots.add(slot)
        weekday, (hour, minute) = slot[0], STARTS[slot[1]]
        hours = rng.choices(DURATIONS, DURATION_WEIGHTS)[0]
        duration = round(hours / 24, 6)
        clock = f"T{hour:02d}:{minute:02d}:00"
        lo, hi = self._week_range()
        out: list[dict[str, Any]] = []
        for week in range(lo, hi):
            day = self.days[week][weekday]
            if day is not None:
                out.append(
                    {
                        "start": day + clock,
                        "duration_days": duration,
                        "cancelled": rng.random() < 0.01,
                    }
                )
        return out

    def _teachers(self, subject: int, main: int | None) -> list[int]:
        rng = self.rng
        roll = rng.random()
        if main is None or roll < 0.02:
            return []
        if roll < 0.07:
            other = rng.choice(self.teachers)
            return [main] if other == main else [main, other]
        return [main]

    def course(
        self,
        subject: int,
        ctype: str,
        groups: dict[str, list[int]],
        main_teacher: int | None,
        slots: set[tuple[int, int]],
        *,
        structure: str = "simple",
        parent: int | None = None,
    ) -> dict[str, Any]:
        """One course record with its seances (none for a parent or a non-placed course)."""
        rng = self.rng
        placed = structure == "parent" or rng.random() >= 0.01
        roll = rng.random()
        modality = PRESENTIEL if roll < 0.8 else DISTANCIEL if roll < 0.95 else AUTONOMIE
        record: dict[str, Any] = {
            "key": len(self.courses) + 1,
            "subject": subject,
            "type": ctype,
            "memo": rng.choice(MEMOS) if rng.random() < 0.05 else "",
            "structure": structure,
            "parent": parent,
            "placed": placed,
            "teachers": self._teachers(subject, main_teacher),
            "rooms": [] if rng.random() < 0.03 else [rng.choice(self.rooms)],
            "promotions": groups.get("promotions", []),
            "td_options": groups.get("td_options", []),
            "regroupements": groups.get("regroupements", []),
            "students": [],
            "rubrics": [modality],
            "seances": self._seances(slots) if placed and structure != "parent" else [],
        }
        self.courses.append(record)
        return record

    def add_promotion(self, promo: Promotion, quota: int) -> None:
        """About ``quota`` courses for a promotion: lectures, then TD and TP per group."""
        rng = self.rng
        teacher_of: dict[int, int | None] = {}
        for subject in promo.subjects:
            choices = self.teachers_by_subject.get(subject) or self.teachers
            teacher_of[subject] = rng.choice(choices)
        units: list[tuple[str, int, list[tuple[str, int]]]] = [
            ("CM", s, [("promotions", promo.key)]) for s in promo.subjects
        ]
        units += [("TD", rng.choice(promo.subjects), [("td_options", o)]) for o in promo.options]
        for ctype in ("TD", "TP"):
            subjects = list(promo.subjects)
            rng.shuffle(subjects)
            units += [(ctype, s, [("td_options", td) for td in promo.tds]) for s in subjects]
        made = 0
        for ctype, subject, groups in units:
            if made >= quota:
                break
            main = teacher_of.get(subject)
            family = len(groups) >= 2 and ctype != "CM"
            if family and (rng.random() < 0.03 or self.parents == 0):
                self.parents += 1
                parent = self.course(
                    subject,
                    ctype,
                    {"promotions": [promo.key]},
                    main,
                    promo.used_slots,
                    structure="parent",
                )
                for field_name, group in groups:
                    self.course(
                        subject,
                        ctype,
                        {field_name: [group]},
                        main,
                        promo.used_slots,
                        structure="child",
                        parent=parent["key"],
                    )
                    made += 1
                continue
            for field_name, group in groups:
                self.course(subject, ctype, {field_name: [group]}, main, promo.used_slots)
                made += 1
