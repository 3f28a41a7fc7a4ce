"""The client adapts to the Service Web it finds: bulk getters when offered, the per-record
operations public clients use otherwise, features off when neither exists, one clear
error when a required capability is missing, credentials only for the configured host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hpsync.emulators.generator import generate_school
from hpsync.emulators.hyperplanning import RunningEmulator, start_emulator
from hpsync.errors import MissingCapability
from hpsync.hyperplanning import HyperplanningClient
from hpsync.hyperplanning.capabilities import resolve
from hpsync.hyperplanning.client import OriginBoundAuth
from hpsync.hyperplanning.surface import Port, Surface, confine
from hpsync.secrets import Secret

USER, PASSWORD = "ws", "secret-pass"


@pytest.fixture(scope="module")
def served() -> Iterator[RunningEmulator]:
    school = generate_school("S", 3, year=2026)
    with start_emulator(school, user=USER, password=PASSWORD, root="/hpsw/2026-2027") as hp:
        yield hp


def client_of(hp: RunningEmulator, keep: Any = lambda name: True) -> HyperplanningClient:
    """A client whose view of the server is limited to the operations ``keep`` accepts, as
    if its WSDL declared only those."""
    client = HyperplanningClient(hp.url, USER, Secret(PASSWORD), timezone="Europe/Paris")
    full = client.surface
    client._surface = Surface({n: p for n, p in full.ports.items() if keep(n)})
    return client


def people(snapshot: Any) -> dict[str, Any]:
    return {
        "learners": sorted(
            (
                l.key,
                l.last_name,
                l.first_name,
                l.email,
                l.ine,
                sorted(l.group_keys),
                sorted(l.rubric_keys),
            )
            for l in snapshot.learners.values()  # noqa: E741
        ),
        "trainers": sorted(
            (t.key, t.last_name, t.first_name, t.email) for t in snapshot.trainers.values()
        ),
        "sessions": sorted(
            (
                s.key,
                s.start,
                s.end,
                s.trainer_keys,
                s.room_keys,
                s.learner_keys,
                s.group_keys,
                sorted(s.rubric_keys),
            )
            for s in snapshot.sessions.values()
        ),
        "families": sorted(
            (f.key, f.label, tuple((r.key, r.label) for r in f.rubrics))
            for f in snapshot.families.values()
        ),
    }


def test_a_server_without_bulk_getters_is_read_one_record_at_a_time(
    served: RunningEmulator,
) -> None:
    """With no '…Tableau…' getter at all, the per-record operations give the same learners,
    trainers, sessions (times, trainers, rooms, rosters, groups, rubrics) and families."""
    with client_of(served) as bulk:
        served.reset_stats()
        expected = bulk.read_snapshot()
        bulk_calls = sum(served.stats.values())
    with client_of(served, lambda name: "Tableau" not in name) as one_by_one:
        served.reset_stats()
        found = one_by_one.read_snapshot()
        calls = served.stats
    assert people(found) == people(expected)
    assert not [name for name in calls if "Tableau" in name]
    assert calls["NomEtudiant"] == len(expected.learners) and sum(calls.values()) > bulk_calls


def test_an_optional_capability_missing_turns_its_feature_off(served: RunningEmulator) -> None:
    """No exemption operation: the snapshot has no exemption, says so, and the client
    lists the feature as off with what is missing."""
    with client_of(served, lambda name: "Dispense" not in name) as client:
        snapshot = client.read_snapshot()
    assert snapshot.exemptions == ()
    assert "exemptions" in snapshot.unavailable
    (line,) = [x for x in client.limits if "exemptions" in x]
    assert "exempted learners stay on their sessions" in line and "ToutesLesDispenses" in line


def test_a_required_capability_missing_is_one_error_naming_the_operations(
    served: RunningEmulator,
) -> None:
    """No way to list learners: MissingCapability (exit 4) naming the operation."""
    with (
        client_of(served, lambda name: name != "TousLesEtudiants") as client,
        pytest.raises(MissingCapability) as caught,
    ):
        client.read_snapshot()
    assert caught.value.exit_code == 4
    assert "TousLesEtudiants" in str(caught.value) and "hpsync doctor" in str(caught.value)


def test_an_operation_renamed_on_the_server_is_mapped_by_configuration() -> None:
    """[hyperplanning.operations] maps hpsync's name to the server's name."""
    port = Port("HpSvcWDonnees", "PortAbsences", (), "http://h/x")
    surface = Surface({"TousLesMotifsAbsence": port}, {"TousLesMotifs": "TousLesMotifsAbsence"})
    assert surface.has("TousLesMotifs") and surface.port("TousLesMotifs") is port
    assert not Surface({"TousLesMotifsAbsence": port}).has("TousLesMotifs")
    motifs = next(r for r in resolve(surface) if r.capability.key == "motifs")
    assert not motifs.on and motifs.missing == ("ModifierMotifAbsenceEtudiant",)


def test_calls_go_to_the_configured_host_whatever_the_wsdl_names() -> None:
    """A WSDL address naming an internal host is moved onto the configured origin, keeping
    its path under the configured root; credentials are only sent to the configured host."""
    configured = "https://planning.ecole.example/hpsw/2026-2027"
    moved = confine("http://hpsw.internal:8080/hpsw/2026-2027/IHpSvcWCours", configured)
    assert moved == "https://planning.ecole.example/hpsw/2026-2027/IHpSvcWCours"
    assert confine("http://elsewhere/other/path", configured) == configured
    auth = OriginBoundAuth(configured, "ws", "secret")
    ours = auth(requests.Request("POST", moved).prepare())
    theirs = auth(requests.Request("GET", "http://hpsw.internal:8080/hpsw/x.xsd").prepare())
    assert ours.headers["Authorization"].startswith("Basic ")
    assert "Authorization" not in theirs.headers
