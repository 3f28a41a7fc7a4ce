"""Injected transport faults: HTTP 500, connection reset, hang (timeout), slow answer.

A fault fires on API requests (never on ``/_emulator``) whose path starts with
``path_prefix`` (and whose method matches, if given), either at random with probability
``rate`` or exactly on the ``nth`` matching request, at most ``times`` times.
``when="after"`` applies the request first, then fails the answer (a write that landed).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

KINDS = ("500", "reset", "timeout", "slow")


@dataclass(slots=True)
class Fault:
    """One fault rule; see the module docstring."""

    kind: str
    rate: float = 0.0
    nth: int | None = None
    times: int | None = None
    seconds: float = 30.0
    path_prefix: str = "/v"
    method: str = ""
    when: str = "before"
    seen: int = 0
    fired: int = 0

    def as_json(self) -> dict[str, Any]:
        """The rule and its counters."""
        return {
            "kind": self.kind,
            "rate": self.rate,
            "nth": self.nth,
            "times": self.times,
            "seconds": self.seconds,
            "path_prefix": self.path_prefix,
            "method": self.method,
            "when": self.when,
            "seen": self.seen,
            "fired": self.fired,
        }


def parse_fault(body: dict[str, Any]) -> Fault:
    """A rule from the control body; ValueError names the bad field."""
    kind = str(body.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    when = str(body.get("when", "before"))
    if when not in ("before", "after"):
        raise ValueError("when must be 'before' or 'after'")
    nth = body.get("nth")
    rate = float(body.get("rate", 0.0 if nth is not None else 1.0))
    if not 0.0 <= rate <= 1.0:
        raise ValueError("rate must be between 0 and 1")
    times = body.get("times", 1 if nth is not None else None)
    return Fault(
        kind=kind,
        rate=rate,
        nth=int(nth) if nth is not None else None,
        times=int(times) if times is not None else None,
        seconds=float(body.get("seconds", 30.0 if kind == "timeout" else 1.0)),
        path_prefix=str(body.get("path_prefix", "/v")),
        method=str(body.get("method", "")).upper(),
        when=when,
    )


@dataclass(slots=True)
class FaultPlan:
    """The active fault rules; the first rule that fires wins."""

    rules: list[Fault] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, method: str, path: str) -> Fault | None:
        """The rule firing on this request, if any (counts the request on every match)."""
        with self.lock:
            chosen: Fault | None = None
            for rule in self.rules:
                if not path.startswith(rule.path_prefix) or rule.method not in ("", method):
                    continue
                rule.seen += 1
                if chosen is not None or (rule.times is not None and rule.fired >= rule.times):
                    continue
                hit = (
                    rule.seen == rule.nth if rule.nth is not None else self.rng.random() < rule.rate
                )
                if hit:
                    rule.fired += 1
                    chosen = rule
            return chosen
