"""Approved plans: apply exactly what was reviewed, or refuse and say what changed."""

from __future__ import annotations

from typing import Any

from hpsync.engine.explained import Explained, explain_json
from hpsync.engine.plan import Plan
from hpsync.errors import PlanChanged
from hpsync.locale import Reader


def _items(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{i['kind']}:{i['sid'] or i['remote_id']}": i for i in body.get("items", [])}


def differences(
    approved: dict[str, Any], fresh: Plan, *, limit: int = 30, zone: str = "UTC"
) -> list[str]:
    """Lines telling how a fresh plan differs from the approved one (times in ``zone``)."""
    reader = Reader("en", zone)
    now = fresh.to_json()
    before, after = _items(approved), _items(now)
    lines: list[str] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            assert new is not None
            item = explain_json(new)
            lines.append(f"+ {_who(item, reader)}: {item.what(reader)} (not in the approved plan)")
        elif new is None:
            item = explain_json(old)
            lines.append(
                f"- {_who(item, reader)}: {item.what(reader)} (approved, no longer planned)"
            )
        else:
            was, item = explain_json(old), explain_json(new)
            lines.append(
                f"~ {_who(item, reader)}: approved {was.what(reader)}; now {item.what(reader)}"
            )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines


def _who(item: Explained, reader: Reader) -> str:
    """The record as a person knows it (name and e-mail, or session and date), and its key."""
    return f"{item.kind} {item.name(reader)} [{item.key}]"


def check_approved(approved: dict[str, Any], fresh: Plan, *, zone: str = "UTC") -> None:
    """Refuse unless the fresh plan is, item for item, the approved one."""
    if approved.get("plan_hash") == fresh.plan_hash:
        return
    diff = differences(approved, fresh, zone=zone)
    raise PlanChanged(
        "the planning or Edusign changed since the plan was approved:\n  "
        + "\n  ".join(diff or ["(same items, other anomalies or warnings)"]),
        record=f"account {fresh.account}",
        hint="review a fresh `hpsync plan --out plan.json`, then `hpsync sync --plan plan.json`",
    )
