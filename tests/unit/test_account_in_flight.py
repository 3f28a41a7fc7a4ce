"""Per-record Edusign calls go a few at a time, and a run-stopping error cancels the rest."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from hpsync.edusign.account import IN_FLIGHT, EdusignAccount
from hpsync.edusign.inputs import GroupInput
from hpsync.engine.desired import DesiredGroup
from hpsync.engine.plan import Action, PlanItem
from hpsync.errors import RecordError, TargetError
from hpsync.model import Kind


def groups(n: int) -> list[PlanItem]:
    return [
        PlanItem(Kind.GROUP, Action.CREATE, f"g{i}", record=DesiredGroup(f"g{i}", f"Group {i}"))
        for i in range(n)
    ]


class BarrierClient:
    """Every create waits until IN_FLIGHT of them are in flight together."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(IN_FLIGHT, timeout=10)
        self.created: list[str] = []
        self.lock = threading.Lock()

    def create_group(self, item: GroupInput) -> str:
        self.barrier.wait()  # raises BrokenBarrierError if calls went one at a time
        if item.api_id == "g3":
            raise RecordError("name refused", record="group g3")
        with self.lock:
            self.created.append(item.api_id)
        return f"id-{item.api_id}"


def test_per_record_calls_overlap_and_keep_their_order() -> None:
    client = BarrierClient()
    account = EdusignAccount("nord", client)  # type: ignore[arg-type]
    items = groups(2 * IN_FLIGHT)
    outcomes = account.write(Kind.GROUP, items, {})
    assert [o.item_key for o in outcomes] == [i.key for i in items]
    assert [o.ok for o in outcomes] == [i.sid != "g3" for i in items]
    assert outcomes[0].remote_id == "id-g0" and "name refused" in outcomes[3].message


class DeadKeyClient:
    """The key is revoked: every call fails with an error that stops the run."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def create_group(self, item: Any) -> str:
        with self.lock:
            self.calls += 1
        raise TargetError("Edusign refused the API key (401)")


def test_a_run_stopping_error_cancels_the_calls_not_started() -> None:
    client = DeadKeyClient()
    account = EdusignAccount("nord", client)  # type: ignore[arg-type]
    with pytest.raises(TargetError, match="API key"):
        account.write(Kind.GROUP, groups(200), {})
    assert client.calls <= 2 * IN_FLIGHT  # those already in flight, no more
