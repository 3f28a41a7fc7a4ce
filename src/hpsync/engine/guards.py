"""Safety guards, checked before any write (like rclone bisync's --max-delete).

A run is refused before writing anything when its removals (archiving included) exceed a
share of what the account holds — overall and per kind of record, each kind with its own
default limit, so that losing every learner of a site cannot hide behind thousands of
sessions — or when the source suddenly offers much less than at the last good run
(sessions, learners, the span of the planning), or looks empty while we hold records.
``--force --reason`` (or an approved plan) releases the guards; the release is recorded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hpsync.engine.explained import explain_item
from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.errors import GuardRefused
from hpsync.locale import Reader
from hpsync.model import Kind

KINDS = (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR, Kind.GROUP, Kind.SESSION)


@dataclass(frozen=True, slots=True)
class KindLimit:
    """Removal limits of one record kind: a share of what the account holds, a count."""

    max_removal_share: float | None = None
    max_removals: int | None = None


#: Per-kind removal limits when the configuration sets none (docs/config.md).
DEFAULT_KIND_LIMITS: tuple[tuple[str, KindLimit], ...] = (
    ("learner", KindLimit(max_removal_share=0.1)),
    ("trainer", KindLimit(max_removal_share=0.2)),
    ("tutor", KindLimit(max_removal_share=0.2)),
    ("group", KindLimit(max_removal_share=0.2)),
    ("session", KindLimit(max_removal_share=0.2)),
)
#: Under ``min_held_for_share`` records of a kind, this many removals always pass.
SMALL_FLOOR = 2


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """What the source offered an account at its last good run, to notice a sudden shrink."""

    base_id: str
    sessions: int
    learners: int
    first_start: str  # ISO instants ("" without sessions)
    last_end: str


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """Thresholds of one account."""

    max_removal_share: float = 0.2
    additions_only: bool = False
    min_held_for_share: int = 10  # below this, a ratio means little (see SMALL_FLOOR)
    kinds: tuple[tuple[str, KindLimit], ...] = ()  # per-kind limits, e.g. ("learner", ...)
    additions_only_until: date | None = None  # additions-only up to this day, included
    max_source_shrink: float = 0.3  # sessions or learners offered: largest drop allowed
    max_span_shrink_days: int = 14  # planning span: largest move of either end inward

    def people_unlimited(self) -> GuardPolicy:
        """The policy without per-kind limits on people: the first sync after a yearly
        switch archives the leavers, a share the yearly-change guard has already judged."""
        free = tuple((kind, KindLimit()) for kind in ("learner", "trainer", "tutor"))
        return replace(self, kinds=(*free, *self.kinds))

    def limit_of(self, kind: str) -> KindLimit | None:
        """The configured limit of a kind, else its default."""
        for name, limit in (*self.kinds, *DEFAULT_KIND_LIMITS):
            if name == kind:
                return limit
        return None

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
    source: SourceFigures | None = None,
    previous: SourceFigures | None = None,
    zone: str = "UTC",
) -> GuardVerdict:
    """Check the plan against the account's guards (``today``: the school's local date;
    ``zone``: where the sessions named in a refusal are dated)."""
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
    reasons.extend(_kind_limits(plan, policy, removals, Reader("en", zone)))
    if source is not None and previous is not None:
        reasons.extend(source_shrink(previous, source, policy))
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


def _kind_limits(
    plan: Plan, policy: GuardPolicy, removals: list[PlanItem], reader: Reader
) -> list[str]:
    """Reasons from the per-kind limits: a count always; a share of what is held, or, for a
    kind held by fewer than ``min_held_for_share``, more than ``SMALL_FLOOR`` removals."""
    reasons: list[str] = []
    gone_by_kind = Counter(r.kind.value for r in removals)
    for kind in (k.value for k in KINDS):
        gone = gone_by_kind.get(kind, 0)
        limit = policy.limit_of(kind)
        if not gone or limit is None:
            continue
        held = plan.held.get(kind, 0)
        who = _names([r for r in removals if r.kind.value == kind], reader)
        if limit.max_removals is not None and gone > limit.max_removals:
            reasons.append(
                f"the plan removes {gone} {kind}(s), above the {kind} limit of "
                f"{limit.max_removals}{who}"
            )
        elif limit.max_removal_share is not None:
            share = limit.max_removal_share
            big = held >= policy.min_held_for_share
            if (big and gone / held > share) or (not big and gone > max(SMALL_FLOOR, share * held)):
                reasons.append(
                    f"the plan removes {gone} of {held} {kind}(s) ({gone / max(held, 1):.0%}), "
                    f"above the {kind} limit of {share:.0%}{who}"
                )
    return reasons


def _names(items: list[PlanItem], reader: Reader, shown: int = 5) -> str:
    """The first records removed, named as every face names them (``explained``: name and
    e-mail, a session's name and local start)."""
    named = [explain_item(i).name(reader) for i in items[:shown]]
    if not named:
        return ""
    more = f", and {len(items) - shown} more (`hpsync plan`)" if len(items) > shown else ""
    return f" — {', '.join(named)}{more}"


def source_shrink(previous: SourceFigures, now: SourceFigures, policy: GuardPolicy) -> list[str]:
    """Reasons when the source offers much less than at the last good run of the same base:
    sessions or learners down by more than ``max_source_shrink`` (from 10 up; none at all
    from 3 up), or the planning's span narrowed by more than ``max_span_shrink_days`` at
    either end."""
    if previous.base_id != now.base_id:
        return []  # a new year's base: the yearly-change guard judges it
    reasons: list[str] = []
    for what, before, after in (
        ("sessions", previous.sessions, now.sessions),
        ("learners", previous.learners, now.learners),
    ):
        shrank = before >= 10 and after < before * (1 - policy.max_source_shrink)
        if shrank or (after == 0 and before > SMALL_FLOOR):
            reasons.append(
                f"Hyperplanning now offers {after} {what} for this account against {before} at "
                f"the last good run (-{1 - after / before:.0%}, above the "
                f"{policy.max_source_shrink:.0%} limit): a rubric renamed, a filter or a "
                "partial export?"
            )
    margin = timedelta(days=policy.max_span_shrink_days)
    if previous.first_start and now.first_start and previous.last_end and now.last_end:
        first_before = datetime.fromisoformat(previous.first_start)
        first_now = datetime.fromisoformat(now.first_start)
        last_before = datetime.fromisoformat(previous.last_end)
        last_now = datetime.fromisoformat(now.last_end)
        if first_now - first_before > margin or last_before - last_now > margin:
            reasons.append(
                f"the planning now spans {first_now:%Y-%m-%d} – {last_now:%Y-%m-%d} against "
                f"{first_before:%Y-%m-%d} – {last_before:%Y-%m-%d} at the last good run: "
                "Hyperplanning answered a narrower period"
            )
    return reasons


def enforce(verdict: GuardVerdict, *, account: str, force: bool) -> None:
    """Raise GuardRefused unless the guards are clear or released with --force."""
    if verdict.ok or force:
        return
    raise GuardRefused(
        "; ".join(verdict.tripped),
        record=f"account {account}",
        hint="nothing was written; check the plan with `hpsync plan -a "
        f'{account}`; if it is intended, rerun with --force --reason "..." or approve it '
        f"(`hpsync plan -a {account} --out plan.json`, then `hpsync sync --plan plan.json`)",
    )
