"""Approved plans: apply exactly what was reviewed, or refuse and say what changed."""

from __future__ import annotations

from typing import Any

from hpsync.engine.plan import Plan
from hpsync.errors import PlanChanged


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
            lines.append(f"+ {_who(new, key)}: {_what(new)} (not in the approved plan)")
        elif new is None:
            lines.append(f"- {_who(old, key)}: {_what(old)} (approved, no longer planned)")
        else:
            lines.append(f"~ {_who(new, key)}: approved {_what(old)}; now {_what(new)}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines


def _who(item: dict[str, Any], key: str) -> str:
    """The record as a person knows it (name and e-mail, or session and date), and its key."""
    summary = str(item.get("summary") or "")
    return f"{item['kind']} {summary} [{key}]" if summary else key


def _what(item: dict[str, Any]) -> str:
    """The action and its field changes, before → after."""
    changes = "; ".join(
        f"{c['field']}: {_short(c['before'])} → {_short(c['after'])}" for c in item["changes"]
    )
    return f"{item['action']}" + (f" ({changes})" if changes else "")


def _short(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 50 else text[:47] + "..."


def check_approved(approved: dict[str, Any], fresh: Plan) -> None:
    """Refuse unless the fresh plan is, item for item, the approved one."""
    if approved.get("plan_hash") == fresh.plan_hash:
        return
    diff = differences(approved, fresh)
    raise PlanChanged(
        "the planning or Edusign changed since the plan was approved:\n  "
        + "\n  ".join(diff or ["(same items, other anomalies or warnings)"]),
        record=f"account {fresh.account}",
        hint="review a fresh `hpsync plan --out plan.json`, then `hpsync sync --plan plan.json`",
    )
