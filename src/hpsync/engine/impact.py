"""Configuration impact preview: what a new configuration would move, before deploying it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hpsync.engine.desired import DesiredLearner, DesiredState
from hpsync.model import Kind


@dataclass
class AccountImpact:
    """Differences in one account's desired state between two configurations."""

    account: str
    gained: dict[str, list[str]] = field(default_factory=dict)  # kind -> sids
    lost: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    tags_changed: list[str] = field(default_factory=list)

    def lines(self, limit: int = 10) -> list[str]:
        out = [f"account {self.account}:"]
        for label, table in (
            ("gained", self.gained),
            ("lost", self.lost),
            ("changed", self.changed),
        ):
            for kind, sids in sorted(table.items()):
                shown = ", ".join(sids[:limit]) + (
                    f" (+{len(sids) - limit})" if len(sids) > limit else ""
                )
                out.append(f"  {kind} {label}: {len(sids)}  {shown}")
        if self.tags_changed:
            out.append(f"  learners whose tags change: {len(self.tags_changed)}")
        if len(out) == 1:
            out.append("  no change")
        return out


def impact(account: str, current: DesiredState | None, new: DesiredState | None) -> AccountImpact:
    """Compare the desired state of one account under the current and the new configuration."""
    result = AccountImpact(account)
    for kind in (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR, Kind.GROUP, Kind.SESSION):
        before: dict[str, object] = (
            {str(k): v for k, v in current.of(kind).items()} if current else {}
        )
        after: dict[str, object] = {str(k): v for k, v in new.of(kind).items()} if new else {}
        gained: list[str] = sorted(set(after) - set(before))
        lost: list[str] = sorted(set(before) - set(after))
        changed: list[str] = sorted(s for s in set(before) & set(after) if before[s] != after[s])
        if gained:
            result.gained[kind.value] = gained
        if lost:
            result.lost[kind.value] = lost
        if changed:
            result.changed[kind.value] = changed
        if kind is Kind.LEARNER:
            for sid in changed:
                old, now = before[sid], after[sid]
                learners = isinstance(old, DesiredLearner) and isinstance(now, DesiredLearner)
                if learners and getattr(old, "tags", ()) != getattr(now, "tags", ()):
                    result.tags_changed.append(sid)
    return result
