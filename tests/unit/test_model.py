"""The domain model: identities and immutability."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from hpsync.model import BaseInfo, Kind, Learner, Snapshot, parse_source_id, source_id


def test_source_identity_round_trips() -> None:
    """A source identity names base, kind and key, and parses back to them."""
    sid = source_id("lycee-2025", Kind.LEARNER, 42)
    assert sid == "hp:lycee-2025:learner:42"
    assert parse_source_id(sid) == ("lycee-2025", Kind.LEARNER, "42")


def test_session_keys_with_colons_survive_parsing() -> None:
    """The key part may itself contain separators; only the first three split."""
    assert parse_source_id("hp:b:session:12-3") == ("b", Kind.SESSION, "12-3")


@pytest.mark.parametrize("bad", ["", "a:b"])
def test_base_id_must_be_usable_in_an_identity(bad: str) -> None:
    """A base id that is empty or contains ':' would make identities ambiguous."""
    with pytest.raises(ValueError, match="base id"):
        source_id(bad, Kind.ROOM, 1)


def test_records_are_frozen() -> None:
    """Records cannot be changed in place: the core only builds new ones."""
    learner = Learner(key=1, last_name="Durand", first_name="Ana")
    with pytest.raises(dataclasses.FrozenInstanceError):
        learner.email = "x@example.org"  # type: ignore[misc]


def test_snapshot_builds_identities_of_its_base() -> None:
    """A snapshot knows its base id, so identities never mix two years."""
    snap = Snapshot(base=BaseInfo("ecole-2026", "HP 2026", date(2026, 9, 1), "Europe/Paris"))
    assert snap.sid(Kind.TRAINER, 7) == "hp:ecole-2026:trainer:7"
