"""Why a learner or a session was kept, dropped or mapped the way it was."""

from __future__ import annotations

from hpsync.engine.desired import DesiredState
from hpsync.model import Kind, Snapshot


def explain_learner(snapshot: Snapshot, state: DesiredState, key: int) -> list[str]:
    """Lines telling what happened to one learner in one account."""
    learner = snapshot.learners.get(key)
    if learner is None:
        return [f"learner {key} does not exist in base {snapshot.base.base_id}"]
    lines = [f"learner {key} {learner.first_name} {learner.last_name} <{learner.email or '-'}>"]
    rubrics = [snapshot.rubric(r) for r in sorted(learner.rubric_keys)]
    labels = [
        f"{snapshot.families[r.family_key].label}/{r.label}"
        for r in rubrics
        if r is not None and r.family_key in snapshot.families
    ]
    lines.append(f"  rubrics: {', '.join(labels) or 'none'}")
    decision = state.learner_decisions.get(key)
    if decision is not None:
        lines.append(f"  {decision}")
    record = state.of(Kind.LEARNER).get(snapshot.sid(Kind.LEARNER, key))
    if record is not None:
        lines.append(f"  synchronised as {record}")
    for anomaly in state.anomalies:
        if anomaly.kind == "learner" and anomaly.key == str(key):
            lines.append(f"  anomaly: {anomaly.render()}")
    return lines


def explain_session(snapshot: Snapshot, state: DesiredState, key: str) -> list[str]:
    """Lines telling what happened to one session in one account."""
    session = snapshot.sessions.get(key)
    if session is None:
        known = ", ".join(sorted(snapshot.sessions)[:5])
        return [f"session {key} does not exist in base {snapshot.base.base_id} (e.g. {known})"]
    start = session.start.isoformat(timespec="minutes")
    end = session.end.isoformat(timespec="minutes")
    lines = [f"session {key} (course {session.course_key}) {start} → {end}"]
    decision = state.session_decisions.get(key)
    if decision is not None:
        lines.append(f"  {decision}")
    for note in state.roster_notes.get(key, []):
        lines.append(f"  {note}")
    record = state.of(Kind.SESSION).get(snapshot.sid(Kind.SESSION, key))
    if record is not None:
        lines.append(f"  synchronised as {record}")
    for anomaly in state.anomalies:
        if anomaly.kind == "session" and anomaly.key == key:
            lines.append(f"  anomaly: {anomaly.render()}")
    return lines
