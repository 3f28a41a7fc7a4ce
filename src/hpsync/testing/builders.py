"""Small hand-made snapshots for rule and engine tests: every rule has a record to bite on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hpsync.model import (
    BaseInfo,
    Exemption,
    Family,
    Genre,
    Group,
    GroupKind,
    Learner,
    Room,
    Rubric,
    Session,
    Snapshot,
    Subject,
    Trainer,
    Tutor,
)
from hpsync.rules.policy import AccountRules, Couple, TrainerlessMode

PARIS = ZoneInfo("Europe/Paris")
BASE = "ecole-2026"

# Family and rubric keys
SITE, NORD, SUD = 1, 11, 12
CONTRAT, APPRENTI, INITIAL = 2, 21, 22
MODALITE, PRESENTIEL, DISTANCIEL, AUTONOMIE = 3, 31, 32, 33


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Paris in the week of Monday 2026-09-07 (day 0 = Monday)."""
    return datetime(2026, 9, 7, hour, minute, tzinfo=PARIS) + timedelta(days=day)


def families() -> dict[int, Family]:
    return {
        SITE: Family(
            SITE, Genre.LEARNER, "Site", (Rubric(NORD, SITE, "Nord"), Rubric(SUD, SITE, "Sud"))
        ),
        CONTRAT: Family(
            CONTRAT,
            Genre.LEARNER,
            "Type de contrat",
            (Rubric(APPRENTI, CONTRAT, "Apprentissage"), Rubric(INITIAL, CONTRAT, "Initial")),
        ),
        MODALITE: Family(
            MODALITE,
            Genre.COURSE,
            "Modalité",
            (
                Rubric(PRESENTIEL, MODALITE, "Présentiel"),
                Rubric(DISTANCIEL, MODALITE, "Distanciel"),
                Rubric(AUTONOMIE, MODALITE, "Autonomie"),
            ),
        ),
    }


def learners() -> dict[int, Learner]:
    rows = [
        Learner(
            1,
            "Durand",
            "Léa",
            "lea.durand@etu.test",
            "E1",
            group_keys=frozenset({100}),
            rubric_keys=frozenset({NORD, APPRENTI}),
            tutor_keys=(1,),
        ),
        Learner(
            2,
            "Martin",
            "Hugo",
            "hugo.martin@etu.test",
            "E2",
            group_keys=frozenset({100}),
            rubric_keys=frozenset({SUD, INITIAL}),
        ),
        Learner(
            3,
            "Petit",
            "Inès",
            "ines.petit@etu.test",
            "E3",
            group_keys=frozenset({100}),
            rubric_keys=frozenset({INITIAL}),
        ),  # no Site rubric
        Learner(
            4, "Roux", "Noé", None, "E4", group_keys=frozenset({100}), rubric_keys=frozenset({NORD})
        ),  # no e-mail
        Learner(
            5,
            "Blanc",
            "Zoé",
            "lea.durand@etu.test",
            "E5",
            group_keys=frozenset({100}),
            rubric_keys=frozenset({NORD}),
        ),  # duplicate e-mail of learner 1
        Learner(
            6,
            "Garnier",
            "Tom",
            "tom.garnier@etu.test",
            "E6",
            group_keys=frozenset({100, 101}),
            rubric_keys=frozenset({NORD, SUD, APPRENTI}),
            tutor_keys=(2,),
        ),  # two sites
    ]
    return {learner.key: learner for learner in rows}


def sessions() -> dict[str, Session]:
    everyone = (1, 2, 3, 4, 5, 6)
    rows = [
        Session(
            "10-2",
            10,
            at(0, 8),
            at(0, 10),
            1,
            "CM",
            (1,),
            (1,),
            (100,),
            everyone,
            rubric_keys=frozenset({PRESENTIEL}),
        ),
        Session(
            "11-2",
            11,
            at(1, 8),
            at(1, 10),
            2,
            "TD",
            (1,),
            (2,),
            (100,),
            everyone,
            rubric_keys=frozenset({DISTANCIEL}),
        ),
        Session(
            "12-2",
            12,
            at(2, 8),
            at(2, 10),
            1,
            "",
            (),
            (1,),
            (100,),
            everyone,
            rubric_keys=frozenset({PRESENTIEL}),
        ),  # no trainer
        Session(
            "13-2",
            13,
            at(3, 8),
            at(3, 10),
            2,
            "",
            (2,),
            (1,),
            (100,),
            everyone,
            rubric_keys=frozenset({AUTONOMIE}),
        ),  # trainer without e-mail
        Session(
            "14-2", 14, at(4, 8), at(4, 10), 1, "", (1,), (1,), (100,), everyone, cancelled=True
        ),
        Session(
            "15-2", 15, at(4, 14), at(4, 16), 1, "", (1,), (1,), (100,), everyone, placed=False
        ),
    ]
    return {session.key: session for session in rows}


def small_snapshot() -> Snapshot:
    """Six learners, six sessions, each exercising one rule."""
    return Snapshot(
        base=BaseInfo(BASE, "HYPERPLANNING 2026", date(2026, 8, 31), "Europe/Paris"),
        families=families(),
        subjects={1: Subject(1, "MATH", "Mathématiques"), 2: Subject(2, "ANG", "Anglais")},
        rooms={1: Room(1, "B204", "BAT-B-204", "Bâtiment B salle 204"), 2: Room(2, "Labo", None)},
        trainers={
            1: Trainer(1, "Martin", "Claire", "claire.martin@ecole.test"),
            2: Trainer(2, "Leroy", "Paul", None),
        },
        tutors={
            1: Tutor(1, "Petit", "Marc", "m.petit@acme.test", "ACME"),
            2: Tutor(2, "Noir", "Ana"),
        },
        learners=learners(),
        groups={
            100: Group(100, GroupKind.PROMOTION, "BTS SIO 1", "SIO1"),
            101: Group(101, GroupKind.TD_OPTION, "TD A", "SIO1-A", 100),
        },
        sessions=sessions(),
        exemptions=(
            Exemption(6, 2, date(2026, 9, 1), date(2027, 6, 30)),  # Tom exempted from Anglais
        ),
    )


#: The "nord" account of ``small_snapshot``: its Site/Nord learners, their tutors, and a
#: fictitious trainer for the course without one.
NORD_RULES = AccountRules(
    "nord",
    learner_couples=(Couple("Site", "Nord"),),
    tutors=True,
    trainerless=TrainerlessMode.FICTITIOUS,
    fictitious_email="planning@ecole.test",
)
