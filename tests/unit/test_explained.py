"""One explanation of a plan item: names people know, local times, before → after, and the
same lines whether the item is live or read back from the store."""

from __future__ import annotations

from datetime import UTC, datetime

from hpsync.engine.desired import DesiredLearner, DesiredSession
from hpsync.engine.diff import remote_who
from hpsync.engine.explained import explain_item, explain_row
from hpsync.engine.plan import Action, FieldChange, Plan, PlanItem
from hpsync.engine.remote import RemoteRecord
from hpsync.locale import Reader
from hpsync.model import Kind, SourceId
from hpsync.state.rows import PlanItemRow
from hpsync.sync.runs import plan_rows

EN = Reader("en", "Europe/Paris")
FR = Reader("fr", "Europe/Paris")


def stored(item: PlanItem) -> PlanItemRow:
    """The item as the store keeps it (the sync's own ``plan_rows``)."""
    (row,) = plan_rows(Plan("nord", "b2026", (item,)))
    return row


def test_a_removed_learner_is_named_by_name_and_email_live_and_stored() -> None:
    """Edusign still holds her: her name and e-mail come from there, in both languages."""
    found = RemoteRecord(
        Kind.LEARNER,
        "r7",
        "hp:b2026:learner:7",
        {"first_name": "Léa", "last_name": "Durand", "email": "lea.durand@etu.test"},
    )
    item = PlanItem(
        Kind.LEARNER,
        Action.REMOVE,
        "hp:b2026:learner:7",
        "r7",
        summary="ignored when the name is known",
        who=remote_who(found),
        reason="no longer in the planning: archived",
    )
    line = (
        "learner Léa Durand <lea.durand@etu.test> — to remove: no longer in the planning: archived"
    )
    assert explain_item(item).lines(EN) == [line]
    assert explain_row(stored(item)).lines(EN) == [line]
    assert (
        explain_row(stored(item)).line(FR).startswith("apprenant Léa Durand <lea.durand@etu.test>")
    )
    data = explain_row(stored(item)).as_json(EN)
    assert (data["name"], data["email"], data["text"]) == (
        "Léa Durand",
        "lea.durand@etu.test",
        [line],
    )


def test_a_session_is_named_by_its_local_start_and_its_changes_read_before_to_after() -> None:
    """A sheet moved from 8:00 to 10:00 Paris time reads in the school's time, not UTC."""
    start = datetime(2026, 9, 14, 6, 0, tzinfo=UTC)  # 08:00 in Paris (summer time)
    record = DesiredSession(SourceId("hp:b2026:session:3-1"), "Maths", start, start, (), "B12", ())
    item = PlanItem(
        Kind.SESSION,
        Action.UPDATE,
        record.sid,
        "c3",
        summary="Maths @ 2026-09-14T06:00+00:00",
        changes=(
            FieldChange("room", "B12", "C07"),
            FieldChange("start", datetime(2026, 9, 14, 8, tzinfo=UTC), start),
        ),
        reason="changed in Hyperplanning",
        record=record,
    )
    expected = [
        "session Maths, Mon 14 Sep 2026, 08:00 — to update: changed in Hyperplanning",
        "    room: B12 → C07",
        "    start: Mon 14 Sep 2026, 10:00 → Mon 14 Sep 2026, 08:00",
    ]
    assert explain_item(item).lines(EN) == expected
    assert explain_row(stored(item)).lines(EN) == expected
    assert explain_row(stored(item)).as_json()["start"] == "2026-09-14T06:00:00+00:00"


def test_a_failed_item_says_so_with_the_message_and_an_old_row_falls_back_to_its_summary() -> None:
    """What happened is on the line when it is news; a row stored before names were kept
    apart (no ``who``) still names the record by the engine's summary."""
    learner = DesiredLearner(SourceId("hp:b2026:learner:2"), "Ali", "Ben", "ali.ben@etu.test")
    item = PlanItem(Kind.LEARNER, Action.CREATE, learner.sid, record=learner, reason="new")
    row = stored(item)
    failed = PlanItemRow(
        row.item_key, row.kind, row.action, row.source_id, "", row.summary, row.details_json,
        outcome="failed", message="HTTP 500",
    )  # fmt: skip
    assert explain_row(failed).line(EN) == (
        "learner Ali Ben <ali.ben@etu.test> — to create: new — failed (HTTP 500)"
    )
    old = PlanItemRow("k", "learner", "remove", "hp:b:learner:9", "", "Zoé Roux <z@r.test>", "{}")
    assert explain_row(old).line(EN) == "learner Zoé Roux <z@r.test> — to remove"
