"""Plans and anomaly reports as text a school administrator reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hpsync.engine.explained import explain_item
from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.locale import Reader
from hpsync.rules.outcome import Anomaly

MAX_LISTED = 20
_ORDER = (
    Action.CREATE,
    Action.UPDATE,
    Action.ADOPT,
    Action.REMOVE,
    Action.FORGET,
    Action.PROTECTED,
    Action.HAND_MADE,
)


def render_item(item: PlanItem, reader: Reader | None = None) -> list[str]:
    """One item as every face writes it (``explained``), with its field-level diff."""
    lines = explain_item(item).lines(reader or Reader("en"), indent="      ")
    return [f"  {line}" if n == 0 else line for n, line in enumerate(lines)]


def render_items(plan: Plan, reader: Reader, *, limit: int = MAX_LISTED) -> list[str]:
    """The plan's items grouped by action, the first ``limit`` of each: ``plan`` and the
    ``plan --compare`` preview list the same lines."""
    lines: list[str] = []
    for action in _ORDER:
        items = [i for i in plan.items if i.action is action]
        if not items:
            continue
        lines.append(f"{action.value} ({len(items)}):")
        for item in items[:limit]:
            lines.extend(render_item(item, reader))
        if len(items) > limit:
            lines.append(f"  ... and {len(items) - limit} more (use --json for all)")
    return lines


def explained_items(plan: Plan, reader: Reader) -> list[dict[str, Any]]:
    """Every item but the unchanged ones, in the explained dict form (``--json``)."""
    return [explain_item(i).as_json(reader) for i in plan.items if i.action is not Action.UNCHANGED]


def render_plan(plan: Plan, *, limit: int = MAX_LISTED, zone: str | None = None) -> str:
    """The plan grouped by action, with counts, drift and anomalies (sessions' times in
    ``zone``, the planning's)."""
    reader = Reader("en", zone) if zone else Reader("en")
    counts = plan.count()
    lines = [f"Plan for account {plan.account!r} (base {plan.base_id})"]
    for kind, by_action in sorted(counts.items()):
        parts = ", ".join(f"{n} {a}" for a, n in sorted(by_action.items()))
        lines.append(f"  {kind:<8} {parts}")
    lines += render_items(plan, reader, limit=limit)
    drift = plan.drift()
    lines.append(
        f"drift: {len(drift)} record(s) written by hpsync, then changed by hand in Edusign"
    )
    lines.append(f"hand-made: {len(plan.hand_made())} record(s) hpsync never wrote (left alone)")
    lines.append(f"anomalies: {len(plan.anomalies)} (see `hpsync anomalies`)")
    lines += [f"warning: {w}" for w in plan.warnings]
    lines.append(f"writes planned: {len(plan.writes())}")
    return "\n".join(lines)


def render_anomalies(anomalies: Iterable[Anomaly], *, limit: int = 200) -> str:
    """Anomalies grouped by code, most blocking first."""
    items = sorted(anomalies, key=lambda a: (a.code.value, -a.blocks, a.key))
    lines: list[str] = []
    current = None
    shown = 0
    for anomaly in items:
        if anomaly.code != current:
            current = anomaly.code
            count = sum(1 for a in items if a.code == current)
            lines.append(f"{current.value} ({count}):")
        if shown < limit:
            lines.append("  " + anomaly.render())
            shown += 1
    if not lines:
        return "no anomaly"
    return "\n".join(lines)
