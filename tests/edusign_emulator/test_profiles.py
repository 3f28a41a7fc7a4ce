"""The two profiles: ``public`` serves only what public evidence supports, in its public
shape; ``full`` keeps today's surface (hpsync's guesses included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.edusign_emulator.conftest import (
    KEY_A,
    error,
    make_course,
    make_professor,
    make_student,
    ok,
)

from hpsync.emulators.edusign import RunningEdusign, start_emulator


@pytest.fixture
def public_emu(tmp_path: Path) -> Iterator[RunningEdusign]:
    """One school on the public profile, generous limits, test controls on."""
    with start_emulator(
        schools=[("Lycée A", KEY_A)],
        db_path=tmp_path / "public.sqlite",
        rate_scale=100,
        profile="public",
    ) as running:
        yield running


@pytest.fixture
def pub(public_emu: RunningEdusign) -> Iterator[httpx.Client]:
    """A raw client of the public-profile emulator."""
    with httpx.Client(
        base_url=public_emu.url, headers={"Authorization": f"Bearer {KEY_A}"}, timeout=10
    ) as client:
        yield client


def _v3_student(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "firstName": f"S{n}",
        "lastName": "L",
        "email": f"s{n}@v3.test",
        "externalReferenceId": f"st-{n}",
        **extra,
    }


def _external() -> dict[str, Any]:
    return {"external": {"FIRSTNAME": "Tu", "LASTNAME": "Tor", "EMAIL": "tutor@firm.test"}}


# --- routes served -----------------------------------------------------------------


def test_public_profile_has_no_externals(pub: httpx.Client, api: httpx.Client) -> None:
    """Every /v1/externals route is an unknown route (404 Not Found) in public, not in full."""
    made = ok(api.post("/v1/externals", json=_external()))
    assert ok(api.get(f"/v1/externals/{made['ID']}"))["EMAIL"] == "tutor@firm.test"
    for method, path, body in (
        ("GET", "/v1/externals", None),
        ("POST", "/v1/externals", _external()),
        ("PATCH", "/v1/externals", {"external": {"ID": "x"}}),
        ("GET", "/v1/externals/get-id/ref-1", None),
        ("GET", f"/v1/externals/{made['ID']}", None),
        ("DELETE", f"/v1/externals/{made['ID']}", None),
    ):
        answer = pub.request(method, path, json=body)
        assert (answer.status_code, answer.text) == (404, "Not Found"), (method, path)


def test_public_profile_drops_the_other_invented_routes(pub: httpx.Client) -> None:
    """Group get-id, PATCH /v1/professor/ and classroom create (all I) are not served."""
    answer = pub.get("/v1/group/get-id/g-1")
    assert (answer.status_code, answer.text) == (404, "Not Found")
    # a trailing slash the table does not list is redirected to the route without it
    answer = pub.patch("/v1/professor/", json={"professor": {"ID": "x", "FIRSTNAME": "a"}})
    assert answer.status_code == 307
    assert answer.headers["location"].endswith("/v1/professor")
    # GET /v1/classrooms is served (P), so POST on that path is a method not allowed
    answer = pub.post("/v1/classrooms", json={"classroom": {"NAME": "B12"}})
    assert answer.status_code == 405
    assert ok(pub.get("/v1/classrooms")) == []


def test_public_profile_locks_only_with_get(pub: httpx.Client) -> None:
    """POST lock (J-OAS only, X) is not served in public: the sheet stays open."""
    cid = make_course(pub, make_professor(pub))
    assert pub.post(f"/v1/course/lock/{cid}").status_code == 405
    assert ok(pub.get(f"/v1/course/{cid}"))["LOCKED"] == 0


def test_stats_name_the_profile(public_emu: RunningEdusign, emu: RunningEdusign) -> None:
    """``/_emulator/stats`` says which profile runs; both have the same heavy routes."""
    public_stats = httpx.get(public_emu.url + "/_emulator/stats").json()
    full_stats = httpx.get(emu.url + "/_emulator/stats").json()
    assert (public_stats["profile"], full_stats["profile"]) == ("public", "full")
    assert public_stats["limits"]["heavy_routes"] == full_stats["limits"]["heavy_routes"]


def test_unknown_profile_is_refused() -> None:
    """A misspelt profile is a ValueError naming the valid ones, not a silent full."""
    with pytest.raises(ValueError, match="full, public"):
        start_emulator(schools=[("S", "k")], profile="publik")


# --- v3 answers --------------------------------------------------------------------


def test_public_v3_batch_answers_only_index_and_status(pub: httpx.Client) -> None:
    """All items ok: 200, and each item is exactly {inputIndex, status} (no id, no echo)."""
    answer = pub.post(
        "/v3/students/batch-upsert", json={"students": [_v3_student(1), _v3_student(2)]}
    )
    assert answer.status_code == 200
    assert answer.json()["result"] == [
        {"inputIndex": 0, "status": "success"},
        {"inputIndex": 1, "status": "success"},
    ]
    # the records exist all the same: found by their external reference
    sid = ok(pub.get("/v1/student/get-id/st-1"))["ID"]
    assert ok(pub.get(f"/v1/student/{sid}"))["EMAIL"] == "s1@v3.test"


def test_public_v3_partial_success_is_207_with_codes_as_status(pub: httpx.Client) -> None:
    """A partial success is 207; a failed item's status is its documented code."""
    pid = make_professor(pub)
    items = [
        {"professorId": pid, "speciality": "Maths"},
        {"professorId": "nope0000nope0000"},
        {"firstName": "No", "lastName": "Mail", "externalReferenceId": "pr-x"},
    ]
    answer = pub.post("/v3/professors/batch-upsert", json={"professors": items})
    assert answer.status_code == 207
    assert answer.json()["result"] == [
        {"inputIndex": 0, "status": "success"},
        {"inputIndex": 1, "status": "PROFESSOR_NOT_FOUND"},
        {"inputIndex": 2, "status": "REQUIRED_FIELD_MISSING"},
    ]
    assert ok(pub.get(f"/v1/professor/{pid}"))["SPECIALITY"] == "Maths"


def test_public_v3_course_batch_without_ids_nor_classroom_text(pub: httpx.Client) -> None:
    """Course upserts answer {inputIndex, status}; the X field ``classroom`` is not stored."""
    pid = make_professor(pub)
    course = {
        "name": "Cours",
        "startDateTime": "2030-01-10T08:00:00Z",
        "endDateTime": "2030-01-10T10:00:00Z",
        "externalReferenceId": "c-1",
        "professorIds": [pid],
        "classroom": "B12",
    }
    answer = pub.post("/v3/courses/batch-upsert", json={"courses": [course]})
    assert (answer.status_code, answer.json()["result"]) == (
        200,
        [{"inputIndex": 0, "status": "success"}],
    )
    cid = ok(pub.get("/v1/course/get-id/c-1"))["ID"]
    stored = ok(pub.get(f"/v1/course/{cid}"))
    assert stored["CLASSROOM"] == "" and stored["NEED_STUDENTS_SIGNATURE"] == 1


def test_full_v3_batch_keeps_ids_and_classroom_text(api: httpx.Client) -> None:
    """The full profile is unchanged: items carry id and action; ``classroom`` is stored."""
    pid = make_professor(api)
    course = {
        "name": "Cours",
        "startDateTime": "2030-01-10T08:00:00Z",
        "endDateTime": "2030-01-10T10:00:00Z",
        "externalReferenceId": "c-1",
        "professorIds": [pid],
        "classroom": "B12",
    }
    result = ok(api.post("/v3/courses/batch-upsert", json={"courses": [course]}))
    assert set(result[0]) == {"inputIndex", "id", "externalReferenceId", "action"}
    assert ok(api.get(f"/v1/course/{result[0]['id']}"))["CLASSROOM"] == "B12"


# --- lock and roster ---------------------------------------------------------------


def test_public_lock_answers_a_link_then_refuses_a_second_lock(pub: httpx.Client) -> None:
    """GET lock → result.link (a PDF URL) kept on the course; locking again is an error."""
    cid = make_course(pub, make_professor(pub))
    link = ok(pub.get(f"/v1/course/lock/{cid}"))["link"]
    assert link.startswith("https://") and link.endswith(".pdf")
    course = ok(pub.get(f"/v1/course/{cid}"))
    assert course["LOCKED"] == 1 and course["ATTENDANCE_LIST_GENERATED"] == link
    assert error(pub.get(f"/v1/course/lock/{cid}")) == "Course already locked"


def test_full_lock_is_repeatable(api: httpx.Client) -> None:
    """In full, a second lock answers the same link (no error)."""
    cid = make_course(api, make_professor(api))
    first = ok(api.get(f"/v1/course/lock/{cid}"))
    assert ok(api.get(f"/v1/course/lock/{cid}")) == first


def test_public_duplicate_roster_entry_is_an_error(pub: httpx.Client) -> None:
    """Putting a student on a sheet he is already on is an error; the sheet keeps one line."""
    sid = make_student(pub)
    cid = make_course(pub, make_professor(pub))
    assert ok(pub.put(f"/v1/course/attendance/{cid}", json={"studentId": sid})) is True
    assert (
        error(pub.put(f"/v1/course/attendance/{cid}", json={"studentId": sid}))
        == "Student already in the list"
    )
    assert [r["studentId"] for r in ok(pub.get(f"/v1/course/{cid}"))["STUDENTS"]] == [sid]


def test_full_duplicate_roster_entry_is_accepted(api: httpx.Client) -> None:
    """In full, a second PUT of the same student succeeds and adds no second line."""
    sid = make_student(api)
    cid = make_course(api, make_professor(api), [sid])
    assert ok(api.put(f"/v1/course/attendance/{cid}", json={"studentId": sid})) is True
    assert len(ok(api.get(f"/v1/course/{cid}"))["STUDENTS"]) == 1


def test_public_error_texts_are_those_real_clients_match(pub: httpx.Client) -> None:
    """Unknown course, write on a locked sheet, second professor: L-WAGON's texts."""
    assert error(pub.get("/v1/course/nope0000nope0000")) == "No course with this ID found"
    sid = make_student(pub)
    cid = make_course(pub, make_professor(pub, 1), [sid])
    ok(pub.get(f"/v1/course/lock/{cid}"))
    late = pub.patch(f"/v1/presential-states/set-delay/{cid}/{sid}", json={"delay": 5})
    assert error(late) == "course locked"
    again = {"professor": {"FIRSTNAME": "P", "LASTNAME": "M", "EMAIL": "paul1@school.test"}}
    assert error(pub.post("/v1/professor", json=again)) == "Professor already exists in this school"


def test_public_followers_are_stored_as_given(pub: httpx.Client, api: httpx.Client) -> None:
    """Without externals, STUDENT_FOLLOWER_ID is kept unchecked; full still checks it."""
    sid = make_student(pub, STUDENT_FOLLOWER_ID=["follower0000abcd"])
    assert ok(pub.get(f"/v1/student/{sid}"))["STUDENT_FOLLOWER_ID"] == ["follower0000abcd"]
    body = {
        "student": {
            "FIRSTNAME": "A",
            "LASTNAME": "B",
            "EMAIL": "ab@school.test",
            "STUDENT_FOLLOWER_ID": ["follower0000abcd"],
        }
    }
    assert "follower0000abcd" in error(api.post("/v1/student", json=body))


# --- course create without NEED_STUDENTS_SIGNATURE (both profiles) -------------------


@pytest.mark.parametrize("which", ["full", "public"])
def test_need_students_signature_is_optional_and_defaults_to_true(
    which: str, api: httpx.Client, pub: httpx.Client
) -> None:
    """v1 and v3 creates without the flag succeed and store NEED_STUDENTS_SIGNATURE = 1."""
    client = api if which == "full" else pub
    pid = make_professor(client)
    v1 = {"NAME": "X", "START": "2030-01-10T08:00:00Z", "END": "2030-01-10T09:00:00Z"}
    cid = ok(client.post("/v1/course", json={"course": {**v1, "PROFESSOR": pid}}))["ID"]
    assert ok(client.get(f"/v1/course/{cid}"))["NEED_STUDENTS_SIGNATURE"] == 1
    v3 = {
        "name": "Y",
        "startDateTime": "2030-01-11T08:00:00Z",
        "endDateTime": "2030-01-11T09:00:00Z",
        "externalReferenceId": "no-flag",
        "professorIds": [pid],
    }
    assert client.post("/v3/courses/batch-upsert", json={"courses": [v3]}).status_code == 200
    made = ok(client.get("/v1/course/get-id/no-flag"))["ID"]
    assert ok(client.get(f"/v1/course/{made}"))["NEED_STUDENTS_SIGNATURE"] == 1
    off = {**v1, "PROFESSOR": pid, "NEED_STUDENTS_SIGNATURE": False}
    cid = ok(client.post("/v1/course", json={"course": off}))["ID"]
    assert ok(client.get(f"/v1/course/{cid}"))["NEED_STUDENTS_SIGNATURE"] == 0


# --- CLI -----------------------------------------------------------------------------


def test_cli_profile_option_serves_the_public_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`hpsync emulate edusign --profile public` builds an app without externals, the
    default stays full, and a bad profile name is a usage error."""
    import uvicorn
    from typer.testing import CliRunner

    from hpsync.cli import app

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **_: served.append(asgi))
    base = ["emulate", "edusign", "--school", "S", "--api-key", "k", "--port", "0"]
    result = CliRunner().invoke(
        app, [*base, "--db", str(tmp_path / "e.sqlite"), "--profile", "public"]
    )
    assert result.exit_code == 0, result.output
    assert "profile: public" in result.output
    paths = {route.path for route in served[0].routes}
    assert "/v1/school" in paths and "/v1/course/lock/{id}" in paths
    assert not any(path.startswith("/v1/externals") for path in paths)
    default = CliRunner().invoke(app, [*base, "--db", str(tmp_path / "f.sqlite")])
    assert default.exit_code == 0 and "profile: full" in default.output
    assert "/v1/externals" in {route.path for route in served[1].routes}
    bad = CliRunner().invoke(app, [*base, "--profile", "publik"])
    assert bad.exit_code != 0 and len(served) == 2
