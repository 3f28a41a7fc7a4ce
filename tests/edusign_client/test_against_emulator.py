"""The real EdusignClient against the real emulator over HTTP (v1 and v3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from edusign_client.conftest import FakeClock
from hpsync.edusign import (
    CourseInput,
    EdusignClient,
    GroupInput,
    ProfessorInput,
    RetryPolicy,
    StudentInput,
)
from hpsync.emulators.edusign import RunningEdusign, fingerprint, start_emulator
from hpsync.errors import RecordError
from hpsync.secrets import Secret

KEY = "key-client-it-0123456789"
START = datetime(2031, 3, 10, 8, 0, tzinfo=UTC)  # future: rosters may shrink


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[RunningEdusign]:
    """One school, generous limits, test controls on."""
    with start_emulator(
        schools=[("Lycée IT", KEY)], db_path=tmp_path / "edusign.sqlite", rate_scale=100
    ) as running:
        yield running


@pytest.fixture(params=["v1", "v3"])
def client(request: pytest.FixtureRequest, emu: RunningEdusign) -> Iterator[EdusignClient]:
    """A real client on the emulator, once per API version."""
    with EdusignClient(emu.url, Secret(KEY), api=request.param, rate_scale=100) as made:
        yield made


def control(emu: RunningEdusign, path: str, **body: Any) -> Any:
    """POST a test control and return its result."""
    answer = httpx.post(emu.url + path, json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


def _students(n: int) -> list[StudentInput]:
    return [
        StudentInput(f"Ana{i}", "Lopez", f"ana{i}@school.test", api_id=f"hp:s:{i}")
        for i in range(n)
    ]


def _professor(client: EdusignClient) -> str:
    [result] = client.batch_upsert_professors(
        [ProfessorInput("Paul", "Martin", "paul@school.test", api_id="hp:p:1")]
    )
    assert result.ok and result.id
    return result.id


def _course(api_id: str = "hp:c:1", **extra: Any) -> CourseInput:
    fields: dict[str, Any] = {
        "name": "Maths",
        "start": START,
        "end": START + timedelta(hours=2),
        "professor_api_ids": ("hp:p:1",),
        "classroom": "B12",
        "api_id": api_id,
        **extra,
    }
    return CourseInput(**fields)


def test_students_batch_maps_each_result_to_its_item(client: EdusignClient) -> None:
    """A batch with one bad item: the others land, the bad one fails at its own index."""
    items = _students(3)
    items.insert(1, StudentInput("", "NoFirstName", "bad@school.test", api_id="hp:s:bad"))
    results = client.batch_upsert_students(items)
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert [r.ok for r in results] == [True, False, True, True]
    assert results[1].code and results[1].id is None
    listed = {s.api_id: s for s in client.list_students()}
    assert set(listed) == {"hp:s:0", "hp:s:1", "hp:s:2"}
    assert listed["hp:s:2"].id == results[3].id
    again = client.batch_upsert_students(
        [StudentInput("Ana0", "Renamed", "ana0@school.test", api_id="hp:s:0")]
    )
    assert again[0].ok and again[0].id == results[0].id
    assert client.get_student(results[0].id or "").last_name == "Renamed"


def test_professors_and_groups_round_trip(client: EdusignClient) -> None:
    """Professors upsert by external id; a group's membership is set and replaced."""
    pid = _professor(client)
    assert client.professor_id_by_api_id("hp:p:1") == pid
    assert client.professor_by_email("PAUL@school.test") is not None
    ids = [r.id or "" for r in client.batch_upsert_students(_students(3))]
    gid = client.create_group(GroupInput("TD1", student_ids=tuple(ids[:2]), api_id="hp:g:1"))
    assert sorted(client.get_group(gid).students) == sorted(ids[:2])
    client.update_group(gid, GroupInput("TD1 bis", student_ids=(ids[2],), api_id="hp:g:1"))
    group = client.get_group(gid)
    assert (group.name, group.students) == ("TD1 bis", [ids[2]])
    assert client.group_id_by_api_id("hp:g:1") == gid
    assert client.get_student(ids[2]).groups == [gid]


def test_courses_batch_with_a_bad_item_and_roster_replacement(client: EdusignClient) -> None:
    """Courses resolve external ids; an unknown professor fails alone; rosters are replaced."""
    _professor(client)
    ids = [r.id or "" for r in client.batch_upsert_students(_students(3))]
    results = client.batch_upsert_courses(
        [
            _course(student_api_ids=("hp:s:0", "hp:s:1")),
            _course("hp:c:bad", professor_api_ids=("hp:p:ghost",)),
        ]
    )
    assert [r.ok for r in results] == [True, False]
    assert "ghost" in (results[1].message or "") or results[1].code == "PROFESSORS_NOT_FOUND"
    cid = results[0].id or ""
    assert client.course_id_by_api_id("hp:c:1") == cid
    course = client.get_course(cid)
    assert (course.name, course.classroom) == ("Maths", "B12")
    assert sorted(r.student_id for r in course.students) == sorted(ids[:2])
    client.replace_course_students(cid, [ids[1], ids[2]])
    assert sorted(r.student_id for r in client.get_course(cid).students) == sorted(ids[1:])
    [listed] = client.list_courses(date(2031, 3, 1), date(2031, 3, 31))
    assert listed.id == cid and listed.start == START


def test_a_locked_course_refuses_changes(client: EdusignClient) -> None:
    """After lock, an update, a roster change and a v1/v3 upsert are refused; unlock allows."""
    _professor(client)
    ids = [r.id or "" for r in client.batch_upsert_students(_students(2))]
    [created] = client.batch_upsert_courses([_course(student_ids=(ids[0],))])
    cid = created.id or ""
    client.lock_course(cid)
    assert client.get_course(cid).locked
    with pytest.raises(RecordError, match="locked"):
        client.update_course(cid, _course(name="Renamed"))
    with pytest.raises(RecordError, match="locked"):
        client.add_student_to_course(cid, ids[1])
    [refused] = client.batch_upsert_courses([_course(name="Renamed")])
    assert not refused.ok and "locked" in (refused.message or "").lower()
    client.unlock_course(cid)
    client.update_course(cid, _course(name="Renamed"))
    assert client.get_course(cid).name == "Renamed"


def test_attendance_is_read_back_after_a_signature(
    client: EdusignClient, emu: RunningEdusign
) -> None:
    """A signature made through the sign control shows on the sheet the client reads."""
    _professor(client)
    ids = [r.id or "" for r in client.batch_upsert_students(_students(2))]
    [created] = client.batch_upsert_courses([_course(student_ids=tuple(ids))])
    cid = created.id or ""
    signed_at = "2031-03-10T08:05:00Z"
    control(emu, "/_emulator/sign", courseId=cid, studentId=ids[0], timestamp=signed_at)
    control(emu, "/_emulator/attendance", courseId=cid, studentId=ids[1], delay=12)
    records = {r.student_id: r for r in client.get_course(cid).students}
    assert records[ids[0]].state and records[ids[0]].signature
    assert records[ids[0]].timestamp == datetime(2031, 3, 10, 8, 5, tzinfo=UTC)
    assert not records[ids[1]].state and records[ids[1]].delay == 12
    [listed] = client.list_courses(date(2031, 3, 10), date(2031, 3, 10))
    assert {r.student_id: r.state for r in listed.students} == {ids[0]: True, ids[1]: False}


def test_include_archived_lists_archived_people(client: EdusignClient) -> None:
    """Archived students and professors are listed only with include_archived, flagged hidden."""
    pid = _professor(client)
    ids = [r.id or "" for r in client.batch_upsert_students(_students(2))]
    client.archive_student(ids[0])
    client.archive_professor(pid)
    assert [s.id for s in client.list_students()] == [ids[1]]
    everyone = {s.id: s.hidden for s in client.list_students(include_archived=True)}
    assert everyone == {ids[0]: True, ids[1]: False}
    assert client.list_professors() == []
    assert [(p.id, p.hidden) for p in client.list_professors(include_archived=True)] == [
        (pid, True)
    ]


def _student_pages(emu: RunningEdusign) -> int:
    stats = httpx.get(emu.url + "/_emulator/stats", timeout=10).json()
    return int(stats["keys"][fingerprint(KEY)]["by_route"].get("GET /v1/student", 0))


@pytest.mark.parametrize("bound", [0, 100, -100], ids=["no-bound", "capped", "refused"])
def test_students_are_listed_whole_at_a_large_page_whatever_the_service_bound(
    emu: RunningEdusign, bound: int
) -> None:
    """2,050 students, asked 1,000 a page: a service honouring it answers in 3 pages; one
    capping ``limit`` at 100 silently, or refusing it, still gives every student once."""
    with EdusignClient(emu.url, Secret(KEY), api="v3", rate_scale=100) as client:
        made = [r.id for r in client.batch_upsert_students(_students(1000))]
        made += [r.id for r in client.batch_upsert_students(_students(2050)[1000:2000])]
        made += [r.id for r in client.batch_upsert_students(_students(2050)[2000:])]
        settings = {"max_limit": abs(bound), "over_max_limit": "refuse" if bound < 0 else "cap"}
        answer = httpx.post(emu.url + "/_emulator/settings", json=settings, timeout=10)
        assert answer.status_code == 200
        before = _student_pages(emu)
        listed = [s.id for s in client.list_students()]
        pages = _student_pages(emu) - before
        again = [s.id for s in client.list_students()]
    assert len(made) == 2050 and sorted(listed) == sorted(made) and len(set(listed)) == 2050
    assert sorted(again) == sorted(made)
    # 1,000 + 1,000 + 50; capped: 100 x 20 + 50; refused: the refusal, then 100 x 20 + 50
    assert pages == {0: 3, 100: 21, -100: 22}[bound]


def test_scaled_budget_keeps_the_emulator_from_slowing_anyone(tmp_path: Path) -> None:
    """With a 60/min budget (3 heavy), 150 requests never trip the emulator's slow-down."""
    clock = FakeClock()  # shared: the client waits in virtual time, the emulator counts in it
    scale = 60 / 480
    with start_emulator(
        schools=[("Lycée IT", KEY)],
        db_path=tmp_path / "edusign.sqlite",
        rate_scale=scale,
        rate_clock=clock,
    ) as emu:
        client = EdusignClient(
            emu.url,
            Secret(KEY),
            api="v3",
            rate_scale=scale,
            clock=clock,
            sleep=clock.sleep,
            retry=RetryPolicy(sleep=clock.sleep),
        )
        ids = [r.id or "" for r in client.batch_upsert_students(_students(5))]
        for n in range(5):  # heavy: 3 per minute on the emulator
            client.batch_upsert_professors(
                [ProfessorInput("P", f"N{n}", f"p{n}@school.test", api_id=f"hp:p:{n}")]
            )
        for n in range(140):
            client.get_student(ids[n % len(ids)])
        stats = client.stats()
        client.close()
        limits = httpx.get(emu.url + "/_emulator/stats").json()
    mine = limits["keys"][fingerprint(KEY)]
    assert limits["limits"]["per_minute"] == 60 and limits["limits"]["heavy_per_minute"] == 3
    assert mine["requests"] == stats.requests == 146
    assert mine["heavy"] == 6
    assert mine["slowed"] == 0 and mine["delay_seconds"] == 0
    assert mine["max_in_60s"] <= 60 and mine["max_heavy_in_60s"] <= 3
    assert stats.throttle_waits > 0 and clock.now - 1000.0 > 120  # the client did wait
