"""Auth codes, plain-text errors, faults, rate budget (slow and 429), stats, restarts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.edusign_emulator.conftest import KEY_A, control, make_student, ok

from hpsync.emulators.edusign import (
    KeySpec,
    RunningEdusign,
    SchoolSpec,
    fingerprint,
    start_emulator,
)


def test_missing_or_unknown_key_is_401_plain(emu: RunningEdusign) -> None:
    """No key or a wrong key answers 401 with the plain body Unauthorized."""
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY_A}"}):
        response = httpx.get(emu.url + "/v1/school", headers=headers)
        assert (response.status_code, response.text) == (401, "Unauthorized")


def test_no_api_option_is_402_and_missing_scope_is_403() -> None:
    """A key without the API option gets 402; a key lacking a route's scope gets 403."""
    school = SchoolSpec("S", (KeySpec("unpaid", no_api_option=True),
                              KeySpec("narrow", scopes=("students",))))  # fmt: skip
    with start_emulator(schools=[school]) as emu:
        unpaid = httpx.get(emu.url + "/v1/student", headers={"Authorization": "Bearer unpaid"})
        assert unpaid.status_code == 402
        narrow = {"Authorization": "Bearer narrow"}
        assert httpx.get(emu.url + "/v1/student", headers=narrow).status_code == 200
        forbidden = httpx.get(emu.url + "/v1/course", headers=narrow)
        assert (forbidden.status_code, forbidden.text) == (403, "Forbidden")


def test_unknown_route_is_404_not_found(api: httpx.Client) -> None:
    """An unknown path answers 404 with the plain body Not Found."""
    response = api.get("/v1/nothing-here")
    assert (response.status_code, response.text) == (404, "Not Found")


def test_injected_500_on_nth_request(emu: RunningEdusign, api: httpx.Client) -> None:
    """A 500 fault on the 2nd request answers Internal Server Error once, then recovers."""
    control(emu, "POST", "/_emulator/faults", kind="500", nth=2, path_prefix="/v1/school")
    assert api.get("/v1/school").status_code == 200
    failed = api.get("/v1/school")
    assert (failed.status_code, failed.text) == (500, "Internal Server Error")
    assert api.get("/v1/school").status_code == 200


def test_injected_reset_drops_the_connection(emu: RunningEdusign, api: httpx.Client) -> None:
    """A reset fault closes the socket without an answer."""
    control(emu, "POST", "/_emulator/faults", kind="reset", rate=1.0, times=1)
    with pytest.raises(httpx.TransportError):
        api.get("/v1/school")
    assert api.get("/v1/school").status_code == 200


def test_reset_after_apply_lands_the_write(emu: RunningEdusign, api: httpx.Client) -> None:
    """With when=after the write is stored although the client never gets the answer."""
    control(emu, "POST", "/_emulator/faults", kind="reset", times=1, when="after",
            method="POST")  # fmt: skip
    with pytest.raises(httpx.TransportError):
        make_student(api, API_ID="landed")
    assert ok(api.get("/v1/student/get-id/landed"))["ID"]


def test_injected_timeout_hangs_past_the_client_timeout(
    emu: RunningEdusign, api: httpx.Client
) -> None:
    """A timeout fault hangs the request longer than the client is willing to wait."""
    control(emu, "POST", "/_emulator/faults", kind="timeout", seconds=3, times=1)
    with pytest.raises(httpx.ReadTimeout):
        api.get("/v1/school", timeout=0.3)


def test_slowdown_over_budget_is_counted_not_refused(tmp_path: Path) -> None:
    """Past the scaled budget requests still succeed but are slowed and counted in stats."""
    key = "a-long-secret-api-key-0001"
    with start_emulator(schools=[("S", key)], rate_scale=5 / 480) as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {key}"})
        for _ in range(8):
            assert client.get("/v1/school").status_code == 200
        raw = httpx.get(emu.url + "/_emulator/stats")
        assert key not in raw.text
        stats = raw.json()
        mine = stats["keys"][fingerprint(key)]
        assert stats["limits"]["per_minute"] == 5
        assert mine["requests"] == 8 and mine["slowed"] == 3
        assert mine["max_in_60s"] == 8
        assert mine["by_route"] == {"GET /v1/school": 8}
        httpx.post(emu.url + "/_emulator/stats/reset")
        assert httpx.get(emu.url + "/_emulator/stats").json()["keys"] == {}
        client.close()


def test_heavy_routes_have_their_own_budget() -> None:
    """v3 batch upserts are heavy: their small budget slows them; the course list is not."""
    with start_emulator(schools=[("S", "k")], rate_scale=2 / 24) as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        for n in range(4):
            person = {"firstName": "A", "lastName": f"B{n}", "email": f"a{n}@x.test"}
            answer = client.post("/v3/students/batch-upsert", json={"students": [person]})
            assert answer.status_code == 200, answer.text
        for _ in range(4):
            client.get("/v1/course")
        mine = httpx.get(emu.url + "/_emulator/stats").json()["keys"][fingerprint("k")]
        assert mine["heavy"] == 4 and mine["max_heavy_in_60s"] == 4
        assert mine["slowed"] == 2
        assert mine["by_route"]["GET /v1/course"] == 4
        client.close()


def test_emulator_heavy_routes_are_the_v3_batches_and_roster_puts() -> None:
    """The emulator's heavy routes are exactly the v3 batch upserts and roster PUTs (§4)."""
    with start_emulator(schools=[("S", "k")]) as emu:
        limits = httpx.get(emu.url + "/_emulator/stats").json()["limits"]
    assert sorted(limits["heavy_routes"]) == [
        "POST /v3/courses/batch-upsert",
        "POST /v3/professors/batch-upsert",
        "POST /v3/students/batch-upsert",
        "PUT /v3/courses/by-reference-id/{ref}/students",
        "PUT /v3/courses/{id}/students",
    ]


def test_429_mode_refuses_with_retry_after() -> None:
    """In 429 mode a request over budget is refused with Retry-After and counted."""
    with start_emulator(schools=[("S", "k")], rate_scale=2 / 480, rate_mode="429") as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        assert [client.get("/v1/school").status_code for _ in range(2)] == [200, 200]
        refused = client.get("/v1/school")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        mine = httpx.get(emu.url + "/_emulator/stats").json()["keys"][fingerprint("k")]
        assert mine["rejected_429"] == 1
        client.close()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    """Stopping and restarting on the same --db keeps schools, keys and records."""
    db = tmp_path / "kept.sqlite"
    with start_emulator(schools=[("S", "k")], db_path=db) as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        sid = make_student(client, API_ID="persist")
        client.close()
    with start_emulator(schools=[("S", "k")], db_path=db) as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer k"})
        assert ok(client.get("/v1/student/get-id/persist"))["ID"] == sid
        client.close()


def test_test_controls_are_off_unless_asked() -> None:
    """Without test controls every /_emulator control answers 404, but stats stay on."""
    with start_emulator(schools=[("S", "k")], test_controls=False) as emu:
        for path in ("/_emulator/dump", "/_emulator/faults", "/_emulator/webhooks"):
            response = httpx.get(emu.url + path)
            assert (response.status_code, response.text) == (404, "Not Found")
        assert httpx.post(emu.url + "/_emulator/sign", json={}).status_code == 404
        assert httpx.get(emu.url + "/_emulator/stats").status_code == 200


def test_maintenance_switch_answers_503(emu: RunningEdusign, api: httpx.Client) -> None:
    """The maintenance control makes the API answer 503 until switched off."""
    control(emu, "POST", "/_emulator/maintenance", on=True)
    assert api.get("/v1/school").status_code == 503
    control(emu, "POST", "/_emulator/maintenance", on=False)
    assert api.get("/v1/school").status_code == 200
