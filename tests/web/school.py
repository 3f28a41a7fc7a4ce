"""One school's history, written through the store's own write methods.

The same filler feeds the in-memory fake and a real SQLite StateStore, so every page test
runs on both. Values are chosen to be found on the pages (and a secret and markup to be
proven absent or escaped).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow, record_run_inputs
from hpsync.state.marks import MarkRow, NotificationRow, add_notifications, record_marks
from hpsync.state.rows import LedgerRow, MappingRow, PlanItemRow

TOKEN = "dash-token-7f3a9c"
LEAKED = Secret("edusign-api-key-XYZ123", source="test")  # registered for redaction
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOW = START + timedelta(days=3)
ACCOUNTS = ["paris", "lyon", "nantes"]  # nantes never ran
PLAN_HASH = "9f2c" + "0" * 60
APPROVED = "a1b2c3d4e5f6"
DIGESTS = {role: role[0] * 64 for role in ("snapshot", "remote", "pushed", "rules")}
XSS = "<script>alert('x')</script>"


class StepClock:
    """A clock that moves one hour each time it is read: runs get distinct times."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(hours=1)
        return self.now


class Writable(Protocol):
    def start_run(
        self, account: str, flow: str, *, dry_run: bool = False, meta: Any = None
    ) -> int: ...
    def finish_run(self, run_id: int, outcome: str, counts: Any, *, error: str = "") -> None: ...
    def add_plan_items(self, run_id: int, items: Any) -> None: ...
    def set_item_outcomes(self, run_id: int, outcomes: Any) -> None: ...
    def ledger_put(self, row: LedgerRow) -> None: ...
    def put_mappings(self, account: str, rows: Any) -> None: ...


def item(
    key: str,
    kind: str,
    action: str,
    sid: str,
    summary: str,
    *,
    reason: str = "",
    drift: str = "",
    changes: list[tuple[str, Any, Any]] | None = None,
    remote_id: str = "",
) -> PlanItemRow:
    details = {
        "reason": reason,
        "drift": drift,
        "changes": [{"field": f, "before": b, "after": a} for f, b, a in changes or []],
    }
    return PlanItemRow(key, kind, action, sid, remote_id, summary, json.dumps(details))


def anomaly(code: str, record: str, message: str, label: str) -> PlanItemRow:
    details = json.dumps({"label": label, "blocks": 2})
    key = f"anomaly:{code}:{record}"
    return PlanItemRow(key, "anomaly", code, record, "", message, details, "noop", label)


def fill(store: Writable) -> dict[str, int]:
    """Write the history; returns the ids of the runs the tests look at."""
    ids: dict[str, int] = {}
    # paris: a clean down run, then an attendance run, then a partial down run.
    ids["paris_down_ok"] = run = store.start_run("paris", "down", meta={"base_id": "2026"})
    # api_calls/write_calls: the figures the demo adds to its runs' counts (a sync does not
    # record them yet); the dashboard charts them when a run has them.
    store.finish_run(
        run,
        "ok",
        {
            "created": 40,
            "updated": 2,
            "removed": 0,
            "anomalies": 1,
            "writes_planned": 42,
            "api_calls": 96,
            "write_calls": 6,
        },
    )
    ids["paris_up"] = run = store.start_run("paris", "up")
    store.finish_run(
        run,
        "ok",
        {"written.absence.write": 5, "written.delay.write": 2, "failed": 0, "sheets_open": 1},
    )
    ids["paris_down"] = run = store.start_run(
        "paris",
        "down",
        meta={
            "base_id": "2026",
            "forced": True,
            "reason": "guard released after review",
            "by": "alice",
            "approved_plan": APPROVED,
        },
    )
    store.add_plan_items(
        run,
        [
            item(
                "learner:L4001",
                "learner",
                "create",
                "learner 4001",
                "Alice Martin",
                reason="kept by rule rubric: BTS SIO 1",
            ),
            item(
                "session:S77",
                "session",
                "update",
                "session 77",
                "Maths — 2026-03-05 09:00",
                reason="room changed in Hyperplanning",
                drift="edited",
                changes=[("room", "B12", "C07"), ("trainer", None, "Dupont")],
                remote_id="crs-991",
            ),
            item(
                "trainer:T9",
                "trainer",
                "remove",
                "trainer 9",
                f"Bob {XSS}",
                reason="no longer in family Formateurs",
            ),
            item(
                "session:S80",
                "session",
                "protected",
                "session 80",
                "Anglais — 2026-03-02 14:00",
                reason="removed from the planning but the sheet is locked: kept, please check",
                remote_id="crs-980",
            ),
            item(
                "learner:HM1",
                "learner",
                "hand_made",
                "",
                "Carol (made in Edusign)",
                drift="hand_made",
                remote_id="stu-555",
            ),
            anomaly("learner_without_rubric", "learner 4031", "learner has no rubric", "Dan Petit"),
            anomaly("session_no_trainer", "session 88", "session has no trainer", "Physique"),
        ],
    )
    store.set_item_outcomes(
        run,
        {
            "learner:L4001": ("done", ""),
            "session:S77": ("done", ""),
            "session:S80": ("done", ""),  # what the store records for a kept sheet
            "trainer:T9": ("failed", "Edusign answered 409: professor has signed courses"),
        },
    )
    store.finish_run(
        run, "partial", {"created": 1, "updated": 1, "removed": 1, "failed": 1, "anomalies": 2}
    )
    # a later dry run planned again: its plan is the newest view of paris' down flow.
    ids["paris_dry"] = run = store.start_run("paris", "down", dry_run=True)
    store.add_plan_items(
        run,
        [
            item(
                "learner:HM1",
                "learner",
                "hand_made",
                "",
                "Carol (made in Edusign)",
                drift="hand_made",
                remote_id="stu-555",
            ),
            anomaly("learner_without_rubric", "learner 4031", "learner has no rubric", "Dan Petit"),
            anomaly("learner_without_rubric", "learner 4032", "learner has no rubric", "Eve"),
            anomaly("learner_no_email", "learner 4050", "learner has no e-mail", "Fay Roux"),
        ],
    )
    store.finish_run(run, "planned", {"created": 0, "anomalies": 3})
    # lyon: a refused run whose error text carries a secret (must be redacted).
    ids["lyon_down"] = run = store.start_run("lyon", "down")
    store.finish_run(
        run, "refused", {}, error=f"deletion guard: 80% removed (key {LEAKED.reveal()})"
    )
    # paris' attendance ledger and what the account holds.
    at = START + timedelta(days=1)
    for n, (status, attempts, reason) in enumerate(
        [
            ("written", 1, ""),
            ("written", 1, ""),
            ("written", 2, ""),
            ("pending", 2, "sheet still open in Edusign"),
            ("failed", 5, "Hyperplanning refused: learner not in session"),
        ]
    ):
        store.ledger_put(
            LedgerRow(
                "paris",
                f"S{n}",
                f"L{n}",
                "absence",
                status,
                f"fp{n}",
                at,
                at + timedelta(hours=2),
                False,
                reason,
                "detail",
                attempts,
                at,
            )
        )
    store.put_mappings(
        "paris",
        [
            MappingRow("paris", kind, sid, f"r-{sid}", "h", at)
            for kind, sid in [("learner", "L1"), ("learner", "L2"), ("session", "S1")]
        ],
    )
    _keep_inputs(store, ids["paris_down_ok"])
    _log_emails(store)
    _record_marks(store)
    return ids


def _record_marks(store: Writable) -> None:
    """Two school days of paris' final marks (08:00 and 13:00 UTC sessions), one learner
    per status: present, late, left early, absent."""
    rows = []
    for day in range(2):
        for hour in (8, 13):
            start = START + timedelta(days=day, hours=hour - 8)
            sid = f"hp:2026:session:{day}{hour}"
            rows += [
                MarkRow(sid, "hp:2026:learner:1", "present", start, start + timedelta(hours=2)),
                MarkRow(
                    sid,
                    "hp:2026:learner:2",
                    "present",
                    start,
                    start + timedelta(hours=2),
                    late_minutes=10,
                ),
                MarkRow(
                    sid,
                    "hp:2026:learner:3",
                    "present",
                    start,
                    start + timedelta(hours=2),
                    left_at=start + timedelta(hours=1),
                ),
                MarkRow(sid, "hp:2026:learner:4", "absent", start, start + timedelta(hours=2)),
            ]
    if isinstance(store, StateStore):
        record_marks(store, "paris", rows)
    else:
        store.record_mark_rows("paris", rows)  # type: ignore[attr-defined]


def _keep_inputs(store: Writable, run_id: int) -> None:
    """The trust audit's record of a down run's inputs, through the store's own API."""
    row = RunInputsRow(
        run_id,
        "paris",
        PLAN_HASH,
        START,
        DIGESTS["snapshot"],
        DIGESTS["remote"],
        DIGESTS["pushed"],
        DIGESTS["rules"],
    )
    if isinstance(store, StateStore):
        record_run_inputs(store, row)
    else:
        store.record_run_inputs(row)  # type: ignore[attr-defined]


BODY = "the full e-mail text stays in the send log"
EMAILS = [
    (
        "alert:absences3:L1:2026-03-03:tutor@firm.example",
        "alert",
        "tutor@firm.example",
        "Absences of Alice Martin",
        "sent",
        1,
        "",
    ),
    (
        "guard:3:school@paris.example",
        "alert",
        "school@paris.example",
        f"[hpsync] paris: sync refused {XSS}",
        "failed",
        3,
        f"SMTP 535 auth failed for key {LEAKED.reveal()}",
    ),
    (
        "digest:2026-03-04:school@paris.example",
        "report",
        "school@paris.example",
        "[hpsync] paris 2026-03-04: 2 run(s)",
        "dry_run",
        0,
        "",
    ),
    (
        "report:weekly:2026-W10:tutor@firm.example",
        "report",
        "tutor@firm.example",
        "Weekly attendance 2026-W10",
        "pending",
        0,
        "",
    ),
]


def _log_emails(store: Writable) -> None:
    """paris' send log: one e-mail of each sort and status, through the store's own API."""
    rows = [
        NotificationRow(
            "paris",
            key,
            kind,
            to,
            subject,
            "body",
            "",
            status,
            attempts,
            error,
            START + timedelta(hours=n),
            None,
        )
        for n, (key, kind, to, subject, status, attempts, error) in enumerate(EMAILS)
    ]
    if isinstance(store, StateStore):
        add_notifications(store, rows)
    else:
        store.add_notification_rows(rows)  # type: ignore[attr-defined]
