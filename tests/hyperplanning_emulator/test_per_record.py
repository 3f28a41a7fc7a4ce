"""A whole base read one record at a time through the public profile's per-record
operations (what public clients do), checked against the generated school."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from hpsync.emulators.hyperplanning import RunningEmulator

from .conftest import Soap, school_data

DATA = school_data()
FIRST_DAY = date.fromisoformat(DATA["base"]["first_day"])


def _keys(value: Any) -> list[int]:
    """zeep gives a list, or None for an empty array."""
    return sorted(value or [])


def _members(group: int) -> set[int]:
    return {
        s["key"]
        for s in DATA["students"]
        if group in s["promotions"] + s["td_options"] + s["regroupements"]
    }


def _roster(course: dict[str, Any]) -> set[int]:
    """A course's students: its own plus the members of its groups."""
    roster = set(course["students"])
    for group in course["promotions"] + course["td_options"] + course["regroupements"]:
        roster |= _members(group)
    return roster


def _overlaps(course: dict[str, Any], start: datetime, end: datetime) -> bool:
    """A held séance of a placed, non-parent course overlaps [start, end)."""
    if course["structure"] == "parent" or not course["placed"]:
        return False
    for seance in course["seances"]:
        begins = datetime.fromisoformat(seance["start"])
        ends = begins + timedelta(days=seance["duration_days"])
        if not seance["cancelled"] and begins < end and ends > start:
            return True
    return False


def test_students_groups_one_student_at_a_time(public_soap: Soap) -> None:
    """PromotionsEtudiant, RegroupementsEtudiant and TDOptionsEtudiantALaDate give each
    student's groups; TD/options are empty on a date outside the base's year."""
    students = public_soap.port("Etudiants")
    assert _keys(students.TousLesEtudiants()) == [s["key"] for s in DATA["students"]]
    during = FIRST_DAY + timedelta(days=40)
    for student in DATA["students"]:
        key = student["key"]
        assert _keys(students.PromotionsEtudiant(AEtudiant=key)) == sorted(student["promotions"])
        assert _keys(students.RegroupementsEtudiant(AEtudiant=key)) == sorted(
            student["regroupements"]
        )
        assert _keys(students.TDOptionsEtudiantALaDate(AEtudiant=key, ADate=during)) == sorted(
            student["td_options"]
        )
    with_td = next(s for s in DATA["students"] if s["td_options"])
    before = FIRST_DAY - timedelta(days=200)
    assert _keys(students.TDOptionsEtudiantALaDate(AEtudiant=with_td["key"], ADate=before)) == []
    assert any(s["regroupements"] for s in DATA["students"])


def test_courses_one_course_at_a_time(public_soap: Soap) -> None:
    """Structure, teachers, rooms, groups, roster and memo of every course come from the
    per-course operations."""
    courses = public_soap.port("Cours")
    structures = set()
    for course in DATA["courses"]:
        key = course["key"]
        flags = (
            courses.CoursEstUnCoursPere(ACours=key),
            courses.CoursEstUnCoursFils(ACours=key),
            courses.CoursEstUnCoursSimple(ACours=key),
        )
        expected = {"parent": (True, False, False), "child": (False, True, False)}.get(
            course["structure"], (False, False, True)
        )
        assert flags == expected, key
        structures.add(course["structure"])
        assert _keys(courses.EnseignantsDuCours(ACours=key)) == sorted(course["teachers"])
        assert _keys(courses.SallesDuCours(ACours=key)) == sorted(course["rooms"])
        assert _keys(courses.PromotionsDuCours(ACours=key)) == sorted(course["promotions"])
        assert _keys(courses.TDOptionsDuCours(ACours=key)) == sorted(course["td_options"])
        assert _keys(courses.EtudiantsDuCours(ACours=key)) == sorted(_roster(course)), key
        assert (courses.MemoCours(ACours=key) or "") == course["memo"]
    assert structures == {"simple", "parent", "child"}
    assert any(c["memo"] for c in DATA["courses"])
    assert any(not c["teachers"] for c in DATA["courses"])


def test_families_rubrics_rooms_and_teachers_one_at_a_time(public_soap: Soap) -> None:
    """ToutesLesRubriquesDeLaFamille, RubriqueDeLEnseignantDeFamille, LibelleLongSalle and
    IdentifiantCASEnseignant answer each record's values."""
    families = public_soap.port("Familles")
    teachers = public_soap.port("Enseignants")
    rooms = public_soap.port("Salles")
    rubric_family = {r["key"]: f["key"] for f in DATA["families"] for r in f["rubrics"]}
    for family in DATA["families"]:
        assert _keys(families.ToutesLesRubriquesDeLaFamille(AFamille=family["key"])) == [
            r["key"] for r in family["rubrics"]
        ]
    teacher_families = [f["key"] for f in DATA["families"] if f["genre"] == "gfEnseignant"]
    assert teacher_families
    for teacher in DATA["teachers"]:
        for family in teacher_families:
            expected = sorted(r for r in teacher["rubrics"] if rubric_family[r] == family)
            got = families.RubriqueDeLEnseignantDeFamille(
                AFamille=family, AEnseignant=teacher["key"]
            )
            assert _keys(got) == expected
        assert teachers.IdentifiantCASEnseignant(AEnseignant=teacher["key"]) == teacher["cas_id"]
    assert DATA["teachers"][0]["cas_id"] == "lina.cas"
    for room in DATA["rooms"]:
        assert rooms.LibelleLongSalle(ASalle=room["key"]) == room["long_label"]


@pytest.fixture
def written(fresh_emu: Callable[..., RunningEmulator]) -> Soap:
    """A public emulator with two absences and one delay written through the public calls."""
    soap = Soap(fresh_emu(profile="public"))
    absences = soap.port("Absences")
    absences.AjouterAbsenceEtudiant(
        AEtudiant=1,
        ADateHeureDebut=datetime(2026, 9, 3, 15, 30),
        ADateHeureFin=datetime(2026, 9, 3, 17, 0),
        AJustifie=True,
    )
    absences.AjouterAbsenceEtudiant(
        AEtudiant=2,
        ADateHeureDebut=datetime(2026, 9, 10, 8, 0),
        ADateHeureFin=datetime(2026, 9, 10, 9, 0),
        AJustifie=False,
    )
    absences.CreerRetardEtudiant(
        AEtudiant=2,
        ADateHeureDebut=datetime(2026, 9, 11, 8, 0),
        ADateHeureFin=datetime(2026, 9, 11, 8, 5),
        AJustifie=False,
    )
    return soap


def test_absences_between_two_dates_and_their_per_key_getters(written: Soap) -> None:
    """AbsencesEntre2Dates lists every student's absences in the window; the per-key
    getters give student, interval, justification and missed courses."""
    absences = written.port("Absences")
    keys = _keys(
        absences.AbsencesEntre2Dates(
            ADateHeureDebut=datetime(2026, 9, 1), ADateHeureFin=datetime(2026, 9, 30)
        )
    )
    assert len(keys) == 2
    seen = {}
    for key in keys:
        student = absences.EtudiantAbsenceEtudiant(AAbsence=key)
        start = absences.DateHeureDebutAbsenceEtudiant(AAbsence=key).replace(tzinfo=None)
        end = absences.DateHeureFinAbsenceEtudiant(AAbsence=key).replace(tzinfo=None)
        seen[student] = (start, end, absences.AbsenceEtudiantEstJustifiee(AAbsence=key))
    assert seen == {
        1: (datetime(2026, 9, 3, 15, 30), datetime(2026, 9, 3, 17, 0), True),
        2: (datetime(2026, 9, 10, 8, 0), datetime(2026, 9, 10, 9, 0), False),
    }
    first = next(k for k in keys if absences.EtudiantAbsenceEtudiant(AAbsence=k) == 1)
    missed = _keys(absences.CoursManquesAbsenceEtudiant(AAbsence=first))
    window = (datetime(2026, 9, 3, 15, 30), datetime(2026, 9, 3, 17, 0))
    expected = sorted(
        c["key"] for c in DATA["courses"] if 1 in _roster(c) and _overlaps(c, *window)
    )
    assert missed == expected and missed
    assert (
        _keys(
            absences.AbsencesEntre2Dates(
                ADateHeureDebut=datetime(2026, 10, 1), ADateHeureFin=datetime(2026, 10, 31)
            )
        )
        == []
    )
    delays = _keys(
        absences.RetardsEtudiantEntre2Dates(
            AEtudiant=2,
            ADateHeureDebut=datetime(2026, 9, 11),
            ADateHeureFin=datetime(2026, 9, 12),
        )
    )
    assert len(delays) == 1
    assert round(absences.DureeRetardEtudiant(ARetard=delays[0]) * 1440) == 5
    assert absences.MotifRetardEtudiant(ARetard=delays[0]) is None
