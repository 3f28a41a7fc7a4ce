"""next_year: a new base where people keep their identity but every key changes."""

from __future__ import annotations

from hpsync.emulators.generator import generate_school, next_year
from hpsync.emulators.school_file import validate_school

BEFORE = generate_school("S", 5)
AFTER = next_year(BEFORE, 6)


def test_new_base_one_year_later() -> None:
    """The base id and first day move one year on (Monday rule)."""
    assert AFTER["base"]["id"] == "lycee-demo-2027"
    assert AFTER["base"]["first_day"] == "2027-08-30"
    assert min(s["start"] for c in AFTER["courses"] for s in c["seances"]) >= "2027-08-30"


def test_continuing_people_keep_identity_and_change_keys() -> None:
    """Continuing learners keep identifier, INE and e-mail under a different key."""
    old = {s["identifier"]: s for s in BEFORE["students"]}
    continuing = [s for s in AFTER["students"] if s["identifier"] in old]
    assert continuing
    for learner in continuing:
        previous = old[learner["identifier"]]
        assert learner["key"] != previous["key"]
        assert (learner["ine"], learner["email"]) == (previous["ine"], previous["email"])
    old_teachers = {t["key"] for t in BEFORE["teachers"]}
    assert not old_teachers & {t["key"] for t in AFTER["teachers"]}
    assert not {r["key"] for r in BEFORE["rooms"]} & {r["key"] for r in AFTER["rooms"]}


def test_turnover_and_validity() -> None:
    """Some learners leave, newcomers get new identifiers, and the result validates."""
    old_ids = {s["identifier"] for s in BEFORE["students"]}
    new_ids = {s["identifier"] for s in AFTER["students"]}
    assert old_ids - new_ids
    assert new_ids - old_ids
    assert validate_school(AFTER) == []
    assert validate_school(next_year(AFTER, 7)) == []
