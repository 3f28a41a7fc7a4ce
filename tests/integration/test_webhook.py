"""Webhooks: only correctly signed, fresh deliveries are accepted; they update one sheet."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from starlette.testclient import TestClient

from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.engine.guards import GuardPolicy
from hpsync.ports import Sheet
from hpsync.rules.policy import AccountRules
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, run_up
from hpsync.testing.builders import BASE, PARIS, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences
from hpsync.web.webhook import create_app, signature

SECRET = Secret("whsec-0123456789")


def client(calls: list[tuple[str, str, str]]) -> TestClient:
    app = create_app({"nord": SECRET}, lambda *args: calls.append(args))
    return TestClient(app)


def post(c: TestClient, body: bytes, sig: str | None) -> int:
    headers = {"content-type": "application/json"}
    if sig is not None:
        headers["x-edusign-hmac"] = sig
    return c.post("/webhook/nord", content=body, headers=headers).status_code


BODY = json.dumps({"type": "on_student_sign", "course": {"ID": "c42"}, "student": {"ID": "s1"}})


def test_valid_signature_is_accepted_and_names_the_sheet() -> None:
    """A correctly signed event is accepted and hands over that sheet's id only."""
    calls: list[tuple[str, str, str]] = []
    assert post(client(calls), BODY.encode(), signature(SECRET, BODY.encode())) == 200
    assert calls == [("nord", "on_student_sign", "c42")]


def test_bad_signatures_and_replays_are_refused() -> None:
    """Tampered body, wrong secret, missing header and a replay all get 401, nothing runs."""
    calls: list[tuple[str, str, str]] = []
    c = client(calls)
    body = BODY.encode()
    good = signature(SECRET, body)
    assert post(c, body.replace(b"c42", b"c43"), good) == 401
    assert post(c, body, signature(Secret("other-secret-99"), body)) == 401
    assert post(c, body, None) == 401
    assert post(c, body, good) == 200
    assert post(c, body, good) == 401  # the same delivery again
    assert len(calls) == 1


class Sheets:
    """An Edusign account's sheets, counting which ones were read."""

    def __init__(self, sheets: dict[str, Sheet]) -> None:
        self.sheets = sheets
        self.read: list[str] = []

    def read_sheet(self, course_id: str) -> Sheet:
        self.read.append(course_id)
        return self.sheets[course_id]

    def read_sheets(self, *, since: datetime, until: datetime) -> list[Sheet]:
        self.read.extend(self.sheets)
        return list(self.sheets.values())


def test_event_updates_only_its_sheet(tmp_path: Path) -> None:
    """run_up for the course named by an event reads and writes back that sheet only."""
    session, other = f"hp:{BASE}:session:10-2", f"hp:{BASE}:session:11-2"
    sheets = Sheets(
        {
            "c42": Sheet(
                session, "c42", True, (SheetMark(session, f"hp:{BASE}:learner:1", False),)
            ),
            "c43": Sheet(other, "c43", True, (SheetMark(other, f"hp:{BASE}:learner:2", False),)),
        }
    )
    setup = AccountSetup("nord", AccountRules("nord"), GuardPolicy(), FinalPolicy(), sheets)  # type: ignore[arg-type]
    hp = FakeHyperplanningAbsences()
    with StateStore.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        run_up(
            store,
            small_snapshot(),
            setup,
            hp,
            courses=["c42"],
            now=datetime(2026, 10, 1, tzinfo=PARIS),
        )
    assert sheets.read == ["c42"]
    assert [a.learner_key for a in hp.absences] == [1]
