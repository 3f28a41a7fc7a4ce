"""Students and professors over raw HTTP: envelope, lookups, archive, duplicate policy."""

from __future__ import annotations

import re

import httpx
from tests.edusign_emulator.conftest import KEY_B, error, make_professor, make_student, ok

from hpsync.emulators.edusign import RunningEdusign


def test_create_returns_an_edusign_looking_id_echoed_as_ID_and_id(api: httpx.Client) -> None:
    """A created student gets a ~16-char lowercase alphanumeric id in both ID and id."""
    result = ok(
        api.post(
            "/v1/student",
            json={"student": {"FIRSTNAME": "Ana", "LASTNAME": "Lopez", "EMAIL": "ana@school.test"}},
        )
    )
    assert re.fullmatch(r"[a-z0-9]{16}", result["ID"])
    assert result["id"] == result["ID"]


def test_student_fields_are_stored_and_numbers_coerced(api: httpx.Client) -> None:
    """API_ID sent as a number comes back as a string; TAGS, followers and UTC dates kept."""
    external = {"FIRSTNAME": "T", "LASTNAME": "U", "EMAIL": "t@firm.test"}
    tutor = ok(api.post("/v1/externals", json={"external": external}))["ID"]
    sid = make_student(
        api, API_ID=123, API_TYPE="hpsync", TAGS=["alt"], STUDENT_FOLLOWER_ID=[tutor], GROUPS=[]
    )
    student = ok(api.get(f"/v1/student/{sid}"))
    assert student["API_ID"] == "123"
    assert student["API_TYPE"] == "hpsync"
    assert student["TAGS"] == ["alt"]
    assert student["STUDENT_FOLLOWER_ID"] == [tutor]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", student["DATE_CREATED"])
    assert student["GROUPS"] == []


def test_missing_required_fields_give_an_array_message(api: httpx.Client) -> None:
    """A create without FIRSTNAME/EMAIL is a status:error whose message lists each problem."""
    message = error(api.post("/v1/student", json={"student": {"LASTNAME": "X"}}))
    assert message == ["FIRSTNAME is required", "EMAIL is required"]


def test_lookups_by_api_id_and_by_email(api: httpx.Client) -> None:
    """get-id returns {ID} for an API_ID; by-email is case-insensitive and URL-decoded."""
    sid = make_student(api, API_ID="hp-7", EMAIL="Mixed.Case+x@School.test")
    assert ok(api.get("/v1/student/get-id/hp-7"))["ID"] == sid
    found = ok(api.get("/v1/student/by-email/mixed.case%2Bx%40school.test"))
    assert found["ID"] == sid
    error(api.get("/v1/student/get-id/nope"))
    error(api.get("/v1/student/by-email/nobody%40school.test"))


def test_unknown_id_is_a_business_error_not_a_404(api: httpx.Client) -> None:
    """Reading an unknown student id answers HTTP 200 with status error."""
    assert "not found" in error(api.get("/v1/student/zzzzzzzzzzzzzzzz")).lower()


def test_patch_updates_with_id_in_body_and_requires_names(api: httpx.Client) -> None:
    """PATCH /v1/student takes ID in the wrapped body; FIRSTNAME and LASTNAME are required."""
    sid = make_student(api)
    updated = ok(
        api.patch(
            "/v1/student",
            json={
                "student": {
                    "ID": sid,
                    "FIRSTNAME": "Anabel",
                    "LASTNAME": "Lopez",
                    "COMPANY": "ACME",
                }
            },
        )
    )
    assert updated["FIRSTNAME"] == "Anabel"
    assert ok(api.get(f"/v1/student/{sid}"))["COMPANY"] == "ACME"
    assert error(api.patch("/v1/student", json={"student": {"ID": sid}})) == [
        "FIRSTNAME is required",
        "LASTNAME is required",
    ]


def test_archive_hides_from_list_but_keeps_readable(api: httpx.Client) -> None:
    """DELETE archives: gone from the list, readable by id with HIDDEN=1 and ARCHIVED."""
    keep, gone = make_student(api, 1), make_student(api, 2)
    assert ok(api.delete(f"/v1/student/{gone}")) is True
    listed = [s["ID"] for s in ok(api.get("/v1/student", params={"page": 0}))]
    assert listed == [keep]
    archived = ok(api.get(f"/v1/student/{gone}"))
    assert archived["HIDDEN"] == 1 and archived["ARCHIVED"] is True


def test_archived_true_lists_archived_people_too(api: httpx.Client) -> None:
    """With archived=true the student and professor lists include archived ones (HIDDEN=1)."""
    keep, gone = make_student(api, 1), make_student(api, 2)
    ok(api.delete(f"/v1/student/{gone}"))
    listed = ok(api.get("/v1/student", params={"page": 0, "archived": "true"}))
    assert [(s["ID"], s["HIDDEN"]) for s in listed] == [(keep, 0), (gone, 1)]
    assert [s["ID"] for s in ok(api.get("/v1/student", params={"archived": "false"}))] == [keep]
    live, old = make_professor(api, 1), make_professor(api, 2)
    ok(api.delete(f"/v1/professor/{old}"))
    assert [p["ID"] for p in ok(api.get("/v1/professor", params={"page": 0}))] == [live]
    listed = ok(api.get("/v1/professor", params={"page": 0, "archived": "true"}))
    assert [(p["ID"], p["HIDDEN"]) for p in listed] == [(live, 0), (old, 1)]


def test_archived_true_pages_over_live_and_archived_together(api: httpx.Client) -> None:
    """archived=true pages count archived people, so page 1 continues where page 0 stopped."""
    ids = [make_student(api, n) for n in range(5)]
    for sid in ids[:3]:
        ok(api.delete(f"/v1/student/{sid}"))
    pages = [
        [s["ID"] for s in ok(api.get("/v1/student", params={"page": p, "limit": 2,
                                                            "archived": "true"}))]
        for p in range(3)
    ]  # fmt: skip
    assert pages == [ids[:2], ids[2:4], ids[4:]]


def test_duplicate_email_refused_but_duplicate_api_id_accepted(api: httpx.Client) -> None:
    """A live e-mail cannot be reused; the same API_ID twice is accepted by default."""
    make_student(api, 1, API_ID="dup")
    assert "already exists" in error(
        api.post(
            "/v1/student",
            json={"student": {"FIRSTNAME": "X", "LASTNAME": "Y", "EMAIL": "ANA1@school.test"}},
        )
    )
    make_student(api, 2, API_ID="dup")
    make_professor(api, 1)
    assert "already exists" in error(
        api.post(
            "/v1/professor",
            json={"professor": {"FIRSTNAME": "X", "LASTNAME": "Y", "EMAIL": "paul1@school.test"}},
        )
    )


def test_archived_email_can_be_reused(api: httpx.Client) -> None:
    """After archiving a student, a new one may take the same e-mail."""
    first = make_student(api, 1)
    ok(api.delete(f"/v1/student/{first}"))
    assert make_student(api, 1) != first


def test_strict_api_id_rejects_a_second_live_api_id(tmp_path: object) -> None:
    """With strict_api_id on, a second live student with the same API_ID is refused."""
    from hpsync.emulators.edusign import start_emulator

    with start_emulator(schools=[("S", "k")], strict_api_id=True, rate_scale=100) as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        make_student(client, 1, API_ID="same")
        body = {"FIRSTNAME": "B", "LASTNAME": "C", "EMAIL": "b@c.test", "API_ID": "same"}
        message = error(client.post("/v1/student", json={"student": body}))
        assert "already exists" in message
        client.close()


def test_student_list_pages_from_zero_with_limit_and_search(api: httpx.Client) -> None:
    """The student list honours page (from 0), limit and search."""
    ids = [make_student(api, n) for n in range(5)]
    page0 = ok(api.get("/v1/student", params={"page": 0, "limit": 2}))
    page2 = ok(api.get("/v1/student", params={"page": 2, "limit": 2}))
    assert [s["ID"] for s in page0] == ids[:2]
    assert [s["ID"] for s in page2] == ids[4:]
    assert ok(api.get("/v1/student", params={"page": 3, "limit": 2})) == []
    found = ok(api.get("/v1/student", params={"search": "ana3@"}))
    assert [s["ID"] for s in found] == [ids[3]]


def test_professor_list_pages_by_100(api: httpx.Client) -> None:
    """Professors come 100 per page."""
    for n in range(101):
        make_professor(api, n)
    assert len(ok(api.get("/v1/professor", params={"page": 0}))) == 100
    assert len(ok(api.get("/v1/professor", params={"page": 1}))) == 1


def test_schools_are_isolated(emu: RunningEdusign, api: httpx.Client) -> None:
    """School B's key sees none of school A's students."""
    sid = make_student(api)
    other = httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {KEY_B}"})
    assert ok(other.get("/v1/student")) == []
    error(other.get(f"/v1/student/{sid}"))
    other.close()
