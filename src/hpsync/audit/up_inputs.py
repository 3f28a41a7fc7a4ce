"""Inputs of an attendance (up) run, as JSON: the sheets read, the ledger, the policy.

Stored content-addressed like a down run's (see ``audit.record``), so ``hpsync replay``
can recompute an attendance run's changes and compare them with what was planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from hpsync.attendance.ledger import Change, Key, LedgerEntry, Status
from hpsync.attendance.statuses import FinalPolicy, MarkKind, SheetMark
from hpsync.hashing import digest
from hpsync.model import Snapshot
from hpsync.ports import Sheet
from hpsync.school.dump import school_document
from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow, put_blob, record_run_inputs


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def sheets_to_json(sheets: Sequence[Sheet]) -> list[dict[str, Any]]:
    return [
        {
            "session_sid": s.session_sid,
            "remote_id": s.remote_id,
            "locked": s.locked,
            "marks": [
                {
                    "session_sid": m.session_sid,
                    "learner_sid": m.learner_sid,
                    "present": m.present,
                    "delay_minutes": m.delay_minutes,
                    "left_at": _dt(m.left_at),
                    "justified": m.justified,
                    "reason": m.reason,
                    "hand_added": m.hand_added,
                }
                for m in s.marks
            ],
        }
        for s in sheets
    ]


def sheets_from_json(rows: Sequence[Mapping[str, Any]]) -> list[Sheet]:
    return [
        Sheet(
            row["session_sid"],
            row["remote_id"],
            bool(row["locked"]),
            tuple(
                SheetMark(
                    m["session_sid"],
                    m["learner_sid"],
                    bool(m["present"]),
                    int(m["delay_minutes"]),
                    _parse(m["left_at"]),
                    bool(m["justified"]),
                    str(m["reason"]),
                    bool(m["hand_added"]),
                )
                for m in row["marks"]
            ),
        )
        for row in rows
    ]


def ledger_to_json(entries: Mapping[Key, LedgerEntry]) -> list[dict[str, Any]]:
    return [
        {
            "session_sid": e.session_sid,
            "learner_sid": e.learner_sid,
            "kind": e.kind.value,
            "status": e.status.value,
            "fingerprint": e.fingerprint,
            "start": _dt(e.start),
            "end": _dt(e.end),
            "justified": e.justified,
            "reason": e.reason,
            "detail": e.detail,
            "attempts": e.attempts,
        }
        for _key, e in sorted(entries.items())
    ]


def ledger_from_json(rows: Sequence[Mapping[str, Any]]) -> dict[Key, LedgerEntry]:
    out: dict[Key, LedgerEntry] = {}
    for r in rows:
        start, end = _parse(r["start"]), _parse(r["end"])
        assert start is not None and end is not None
        entry = LedgerEntry(
            r["session_sid"],
            r["learner_sid"],
            MarkKind(r["kind"]),
            Status(r["status"]),
            r["fingerprint"],
            start,
            end,
            bool(r["justified"]),
            r["reason"],
            r["detail"],
            int(r["attempts"]),
        )
        out[entry.key] = entry
    return out


def policy_to_json(policy: FinalPolicy, aliases: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The run's settings: its final policy, and the identities a yearly switch renamed."""
    body: dict[str, Any] = {
        "flow": "up",
        "locked": policy.locked,
        "hours_after_end": policy.hours_after_end,
    }
    if aliases:
        body["aliases"] = dict(sorted(aliases.items()))
    return body


def aliases_from_json(body: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(body.get("aliases", {})).items()}


def policy_from_json(body: Mapping[str, Any]) -> FinalPolicy:
    return FinalPolicy(locked=bool(body["locked"]), hours_after_end=float(body["hours_after_end"]))


def changes_hash(changes: Sequence[Change]) -> str:
    """What an attendance run would write, as one hash."""
    return digest(
        [
            [c.op.value, list(c.key[:2]), c.key[2].value, c.intent.fingerprint if c.intent else ""]
            for c in changes
        ]
    )


def record_up_inputs(
    store: StateStore,
    run_id: int,
    account: str,
    snapshot: Snapshot,
    sheets: Sequence[Sheet],
    ledger: Mapping[Key, LedgerEntry],
    policy: FinalPolicy,
    changes: Sequence[Change],
    now: datetime,
    aliases: Mapping[str, str] | None = None,
) -> RunInputsRow:
    """Keep an attendance run's inputs, deduplicated, under the run."""
    row = RunInputsRow(
        run_id,
        account,
        changes_hash(changes),
        now,
        put_blob(store, "snapshot", school_document(snapshot)),
        put_blob(store, "remote", sheets_to_json(sheets)),
        put_blob(store, "pushed", ledger_to_json(ledger)),
        put_blob(store, "rules", policy_to_json(policy, aliases)),
    )
    record_run_inputs(store, row)
    return row
