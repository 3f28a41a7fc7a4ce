"""The provisional ``/v1/externals`` resource (tutors), over raw HTTP and through hpsync."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.edusign_emulator.conftest import KEY_A, KEY_B, control, error, make_student, ok

from hpsync.edusign import EdusignClient
from hpsync.edusign.tutors import EdusignExternals
from hpsync.emulators.edusign import RunningEdusign
from hpsync.engine.desired import DesiredTutor
from hpsync.engine.plan import Action, PlanItem
from hpsync.model import Kind, SourceId
from hpsync.secrets import Secret


def make_external(api: httpx.Client, n: int = 1, **extra: Any) -> str:
    """Create an external through v1 and return its id."""
    fields = {
        "FIRSTNAME": f"Tom{n}",
        "LASTNAME": "Tutor",
        "EMAIL": f"tom{n}@firm.test",
        "COMPANY": "Firm",
        "API_ID": f"hp:t:{n}",
        "API_TYPE": "hpsync",
    }
    return str(ok(api.post("/v1/externals", json={"external": {**fields, **extra}}))["ID"])


def test_create_get_and_lookup_by_api_id(api: httpx.Client) -> None:
    """POST wraps the external and returns {ID, id}; GET by id and get-id find it."""
    eid = make_external(api, 1, API_ID=42)
    external = ok(api.get(f"/v1/externals/{eid}"))
    assert external["ID"] == external["id"] == eid
    assert (external["FIRSTNAME"], external["COMPANY"], external["API_ID"]) == (
        "Tom1",
        "Firm",
        "42",
    )
    assert external["HIDDEN"] == 0
    assert ok(api.get("/v1/externals/get-id/42")) == {"ID": eid, "id": eid}
    assert "not found" in error(api.get("/v1/externals/zzzzzzzzzzzzzzzz")).lower()
    error(api.get("/v1/externals/get-id/nope"))


def test_create_requires_names_and_email(api: httpx.Client) -> None:
    """A create without FIRSTNAME or EMAIL is a validation error listing each field."""
    message = error(api.post("/v1/externals", json={"external": {"LASTNAME": "X"}}))
    assert message == ["FIRSTNAME is required", "EMAIL is required"]
    assert "external" in error(api.post("/v1/externals", json={"FIRSTNAME": "unwrapped"}))


def test_duplicate_live_email_is_refused_but_archived_does_not_block(api: httpx.Client) -> None:
    """A live e-mail (any case) cannot be reused, by POST or PATCH; an archived one can."""
    first = make_external(api, 1)
    second = make_external(api, 2)
    body = {"FIRSTNAME": "X", "LASTNAME": "Y", "EMAIL": "TOM1@firm.test"}
    assert "already exists" in error(api.post("/v1/externals", json={"external": body}))
    patch = {"external": {"ID": second, "EMAIL": "tom1@FIRM.test"}}
    assert "already exists" in error(api.patch("/v1/externals", json=patch))
    ok(api.delete(f"/v1/externals/{first}"))
    assert ok(api.post("/v1/externals", json={"external": body}))["ID"] != first


def test_patch_updates_with_id_in_body(api: httpx.Client) -> None:
    """PATCH takes ID in the wrapped body, changes only the given fields, returns the object."""
    eid = make_external(api, 1)
    updated = ok(api.patch("/v1/externals", json={"external": {"ID": eid, "COMPANY": "New"}}))
    assert (updated["COMPANY"], updated["FIRSTNAME"]) == ("New", "Tom1")
    assert ok(api.get(f"/v1/externals/{eid}"))["COMPANY"] == "New"
    assert error(api.patch("/v1/externals", json={"external": {"COMPANY": "x"}})) == [
        "ID is required"
    ]
    assert (
        "not found"
        in error(
            api.patch("/v1/externals", json={"external": {"ID": "nope", "COMPANY": "x"}})
        ).lower()
    )


def test_list_pages_by_100_and_archived_only_on_request(api: httpx.Client) -> None:
    """Pages hold 100 live externals; DELETE archives (HIDDEN=1), listed only with archived=true."""
    ids = [make_external(api, n) for n in range(101)]
    assert [e["ID"] for e in ok(api.get("/v1/externals", params={"page": 0}))] == ids[:100]
    assert [e["ID"] for e in ok(api.get("/v1/externals", params={"page": 1}))] == ids[100:]
    assert ok(api.delete(f"/v1/externals/{ids[0]}")) is True
    assert ok(api.get(f"/v1/externals/{ids[0]}"))["HIDDEN"] == 1
    live = ok(api.get("/v1/externals", params={"page": 0}))
    assert ids[0] not in [e["ID"] for e in live] and len(live) == 100
    everyone = ok(api.get("/v1/externals", params={"page": 0, "archived": "true"}))
    assert (everyone[0]["ID"], everyone[0]["HIDDEN"]) == (ids[0], 1)


def test_student_followers_must_be_externals_of_the_same_school(
    emu: RunningEdusign, api: httpx.Client
) -> None:
    """STUDENT_FOLLOWER_ID ids must exist as externals of the school, on create and update."""
    eid = make_external(api, 1)
    with httpx.Client(
        base_url=emu.url, headers={"Authorization": f"Bearer {KEY_B}"}, timeout=10
    ) as other:
        foreign = make_external(other, 9)
    sid = make_student(api, 1, STUDENT_FOLLOWER_ID=[eid])
    assert ok(api.get(f"/v1/student/{sid}"))["STUDENT_FOLLOWER_ID"] == [eid]
    body = {"FIRSTNAME": "B", "LASTNAME": "C", "EMAIL": "b@school.test"}
    message = error(
        api.post("/v1/student", json={"student": {**body, "STUDENT_FOLLOWER_ID": [foreign]}})
    )
    assert foreign in message
    patch = {"ID": sid, "FIRSTNAME": "Ana1", "LASTNAME": "Lopez", "STUDENT_FOLLOWER_ID": "nope"}
    assert "nope" in error(api.patch("/v1/student", json={"student": patch}))
    assert ok(api.get(f"/v1/student/{sid}"))["STUDENT_FOLLOWER_ID"] == [eid]


def test_externals_are_in_the_dump(emu: RunningEdusign, api: httpx.Client) -> None:
    """/_emulator/dump lists externals, archived included, under "external"."""
    assert control(emu, "GET", "/_emulator/dump")["external"] == []
    eid = make_external(api, 1)
    ok(api.delete(f"/v1/externals/{eid}"))
    dumped = control(emu, "GET", "/_emulator/dump")["external"]
    assert [(e["ID"], e["HIDDEN"]) for e in dumped] == [(eid, 1)]


# ---------------------------------------------------------------- through hpsync.edusign.tutors


@pytest.fixture
def externals(emu: RunningEdusign) -> Iterator[EdusignExternals]:
    """hpsync's tutor directory on a real client bound to school A."""
    client = EdusignClient(emu.url, Secret(KEY_A), api="v1", rate_scale=100)
    yield EdusignExternals(client)
    client.close()


def _item(action: Action, n: int, remote_id: str = "", company: str = "Firm") -> PlanItem:
    sid = SourceId(f"hp:base:tutor:{n}")
    tutor = DesiredTutor(sid, f"Tom{n}", "Tutor", f"tom{n}@firm.test", company)
    return PlanItem(Kind.TUTOR, action, sid, remote_id, record=tutor)


def test_tutors_directory_creates_updates_lists_and_archives(
    externals: EdusignExternals, api: httpx.Client
) -> None:
    """EdusignExternals upserts (create then update), lists with fields, and archives."""
    first = externals.upsert(_item(Action.CREATE, 1))
    second = externals.upsert(_item(Action.CREATE, 2))
    assert externals.upsert(_item(Action.UPDATE, 1, first, company="Other")) == first
    stored = ok(api.get(f"/v1/externals/{first}"))
    assert (stored["COMPANY"], stored["API_ID"], stored["API_TYPE"]) == (
        "Other",
        "hp:base:tutor:1",
        "hpsync",
    )
    listed = {r.remote_id: r for r in externals.list()}
    assert set(listed) == {first, second}
    assert listed[first].api_id == "hp:base:tutor:1" and not listed[first].archived
    assert listed[first].fields == {
        "first_name": "Tom1",
        "last_name": "Tutor",
        "email": "tom1@firm.test",
        "company": "Other",
    }
    externals.archive(second)
    archived = {r.remote_id: r.archived for r in externals.list()}
    assert archived == {first: False, second: True}


def test_tutors_directory_update_restores_an_archived_tutor(
    externals: EdusignExternals, api: httpx.Client
) -> None:
    """An update of an archived tutor brings it back to the live list."""
    eid = externals.upsert(_item(Action.CREATE, 1))
    externals.archive(eid)
    externals.upsert(_item(Action.UPDATE, 1, eid))
    assert [e["ID"] for e in ok(api.get("/v1/externals"))] == [eid]


def test_tutors_directory_lists_past_one_page(externals: EdusignExternals) -> None:
    """The directory keeps paging until a short page: 101 tutors come back."""
    for n in range(101):
        externals.upsert(_item(Action.CREATE, n))
    assert len(externals.list()) == 101
