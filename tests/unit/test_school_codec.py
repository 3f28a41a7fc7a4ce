"""One school codec: a Snapshot written as a school file and loaded back is the same
Snapshot, for generated schools of any seed and for the hand-made one (property test)."""

from __future__ import annotations

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
