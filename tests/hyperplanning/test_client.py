"""The client against the emulator over real HTTP: reads, writes, time zones, call counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hpsync.emulators.hyperplanning import RunningEmulator, start_emulator
from hpsync.hyperplanning import HyperplanningClient
from hpsync.hyperplanning.methods import OPERATIONS
from hpsync.hyperplanning.soap_types import TYPES, tab
from hpsync.model import Genre
from hpsync.secrets import Secret
from hyperplanning.school import school

from .conftest import PASSWORD, USER

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[HyperplanningClient]:
    """A client on the fixture emulator."""
    with HyperplanningClient(
        emulator.url, USER, Secret(PASSWORD), timezone="Europe/Paris", retries=0
    ) as c:
        yield c


def _without_base(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "base"}


def test_read_school_round_trips_the_served_snapshot(client: HyperplanningClient) -> None:
    """Reading the whole base gives back the served snapshot (base name/id are not in the API)."""
    read = client.read_school()
    assert _without_base(read) == _without_base(school())
    assert read["base"]["first_day"] == "2025-09-01"
    assert read["base"]["id"] == "hpsw-2025-2026"


def test_snapshot_maps_sessions_groups_rubrics_and_exemptions(
    client: HyperplanningClient,
) -> None:
    """Sessions are keyed course-week, skip parent and non-placed courses, keep cancelled
    ones, and carry rosters, groups and rubrics; learners carry groups, rubrics, tutors."""
    snap = client.read_snapshot()
    assert sorted(snap.sessions) == ["1-10", "1-2", "1-8", "1-9", "2-2", "4-2"]
    assert snap.sessions["1-10"].cancelled and not snap.sessions["1-2"].cancelled
    first = snap.sessions["1-2"]
    assert first.learner_keys == (1, 2, 3)
    assert first.group_keys == (1,)
    assert first.rubric_keys == frozenset({21})
    assert first.end - first.start == timedelta(hours=2)
    assert snap.sessions["2-2"].trainer_keys == ()
    assert snap.sessions["4-2"].group_keys == (101,)
    lea = snap.learners[1]
    assert lea.group_keys == frozenset({1, 101})
    assert lea.rubric_keys == frozenset({11, 12})
    assert lea.tutor_keys == (1,)
    assert snap.trainers[1].rubric_keys == frozenset({31})
    assert snap.rooms[2].code is None
    assert {f.genre for f in snap.families.values()} == set(Genre)
    assert {(e.learner_key, e.subject_key) for e in snap.exemptions} == {(1, 2), (2, None)}
    assert snap.tutors[1].company == "ACME SA"
    assert snap.base.base_id == "hpsw-2025-2026"


def test_session_times_are_aware_and_right_across_the_dst_change(
    client: HyperplanningClient,
) -> None:
    """08:00 wall time is 06:00 UTC before the October DST change and 07:00 UTC after."""
    snap = client.read_snapshot()
    assert snap.sessions["1-8"].start.astimezone(UTC).hour == 6
    assert snap.sessions["1-9"].start.astimezone(UTC).hour == 7
    assert snap.sessions["1-9"].start.utcoffset() == timedelta(hours=1)


def test_call_count_grows_with_kinds_not_records() -> None:
    """Reading a school with many more students and courses costs the same SOAP calls, but
    for séances, asked for about 2,000 at a time."""
    small = school()
    big = school()
    template_student, template_course = big["students"][0], big["courses"][0]
    for i in range(100, 400):
        big["students"].append({**template_student, "key": i, "identifier": f"X{i}"})
        big["courses"].append({**template_course, "key": i})
    counts = []
    for data in (small, big):
        with start_emulator(data, user=USER, password=PASSWORD) as emu:
            with HyperplanningClient(emu.url, USER, Secret(PASSWORD), timezone="Europe/Paris") as c:
                snap = c.read_snapshot()
            counts.append(sum(emu.stats.values()))
    assert len(snap.learners) == 303
    # the same calls, but one more per séance getter (placed, cancelled): the first asks
    # for 50 courses' séances (FIRST_SEANCE_COURSES), the next for the 255 others
    assert counts[1] == counts[0] + 2
    assert counts[0] < 120


def test_bulk_reads_are_chunked(emulator: RunningEmulator) -> None:
    """With chunks of 2 keys, a bulk getter over 3 students takes 2 calls."""
    with HyperplanningClient(
        emulator.url, USER, Secret(PASSWORD), timezone="Europe/Paris", chunk=2
    ) as c:
        c.read_school()
    assert emulator.stats["NomsTableauDEtudiants"] == 2


def test_absences_write_then_read_with_overlap_policy(client: HyperplanningClient) -> None:
    """Adding the same absence twice keeps one, overlapping ones coexist, removing trims,
    and removing where nothing is recorded does not fail."""
    start = datetime(2025, 10, 27, 8, 0, tzinfo=PARIS)
    end = start + timedelta(hours=2)
    client.add_absence(3, start, end, justified=True, reason="Malade")
    client.add_absence(3, start, end, justified=True)
    client.add_absence(3, start + timedelta(hours=1), end + timedelta(hours=1), justified=False)
    day = (start - timedelta(hours=8), start + timedelta(hours=12))
    found = client.absences_between(3, *day)
    assert [(a.start, a.end, a.justified) for a in found] == [
        (start, end, True),
        (start + timedelta(hours=1), end + timedelta(hours=1), False),
    ]
    assert found[0].reason == "Malade"
    client.remove_absence(3, start + timedelta(hours=1), end + timedelta(hours=1))
    assert [(a.start, a.end) for a in client.absences_between(3, *day)] == [
        (start, start + timedelta(hours=1))
    ]
    client.remove_absence(3, start + timedelta(days=3), start + timedelta(days=4))


def test_absence_times_convert_from_any_zone(client: HyperplanningClient) -> None:
    """An absence given in UTC is stored at the base's wall time and read back equal."""
    start = datetime(2025, 10, 26, 9, 30, tzinfo=UTC)  # 10:30 in Paris, after DST ended
    client.add_absence(2, start, start + timedelta(hours=1), justified=False)
    read = client.absences_between(2, start - timedelta(hours=1), start + timedelta(hours=2))
    assert read[0].start == start
    assert read[0].start.tzinfo is not None
    assert client.read_school()["absences"][-1]["start"] == "2025-10-26T10:30:00"


def test_delays_write_read_remove(client: HyperplanningClient) -> None:
    """A delay is created with minutes and reason, read back, and removed by instant."""
    at = datetime(2025, 9, 8, 8, 0, tzinfo=PARIS)
    client.add_delay(1, at, 12, justified=False, reason="Bus")
    (delay,) = client.delays_between(1, at - timedelta(hours=1), at + timedelta(hours=1))
    assert (delay.at, delay.minutes, delay.justified, delay.reason) == (at, 12, False, "Bus")
    client.remove_delay(1, at)
    assert client.delays_between(1, at - timedelta(hours=1), at + timedelta(hours=1)) == []
    existing = client.delays_between(2, at, at + timedelta(days=2))
    assert [(d.minutes, d.reason) for d in existing] == [(10, "Transport")]


def test_naive_datetimes_are_refused(client: HyperplanningClient) -> None:
    """The client never guesses a zone for a naive datetime."""
    with pytest.raises(ValueError, match="naive"):
        client.add_absence(1, datetime(2025, 9, 8, 8), datetime(2025, 9, 8, 9), justified=False)


_SAMPLES: dict[str, Any] = {
    "ACours": 1,
    "AEtudiant": 1,
    "AEnseignant": 1,
    "AMatiere": 1,
    "ASalle": 1,
    "APromotion": 1,
    "ATDOption": 101,
    "ARegroupement": 201,
    "AFamille": 1,
    "ARubrique": 11,
    "AAbsence": 1,
    "ARetard": 1,
    "ASemaine": 2,
    "ADuree": 0.5,
    "AGenre": "gfEtudiant",
    "ANom": "Martin",
    "APrenom": "Claire",
    "ACode": "MARC",
    "ANumeroINE": "123456789AB",
    "AIdentifiant": "E2025001",
    "AJustifie": True,
    "AMotif": "Motif",
    "ADate": date(2025, 9, 8),
    "ADate1": date(2025, 9, 1),
    "ADate2": date(2026, 6, 30),
    "ADateHeure": datetime(2025, 9, 15, 8, 0),
    "ADateHeureDebut": datetime(2025, 9, 1, 0, 0),
    "ADateHeureFin": datetime(2025, 12, 31, 0, 0),
}
_TABLES = {
    "Cours": [1, 2, 4],
    "Etudiant": [1, 2, 3],
    "Enseignant": [1, 2],
    "Matiere": [1, 2],
    "Salle": [1, 2],
    "Promotion": [1],
    "TDOption": [101, 102],
    "Regroupement": [201],
    "Famille": [1, 2],
    "Rubrique": [11, 21],
    "Dispense": [1, 2],
    "MaitreDeStage": [1],
}


def test_every_operation_answers_through_the_client(client: HyperplanningClient) -> None:
    """Each operation of the table is callable by name over HTTP and returns its type."""
    ordered = sorted(
        OPERATIONS, key=lambda op: op.name in {"SupprimerRetardEtudiant", "EnleverAbsenceEtudiant"}
    )
    for op in ordered:
        params = {}
        for name, type_name in op.params:
            if name == "ATableau":
                params[name] = next(keys for e, keys in _TABLES.items() if tab(e) == type_name)
            else:
                params[name] = _SAMPLES[name]
        result = client.call(op.name, **params)
        if op.returns and TYPES[op.returns].kind == "array":
            assert isinstance(result, list), op.name
        if op.name.endswith("TableauDEtudiants") and op.returns == "THpSvcWTableauChaines":
            assert len(result) == 3, op.name
    assert client.call("NomEnseignant", AEnseignant=2) == "Nguyen"
    assert client.call("HpSvcWDureeEnHeureMinute", ADuree=0.0625) == {"AHeure": 1, "AMinute": 30}


def test_seances_are_asked_for_in_answers_of_bounded_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A parsed answer is held whole: the first call asks for FIRST_SEANCE_COURSES (50)
    courses, then the courses per call are sized to about SEANCES_PER_CALL séances (at
    most a chunk); every séance is still read."""
    from hpsync.hyperplanning import read

    data = school()
    template = data["courses"][0]
    per_course = len(template["seances"])
    placed = sum(1 for seance in template["seances"] if not seance.get("cancelled"))
    assert placed >= 1
    data["courses"] = [{**template, "key": i} for i in range(100, 400)]  # alike: 300
    with start_emulator(data, user=USER, password=PASSWORD) as emu:
        with HyperplanningClient(
            emu.url, USER, Secret(PASSWORD), timezone="Europe/Paris", chunk=100
        ) as c:
            whole = c.read_snapshot()
        one_call = emu.stats["DetailDesSeancesPlaceesTableauDeCours"]
        monkeypatch.setattr(read, "SEANCES_PER_CALL", 10 * placed)  # 10 courses' worth
        with HyperplanningClient(
            emu.url, USER, Secret(PASSWORD), timezone="Europe/Paris", chunk=100
        ) as c:
            bounded = c.read_snapshot()
        calls = emu.stats["DetailDesSeancesPlaceesTableauDeCours"] - one_call
    assert one_call == 4  # 50 courses, then a chunk (100) at a time: 1 + 250 / 100
    # 50 courses first, then 10 a call (10 courses' séances): 1 + 250 / 10 calls
    assert calls == 26
    assert bounded.sessions == whole.sessions and len(whole.sessions) == 300 * per_course
