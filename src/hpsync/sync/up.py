"""Up flow use case: write back the plan of the final sheets (``attendance/plan.py``) once."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hpsync.attendance.motifs import MotifTable
from hpsync.attendance.plan import UpPlan
from hpsync.attendance.push import LedgerStore, PushReport, push_changes
from hpsync.model import Kind, parse_source_id
from hpsync.ports import AttendanceSink


def run_attendance(
    plan: UpPlan,
    sink: AttendanceSink,
    ledger: LedgerStore,
    *,
    progress: Callable[[int], None] = lambda n: None,
    motifs: MotifTable | None = None,
) -> PushReport:
    """Write the plan's changes back into Hyperplanning."""
    return push_changes(plan.changes, sink, ledger, progress=progress, motifs=motifs)


def base_aliases(renames: Mapping[str, str], base_id: str) -> dict[str, str]:
    """Identity on Edusign → identity in base ``base_id``, from the yearly switches' renames
    (old → new), following chains (2025 → 2026 → 2027)."""
    prefix = f"hp:{base_id}:"
    out: dict[str, str] = {}
    for old, new in renames.items():
        if not old.startswith(prefix):
            continue
        seen = {old}
        current = new
        while current not in seen:
            out[current] = old
            seen.add(current)
            if current not in renames:
                break
            current = renames[current]
    return out


def is_learner(sid: str) -> bool:
    """True for a learner source identity."""
    try:
        return parse_source_id(sid)[1] is Kind.LEARNER
    except ValueError:
        return False
