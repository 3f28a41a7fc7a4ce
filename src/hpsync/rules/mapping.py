"""How a kept record looks on the target: tags, room text, e-mail validity, exemptions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hpsync.model import Exemption, Learner, Room, Session, Snapshot
from hpsync.rules.policy import AccountRules, RoomMode, norm


def learner_tags(
    snapshot: Snapshot, learner: Learner, tag_families: Sequence[str]
) -> tuple[str, ...]:
    """Labels of the learner's rubrics in the configured families, sorted and unique."""
    wanted = {norm(f) for f in tag_families}
    tags = {
        rubric.label
        for family in snapshot.families.values()
        if norm(family.label) in wanted
        for rubric in family.rubrics
        if rubric.key in learner.rubric_keys
    }
    return tuple(sorted(tags))


def room_text(rooms: Sequence[Room], rules: AccountRules) -> tuple[str, list[Room]]:
    """The CLASSROOM text for a session, and the rooms whose missing code forced a fallback."""
    if rules.room_mode is RoomMode.FIXED:
        return rules.fixed_room, []
    if rules.room_mode is RoomMode.CODE:
        parts: list[str] = []
        fallbacks: list[Room] = []
        for room in rooms:
            if room.code and room.code.strip():
                parts.append(room.code.strip())
            else:
                parts.append(room.name)
                fallbacks.append(room)
        return ", ".join(parts), fallbacks
    return ", ".join(room.name for room in rooms), []


def exemptions_by_learner(exemptions: Iterable[Exemption]) -> Mapping[int, list[Exemption]]:
    """Index exemptions by learner for quick roster filtering."""
    index: dict[int, list[Exemption]] = {}
    for exemption in exemptions:
        index.setdefault(exemption.learner_key, []).append(exemption)
    return index


def exempting(session: Session, candidates: Iterable[Exemption]) -> Exemption | None:
    """The exemption that excuses a learner from this session, if any (by subject or global)."""
    day = session.start.date()
    for exemption in candidates:
        if exemption.start <= day <= exemption.end and (
            exemption.subject_key is None or exemption.subject_key == session.subject_key
        ):
            return exemption
    return None


def session_name(snapshot: Snapshot, session: Session) -> str:
    """A readable sheet title: subject label, then the course type when there is one."""
    subject = snapshot.subjects.get(session.subject_key) if session.subject_key else None
    label = subject.label if subject else f"Cours {session.course_key}"
    return f"{label} ({session.course_type})" if session.course_type else label
