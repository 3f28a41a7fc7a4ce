"""Every validity rule: when a Hyperplanning record is fit to be sent to Edusign.

A record that fails one is left out with an anomaly (``hpsync anomalies``) that says what
to fix in Hyperplanning; the desired state (``engine/desired.py``) only asks these
functions. Changing what counts as valid — an e-mail pattern, the longest session, the
dates a base may hold — is a change to this module and its tests.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from hpsync.model import Learner, Session, Snapshot, Trainer
from hpsync.rules.outcome import AnomalyCode

#: the longest session Edusign is given: a longer one is surely a data-entry mistake
MAX_SESSION = timedelta(hours=24)
#: a base's sessions lie from a week before its first day to 400 days after it
YEAR_BEFORE, YEAR_AFTER = timedelta(days=7), timedelta(days=400)

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")

Problem = tuple[str, AnomalyCode]


def email_problem(email: str | None) -> str | None:
    """None when the e-mail is usable on Edusign, else what is wrong with it."""
    if email is None or not email.strip():
        return "no e-mail"
    if not _EMAIL.match(email.strip()):
        return f"invalid e-mail {email.strip()!r}"
    return None


def normal_email(email: str | None) -> str:
    """How e-mails are compared and sent: trimmed, lower case."""
    return (email or "").strip().lower()


def learner_problem(learner: Learner, seen: Counter[str]) -> Problem | None:
    """What keeps a learner off Edusign, if anything; ``seen`` counts the e-mails of the
    learners checked so far (the first holder of an e-mail keeps it)."""
    problem = email_problem(learner.email)
    if problem is not None:
        code = (
            AnomalyCode.LEARNER_NO_EMAIL
            if problem == "no e-mail"
            else AnomalyCode.LEARNER_INVALID_EMAIL
        )
        return problem, code
    email = normal_email(learner.email)
    seen[email] += 1
    if seen[email] > 1:
        return f"e-mail {email} is already used by another learner", (
            AnomalyCode.LEARNER_DUPLICATE_EMAIL
        )
    if not (learner.first_name.strip() and learner.last_name.strip()):
        return "first or last name is empty", AnomalyCode.RECORD_INCOMPLETE
    return None


def trainer_emails(snapshot: Snapshot) -> Counter[str]:
    """How many trainers of the base hold each e-mail."""
    return Counter(normal_email(t.email) for t in snapshot.trainers.values() if t.email)


def trainer_problem(trainer: Trainer, emails: Counter[str]) -> Problem | None:
    """What keeps a trainer off Edusign, if anything (``emails``: ``trainer_emails``)."""
    problem = email_problem(trainer.email)
    if problem is not None:
        code = (
            AnomalyCode.TRAINER_NO_EMAIL
            if problem == "no e-mail"
            else AnomalyCode.TRAINER_INVALID_EMAIL
        )
        return problem, code
    if emails[normal_email(trainer.email)] > 1:
        return (
            f"e-mail {normal_email(trainer.email)} is shared with another trainer",
            AnomalyCode.TRAINER_DUPLICATE_EMAIL,
        )
    return None


def session_times_problem(session: Session, first_day: date) -> tuple[str, str] | None:
    """What is wrong with a session's dates, if anything: (anomaly text, decision text)."""
    if not first_day - YEAR_BEFORE <= session.start.date() <= first_day + YEAR_AFTER:
        return (
            f"dated {session.start.date()}, outside the base's year (from {first_day}); "
            "fix its date",
            "outside the base's year",
        )
    if session.end <= session.start or session.end - session.start > MAX_SESSION:
        return (
            f"runs from {session.start.isoformat()} to {session.end.isoformat()}; fix its duration",
            "end is not after start, or longer than 24 h",
        )
    return None


def unknown_rooms_and_trainers(snapshot: Snapshot, session: Session) -> tuple[str, ...]:
    """``room <key>`` and ``trainer <key>`` for each one the base does not have (all its
    trainers unknown: reported as trainer-less instead)."""
    missing = [f"room {k}" for k in session.room_keys if k not in snapshot.rooms]
    trainers = [k for k in session.trainer_keys if k not in snapshot.trainers]
    if len(trainers) < len(session.trainer_keys):
        missing += [f"trainer {k}" for k in trainers]
    return tuple(missing)
