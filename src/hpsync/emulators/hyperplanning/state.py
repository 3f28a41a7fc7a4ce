"""The emulated base in memory: a school snapshot dict turned into keyed indexes.

Sized for an XL school (12k students, 300k seances): every lookup is a dict access,
course rosters are computed once per data load, and absences/delays are indexed per
student so write-back calls stay cheap.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


class HpFault(Exception):
    """A SOAP fault the emulator returns, with a French faultstring like the real service."""

    def __init__(self, message: str, *, client: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.client = client


@dataclass(slots=True)
class Seance:
    """One dated occurrence of a course (wall time of the base)."""

    course: int
    start: datetime
    duration_days: float
    cancelled: bool

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.duration_days)


@dataclass(slots=True)
class Absence:
    """An interval absence of one student."""

    key: int
    student: int
    start: datetime
    end: datetime
    justified: bool
    reason: str | None


@dataclass(slots=True)
class Delay:
    """A delay (retard) of one student."""

    key: int
    student: int
    at: datetime
    minutes: int
    justified: bool
    reason: str | None


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=None)


_LABELS = {
    "courses": "Le cours",
    "students": "L'étudiant",
    "teachers": "L'enseignant",
    "subjects": "La matière",
    "rooms": "La salle",
    "promotions": "La promotion",
    "td_options": "Le TD/option",
    "regroupements": "Le regroupement",
    "families": "La famille",
    "rubrics": "La rubrique",
    "tutors": "Le maître de stage",
    "exemptions": "La dispense",
    "absences": "L'absence",
    "delays": "Le retard",
}


class School:
    """Indexes over one snapshot, plus the mutable absences and delays."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.raw = copy.deepcopy(data)
        base = self.raw["base"]
        self.version: str = base.get("version") or "HYPERPLANNING - Service Web (émulateur)"
        self.first_day: date = date.fromisoformat(base["first_day"])
        self.timezone: str = base.get("timezone") or "Europe/Paris"
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, dict[str, Any]]] = {}
        for name in (
            "families",
            "subjects",
            "rooms",
            "teachers",
            "promotions",
            "td_options",
            "regroupements",
            "tutors",
            "students",
            "courses",
            "exemptions",
        ):
            self.tables[name] = {int(r["key"]): r for r in self.raw.get(name, [])}
        self.rubrics: dict[int, tuple[int, dict[str, Any]]] = {}
        for family in self.tables["families"].values():
            for rubric in family.get("rubrics", []):
                self.rubrics[int(rubric["key"])] = (int(family["key"]), rubric)
        self.tables["rubrics"] = {k: r for k, (_, r) in self.rubrics.items()}
        self.seances: dict[int, list[Seance]] = {}
        for key, course in self.tables["courses"].items():
            self.seances[key] = sorted(
                (
                    Seance(key, _dt(s["start"]), float(s["duration_days"]), bool(s["cancelled"]))
                    for s in course.get("seances", [])
                ),
                key=lambda s: s.start,
            )
        self.members: dict[int, set[int]] = defaultdict(set)
        for skey, student in self.tables["students"].items():
            for field in ("promotions", "td_options", "regroupements"):
                for group in student.get(field, []):
                    self.members[int(group)].add(skey)
        self._rosters: dict[int, list[int]] = {}
        self.courses_of_student: dict[int, set[int]] = defaultdict(set)
        for ckey in self.tables["courses"]:
            for skey in self.roster(ckey):
                self.courses_of_student[skey].add(ckey)
        self.absences: dict[int, Absence] = {}
        self.delays: dict[int, Delay] = {}
        self.absences_of: dict[int, dict[int, Absence]] = defaultdict(dict)
        self.delays_of: dict[int, dict[int, Delay]] = defaultdict(dict)
        for a in self.raw.get("absences", []):
            self._put_absence(
                Absence(
                    int(a["key"]),
                    int(a["student"]),
                    _dt(a["start"]),
                    _dt(a["end"]),
                    bool(a.get("justified")),
                    a.get("reason"),
                )
            )
        for d in self.raw.get("delays", []):
            self._put_delay(
                Delay(
                    int(d["key"]),
                    int(d["student"]),
                    _dt(d["at"]),
                    int(d["minutes"]),
                    bool(d.get("justified")),
                    d.get("reason"),
                )
            )
        self.next_absence = max(self.absences, default=0) + 1
        self.next_delay = max(self.delays, default=0) + 1

    # --- lookups -----------------------------------------------------------------------
    def get(self, table: str, key: int) -> dict[str, Any]:
        """A record by key, or the fault the real service raises for an unknown key."""
        record = self.tables[table].get(key)
        if record is None:
            raise HpFault(f"{_LABELS[table]} de clé {key} n'existe pas dans la base.")
        return record

    def roster(self, course_key: int) -> list[int]:
        """Students of a course: members of its groups plus its own extra students."""
        cached = self._rosters.get(course_key)
        if cached is not None:
            return cached
        course = self.get("courses", course_key)
        found: set[int] = {int(s) for s in course.get("students", [])}
        for field in ("promotions", "td_options", "regroupements"):
            for group in course.get(field, []):
                found |= self.members.get(int(group), set())
        result = sorted(found)
        self._rosters[course_key] = result
        return result

    def placed_seances(self, course_key: int) -> list[Seance]:
        """Non-cancelled seances of a placed, non-parent course."""
        course = self.get("courses", course_key)
        if not course.get("placed", True) or course.get("structure") == "parent":
            return []
        return [s for s in self.seances[course_key] if not s.cancelled]

    def cancelled_seances(self, course_key: int) -> list[Seance]:
        """Cancelled seances of a course."""
        self.get("courses", course_key)
        return [s for s in self.seances[course_key] if s.cancelled]

    def hp_week(self, day: date) -> int:
        """HP week number: weeks since the Monday of the first day, from 1."""
        monday = day - timedelta(days=day.weekday())
        first = self.first_day - timedelta(days=self.first_day.weekday())
        return (monday - first).days // 7 + 1

    # --- absences ------------------------------------------------------------------------
    def _put_absence(self, absence: Absence) -> None:
        self.absences[absence.key] = absence
        self.absences_of[absence.student][absence.key] = absence

    def _drop_absence(self, absence: Absence) -> None:
        del self.absences[absence.key]
        del self.absences_of[absence.student][absence.key]

    def add_absence(self, student: int, start: datetime, end: datetime, justified: bool) -> int:
        """Record an absence; the same interval again is a no-op that returns its key."""
        self.get("students", student)
        if end <= start:
            raise HpFault("La date de fin de l'absence doit être postérieure à la date de début.")
        with self.lock:
            for existing in self.absences_of[student].values():
                if existing.start == start and existing.end == end:
                    existing.justified = justified
                    return existing.key
            key = self.next_absence
            self.next_absence += 1
            self._put_absence(Absence(key, student, start, end, justified, None))
            return key

    def remove_absence(self, student: int, start: datetime, end: datetime) -> None:
        """Clear [start, end) of absences: drop, trim or split; nothing there is fine."""
        self.get("students", student)
        with self.lock:
            for a in list(self.absences_of[student].values()):
                if a.end <= start or a.start >= end:
                    continue
                self._drop_absence(a)
                if a.start < start:
                    self._put_absence(
                        Absence(a.key, student, a.start, start, a.justified, a.reason)
                    )
                if a.end > end:
                    key = a.key if a.start >= start else self._new_absence_key()
                    self._put_absence(Absence(key, student, end, a.end, a.justified, a.reason))

    def _new_absence_key(self) -> int:
        key = self.next_absence
        self.next_absence += 1
        return key

    def absences_between(self, student: int | None, start: datetime, end: datetime) -> list[int]:
        """Keys of absences overlapping [start, end], for one student or all."""
        pool = self.absences.values() if student is None else self.absences_of[student].values()
        return sorted(a.key for a in pool if a.start < end and a.end > start)

    # --- delays --------------------------------------------------------------------------
    def _put_delay(self, delay: Delay) -> None:
        self.delays[delay.key] = delay
        self.delays_of[delay.student][delay.key] = delay

    def add_delay(self, student: int, at: datetime, minutes: int, justified: bool) -> int:
        """Record a delay; one already at that instant is updated and keeps its key."""
        self.get("students", student)
        with self.lock:
            for existing in self.delays_of[student].values():
                if existing.at == at:
                    existing.minutes = minutes
                    existing.justified = justified
                    return existing.key
            key = self.next_delay
            self.next_delay += 1
            self._put_delay(Delay(key, student, at, minutes, justified, None))
            return key

    def remove_delay(self, key: int) -> None:
        """Delete a delay by key."""
        with self.lock:
            delay = self.delays.get(key)
            if delay is None:
                raise HpFault(f"Le retard de clé {key} n'existe pas dans la base.")
            del self.delays[key]
            del self.delays_of[delay.student][key]

    def delays_between(self, student: int | None, start: datetime, end: datetime) -> list[int]:
        """Keys of delays whose instant lies in [start, end]."""
        pool = self.delays.values() if student is None else self.delays_of[student].values()
        return sorted(d.key for d in pool if start <= d.at <= end)

    # --- export --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The snapshot as JSON-ready dict, with the current absences and delays."""
        with self.lock:
            data = copy.deepcopy(self.raw)
            data["absences"] = [
                {
                    "key": a.key,
                    "student": a.student,
                    "start": a.start.isoformat(timespec="seconds"),
                    "end": a.end.isoformat(timespec="seconds"),
                    "justified": a.justified,
                    "reason": a.reason,
                }
                for a in sorted(self.absences.values(), key=lambda a: a.key)
            ]
            data["delays"] = [
                {
                    "key": d.key,
                    "student": d.student,
                    "at": d.at.isoformat(timespec="seconds"),
                    "minutes": d.minutes,
                    "justified": d.justified,
                    "reason": d.reason,
                }
                for d in sorted(self.delays.values(), key=lambda d: d.key)
            ]
        return data
