"""Approved plans: apply exactly what was reviewed, or refuse and say what changed."""

from __future__ import annotations

from typing import Any

from hpsync.engine.plan import Plan
from hpsync.errors import GuardRefused


def _items(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{i['kind']}:{i['sid'] or i['remote_id']}": i for i in body.get("items", [])}


def differences(approved: dict[str, Any], fresh: Plan, *, limit: int = 30) -> list[str]:
    """Lines telling how a fresh plan differs from the approved one."""
    now = fresh.to_json()
    before, after = _items(approved), _items(now)
    lines: list[str] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            assert new is not None
            lines.append(f"+ {new['action']} {key} (not in the approved plan)")
        elif new is None:
            lines.append(f"- {old['action']} {key} (approved, no longer planned)")
        else:
            other = " with other field changes" if old["changes"] != new["changes"] else ""
            lines.append(f"~ {key}: approved {old['action']}, now {new['action']}{other}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines


def check_approved(approved: dict[str, Any], fresh: Plan) -> None:
    """Refuse unless the fresh plan is, item for item, the approved one."""
    if approved.get("plan_hash") == fresh.plan_hash:
        return
    diff = differences(approved, fresh)
    raise GuardRefused(
        "the planning or Edusign changed since the plan was approved:\n  "
        + "\n  ".join(diff or ["(same items, other anomalies or warnings)"]),
        record=f"account {fresh.account}",
        hint="review a fresh `hpsync plan --out plan.json`, then `hpsync sync --plan plan.json`",
    )
