"""The desired state of one account: exactly what Edusign must hold, computed purely.

Built from the snapshot and the account's rules; every record it leaves out has a
Decision (for ``hpsync explain``) and every data problem an Anomaly (``hpsync anomalies``).
Records reference each other by source identity, never by Edusign id: ids are the
executor's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from hpsync.engine.gcpause import gc_paused
from hpsync.model import Exemption, Kind, Room, Session, Snapshot, SourceId
from hpsync.rules.capabilities import warnings as capability_warnings
from hpsync.rules.mapping import (
    exempting,
    exemptions_by_learner,
    learner_tags,
    room_text,
    session_name,
)
from hpsync.rules.outcome import Anomaly, AnomalyCode, Decision
from hpsync.rules.policy import AccountRules, TrainerlessMode
from hpsync.rules.selection import select_learners, select_sessions
from hpsync.rules.validity import (
    email_problem,
    learner_problem,
    session_times_problem,
    trainer_emails,
    trainer_problem,
    unknown_rooms_and_trainers,
)

FICTITIOUS_TRAINER_KEY = "fictitious"
_NOBODY_HERE = Decision(False, "learners", "none of its learners belongs to this account")


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
    roster_notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def of(self, kind: Kind) -> dict[SourceId, Desired]:
        return self.records.setdefault(kind, {})

    def count(self) -> dict[str, int]:
        return {kind.value: len(self.records.get(kind, {})) for kind in KIND_ORDER}


@gc_paused
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
    state.warnings.extend(capability_warnings(rules, snapshot.unavailable))
    return state


def _learners(snapshot: Snapshot, rules: AccountRules, state: DesiredState) -> set[int]:
    """Kept learners with a usable, unique e-mail; returns their keys."""
    kept = sorted(k for k, d in state.learner_decisions.items() if d.kept)
    seen: Counter[str] = Counter()
    synced: set[int] = set()
    for key in kept:
        learner = snapshot.learners[key]
        name = f"{learner.first_name} {learner.last_name}"
        found = learner_problem(learner, seen)
        if found is not None:
            problem, code = found
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
        found = trainer_problem(trainer, trainer_emails)
        if found is not None:
            problems.append(f"trainer {trainer.first_name} {trainer.last_name}: {found[0]}")
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


@dataclass(frozen=True, slots=True)
class _Roster:
    """What a session's roster owes to its learner list alone (the rest is exemptions)."""

    candidates: bool  # some learner of the list belongs to the account
    sids: tuple[SourceId, ...]  # synced candidates, sorted: the roster when nobody is exempted
    notes: tuple[str, ...]  # learners left out whatever the session
    #: In list order, the candidates a session may leave out: (learner key, its source
    #: identity, the fixed note when not synced, else the learner's exemptions).
    checks: tuple[tuple[int, SourceId, str | None, tuple[Exemption, ...]], ...]
    unknown: tuple[str, ...]  # "learner <key>" for each learner the base does not have


@dataclass(slots=True)
class _Lists:
    """Learner, trainer and room lists, each resolved once per build.

    A course's sessions share these lists (and their subject), so each distinct list is
    worked out once; only exemptions, which depend on the session's day, are checked per
    session. Resolving a list twice would give the same result: the inputs do not change
    while the sessions are built.
    """

    snapshot: Snapshot
    rules: AccountRules
    state: DesiredState
    selected: set[int]
    synced: set[int]
    exemptions: Mapping[int, list[Exemption]]
    trainer_emails: Counter[str]
    rosters: dict[tuple[int, ...], _Roster] = field(default_factory=dict)
    trainers: dict[tuple[int, ...], tuple[SourceId, ...] | str] = field(default_factory=dict)
    rooms: dict[tuple[int, ...], tuple[str, list[Room]]] = field(default_factory=dict)
    unknown: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[str, ...]] = field(
        default_factory=dict
    )
    names: dict[tuple[int | None, int, str], str] = field(default_factory=dict)

    def roster(self, learner_keys: tuple[int, ...]) -> _Roster:
        roster = self.rosters.get(learner_keys)
        if roster is None:
            roster = self.rosters[learner_keys] = self._roster(learner_keys)
        return roster

    def _roster(self, learner_keys: tuple[int, ...]) -> _Roster:
        sids: list[SourceId] = []
        notes: list[str] = []
        checks: list[tuple[int, SourceId, str | None, tuple[Exemption, ...]]] = []
        candidates = False
        for lk in learner_keys:
            if lk not in self.selected:
                continue
            candidates = True
            sid = self.snapshot.sid(Kind.LEARNER, lk)
            if lk not in self.synced:
                note = f"learner {lk} left out: {self.state.learner_decisions[lk].detail}"
                notes.append(note)
                checks.append((lk, sid, note, ()))
                continue
            sids.append(sid)
            if lk in self.exemptions:
                checks.append((lk, sid, None, tuple(self.exemptions[lk])))
        return _Roster(
            candidates=candidates,
            sids=tuple(sorted(sids)),
            notes=tuple(notes),
            checks=tuple(checks),
            unknown=tuple(f"learner {k}" for k in learner_keys if k not in self.snapshot.learners),
        )

    def trainer_sids(self, session: Session) -> tuple[SourceId, ...] | str:
        """Trainer identities for a session, or the reason it cannot be synchronised."""
        found = self.trainers.get(session.trainer_keys)
        if found is None:
            found = _session_trainers(
                self.snapshot, self.rules, self.state, session, self.trainer_emails
            )
            self.trainers[session.trainer_keys] = found
        return found

    def room(self, room_keys: tuple[int, ...]) -> tuple[str, list[Room]]:
        """The room text, and the rooms whose missing code forced a fallback."""
        found = self.rooms.get(room_keys)
        if found is None:
            rooms = [self.snapshot.rooms[r] for r in room_keys if r in self.snapshot.rooms]
            found = self.rooms[room_keys] = room_text(rooms, self.rules)
        return found

    def missing(self, session: Session, roster: _Roster) -> list[str]:
        """The records a session refers to that the base does not have."""
        lists = (session.room_keys, session.trainer_keys)
        others = self.unknown.get(lists)
        if others is None:
            others = self.unknown[lists] = unknown_rooms_and_trainers(self.snapshot, session)
        return [*roster.unknown, *others]

    def name(self, session: Session) -> str:
        key = (session.subject_key, session.course_key, session.course_type)
        found = self.names.get(key)
        if found is None:
            found = self.names[key] = session_name(self.snapshot, session)
        return found


def _session_roster(
    session: Session, roster: _Roster
) -> tuple[tuple[SourceId, ...], tuple[str, ...]]:
    """The session's learners (sorted) and the notes on those it leaves out."""
    if not roster.checks:
        return roster.sids, roster.notes
    notes: list[str] = []
    exempted: set[SourceId] = set()
    for lk, sid, note, held in roster.checks:
        if note is not None:
            notes.append(note)
            continue
        exemption = exempting(session, held)
        if exemption is None:
            continue
        scope = "global" if exemption.subject_key is None else f"subject {exemption.subject_key}"
        notes.append(
            f"learner {lk} left out: exempted ({scope}, {exemption.start}..{exemption.end})"
        )
        exempted.add(sid)
    if not exempted:
        return roster.sids, tuple(notes)
    return tuple(s for s in roster.sids if s not in exempted), tuple(notes)


def _sessions(
    snapshot: Snapshot,
    rules: AccountRules,
    state: DesiredState,
    selected: set[int],
    synced: set[int],
) -> None:
    lists = _Lists(
        snapshot,
        rules,
        state,
        selected,
        synced,
        exemptions_by_learner(snapshot.exemptions) if rules.exemptions else {},
        trainer_emails(snapshot),
    )
    first_day = snapshot.base.first_day
    wanted = state.of(Kind.SESSION)
    no_trainer: dict[int, list[tuple[str, str]]] = {}
    for key in sorted(snapshot.sessions):
        decision = state.session_decisions[key]
        if not decision.kept:
            continue
        session = snapshot.sessions[key]
        roster = lists.roster(session.learner_keys)
        _unknown_references(snapshot, state, session, lists.missing(session, roster))
        if not roster.candidates:
            state.session_decisions[key] = _NOBODY_HERE
            continue
        learner_sids, notes = _session_roster(session, roster)
        if notes:  # most sessions leave nobody out: no entry for them (300k at XL)
            state.roster_notes[key] = notes
        bad_times = session_times_problem(session, first_day)
        if bad_times is not None:
            text, why = bad_times
            state.anomalies.append(
                Anomaly(
                    AnomalyCode.SESSION_BAD_TIMES,
                    "session",
                    key,
                    session_name(snapshot, session),
                    text,
                )
            )
            state.session_decisions[key] = Decision(False, "times", why)
            continue
        if not learner_sids:
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
        trainers = lists.trainer_sids(session)
        if isinstance(trainers, str):
            no_trainer.setdefault(session.course_key, []).append((key, trainers))
            state.session_decisions[key] = Decision(False, "trainerless", trainers)
            continue
        room, fallbacks = lists.room(session.room_keys)
        for fallback in fallbacks:
            state.warnings.append(
                f"room {fallback.key} {fallback.name!r} has no code: its name is used"
            )
        sid = snapshot.sid(Kind.SESSION, key)
        wanted[sid] = DesiredSession(
            sid=sid,
            name=lists.name(session),
            start=session.start,
            end=session.end,
            trainer_sids=trainers,
            room=room,
            learner_sids=learner_sids,
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


def _unknown_references(
    snapshot: Snapshot, state: DesiredState, session: Session, missing: list[str]
) -> None:
    """One anomaly per session that points at records the base does not have."""
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
    emails = trainer_emails(snapshot)
    problems = {
        tk: found
        for tk, trainer in snapshot.trainers.items()
        if (found := trainer_problem(trainer, emails)) is not None
    }
    if not problems:  # the usual case: no need to count every session's trainers
        return
    blocks: Counter[int] = Counter()
    for key, decision in state.session_decisions.items():
        if decision.rule == "trainerless" or decision.kept:
            for tk in snapshot.sessions[key].trainer_keys:
                if tk in problems:
                    blocks[tk] += 1
    for tk in sorted(blocks):
        trainer = snapshot.trainers[tk]
        problem, code = problems[tk]
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
