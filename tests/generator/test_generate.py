"""The school generator: deterministic, sized, valid, and feature-complete."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from hpsync.emulators.generator import SIZES, generate_school
from hpsync.emulators.school_file import validate_school
from hpsync.school.load import snapshot_from_school


@cache
def _school(size: str, seed: int = 1) -> dict[str, Any]:
    return generate_school(size, seed)


def _seances(data: dict[str, Any]) -> int:
    return sum(len(c["seances"]) for c in data["courses"])


def test_same_seed_same_json() -> None:
    """Two runs with the same size and seed serialise to identical JSON."""
    assert json.dumps(generate_school("S", 7)) == json.dumps(generate_school("S", 7))


def test_other_seed_other_school() -> None:
    """A different seed gives a different school."""
    assert json.dumps(generate_school("S", 7)) != json.dumps(generate_school("S", 8))


@pytest.mark.parametrize("size", ["S", "M"])
def test_size_within_25_percent(size: str) -> None:
    """Learner and seance counts are within ±25 % of the size's targets."""
    data, spec = _school(size), SIZES[size]
    assert 0.75 * spec.learners <= len(data["students"]) <= 1.25 * spec.learners
    assert 0.75 * spec.seances <= _seances(data) <= 1.25 * spec.seances


@pytest.mark.parametrize("size", ["S", "M"])
def test_generated_school_is_valid(size: str) -> None:
    """The validator finds no problem in a generated school."""
    assert validate_school(_school(size)) == []


def test_base_follows_the_monday_rule() -> None:
    """first_day is the Monday of the week containing September 1st; id defaults per year."""
    base = generate_school("S", 1, year=2026)["base"]
    assert base["first_day"] == "2026-08-31"
    assert base["id"] == "lycee-demo-2026"
    assert base["timezone"] == "Europe/Paris"
    assert generate_school("S", 1, year=2025, base_id="x")["base"]["first_day"] == "2025-09-01"


def test_snapshot_builds_with_sessions() -> None:
    """The domain snapshot of a small school builds and has sessions."""
    snapshot = snapshot_from_school(generate_school("S", 1))
    assert len(snapshot.sessions) > 100
    assert snapshot.base.base_id == "lycee-demo-2026"
