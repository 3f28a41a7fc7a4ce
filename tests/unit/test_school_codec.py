"""One school codec: a Snapshot written as a school file and loaded back is the same
Snapshot, for generated schools of any seed and for the hand-made one (property test)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hpsync.emulators.generator import generate_school
from hpsync.hyperplanning.mapping import to_snapshot
from hpsync.school import snapshot_from_school, snapshot_to_school
from hpsync.testing.builders import small_snapshot


def test_the_hand_made_snapshot_round_trips() -> None:
    """dump then load gives back every record of the small snapshot."""
    snap = small_snapshot()
    assert snapshot_from_school(snapshot_to_school(snap)) == snap


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_generated_schools_round_trip_and_the_client_loads_the_same(seed: int) -> None:
    """For a generated school: load, dump, load again gives the same Snapshot; the client's
    mapping (after a SOAP read) is the same loader."""
    school = generate_school("S", seed, year=2026)
    first = snapshot_from_school(school)
    assert snapshot_from_school(snapshot_to_school(first)) == first
    assert to_snapshot(school) == first


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000), shuffle=st.randoms())
def test_seances_given_one_at_a_time_in_any_order_load_the_same(seed: int, shuffle: Any) -> None:
    """A reader hands séances over as its answers arrive (placed ones first, courses in
    chunks): the snapshot is the one the school file gives, sessions in the same order."""
    school = generate_school("S", seed, year=2026)
    from_file = snapshot_from_school(school)
    pairs = [(course, seance) for course in school["courses"] for seance in course["seances"]]
    shuffle.shuffle(pairs)
    streamed = snapshot_from_school(school, seances=iter(pairs))
    assert streamed == from_file
    assert list(streamed.sessions) == list(from_file.sessions)


def test_two_seances_of_a_course_in_one_week_make_the_later_one_its_session() -> None:
    """One HP week, one session per course: whatever the order they arrive in, the later
    séance is kept (as a file listing them by start gives)."""
    school = generate_school("S", 3, year=2026)
    course = next(c for c in school["courses"] if c["seances"] and c["structure"] != "parent")
    first = course["seances"][0]
    later = {**first, "start": first["start"][:11] + "18:30:00"}
    school["courses"] = [course]
    course["seances"] = [first, later]
    from_file = snapshot_from_school(school)
    for order in ([first, later], [later, first]):
        streamed = snapshot_from_school(school, seances=iter((course, s) for s in order))
        assert list(streamed.sessions.values()) == list(from_file.sessions.values())
    (session,) = [
        s for s in from_file.sessions.values() if s.start.date().isoformat() == first["start"][:10]
    ]
    assert session.start.hour == 18 and session.start.minute == 30
