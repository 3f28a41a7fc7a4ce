"""Domain Snapshot → school snapshot JSON (``hpsync-school/1``): the inverse of
``snapshot_json.snapshot_from_school``, so a run's Hyperplanning input can be stored and
served again by the Hyperplanning emulator.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast
from zoneinfo import ZoneInfo

from hpsync.json_stream import Lazy, materialize
from hpsync.model import GroupKind, Session, Snapshot

_FIELDS = {
    GroupKind.PROMOTION: "promotions",
    GroupKind.TD_OPTION: "td_options",
    GroupKind.REGROUPEMENT: "regroupements",
}


def _split(snapshot: Snapshot, keys: Any) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {name: [] for name in _FIELDS.values()}
    for key in keys:
        group = snapshot.groups.get(key)
        out[_FIELDS[group.kind] if group else "regroupements"].append(key)
    return out


def _course(snapshot: Snapshot, zone: ZoneInfo, key: int, sessions: list[Session]) -> Any:
    sessions.sort(key=lambda s: s.start)
    first = sessions[0]
    return {
        "key": key,
        "subject": first.subject_key,
        "type": first.course_type,
        "memo": first.memo,
        "structure": "simple",
        "parent": None,
        "placed": first.placed,
        "teachers": list(first.trainer_keys),
        "rooms": list(first.room_keys),
        **_split(snapshot, first.group_keys),
        "students": list(first.learner_keys),
        "rubrics": sorted(first.rubric_keys),
        "seances": [
            {
                "start": s.start.astimezone(zone).replace(tzinfo=None).isoformat(),
                "duration_days": (s.end - s.start).total_seconds() / 86400,
                "cancelled": s.cancelled,
                "teachers": list(s.trainer_keys),
                "rooms": list(s.room_keys),
            }
            for s in sessions
        ],
    }


def snapshot_to_school(snapshot: Snapshot) -> dict[str, Any]:
    """The school file whose ``snapshot_from_school`` equals ``snapshot`` (pure)."""
    return cast(dict[str, Any], materialize(school_document(snapshot)))


def school_document(snapshot: Snapshot) -> dict[str, Any]:
    """``snapshot_to_school`` as a document whose courses are made one at a time as it is
    written (``json_stream.Lazy``): a year of courses is never held as dicts at once."""
    base = snapshot.base
    zone = ZoneInfo(base.timezone)
    by_course: dict[int, list[Session]] = defaultdict(list)
    for session in snapshot.sessions.values():
        by_course[session.course_key].append(session)
    courses = Lazy(
        lambda: (_course(snapshot, zone, key, by_course[key]) for key in sorted(by_course))
    )
    groups = sorted(snapshot.groups.values(), key=lambda g: g.key)
    return {
        "format": "hpsync-school/1",
        "base": {
            "id": base.base_id,
            "version": base.version,
            "first_day": base.first_day.isoformat(),
            "timezone": base.timezone,
        },
        "families": [
            {
                "key": f.key,
                "genre": f.genre.value,
                "label": f.label,
                "rubrics": [{"key": r.key, "label": r.label} for r in f.rubrics],
            }
            for f in sorted(snapshot.families.values(), key=lambda f: f.key)
        ],
        "subjects": [
            {"key": s.key, "code": s.code, "label": s.label}
            for s in sorted(snapshot.subjects.values(), key=lambda s: s.key)
        ],
        "rooms": [
            {"key": r.key, "name": r.name, "code": r.code, "long_label": r.long_label}
            for r in sorted(snapshot.rooms.values(), key=lambda r: r.key)
        ],
        "teachers": [
            {
                "key": t.key,
                "last_name": t.last_name,
                "first_name": t.first_name,
                "email": t.email,
                "code": t.code,
                "rubrics": sorted(t.rubric_keys),
            }
            for t in sorted(snapshot.trainers.values(), key=lambda t: t.key)
        ],
        "tutors": [
            {
                "key": t.key,
                "last_name": t.last_name,
                "first_name": t.first_name,
                "email": t.email,
                "company": t.company,
            }
            for t in sorted(snapshot.tutors.values(), key=lambda t: t.key)
        ],
        "promotions": [
            {"key": g.key, "name": g.name, "code": g.code}
            for g in groups
            if g.kind is GroupKind.PROMOTION
        ],
        "td_options": [
            {"key": g.key, "name": g.name, "code": g.code, "promotion": g.promotion_key}
            for g in groups
            if g.kind is GroupKind.TD_OPTION
        ],
        "regroupements": [
            {"key": g.key, "name": g.name, "code": g.code}
            for g in groups
            if g.kind is GroupKind.REGROUPEMENT
        ],
        "students": [
            {
                "key": s.key,
                "last_name": s.last_name,
                "first_name": s.first_name,
                "email": s.email,
                "identifier": s.identifier,
                "ine": s.ine,
                **_split(snapshot, sorted(s.group_keys)),
                "rubrics": sorted(s.rubric_keys),
                "tutors": list(s.tutor_keys),
            }
            for s in sorted(snapshot.learners.values(), key=lambda s: s.key)
        ],
        "courses": courses,
        "exemptions": [
            {
                "key": n,
                "student": e.learner_key,
                "subject": e.subject_key,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
            }
            for n, e in enumerate(snapshot.exemptions, start=1)
        ],
        **({"unavailable": sorted(snapshot.unavailable)} if snapshot.unavailable else {}),
    }
