"""The yearly-change guard (pure): a new base must recognise enough of the people we carry.

An empty base, another school's base, or a base whose identifiers were renumbered without
e-mails matches few of this year's people; switching to it would archive everyone and
create them again, splitting every identity and its history. ``year switch`` and the first
sync after a switch refuse such a base with the figures, unless forced with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hpsync.model import Kind

#: Below this many people of a kind a share means little: only "none matched" is refused.
MIN_PEOPLE = 5


@dataclass(frozen=True, slots=True)
class SwitchThresholds:
    """Least share of the people carried that the new base must match, per kind.

    Defaults: a quarter of the learners (one-year programmes renew most of them; a wrong
    base matches almost none) and half of the trainers (teams change little).
    """

    learners: float = 0.25
    trainers: float = 0.5

    def of(self, kind: Kind) -> float | None:
        if kind is Kind.LEARNER:
            return self.learners
        if kind is Kind.TRAINER:
            return self.trainers
        return None


@dataclass(frozen=True, slots=True)
class KindShare:
    """How many of the people carried of one kind the new base matches."""

    kind: Kind
    matched: int
    carried: int

    @property
    def share(self) -> float:
        return self.matched / self.carried if self.carried else 1.0

    def text(self) -> str:
        return f"{self.matched} of {self.carried} {self.kind.value}s ({self.share:.0%})"


def shares(matched: Mapping[Kind, int], carried: Mapping[Kind, int]) -> list[KindShare]:
    """Learner and trainer shares, in that order."""
    return [
        KindShare(kind, matched.get(kind, 0), carried.get(kind, 0))
        for kind in (Kind.LEARNER, Kind.TRAINER)
    ]


def refusals(found: Iterable[KindShare], thresholds: SwitchThresholds) -> list[str]:
    """One reason per kind whose share is under its threshold (empty = the base is accepted)."""
    out: list[str] = []
    for one in found:
        least = thresholds.of(one.kind)
        if least is None or not one.carried:
            continue
        if one.matched == 0 or (one.carried >= MIN_PEOPLE and one.share < least):
            out.append(f"the new base matches {one.text()}, under the {least:.0%} required")
    return out
