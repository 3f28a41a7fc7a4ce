"""The small school carries every awkward case the synchronisation rules handle."""

from __future__ import annotations

from typing import Any

from hpsync.emulators.generator import generate_school
from hpsync.emulators.generator.people import SITE_NORD, SITE_SUD

S = generate_school("S", 1)


def _family_rubrics(data: dict[str, Any], label: str) -> set[int]:
    family = next(f for f in data["families"] if f["label"] == label)
    return {r["key"] for r in family["rubrics"]}


def test_learner_rubric_cases() -> None:
    """Some learner has two rubrics of one family, and some has no Site rubric."""
    site = {SITE_NORD, SITE_SUD}
    assert site == _family_rubrics(S, "Site")
    assert any(site <= set(s["rubrics"]) for s in S["students"])
    assert any(not site & set(s["rubrics"]) for s in S["students"])


def test_funding_rubric_cases() -> None:
    """Whatever the seed, a learner has two Financement rubrics and another has none."""
    for seed in range(1, 9):
        data = generate_school("S", seed)
        funding = _family_rubrics(data, "Financement")
        assert any(len(funding & set(s["rubrics"])) >= 2 for s in data["students"]), seed
        assert any(not funding & set(s["rubrics"]) for s in data["students"]), seed


def test_people_without_email() -> None:
    """A learner, a trainer and a tutor lack an e-mail; another tutor has one."""
    assert any(s["email"] is None for s in S["students"])
    assert any(t["email"] is None for t in S["teachers"])
    assert any(t["email"] is None for t in S["tutors"])
    assert any(t["email"] for t in S["tutors"])


def test_trainer_email_problems() -> None:
    """One trainer e-mail lacks the '@' and one e-mail is shared by two trainers."""
    emails = [t["email"] for t in S["teachers"] if t["email"]]
    assert "prof.sans.arobase.ecole.test" in emails
    assert len(emails) != len(set(emails))


def test_room_without_code() -> None:
    """At least one room has no code (its name must be used instead)."""
    assert any(r["code"] is None for r in S["rooms"])


def test_course_cases() -> None:
    """Trainer-less, two-trainer, non-placed, parent/child courses and a cancelled seance."""
    courses = S["courses"]
    assert any(not c["teachers"] for c in courses)
    assert any(len(c["teachers"]) == 2 for c in courses)
    assert any(not c["placed"] for c in courses)
    assert any(s["cancelled"] for c in courses for s in c["seances"])
    parents = {c["key"] for c in courses if c["structure"] == "parent"}
    assert parents
    assert all(not c["seances"] for c in courses if c["key"] in parents)
    assert any(c["structure"] == "child" and c["parent"] in parents for c in courses)


def test_exemption_cases() -> None:
    """There are exemptions by subject and global ones."""
    assert any(e["subject"] is not None for e in S["exemptions"])
    assert any(e["subject"] is None for e in S["exemptions"])


def test_apprentices_have_tutors() -> None:
    """Every apprentice is followed by a tutor of the tutors list."""
    apprentice = next(
        r["key"] for f in S["families"] for r in f["rubrics"] if r["label"] == "Apprentissage"
    )
    tutors = {t["key"] for t in S["tutors"]}
    apprentices = [s for s in S["students"] if apprentice in s["rubrics"]]
    assert apprentices
    assert all(s["tutors"] and set(s["tutors"]) <= tutors for s in apprentices)


def test_calendar_rules() -> None:
    """Seances are on weekdays, start 08:00-17:00, last 1-3 h, once per week per course."""
    for course in S["courses"]:
        days = [s["start"][:10] for s in course["seances"]]
        assert len(days) == len(set(days))
        for seance in course["seances"]:
            hour = int(seance["start"][11:13])
            assert 8 <= hour <= 17
            assert round(seance["duration_days"] * 24, 1) in {1.0, 1.5, 2.0, 3.0}


def test_no_seance_in_holidays() -> None:
    """A full-year school places nothing in the Christmas holidays."""
    m = generate_school("M", 2)
    starts = {s["start"][:10] for c in m["courses"] for s in c["seances"]}
    assert not any("2026-12-21" <= day <= "2027-01-01" for day in starts)
    assert min(starts) >= "2026-08-31"
    assert max(starts) <= "2027-06-30"
