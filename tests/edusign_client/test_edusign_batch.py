"""Batch upserts: chunking, 207 partial results, v1 fallback, roster replacement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from edusign_client.conftest import MakeClient
from edusign_client.fakes import FakeEdusign
from hpsync.edusign import CourseInput, StudentInput
from hpsync.edusign.batch import parse_batch


def _students(n: int) -> list[StudentInput]:
    return [
        StudentInput(f"F{i}", f"L{i}", f"s{i}@example.org", api_id=f"hp:x:learner:{i}")
        for i in range(n)
    ]


def test_large_batch_is_chunked_and_207_failures_map_to_caller_positions(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """1500 items go in two requests; rejected items 3 and 1203 are reported at those indexes."""

    def reject(item: dict[str, Any]) -> str | None:
        return (
            "VALIDATION_ERROR" if item["email"] in {"s3@example.org", "s1203@example.org"} else None
        )

    fake.batch_reject = reject
    results = make_client().batch_upsert_students(_students(1500))
    assert fake.count("POST", "/v3/students/batch-upsert") == 2
    assert [r.index for r in results] == list(range(1500))
    failed = [r for r in results if not r.ok]
    assert [(r.index, r.code) for r in failed] == [
        (3, "VALIDATION_ERROR"),
        (1203, "VALIDATION_ERROR"),
    ]
    assert "rejected" in (failed[0].message or "")
    assert results[1202].ok and results[1202].external_id == "hp:x:learner:1202"
    assert results[1202].id in fake.students


def test_second_upsert_updates_instead_of_creating(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """Upserting the same external ids twice keeps one record each, with the same ids."""
    client = make_client()
    first = client.batch_upsert_students(_students(3))
    second = client.batch_upsert_students(_students(3))
    assert len(fake.students) == 3
    assert [r.id for r in first] == [r.id for r in second]


def test_parse_batch_accepts_separate_error_lists() -> None:
    """A body listing only failures marks the unlisted items as succeeded."""
    body = {"errors": [{"inputIndex": 1, "code": "DUPLICATE_IN_REQUEST", "message": "dup"}]}
    results = parse_batch(body, offset=10, size=3, status=207)
    assert [(r.index, r.ok, r.code) for r in results] == [
        (10, True, None),
        (11, False, "DUPLICATE_IN_REQUEST"),
        (12, True, None),
    ]


def test_parse_batch_flags_missing_items_of_a_partial_answer() -> None:
    """On a 207 that omits an item among listed successes, the item is not reported as ok."""
    body = {"status": "success", "result": [{"inputIndex": 0, "id": "a"}]}
    results = parse_batch(body, offset=0, size=2, status=207)
    assert results[0].ok and results[0].id == "a"
    assert not results[1].ok and results[1].code == "NO_RESULT"


def test_v1_fallback_creates_then_updates_per_item(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """With api="v1", batch upserts use get-id + POST/PATCH and never call v3."""
    client = make_client(api="v1")
    existing = client.create_student(_students(1)[0])
    results = client.batch_upsert_students(_students(3))
    assert [r.ok for r in results] == [True, True, True]
    assert results[0].id == existing
    assert len(fake.students) == 3
    assert fake.count("PATCH", "/v1/student") == 1
    assert fake.count("POST", "/v3") == 0


def test_v1_fallback_reports_rejected_items_and_goes_on(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """A record the server refuses becomes ok=False; the following items are still pushed."""
    items = [StudentInput("", "", "", api_id="hp:x:learner:bad"), *_students(1)]
    results = make_client(api="v1").batch_upsert_students(items)
    assert [r.ok for r in results] == [False, True]
    assert "required" in (results[0].message or "")


def test_v1_course_fallback_resolves_external_ids(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """v1 course upserts turn professor/student external ids into Edusign ids via get-id."""
    client = make_client(api="v1")
    sid = client.create_student(_students(1)[0])
    fake.professors["p9"] = {"ID": "p9", "API_ID": "hp:x:trainer:9"}
    start = datetime(2025, 3, 3, 8, tzinfo=UTC)
    item = CourseInput(
        "Maths", start, start + timedelta(hours=1), api_id="hp:x:session:1-10",
        professor_api_ids=("hp:x:trainer:9",), student_api_ids=("hp:x:learner:0",),
    )  # fmt: skip
    unknown = CourseInput(
        "Bio", start, start + timedelta(hours=1), api_id="hp:x:session:2-10",
        professor_api_ids=("hp:x:trainer:404",),
    )  # fmt: skip
    results = client.batch_upsert_courses([item, unknown])
    assert results[0].ok and not results[1].ok
    stored = fake.courses[results[0].id or ""]
    assert stored["PROFESSOR"] == "p9" and stored["STUDENTS"] == [{"studentId": sid}]
    assert "hp:x:trainer:404" in (results[1].message or "")


def test_v3_student_groups_follow_up_through_v1(fake: FakeEdusign, make_client: MakeClient) -> None:
    """Groups, which v3 cannot carry, are set by one v1 update after the batch."""
    item = StudentInput("A", "B", "ab@example.org", api_id="hp:x:learner:7", groups=("g1",))
    results = make_client().batch_upsert_students([item, _students(1)[0]])
    assert fake.students[results[0].id or ""]["GROUPS"] == ["g1"]
    assert fake.count("PATCH", "/v1/student") == 1


def test_replace_course_students_v1_diffs_and_v3_puts(
    fake: FakeEdusign, make_client: MakeClient
) -> None:
    """v1 adds and removes the difference; v3 sends one PUT with the full list."""
    fake.courses["c1"] = {"ID": "c1", "STUDENTS": [{"studentId": "a"}, {"studentId": "b"}]}
    make_client(api="v1").replace_course_students("c1", ["b", "c"])
    assert fake.count("PUT", "/v1/course/attendance/c1") == 1
    assert fake.count("DELETE", "/v1/course/attendance/c1") == 1
    assert fake.courses["c1"]["STUDENTS"] == [{"studentId": "b"}, {"studentId": "c"}]
    make_client(api="v3").replace_course_students("c1", ["x"])
    assert fake.courses["c1"]["STUDENTS"] == [{"studentId": "x"}]
