"""Which learners and sessions an account gets, by family/rubric couples.

No couple configured means everything. A learner with no rubric at all in a selecting
family cannot be placed and is an anomaly; one with another rubric is simply not for this
account. Sessions that are cancelled or not placed never go down.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hpsync.model import Family, Genre, Learner, Session, Snapshot
from hpsync.rules.outcome import Anomaly, AnomalyCode, Decision
from hpsync.rules.policy import AccountRules, Couple, norm

# Decisions that do not depend on the record: one shared (immutable) instance each.
_ALL_LEARNERS = Decision(True, "learners", "no family/rubric couple: all learners")
_CANCELLED = Decision(False, "state", "the session is cancelled in Hyperplanning")
_NOT_PLACED = Decision(False, "state", "the course is not placed (non placé)")
_ALL_COURSES = Decision(True, "courses", "no include couple: all placed, non-cancelled courses")


@dataclass(frozen=True, slots=True)
class ResolvedCouple:
    """A configured couple resolved against the base: the family key and rubric keys."""

    couple: Couple
    family_key: int | None
    rubric_keys: frozenset[int]


def families_of(snapshot: Snapshot, genre: Genre) -> dict[str, Family]:
    """Families of one genre by normalised label."""
    return {norm(f.label): f for f in snapshot.families.values() if f.genre == genre}


def resolve_couples(
    snapshot: Snapshot, couples: Iterable[Couple], genre: Genre, where: str
) -> tuple[list[ResolvedCouple], list[Anomaly]]:
    """Resolve labels to keys; an unknown family or rubric is a config anomaly."""
    by_label = families_of(snapshot, genre)
    resolved: list[ResolvedCouple] = []
    anomalies: list[Anomaly] = []
    for couple in couples:
        family = by_label.get(norm(couple.family))
        if family is None:
            anomalies.append(
                Anomaly(
                    AnomalyCode.FAMILY_NOT_FOUND,
                    "config",
                    where,
                    str(couple),
                    f"no {genre.value} family labelled {couple.family!r} in the base; "
                    f"known: {', '.join(sorted(f.label for f in by_label.values())) or 'none'}",
                )
            )
            resolved.append(ResolvedCouple(couple, None, frozenset()))
            continue
        keys = frozenset(r.key for r in family.rubrics if norm(r.label) == norm(couple.rubric))
        if not keys:
            anomalies.append(
                Anomaly(
                    AnomalyCode.RUBRIC_NOT_FOUND,
                    "config",
                    where,
                    str(couple),
                    f"family {family.label!r} has no rubric {couple.rubric!r}; known: "
                    + ", ".join(r.label for r in family.rubrics),
                )
            )
        resolved.append(ResolvedCouple(couple, family.key, keys))
    return resolved, anomalies


def _family_rubrics(snapshot: Snapshot) -> Mapping[int, int]:
    """rubric key -> family key."""
    return {r.key: f.key for f in snapshot.families.values() for r in f.rubrics}


def select_learners(
    snapshot: Snapshot, rules: AccountRules
) -> tuple[dict[int, Decision], list[Anomaly]]:
    """Decide for every learner whether this account gets them, and why."""
    couples, anomalies = resolve_couples(
        snapshot, rules.learner_couples, Genre.LEARNER, f"accounts.{rules.account}.learners"
    )
    decisions: dict[int, Decision] = {}
    if not couples:
        for key in snapshot.learners:
            decisions[key] = _ALL_LEARNERS
        return decisions, anomalies
    family_of = _family_rubrics(snapshot)
    for key, learner in snapshot.learners.items():
        decisions[key] = _decide_learner(learner, couples, family_of, anomalies)
    return decisions, anomalies


def _decide_learner(
    learner: Learner,
    couples: list[ResolvedCouple],
    family_of: Mapping[int, int],
    anomalies: list[Anomaly],
) -> Decision:
    for rc in couples:
        if learner.rubric_keys & rc.rubric_keys:
            return Decision(True, "learners", f"has rubric {rc.couple}")
    learner_families = {family_of.get(r) for r in learner.rubric_keys}
    missing = [rc for rc in couples if rc.family_key is not None]
    if missing and not any(rc.family_key in learner_families for rc in missing):
        families = ", ".join(sorted({rc.couple.family for rc in missing}))
        anomalies.append(
            Anomaly(
                AnomalyCode.LEARNER_WITHOUT_RUBRIC,
                "learner",
                str(learner.key),
                f"{learner.first_name} {learner.last_name}",
                f"no rubric in family {families}: cannot tell which account they belong to; "
                "set the rubric in Hyperplanning",
            )
        )
        return Decision(False, "learners", f"no rubric in family {families}")
    wanted = ", ".join(str(rc.couple) for rc in couples)
    return Decision(False, "learners", f"rubric is not one of {wanted}")


def select_sessions(
    snapshot: Snapshot, rules: AccountRules
) -> tuple[dict[str, Decision], list[Anomaly]]:
    """Decide for every session whether it goes down, by state and course couples."""
    where = f"accounts.{rules.account}.courses"
    include, a1 = resolve_couples(snapshot, rules.course_include, Genre.COURSE, where)
    exclude, a2 = resolve_couples(snapshot, rules.course_exclude, Genre.COURSE, where)
    include_keys = frozenset().union(*(rc.rubric_keys for rc in include)) if include else None
    decisions: dict[str, Decision] = {}
    for key, session in snapshot.sessions.items():
        decisions[key] = _decide_session(session, include, include_keys, exclude)
    return decisions, a1 + a2


def _decide_session(
    session: Session,
    include: list[ResolvedCouple],
    include_keys: frozenset[int] | None,
    exclude: list[ResolvedCouple],
) -> Decision:
    if session.cancelled:
        return _CANCELLED
    if not session.placed:
        return _NOT_PLACED
    for rc in exclude:
        if session.rubric_keys & rc.rubric_keys:
            return Decision(False, "courses.exclude", f"course has rubric {rc.couple}")
    if include_keys is not None:
        if not session.rubric_keys & include_keys:
            wanted = ", ".join(str(rc.couple) for rc in include)
            return Decision(False, "courses.include", f"course has none of {wanted}")
        matched = next(rc for rc in include if session.rubric_keys & rc.rubric_keys)
        return Decision(True, "courses.include", f"course has rubric {matched.couple}")
    return _ALL_COURSES
