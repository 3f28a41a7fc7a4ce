"""Fixtures: the emulator over a generated school, and zeep as an independent SOAP client.

zeep is not the project's client here: the tests bind each port themselves and always
post to the URL the emulator was started on, as a careful public client does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from zeep import Client
from zeep.transports import Transport

from hpsync.emulators.generator import generate_school
from hpsync.emulators.hyperplanning import RunningEmulator, start_emulator

USER = "service-web"
PASSWORD = "pw-Hp-2026"
AUTH = (USER, PASSWORD)
NS = "http://www.indexeducation.com/frahtm/HpSvcW.html"

_SCHOOL = generate_school("S", 3, year=2026)


def school_data() -> dict[str, Any]:
    """A fresh copy of the generated school (a teacher gets a CAS id to make it visible)."""
    data = copy.deepcopy(_SCHOOL)
    data["teachers"][0]["cas_id"] = "lina.cas"
    return data


class Soap:
    """zeep over one emulator: ``port("Cours").EtudiantsDuCours(ACours=1)``."""

    def __init__(self, emu: RunningEmulator, wsdl_path: str = "wsdl") -> None:
        session = requests.Session()
        session.auth = AUTH
        self.emu = emu
        self.client = Client(f"{emu.url}/{wsdl_path}", transport=Transport(session=session))

    def port(self, interface: str) -> Any:
        """The interface's operations, posted to the configured URL (never the WSDL's)."""
        binding = f"{{{NS}}}IHpSvcW{interface}Binding"
        return self.client.create_service(binding, f"{self.emu.url}/IHpSvcW{interface}")


@pytest.fixture(scope="module")
def public_emu() -> Iterator[RunningEmulator]:
    """A public-profile emulator serving the generated school (tests here only read)."""
    with start_emulator(school_data(), user=USER, password=PASSWORD, profile="public") as emu:
        yield emu


@pytest.fixture(scope="module")
def public_soap(public_emu: RunningEmulator) -> Soap:
    """zeep bound to the public emulator's WSDL."""
    return Soap(public_emu)


@pytest.fixture
def fresh_emu() -> Iterator[Callable[..., RunningEmulator]]:
    """Start an emulator with the given options; stopped at the end of the test."""
    started: list[RunningEmulator] = []

    def start(**options: Any) -> RunningEmulator:
        emu = start_emulator(school_data(), user=USER, password=PASSWORD, **options)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()
