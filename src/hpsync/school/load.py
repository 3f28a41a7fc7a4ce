"""School file (``hpsync-school/1``) → domain Snapshot (pure).

The one loader: the Hyperplanning client turns what it read over SOAP into a school dict
and loads it here; snapshot files, benchmarks and replay load the same way. Wall-time
strings of the base become aware datetimes of its zone; parent courses produce no session;
a course not placed keeps ``placed=False`` (the rules say why it is left out).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hpsync.model import (
    BaseInfo,
    Exemption,
    Family,
    Genre,
    Group,
    GroupKind,
    Learner,
    Room,
    Rubric,
    Session,
    Snapshot,
    Subject,
    Trainer,
    Tutor,
)
from hpsync.shared_values import SharedValues

_GENRES = {g.value: g for g in Genre}


def hp_week(first_day: date, day: date) -> int:
    """HP week of a date: weeks since the Monday of the base's first day, from 1."""
    monday = day - timedelta(days=day.weekday())
    first = first_day - timedelta(days=first_day.weekday())
    return (monday - first).days // 7 + 1


def localize(wall: str | datetime, tz: ZoneInfo) -> datetime:
    """A wall-time string of the base as an aware datetime (first occurrence on DST folds)."""
    value = datetime.fromisoformat(wall) if isinstance(wall, str) else wall
    return value.replace(tzinfo=tz, fold=0)


def course_students(course: dict[str, Any], members: dict[int, list[int]]) -> tuple[int, ...]:
    """A course's students: members of its groups plus its own, sorted, unique."""
    keys: set[int] = set(course.get("students", []))
    for group in (
        course.get("promotions", [])
        + course.get("td_options", [])
        + course.get("regroupements", [])
    ):
        keys.update(members.get(group, []))
    return tuple(sorted(keys))


def snapshot_from_school(
    data: dict[str, Any],
    *,
    base_id: str | None = None,
    seances: Iterable[tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> Snapshot:
    """Build the domain snapshot of a school file (``base_id`` overrides the file's).

    ``seances``: (course row, séance) pairs in any order, read in place of the courses'
    own ``seances`` lists, so a reader can make each session as its answer arrives and a
    year of séance rows is never held next to the sessions made from them (an XL base:
    300k rows). The sessions are then ordered as the courses' lists would give them.
    """
    base = data["base"]
    zone = ZoneInfo(base["timezone"])
    first_day = date.fromisoformat(base["first_day"])
    families = {
        f["key"]: Family(
            f["key"],
            _GENRES[f["genre"]],
            f["label"],
            tuple(Rubric(r["key"], f["key"], r["label"]) for r in f.get("rubrics", [])),
        )
        for f in data.get("families", [])
        if f["genre"] in _GENRES
    }
    groups: dict[int, Group] = {}
    for p in data.get("promotions", []):
        groups[p["key"]] = Group(p["key"], GroupKind.PROMOTION, p["name"], p.get("code") or "")
    for t in data.get("td_options", []):
        groups[t["key"]] = Group(
            t["key"], GroupKind.TD_OPTION, t["name"], t.get("code") or "", t.get("promotion")
        )
    for r in data.get("regroupements", []):
        groups[r["key"]] = Group(r["key"], GroupKind.REGROUPEMENT, r["name"], r.get("code") or "")
    members: dict[int, list[int]] = {}
    learners: dict[int, Learner] = {}
    for s in data.get("students", []):
        group_keys = s.get("promotions", []) + s.get("td_options", []) + s.get("regroupements", [])
        for g in group_keys:
            members.setdefault(g, []).append(s["key"])
        learners[s["key"]] = Learner(
            s["key"],
            s["last_name"],
            s["first_name"],
            s.get("email"),
            s.get("identifier"),
            s.get("ine"),
            frozenset(group_keys),
            frozenset(s.get("rubrics", [])),
            tuple(s.get("tutors", [])),
        )
    made = _Sessions(zone, first_day, members)
    if seances is None:
        for c in data.get("courses", []):
            for seance in c.get("seances", []):
                made.add(c, seance)
        sessions = made.sessions
    else:
        for c, seance in seances:
            made.add(c, seance)
        sessions = made.in_order()
    return Snapshot(
        base=BaseInfo(
            base_id or base["id"], base.get("version") or "", first_day, base["timezone"]
        ),
        families=families,
        subjects={
            s["key"]: Subject(s["key"], s.get("code") or "", s.get("label") or "")
            for s in data.get("subjects", [])
        },
        rooms={
            r["key"]: Room(r["key"], r["name"], r.get("code") or None, r.get("long_label") or "")
            for r in data.get("rooms", [])
        },
        trainers={
            t["key"]: Trainer(
                t["key"],
                t["last_name"],
                t["first_name"],
                t.get("email"),
                t.get("code"),
                frozenset(t.get("rubrics", [])),
            )
            for t in data.get("teachers", [])
        },
        tutors={
            t["key"]: Tutor(
                t["key"], t["last_name"], t["first_name"], t.get("email"), t.get("company") or ""
            )
            for t in data.get("tutors", [])
        },
        learners=learners,
        groups=groups,
        sessions=sessions,
        exemptions=tuple(
            Exemption(
                e["student"],
                e.get("subject"),
                date.fromisoformat(e["start"]),
                date.fromisoformat(e["end"]),
            )
            for e in data.get("exemptions", [])
        ),
        unavailable=frozenset(data.get("unavailable", [])),
    )


class _Sessions:
    """A base's sessions, made one séance at a time. Two séances of a course in one HP
    week are one session: the later one (the last listed when they start together)."""

    def __init__(self, zone: ZoneInfo, first_day: date, members: dict[int, list[int]]) -> None:
        self.zone = zone
        self.first_day = first_day
        self.members = members
        self.shared = SharedValues()
        self.sessions: dict[str, Session] = {}
        #: per course key, what its sessions share: students, groups, rubrics
        self._courses: dict[int, tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]] = {}

    def _course(self, c: dict[str, Any]) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]:
        found = self._courses.get(c["key"])
        if found is None:
            groups = tuple(
                c.get("promotions", []) + c.get("td_options", []) + c.get("regroupements", [])
            )
            found = (
                course_students(c, self.members),
                groups,
                self.shared(frozenset(c.get("rubrics", []))),
            )
            self._courses[c["key"]] = found
        return found

    def add(self, c: dict[str, Any], seance: dict[str, Any]) -> None:
        if c.get("structure") == "parent":
            return
        students, group_keys, rubrics = self._course(c)
        shared = self.shared
        start = shared.instant(datetime.fromisoformat(seance["start"]).replace(tzinfo=self.zone))
        key = f"{c['key']}-{hp_week(self.first_day, start.date())}"
        held = self.sessions.get(key)
        if held is not None and start < held.start:
            return  # the week's later séance is already its session
        self.sessions[key] = Session(
            key,
            c["key"],
            start,
            shared.instant(_round_minute(start, seance["duration_days"])),
            c.get("subject"),
            c.get("type") or "",
            shared(tuple(seance.get("teachers", c.get("teachers", [])))),
            shared(tuple(seance.get("rooms", c.get("rooms", [])))),
            group_keys,
            students,
            c.get("memo") or "",
            rubrics,
            cancelled=bool(seance.get("cancelled", False)),
            placed=bool(c.get("placed", True)),
        )

    def in_order(self) -> dict[str, Session]:
        """By course key, then week: the order of a file whose courses are sorted."""

        def order(key: str) -> tuple[int, int]:
            session = self.sessions[key]
            return session.course_key, hp_week(self.first_day, session.start.date())

        return {key: self.sessions[key] for key in sorted(self.sessions, key=order)}


def _round_minute(start: datetime, duration_days: float) -> datetime:
    """End of a seance: durations in days are rounded to the minute (0.083333 d = 2 h)."""
    minutes = round(float(duration_days) * 24 * 60)
    return start + timedelta(minutes=minutes)
