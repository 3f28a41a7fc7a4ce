"""Remote records hold their fields compactly yet read, compare and diff like the dict."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hpsync.engine.desired import DesiredLearner, DesiredSession, DesiredState
from hpsync.engine.diff import Pushed, build_plan
from hpsync.engine.plan import Action
from hpsync.engine.remote import RemoteFields, RemoteRecord, RemoteState
from hpsync.hashing import canonical, canonical_values_and_hash, content_hash
from hpsync.model import Kind
from hpsync.shared_values import SharedValues

START = datetime(2026, 9, 7, 8, tzinfo=UTC)
SESSION = DesiredSession(
    "hp:b:session:1", "Maths", START, START.replace(hour=10), ("hp:b:trainer:1",), "A1",
    ("hp:b:learner:1", "hp:b:learner:2"),
)  # fmt: skip


def test_fields_read_and_compare_as_the_dict_they_were_given() -> None:
    given = {"name": "Maths", "learner_sids": ["b", "a"], "start": None}
    record = RemoteRecord(Kind.SESSION, "r1", "x", given)
    assert isinstance(record.fields, RemoteFields)
    assert record.fields == given and given == record.fields
    assert record.fields["learner_sids"] == ["b", "a"]  # lists come back as lists
    assert dict(record.fields) == given and len(record.fields) == 3
    assert "name" in record.fields and "room" not in record.fields
    assert record.fields.get("room") is None
    assert record.fields != {**given, "name": "Physique"}
    assert replace(record, locked=True).fields == given


def test_equal_rosters_read_with_one_table_are_held_once() -> None:
    shared = SharedValues()
    one = RemoteFields.of({"learner_sids": ["a", "b"]}, shared)
    two = RemoteFields.of({"learner_sids": ["a", "b"]}, shared)
    assert one.ids("learner_sids") is two.ids("learner_sids")
    assert one.layout is two.layout
    assert one.ids("trainer_sids") == ()


def test_values_and_hash_agree_with_canonical_and_content_hash() -> None:
    for record in (SESSION, DesiredLearner("hp:b:learner:1", "Ana", "Roy", "a@x.fr", ("t",))):
        names, values, digest = canonical_values_and_hash(record)
        assert digest == content_hash(record)
        as_lists = [list(v) if isinstance(v, tuple) else v for v in values]
        assert dict(zip(names, as_lists, strict=True)) == canonical(record)


def _plan_against(fields: dict[str, object]) -> list[tuple[Action, tuple[str, ...]]]:
    desired = DesiredState("a", "b", records={Kind.SESSION: {SESSION.sid: SESSION}})
    remote = RemoteState()
    remote.add(RemoteRecord(Kind.SESSION, "r1", SESSION.sid, fields))
    pushed = {(Kind.SESSION, SESSION.sid): Pushed("r1", content_hash(SESSION))}
    plan = build_plan(desired, remote, pushed, now=START.replace(month=1))
    unchanged = [(Action.UNCHANGED, ())] * plan.count()["session"].get("unchanged", 0)
    return [*unchanged, *((i.action, tuple(c.name for c in i.changes)) for i in plan.items)]


def test_a_sheet_in_sync_is_unchanged_and_one_edited_names_its_changed_fields() -> None:
    assert _plan_against(canonical(SESSION)) == [(Action.UNCHANGED, ())]
    # fields in another order are the same fields
    assert _plan_against(dict(reversed(canonical(SESSION).items()))) == [(Action.UNCHANGED, ())]
    edited = {**canonical(SESSION), "room": "B2", "learner_sids": ["hp:b:learner:1"]}
    assert _plan_against(edited) == [(Action.UPDATE, ("learner_sids", "room"))]
