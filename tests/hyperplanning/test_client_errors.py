"""Clear client errors (credentials, URL, rights, 503) and refusal of hostile XML."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hpsync.emulators.hyperplanning import RunningEmulator
from hpsync.emulators.hyperplanning.wsdl import wsdl
from hpsync.errors import RetriableRemoteError, SourceError
from hpsync.hyperplanning import HyperplanningClient
from hpsync.retry import RetryPolicy
from hpsync.secrets import Secret

from .conftest import PASSWORD, USER

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    '<VersionResponse xmlns="http://www.indexeducation.com/frahtm/HpSvcW.html">'
    "<return>&lol3;</return></VersionResponse></soap:Body></soap:Envelope>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">&xxe;</wsdl:definitions>'
)


def _client(url: str, password: str = PASSWORD) -> HyperplanningClient:
    return HyperplanningClient(url, USER, Secret(password), timezone="Europe/Paris", retries=0)


def test_wrong_password_is_a_source_error_without_the_password(
    emulator: RunningEmulator,
) -> None:
    """Bad credentials raise SourceError (HTTP 401) whose text never shows the password."""
    with pytest.raises(SourceError, match="401") as caught:
        _client(emulator.url, "Wr0ng-Passw0rd!").base_info()
    assert "Wr0ng-Passw0rd!" not in str(caught.value)
    assert "password" in caught.value.hint


def test_wrong_root_is_a_source_error_naming_the_url(emulator: RunningEmulator) -> None:
    """A URL with a wrong root is reported as no Service Web there, with a hint."""
    with pytest.raises(SourceError, match="404") as caught:
        _client(emulator.url.replace("2025-2026", "2024-2025")).base_info()
    assert "root" in caught.value.hint


def test_unreachable_host_is_retriable(emulator: RunningEmulator) -> None:
    """Nothing listening on the port is a retriable error after the retries."""
    url = f"http://127.0.0.1:{emulator.port}/hpsw"
    emulator.stop()
    with pytest.raises(RetriableRemoteError, match="cannot reach"):
        _client(url).base_info()


def test_unpublished_base_is_retriable(emulator: RunningEmulator) -> None:
    """HTTP 503 (base not published) is a RetriableRemoteError explaining the cause."""
    emulator.state.unavailable = True
    with pytest.raises(RetriableRemoteError, match="503"):
        _client(emulator.url).base_info()


def test_transport_errors_are_retried_but_faults_are_not(emulator: RunningEmulator) -> None:
    """A 503 that clears is retried transparently; a fault is raised at once."""
    client = HyperplanningClient(
        emulator.url, USER, Secret(PASSWORD), timezone="Europe/Paris", retries=3, backoff=0.01
    )
    client.base_info()  # WSDL loaded
    emulator.state.fail_next = 2
    assert client.call("TousLesCours") == [1, 2, 3, 4, 5]
    assert emulator.state.fail_next == 0
    emulator.reset_stats()
    with pytest.raises(SourceError, match="n'existe pas"):
        client.call("NomSalle", ASalle=77)
    assert emulator.stats == {"NomSalle": 1}


def test_retries_wait_as_the_shared_policy_says(emulator: RunningEmulator) -> None:
    """Both clients wait with one policy (hpsync.retry): capped exponential backoff with
    full jitter; here the jitter is pinned to its ceiling, so the waits are 0.1 s then
    0.2 s, and the third 503 in a row (3 attempts in all) is the error."""
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, base=0.1, cap=5.0, sleep=waits.append, random=lambda: 1.0)
    client = HyperplanningClient(
        emulator.url, USER, Secret(PASSWORD), timezone="Europe/Paris", retry=policy
    )
    client.base_info()  # WSDL loaded
    emulator.state.fail_next = 2
    assert client.call("TousLesCours") == [1, 2, 3, 4, 5]
    assert waits == [0.1, 0.2]
    emulator.state.fail_next = 3
    with pytest.raises(RetriableRemoteError, match="503"):
        client.call("TousLesCours")
    assert waits == [0.1, 0.2, 0.1, 0.2]


def test_missing_right_is_a_fault_with_a_rights_hint(emulator: RunningEmulator) -> None:
    """An interface the account may not use raises SourceError pointing at the rights."""
    emulator.state.denied_interfaces.add("Etudiants")
    with pytest.raises(SourceError, match="IHpSvcWEtudiants") as caught:
        _client(emulator.url).read_snapshot()
    assert "right" in caught.value.hint


class _Hostile:
    """A tiny server answering a real WSDL but hostile SOAP responses (or a hostile WSDL)."""

    def __init__(self, *, hostile_wsdl: bool) -> None:
        async def entry(request: Request) -> Response:
            if request.method == "GET":
                if hostile_wsdl:
                    return Response(XXE, media_type="text/xml")
                base = str(request.base_url).rstrip("/") + "/hpsw"
                return Response(wsdl(base), media_type="text/xml")
            return Response(LAUGHS, media_type="text/xml")

        app = Starlette(routes=[Route("/{p:path}", entry, methods=["GET", "POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hpsw"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(params=[False, True], ids=["laughs-response", "xxe-wsdl"])
def hostile(request: pytest.FixtureRequest) -> Iterator[_Hostile]:
    """A hostile server, in both flavours."""
    server = _Hostile(hostile_wsdl=request.param)
    yield server
    server.stop()


def test_hostile_xml_is_rejected(hostile: _Hostile) -> None:
    """Entity expansion (billion laughs) and XXE are refused, never expanded."""
    with pytest.raises(SourceError, match="unsafe or malformed XML"):
        _client(hostile.url).call("Version")
