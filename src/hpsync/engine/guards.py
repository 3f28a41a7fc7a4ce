"""Safety guards, checked before any write (like rclone bisync's --max-delete).

A run whose removals exceed a share of what the account holds, or whose source suddenly
looks empty while we hold records, is refused before writing anything; ``--force``
releases the guard and the release is recorded with the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.errors import GuardRefused
from hpsync.model import Kind


@dataclass(frozen=True, slots=True)
class KindLimit:
    """Removal limits of one record kind: a share of what the account holds, a count."""

    max_removal_share: float | None = None
    max_removals: int | None = None


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """Thresholds of one account."""

    max_removal_share: float = 0.2
    additions_only: bool = False
    min_held_for_share: int = 10  # below this, a ratio means little: absolute count rules
    kinds: tuple[tuple[str, KindLimit], ...] = ()  # per-kind limits, e.g. ("learner", ...)
    additions_only_until: date | None = None  # additions-only up to this day, included

    def additions_only_on(self, day: date) -> bool:
        """Whether removals are refused on ``day``."""
        until = self.additions_only_until
        return self.additions_only or (until is not None and day <= until)


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """Which guard would trip, and why (empty = all clear)."""

    tripped: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.tripped


def evaluate(
    plan: Plan,
    policy: GuardPolicy,
    *,
    source_learners: int,
    source_sessions: int,
    today: date,
) -> GuardVerdict:
    """Check the plan against the account's guards (``today``: the school's local date)."""
    reasons: list[str] = []
    held = sum(plan.held.values())
    removals = [item for item in plan.items if item.action is Action.REMOVE]
    if held and (source_learners == 0 or source_sessions == 0):
        empty = "learners" if source_learners == 0 else "sessions"
        reasons.append(
            f"the Hyperplanning base has no {empty} while account {plan.account!r} holds {held} "
            "records we pushed: is the base empty or not yet published?"
        )
    if policy.additions_only_on(today) and removals:
        until = "" if policy.additions_only else f" until {policy.additions_only_until}"
        reasons.append(
            f"additions-only mode is on{until} and the plan removes {len(removals)} record(s)"
        )
    reasons.extend(_kind_limits(plan, policy, removals))
    if held >= policy.min_held_for_share and removals:
        share = len(removals) / held
        if share > policy.max_removal_share:
            by_kind = ", ".join(
                f"{sum(1 for r in removals if r.kind is k)} {k.value}(s)"
                for k in (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR, Kind.GROUP, Kind.SESSION)
                if any(r.kind is k for r in removals)
            )
            reasons.append(
                f"the plan removes {len(removals)} of {held} records ({share:.0%}: {by_kind}), "
                f"above the limit of {policy.max_removal_share:.0%}"
            )
    return GuardVerdict(tuple(reasons))


def _kind_limits(plan: Plan, policy: GuardPolicy, removals: list[PlanItem]) -> list[str]:
    """Reasons from the per-kind limits (a count always; a share once enough is held)."""
    reasons: list[str] = []
    for kind, limit in policy.kinds:
        gone = sum(1 for r in removals if r.kind.value == kind)
        held = plan.held.get(kind, 0)
        if not gone:
            continue
        if limit.max_removals is not None and gone > limit.max_removals:
            reasons.append(
                f"the plan removes {gone} {kind}(s), above the {kind} limit of {limit.max_removals}"
            )
        elif (
            limit.max_removal_share is not None
            and held >= policy.min_held_for_share
            and gone / held > limit.max_removal_share
        ):
            reasons.append(
                f"the plan removes {gone} of {held} {kind}(s) ({gone / held:.0%}), above the "
                f"{kind} limit of {limit.max_removal_share:.0%}"
            )
    return reasons


def enforce(verdict: GuardVerdict, *, account: str, force: bool) -> None:
    """Raise GuardRefused unless the guards are clear or released with --force."""
    if verdict.ok or force:
        return
    raise GuardRefused(
        "; ".join(verdict.tripped),
        record=f"account {account}",
        hint="nothing was written; check the plan with `hpsync plan`, then rerun with "
        '--force --reason "..." if it is intended',
    )
