"""Alert rules over a learner's marks (pure).

A rule *fires* at the first mark where the window ``(mark − days, mark]`` breaches it;
it then stays quiet for ``days`` days, and fires again at the first later mark whose
window breaches again. The firings follow from the marks alone, never from the day the
command runs, so the dedup key ``alert:<rule>:<learner>:<date of the firing mark>`` is
stable: a rerun finds the same keys and sends nothing new. Only firings inside the
window ending at ``now`` are reported (an old breach is not sent on first use).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hpsync.config.models import AlertRuleConfig
from hpsync.state.marks import MarkRow


@dataclass(frozen=True, slots=True)
class Alert:
    """One firing of a rule for one learner, with the marks that caused it."""

    rule: AlertRuleConfig
    learner_sid: str
    fired_at: datetime  # start of the session whose mark breached the rule
    window_start: datetime  # exclusive
    value: float  # the count, or the attendance rate in %
    sessions: int  # final sessions in the window
    marks: tuple[MarkRow, ...]  # the marks that caused it (absences for a rate)

    @property
    def key(self) -> str:
        """Stable identity of this firing (a recipient is appended per e-mail)."""
        return f"alert:{self.rule.name}:{self.learner_sid}:{self.fired_at.astimezone(UTC):%Y-%m-%d}"


def counts(rule: AlertRuleConfig, mark: MarkRow) -> bool:
    """Whether a mark counts towards a count rule (absences, late, early departures)."""
    if mark.justified and not rule.count_justified:
        return False
    if rule.kind == "absences":
        return not mark.present
    if rule.kind == "late":
        return mark.present and mark.late_minutes >= max(1, rule.min_late_minutes)
    if rule.kind == "early_departures":
        return mark.present and mark.left_at is not None
    return False


def attendance_rate(marks: Sequence[MarkRow]) -> float | None:
    """Present sessions over final sessions, in %; None without any session."""
    if not marks:
        return None
    return 100.0 * sum(1 for m in marks if m.present) / len(marks)


def _breach(rule: AlertRuleConfig, window: Sequence[MarkRow]) -> tuple[float, tuple[MarkRow, ...]]:
    """(value, causes) when the window breaches the rule, else (value, ())."""
    if rule.kind == "attendance_rate":
        rate = attendance_rate(window)
        if rate is None or rate >= rule.threshold:
            return (rate or 0.0, ())
        return (rate, tuple(m for m in window if not m.present))
    hits = tuple(m for m in window if counts(rule, m))
    return (float(len(hits)), hits if len(hits) >= rule.threshold else ())


def evaluate(
    rule: AlertRuleConfig, learner_sid: str, marks: Sequence[MarkRow], *, now: datetime
) -> list[Alert]:
    """The firings of one rule for one learner inside the window ending at ``now``."""
    days = timedelta(days=rule.days)
    ordered = sorted((m for m in marks if m.session_start <= now), key=lambda m: m.session_start)
    starts = [m.session_start for m in ordered]
    fired: list[Alert] = []
    quiet_until: datetime | None = None
    for index, mark in enumerate(ordered):
        if quiet_until is not None and mark.session_start < quiet_until:
            continue
        if rule.kind != "attendance_rate" and not counts(rule, mark):
            continue  # a count rule can only start breaching on a mark that counts
        first = bisect_right(starts, mark.session_start - days)
        window = ordered[first : index + 1]
        value, causes = _breach(rule, window)
        if causes:
            fired.append(
                Alert(
                    rule,
                    learner_sid,
                    mark.session_start,
                    mark.session_start - days,
                    value,
                    len(window),
                    causes,
                )
            )
            quiet_until = mark.session_start + days
    return [a for a in fired if a.fired_at > now - days]


def evaluate_all(
    rules: Sequence[AlertRuleConfig],
    marks_by_learner: dict[str, list[MarkRow]],
    *,
    now: datetime,
) -> list[Alert]:
    """Every firing of every rule for every learner, in a stable order."""
    out: list[Alert] = []
    for learner_sid in sorted(marks_by_learner):
        for rule in rules:
            out.extend(evaluate(rule, learner_sid, marks_by_learner[learner_sid], now=now))
    return out
