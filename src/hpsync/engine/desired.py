"""The desired state of one account: exactly what Edusign must hold, computed purely.

Built from the snapshot and the account's rules; every record it leaves out has a
Decision (for ``hpsync explain``) and every data problem an Anomaly (``hpsync anomalies``).
Records reference each other by source identity, never by Edusign id: ids are the
executor's business.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hpsync.model import Kind, Session, Snapshot, SourceId
from hpsync.rules.mapping import (
    email_problem,
    exempting,
    exemptions_by_learner,
    learner_tags,
    room_text,
    session_name,
)
from hpsync.rules.outcome import Anomaly, AnomalyCode, Decision
from hpsync.rules.policy import AccountRules, TrainerlessMode
from hpsync.rules.selection import select_learners, select_sessions

FICTITIOUS_TRAINER_KEY = "fictitious"
MAX_SESSION = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class DesiredLearner:
    sid: SourceId
    first_name: str
    last_name: str
    email: str
    tags: tuple[str, ...] = ()
    tutor_sids: tuple[SourceId, ...] = ()
    file_number: str = ""


@dataclass(frozen=True, slots=True)
class DesiredTrainer:
    sid: SourceId
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True, slots=True)
class DesiredTutor:
    sid: SourceId
    first_name: str
    last_name: str
    email: str
    company: str = ""


@dataclass(frozen=True, slots=True)
class DesiredGroup:
    sid: SourceId
    name: str
    learner_sids: tuple[SourceId, ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredSession:
    sid: SourceId
    name: str
    start: datetime
    end: datetime
    trainer_sids: tuple[SourceId, ...]
    room: str
    learner_sids: tuple[SourceId, ...]
    description: str = ""


Desired = DesiredLearner | DesiredTrainer | DesiredTutor | DesiredGroup | DesiredSession

#: Order in which kinds are written: referenced records before those that reference them.
#: Group membership lives on the group (one call per group, not one per learner).
KIND_ORDER: tuple[Kind, ...] = (Kind.TUTOR, Kind.LEARNER, Kind.GROUP, Kind.TRAINER, Kind.SESSION)


@dataclass(slots=True)
class DesiredState:
    """What one account must hold, plus why things were left out."""

    account: str
    base_id: str
    records: dict[Kind, dict[SourceId, Desired]] = field(default_factory=dict)
    learner_decisions: dict[int, Decision] = field(default_factory=dict)
    session_decisions: dict[str, Decision] = field(default_factory=dict)
    roster_notes: dict[str, list[str]] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def of(self, kind: Kind) -> dict[SourceId, Desired]:
        return self.records.setdefault(kind, {})

    def count(self) -> dict[str, int]:
        return {kind.value: len(self.records.get(kind, {})) for kind in KIND_ORDER}


def build_desired(snapshot: Snapshot, rules: AccountRules) -> DesiredState:
    """Apply every rule of the account to the snapshot."""
    state = DesiredState(account=rules.account, base_id=snapshot.base.base_id)
    for kind in KIND_ORDER:
        state.records[kind] = {}
    learner_decisions, anomalies = select_learners(snapshot, rules)
    session_decisions, more = select_sessions(snapshot, rules)
    state.learner_decisions = learner_decisions
    state.session_decisions = session_decisions
    state.anomalies.extend(anomalies + more)
    selected = {k for k, d in learner_decisions.items() if d.kept}
    synced = _learners(snapshot, rules, state)
    _sessions(snapshot, rules, state, selected, synced)
    _groups(snapshot, state, synced)
    return state


def _learners(snapshot: Snapshot, rules: AccountRules, state: DesiredState) -> set[int]:
    """Kept learners with a usable, unique e-mail; returns their keys."""
    kept = sorted(k for k, d in state.learner_decisions.items() if d.kept)
    seen: Counter[str] = Counter()
    synced: set[int] = set()
    for key in kept:
        learner = snapshot.learners[key]
        name = f"{learner.first_name} {learner.last_name}"
        problem = email_problem(learner.email)
        code = (
            AnomalyCode.LEARNER_NO_EMAIL
            if learner.email is None or not learner.email.strip()
            else AnomalyCode.LEARNER_INVALID_EMAIL
        )
        if problem is None:
            assert learner.email is not None
            email = learner.email.strip().lower()
            seen[email] += 1
            if seen[email] > 1:
                problem, code = (
                    f"e-mail {email} is already used by another learner",
                    AnomalyCode.LEARNER_DUPLICATE_EMAIL,
                )
        if problem is None and not (learner.first_name.strip() and learner.last_name.strip()):
            problem, code = "first or last name is empty", AnomalyCode.RECORD_INCOMPLETE
        if problem is not None:
            state.anomalies.append(
                Anomaly(
                    code,
                    "learner",
                    str(key),
                    name,
                    f"{problem}: not synchronised; fix it in Hyperplanning",
                )
            )
            state.learner_decisions[key] = Decision(False, "e-mail", problem)
            continue
        unknown_groups = sorted(g for g in learner.group_keys if g not in snapshot.groups)
        if unknown_groups:
            state.anomalies.append(
                Anomaly(
                    AnomalyCode.UNKNOWN_REFERENCE,
                    "learner",
                    str(key),
                    name,
                    f"belongs to unknown group(s) {unknown_groups}: ignored; check the base",
                )
            )
        synced.add(key)
        tutor_sids = _tutors_of(snapshot, rules, state, learner.tutor_keys) if rules.tutors else ()
        sid = snapshot.sid(Kind.LEARNER, key)
        state.of(Kind.LEARNER)[sid] = DesiredLearner(
            sid=sid,
            first_name=learner.first_name,
            last_name=learner.last_name,
            email=(learner.email or "").strip().lower(),
            tags=learner_tags(snapshot, learner, rules.tag_families),
            tutor_sids=tutor_sids,
            file_number=learner.identifier or "",
        )
    return synced


def _tutors_of(
    snapshot: Snapshot, rules: AccountRules, state: DesiredState, keys: tuple[int, ...]
) -> tuple[SourceId, ...]:
    sids: list[SourceId] = []
    for key in keys:
        tutor = snapshot.tutors.get(key)
        if tutor is None:
            continue
        sid = snapshot.sid(Kind.TUTOR, key)
        problem = email_problem(tutor.email)
        if problem is not None:
            if not any(
                a.code is AnomalyCode.TUTOR_NO_EMAIL and a.key == str(key) for a in state.anomalies
            ):
                state.anomalies.append(
                    Anomaly(
                        AnomalyCode.TUTOR_NO_EMAIL,
                        "tutor",
                        str(key),
                        f"{tutor.first_name} {tutor.last_name}",
                        f"{problem}: the tutor cannot receive reports; fix it in Hyperplanning",
                    )
                )
            continue
        state.of(Kind.TUTOR)[sid] = DesiredTutor(
            sid,
            tutor.first_name,
            tutor.last_name,
            (tutor.email or "").strip().lower(),
            tutor.company,
        )
        sids.append(sid)
    return tuple(sorted(sids))


def _session_trainers(
    snapshot: Snapshot,
    rules: AccountRules,
    state: DesiredState,
    session: Session,
    trainer_emails: Counter[str],
) -> tuple[SourceId, ...] | str:
    """Trainer identities for a session, or the reason it cannot be synchronised."""
    sids: list[SourceId] = []
    problems: list[str] = []
    for key in session.trainer_keys:
        trainer = snapshot.trainers.get(key)
        if trainer is None:
            problems.append(f"unknown trainer {key}")
            continue
        problem = email_problem(trainer.email)
        if problem is None and trainer_emails[(trainer.email or "").strip().lower()] > 1:
            problem = (
                f"e-mail {(trainer.email or '').strip().lower()} is shared with another trainer"
            )
        if problem is not None:
            problems.append(f"trainer {trainer.first_name} {trainer.last_name}: {problem}")
            continue
        sid = snapshot.sid(Kind.TRAINER, key)
        state.of(Kind.TRAINER)[sid] = DesiredTrainer(
            sid, trainer.first_name, trainer.last_name, (trainer.email or "").strip().lower()
        )
        sids.append(sid)
    if sids:
        return tuple(sids)
    if rules.trainerless is TrainerlessMode.FICTITIOUS:
        sid = snapshot.sid(Kind.TRAINER, FICTITIOUS_TRAINER_KEY)
        state.of(Kind.TRAINER)[sid] = DesiredTrainer(
            sid, "Formateur", "À désigner", rules.fictitious_email.lower()
        )
        return (sid,)
    return "; ".join(problems) if problems else "no trainer"


def _sessions(
    snapshot: Snapshot,
    rules: AccountRules,
    state: DesiredState,
    selected: set[int],
    synced: set[int],
) -> None:
    exemptions = exemptions_by_learner(snapshot.exemptions) if rules.exemptions else {}
    trainer_emails: Counter[str] = Counter(
        (t.email or "").strip().lower() for t in snapshot.trainers.values() if t.email
    )
    no_trainer: dict[int, list[tuple[str, str]]] = {}
    for key in sorted(snapshot.sessions):
        decision = state.session_decisions[key]
        if not decision.kept:
            continue
        session = snapshot.sessions[key]
        _unknown_references(snapshot, state, session)
        candidates = [k for k in session.learner_keys if k in selected]
        if not candidates:
            state.session_decisions[key] = Decision(
                False, "learners", "none of its learners belongs to this account"
            )
            continue
        notes: list[str] = []
        roster: list[SourceId] = []
        for lk in candidates:
            if lk not in synced:
                notes.append(f"learner {lk} left out: {state.learner_decisions[lk].detail}")
                continue
            exemption = exempting(session, exemptions.get(lk, ()))
            if exemption is not None:
                scope = (
                    "global"
                    if exemption.subject_key is None
                    else f"subject {exemption.subject_key}"
                )
                notes.append(
                    f"learner {lk} left out: exempted ({scope}, {exemption.start}..{exemption.end})"
                )
                continue
            roster.append(snapshot.sid(Kind.LEARNER, lk))
        state.roster_notes[key] = notes
        first_day = snapshot.base.first_day
        outside = not (
            first_day - timedelta(days=7) <= session.start.date() <= first_day + timedelta(days=400)
        )
        if outside:
            state.anomalies.append(
                Anomaly(
                    AnomalyCode.SESSION_BAD_TIMES,
                    "session",
                    key,
                    session_name(snapshot, session),
                    f"dated {session.start.date()}, outside the base's year (from {first_day}); "
                    "fix its date",
                )
            )
            state.session_decisions[key] = Decision(False, "times", "outside the base's year")
            continue
        if session.end <= session.start or session.end - session.start > MAX_SESSION:
            state.anomalies.append(
                Anomaly(
                    AnomalyCode.SESSION_BAD_TIMES,
                    "session",
                    key,
                    session_name(snapshot, session),
                    f"runs from {session.start.isoformat()} to {session.end.isoformat()}; "
                    "fix its duration",
                )
            )
            state.session_decisions[key] = Decision(
                False, "times", "end is not after start, or longer than 24 h"
            )
            continue
        if not roster:
            state.anomalies.append(
                Anomaly(
                    AnomalyCode.SESSION_NO_LEARNERS,
                    "session",
                    key,
                    session_name(snapshot, session),
                    "no learner left after exemptions and e-mail checks: not synchronised",
                )
            )
            state.session_decisions[key] = Decision(
                False, "roster", "no learner left after filtering"
            )
            continue
        trainers = _session_trainers(snapshot, rules, state, session, trainer_emails)
        if isinstance(trainers, str):
            no_trainer.setdefault(session.course_key, []).append((key, trainers))
            state.session_decisions[key] = Decision(False, "trainerless", trainers)
            continue
        rooms = [snapshot.rooms[r] for r in session.room_keys if r in snapshot.rooms]
        room, fallbacks = room_text(rooms, rules)
        for fallback in fallbacks:
            state.warnings.append(
                f"room {fallback.key} {fallback.name!r} has no code: its name is used"
            )
        sid = snapshot.sid(Kind.SESSION, key)
        state.of(Kind.SESSION)[sid] = DesiredSession(
            sid=sid,
            name=session_name(snapshot, session),
            start=session.start,
            end=session.end,
            trainer_sids=trainers,
            room=room,
            learner_sids=tuple(sorted(roster)),
            description=session.memo,
        )
    for course_key, skipped in sorted(no_trainer.items()):
        first_key, why = skipped[0]
        state.anomalies.append(
            Anomaly(
                AnomalyCode.SESSION_NO_TRAINER,
                "course",
                str(course_key),
                session_name(snapshot, snapshot.sessions[first_key]),
                f"{why}: its sessions are skipped (give the course a trainer with an e-mail in "
                "Hyperplanning, or configure a fictitious trainer)",
                blocks=len(skipped),
            )
        )
    _trainer_anomalies(snapshot, state)


def _unknown_references(snapshot: Snapshot, state: DesiredState, session: Session) -> None:
    """One anomaly per session that points at records the base does not have."""
    missing = [f"learner {k}" for k in session.learner_keys if k not in snapshot.learners]
    missing += [f"room {k}" for k in session.room_keys if k not in snapshot.rooms]
    trainers = [k for k in session.trainer_keys if k not in snapshot.trainers]
    if len(trainers) < len(session.trainer_keys):  # all unknown: reported as trainer-less
        missing += [f"trainer {k}" for k in trainers]
    if missing:
        state.anomalies.append(
            Anomaly(
                AnomalyCode.UNKNOWN_REFERENCE,
                "session",
                session.key,
                session_name(snapshot, session),
                f"refers to unknown {', '.join(missing)}: ignored; check the base",
            )
        )


def _trainer_anomalies(snapshot: Snapshot, state: DesiredState) -> None:
    """One anomaly per trainer whose e-mail blocks sessions, with the count blocked."""
    emails: Counter[str] = Counter(
        (t.email or "").strip().lower() for t in snapshot.trainers.values() if t.email
    )
    blocks: Counter[int] = Counter()
    for key, decision in state.session_decisions.items():
        if decision.rule == "trainerless" or decision.kept:
            for tk in snapshot.sessions[key].trainer_keys:
                blocks[tk] += 1
    for tk in sorted(blocks):
        trainer = snapshot.trainers.get(tk)
        if trainer is None:
            continue
        problem = email_problem(trainer.email)
        code = (
            AnomalyCode.TRAINER_NO_EMAIL
            if problem == "no e-mail"
            else AnomalyCode.TRAINER_INVALID_EMAIL
        )
        if problem is None and emails[(trainer.email or "").strip().lower()] > 1:
            problem, code = (
                f"e-mail {trainer.email} is shared with another trainer",
                AnomalyCode.TRAINER_DUPLICATE_EMAIL,
            )
        if problem is None:
            continue
        state.anomalies.append(
            Anomaly(
                code,
                "trainer",
                str(tk),
                f"{trainer.first_name} {trainer.last_name}",
                f"{problem}; fix it in Hyperplanning",
                blocks=blocks[tk],
            )
        )


def _groups(snapshot: Snapshot, state: DesiredState, synced: set[int]) -> None:
    """Groups that contain synced learners, with those learners as members."""
    members: dict[int, list[SourceId]] = {}
    for lk in sorted(synced):
        for gk in snapshot.learners[lk].group_keys:
            if gk in snapshot.groups:
                members.setdefault(gk, []).append(snapshot.sid(Kind.LEARNER, lk))
    for gk, sids in sorted(members.items()):
        group = snapshot.groups[gk]
        gsid = snapshot.sid(Kind.GROUP, gk)
        state.of(Kind.GROUP)[gsid] = DesiredGroup(gsid, group.name, tuple(sorted(sids)))
