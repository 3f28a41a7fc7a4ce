"""Who receives a learner's alerts: their tutors (from Hyperplanning) and/or the school.

A missing address is not an error: it becomes an anomaly line in the run's report, and
the other recipients still get the e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hpsync.model import Learner, Snapshot, Tutor


@dataclass(frozen=True, slots=True)
class Recipient:
    """One address and who it is (``tutor:<key>`` or ``school``), for keys and messages."""

    email: str
    who: str
    name: str


def full_name(person: Learner | Tutor) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def tutor_recipient(tutor: Tutor) -> Recipient | None:
    """A tutor as a recipient, or None without an e-mail."""
    email = (tutor.email or "").strip()
    return Recipient(email, f"tutor:{tutor.key}", full_name(tutor)) if email else None


def recipients_for(
    learner: Learner,
    snapshot: Snapshot,
    notify: Literal["tutor", "school", "both"],
    school_email: str | None,
) -> tuple[list[Recipient], list[str]]:
    """The recipients of an alert about ``learner``, and the anomalies met on the way."""
    found: list[Recipient] = []
    anomalies: list[str] = []
    who = f"learner {full_name(learner)} (key {learner.key})"
    if notify in ("tutor", "both"):
        if not learner.tutor_keys:
            anomalies.append(f"{who} has no tutor in Hyperplanning: tutor alert not sent")
        for key in learner.tutor_keys:
            tutor = snapshot.tutors.get(key)
            if tutor is None:
                anomalies.append(f"{who}: tutor key {key} is missing in Hyperplanning")
                continue
            recipient = tutor_recipient(tutor)
            if recipient is None:
                anomalies.append(
                    f"tutor {full_name(tutor)} (key {key}) of {who} has no e-mail in "
                    "Hyperplanning: alert not sent to them"
                )
            else:
                found.append(recipient)
    if notify in ("school", "both"):
        if school_email:
            found.append(Recipient(school_email, "school", "school"))
        else:
            anomalies.append(f"{who}: no school_email configured for the account")
    unique = {r.email.lower(): r for r in reversed(found)}  # one e-mail per address
    return [r for r in found if unique[r.email.lower()] is r], anomalies
