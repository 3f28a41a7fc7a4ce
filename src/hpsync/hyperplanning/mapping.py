"""School snapshot dict (wall-time strings) → domain ``Snapshot`` (aware datetimes).

Pure: used by the client after a read, and usable on a snapshot file. Non-placed and
parent courses produce no sessions; cancelled seances become ``cancelled=True`` sessions.
"""

from __future__ import annotations

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


def _groups(data: dict[str, Any]) -> dict[int, Group]:
    groups: dict[int, Group] = {}
    for p in data.get("promotions", []):
        groups[p["key"]] = Group(p["key"], GroupKind.PROMOTION, p["name"], p.get("code") or "")
    for t in data.get("td_options", []):
        groups[t["key"]] = Group(
            t["key"], GroupKind.TD_OPTION, t["name"], t.get("code") or "", t.get("promotion")
        )
    for r in data.get("regroupements", []):
        groups[r["key"]] = Group(r["key"], GroupKind.REGROUPEMENT, r["name"], r.get("code") or "")
    return groups


def _roster(course: dict[str, Any], members: dict[int, set[int]]) -> tuple[int, ...]:
    found = set(course.get("students", []))
    for field in ("promotions", "td_options", "regroupements"):
        for group in course.get(field, []):
            found |= members.get(group, set())
    return tuple(sorted(found))


def _sessions(data: dict[str, Any], first_day: date, tz: ZoneInfo) -> dict[str, Session]:
    members: dict[int, set[int]] = {}
    for s in data.get("students", []):
        for field in ("promotions", "td_options", "regroupements"):
            for group in s.get(field, []):
                members.setdefault(group, set()).add(s["key"])
    sessions: dict[str, Session] = {}
    shared = SharedValues()
    for c in data.get("courses", []):
        if not c.get("placed", True) or c.get("structure") == "parent":
            continue
        groups = tuple(
            c.get("promotions", []) + c.get("td_options", []) + c.get("regroupements", [])
        )
        learners = _roster(c, members)
        for seance in c.get("seances", []):
            wall = datetime.fromisoformat(seance["start"])
            key = f"{c['key']}-{hp_week(first_day, wall.date())}"
            end_wall = wall + timedelta(seconds=round(seance["duration_days"] * 86400 / 60) * 60)
            sessions[key] = Session(
                key=key,
                course_key=c["key"],
                start=shared.instant(localize(wall, tz)),
                end=shared.instant(localize(end_wall, tz)),
                subject_key=c.get("subject") or None,
                course_type=c.get("type") or "",
                trainer_keys=shared(tuple(c.get("teachers", []))),
                room_keys=shared(tuple(c.get("rooms", []))),
                group_keys=groups,
                learner_keys=learners,
                memo=c.get("memo") or "",
                rubric_keys=shared(frozenset(c.get("rubrics", []))),
                cancelled=bool(seance.get("cancelled")),
            )
    return sessions


def to_snapshot(data: dict[str, Any], *, base_id: str | None = None) -> Snapshot:
    """Map a school snapshot dict onto the domain records."""
    base = data["base"]
    tz = ZoneInfo(base["timezone"])
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
    learners = {
        s["key"]: Learner(
            key=s["key"],
            last_name=s["last_name"],
            first_name=s["first_name"],
            email=s.get("email"),
            identifier=s.get("identifier"),
            ine=s.get("ine"),
            group_keys=frozenset(
                s.get("promotions", []) + s.get("td_options", []) + s.get("regroupements", [])
            ),
            rubric_keys=frozenset(s.get("rubrics", [])),
            tutor_keys=tuple(s.get("tutors", [])),
        )
        for s in data.get("students", [])
    }
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
        groups=_groups(data),
        sessions=_sessions(data, first_day, tz),
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
