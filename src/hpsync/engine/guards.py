"""Safety guards, checked before any write (like rclone bisync's --max-delete).

A run whose removals exceed a share of what the account holds, or whose source suddenly
looks empty while we hold records, is refused before writing anything; ``--force``
releases the guard and the release is recorded with the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from hpsync.engine.plan import Action, Plan
from hpsync.errors import GuardRefused
from hpsync.model import Kind


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """Thresholds of one account."""

    max_removal_share: float = 0.2
    additions_only: bool = False
    min_held_for_share: int = 10  # below this, a ratio means little: absolute count rules


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """Which guard would trip, and why (empty = all clear)."""

    tripped: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.tripped


def evaluate(
    plan: Plan, policy: GuardPolicy, *, source_learners: int, source_sessions: int
) -> GuardVerdict:
    """Check the plan against the account's guards."""
    reasons: list[str] = []
    held = sum(plan.held.values())
    removals = [item for item in plan.items if item.action is Action.REMOVE]
    if held and (source_learners == 0 or source_sessions == 0):
        empty = "learners" if source_learners == 0 else "sessions"
        reasons.append(
            f"the Hyperplanning base has no {empty} while account {plan.account!r} holds {held} "
            "records we pushed: is the base empty or not yet published?"
        )
    if policy.additions_only and removals:
        reasons.append(f"additions-only mode is on and the plan removes {len(removals)} record(s)")
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
