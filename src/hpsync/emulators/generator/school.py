"""``generate_school``: a deterministic, realistic school snapshot of a given size.

Rates (missing e-mails, double rubrics, non-placed courses…) mimic real bases; every rare
case is also guaranteed at least once so that even the small size exercises every rule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hpsync.emulators.generator import academic
from hpsync.emulators.generator.names import (
    OPTION_NAMES,
    PROGRAMMES,
    REGROUPEMENTS,
    ROOM_PREFIXES,
    SUBJECTS,
)
from hpsync.emulators.generator.people import (
    APPRENTISSAGE,
    OPCO,
    PERSONNEL,
    REGION,
    SITE_NORD,
    SITE_SUD,
    EmailBook,
    LearnerFactory,
    make_teachers,
    make_tutor,
)
from hpsync.emulators.generator.timetable import Promotion, Timetable

FORMAT = "hpsync-school/1"
VERSION = "HYPERPLANNING 2026.0.1 - Service Web (emulated)"
TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class Size:
    """Target counts of one size; ``weeks`` limits the course domain (None = whole year)."""

    learners: int
    seances: int
    weeks: int | None = None


SIZES: dict[str, Size] = {
    "S": Size(30, 300, 12),
    "M": Size(800, 20_000),
    "L": Size(4_000, 50_000),
    "XL": Size(12_000, 300_000),
}


def families() -> list[dict[str, Any]]:
    """Learner, course and trainer families; rubric keys match ``people``/``timetable``."""

    def family(key: int, genre: str, label: str, rubrics: list[str]) -> dict[str, Any]:
        return {
            "key": key,
            "genre": genre,
            "label": label,
            "rubrics": [{"key": key * 10 + i, "label": r} for i, r in enumerate(rubrics, 1)],
        }

    return [
        family(1, "gfEtudiant", "Site", ["Nord", "Sud"]),
        family(
            2, "gfEtudiant", "Type de contrat", ["Apprentissage", "Initial", "Formation continue"]
        ),
        family(3, "gfEtudiant", "Financement", ["OPCO", "Région", "Personnel"]),
        family(4, "gfCours", "Modalité", ["Présentiel", "Distanciel", "Autonomie"]),
        family(5, "gfEnseignant", "Statut", ["Vacataire", "Permanent"]),
    ]


def _subjects() -> tuple[list[dict[str, Any]], dict[str, int]]:
    records, keys = [], {}
    for key, (code, label) in enumerate(SUBJECTS.items(), 1):
        records.append({"key": key, "code": code, "label": label, "long_label": label})
        keys[code] = key
    return records, keys


def _rooms(rng: random.Random, count: int) -> list[dict[str, Any]]:
    rooms = []
    for i in range(count):
        prefix, capacity = ROOM_PREFIXES[i % len(ROOM_PREFIXES)]
        number = i // len(ROOM_PREFIXES) + 1
        name = f"{prefix}{number}" if prefix.endswith(" ") else f"{prefix}{100 + number}"
        code = None if rng.random() < 0.15 else f"BAT-{prefix.strip()[:4].upper()}-{number:03d}"
        long_label = f"Salle {name}" if not prefix.endswith(" ") else name
        rooms.append(
            {
                "key": i + 1,
                "name": name,
                "code": code,
                "long_label": long_label,
                "capacity": capacity,
            }
        )
    if all(r["code"] for r in rooms):
        rooms[-1]["code"] = None
    return rooms


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split in ``parts`` uneven but positive sizes that add up exactly."""
    base, extra = divmod(total, parts)
    sizes = [base + (1 if i < extra else 0) for i in range(parts)]
    for i in range(0, parts - 1, 2):
        shift = rng.randint(0, max(0, base // 4))
        sizes[i] += shift
        sizes[i + 1] -= shift
    return sizes


def generate_school(
    size: str, seed: int, *, year: int = 2026, base_id: str | None = None
) -> dict[str, Any]:
    """A school of ``size`` (S, M, L, XL) for the year starting in September ``year``."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r} (expected one of {', '.join(SIZES)})")
    spec = SIZES[size]
    rng = random.Random(seed)
    weeks = academic.teaching_weeks(year)[: spec.weeks]
    subjects, subject_keys = _subjects()
    n_promos = max(2, round(spec.learners / 28))
    pairs = [(p, level) for p in PROGRAMMES for level in range(1, p[2] + 1)]
    learners = LearnerFactory(rng, year)
    tutor_book = EmailBook()
    promotions: list[dict[str, Any]] = []
    td_options: list[dict[str, Any]] = []
    students: list[dict[str, Any]] = []
    tutors: list[dict[str, Any]] = []
    plans: list[Promotion] = []
    group_key = 0
    for index, headcount in enumerate(_split(rng, spec.learners, n_promos)):
        (label, prefix, levels, codes), level = pairs[index % len(pairs)]
        cohort = index // len(pairs)
        name = label if levels == 1 else f"{label} {level}"
        code = f"{prefix}{level}"
        if cohort:
            name, code = f"{name} - groupe {cohort + 1}", f"{code}-G{cohort + 1}"
        group_key += 1
        promo: dict[str, Any] = {"key": group_key, "name": name, "code": code}
        promotions.append(promo)
        n_td = max(2, round(headcount / 14))
        tds = []
        for t in range(n_td):
            group_key += 1
            letter = chr(ord("A") + t)
            tds.append(group_key)
            td_options.append(
                {
                    "key": group_key,
                    "name": f"{name} - TD {letter}",
                    "code": f"{code}-{letter}",
                    "promotion": promo["key"],
                    "kind": "td",
                }
            )
        options = []
        if index == 0 or rng.random() < 0.5:
            group_key += 1
            options.append(group_key)
            td_options.append(
                {
                    "key": group_key,
                    "name": f"{name} - {rng.choice(OPTION_NAMES)}",
                    "code": None if rng.random() < 0.3 else f"{code}-OPT",
                    "promotion": promo["key"],
                    "kind": "option",
                }
            )
        site = SITE_NORD if index % 2 == 0 else SITE_SUD
        for i in range(headcount):
            learner = learners.make(len(students) + 1, site)
            learner["promotions"] = [promo["key"]]
            learner["td_options"] = [tds[i * n_td // headcount]]
            if options and rng.random() < 0.4:
                learner["td_options"].append(options[0])
            if APPRENTISSAGE in learner["rubrics"]:
                if tutors and rng.random() < 0.25:
                    learner["tutors"] = [rng.choice(tutors)["key"]]
                else:
                    tutors.append(make_tutor(rng, len(tutors) + 1, tutor_book))
                    learner["tutors"] = [tutors[-1]["key"]]
            students.append(learner)
        plans.append(Promotion(promo["key"], tds, options, [subject_keys[c] for c in codes]))
    regroupements: list[dict[str, Any]] = []
    for name, code, _subject in REGROUPEMENTS[: max(1, min(len(REGROUPEMENTS), n_promos // 6 + 1))]:
        group_key += 1
        regroupements.append({"key": group_key, "name": name, "code": code})
        for learner in rng.sample(students, max(3, len(students) // 30)):
            learner["regroupements"].append(group_key)
    teachers = make_teachers(rng, max(8, round(spec.learners / 11)))
    by_subject: dict[int, list[int]] = {}
    for i, subject in enumerate(subjects):
        by_subject.setdefault(subject["key"], []).append(teachers[i % len(teachers)]["key"])
    for teacher in teachers:
        by_subject.setdefault(rng.choice(subjects)["key"], []).append(teacher["key"])
    rooms = _rooms(rng, max(6, round(n_promos * 1.3)))
    timetable = Timetable(
        rng, weeks, [r["key"] for r in rooms], by_subject, [t["key"] for t in teachers]
    )
    weeks_per_course = len(weeks) * (1.0 if len(weeks) <= 16 else 0.8)
    quota = spec.seances / weeks_per_course / n_promos
    for i, plan in enumerate(plans):
        timetable.add_promotion(plan, round(quota * (i + 1)) - round(quota * i))
    for (_, _, subject_code), group in zip(REGROUPEMENTS, regroupements, strict=False):
        timetable.course(
            subject_keys[subject_code],
            "TD",
            {"regroupements": [group["key"]]},
            rng.choice(by_subject[subject_keys[subject_code]]),
            set(),
        )
    courses = timetable.courses
    _guarantee(rng, students, tutors, courses)
    return {
        "format": FORMAT,
        "base": {
            "id": base_id or f"lycee-demo-{year}",
            "name": "Lycée de démonstration",
            "version": VERSION,
            "first_day": academic.first_day(year).isoformat(),
            "timezone": TIMEZONE,
        },
        "families": families(),
        "subjects": subjects,
        "rooms": rooms,
        "teachers": teachers,
        "promotions": promotions,
        "td_options": td_options,
        "regroupements": regroupements,
        "tutors": tutors,
        "students": students,
        "courses": courses,
        "exemptions": make_exemptions(rng, students, plans, year),
        "absences": [],
        "delays": [],
    }


def make_exemptions(
    rng: random.Random, students: list[dict[str, Any]], plans: list[Promotion], year: int
) -> list[dict[str, Any]]:
    """Dispenses: ≈2 % of learners for one subject, ≈0.5 % for everything, dated in the year."""
    subjects_of = {p.key: p.subjects for p in plans}
    start_of_year = academic.first_day(year)
    end_of_year = date(year + 1, 6, 30)
    out: list[dict[str, Any]] = []
    for i, learner in enumerate(students):
        roll = rng.random()
        scoped = roll < 0.02 or i == 0
        global_ = 0.02 <= roll < 0.025 or i == 1
        if not (scoped or global_):
            continue
        start = start_of_year + timedelta(days=rng.randrange(200))
        end = min(end_of_year, start + timedelta(days=14 + rng.randrange(240)))
        subject = rng.choice(subjects_of[learner["promotions"][0]]) if scoped else None
        out.append(
            {
                "key": len(out) + 1,
                "student": learner["key"],
                "subject": subject,
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        )
    return out


def _guarantee(
    rng: random.Random,
    students: list[dict[str, Any]],
    tutors: list[dict[str, Any]],
    courses: list[dict[str, Any]],
) -> None:
    """Make sure every rare case appears at least once, whatever the size and seed."""
    site = {SITE_NORD, SITE_SUD}
    if not any(not site & set(s["rubrics"]) for s in students):
        students[2]["rubrics"] = [r for r in students[2]["rubrics"] if r not in site]
    if not any(site <= set(s["rubrics"]) for s in students):
        students[3]["rubrics"] = sorted(set(students[3]["rubrics"]) | site)
    if not any(s["email"] is None for s in students):
        students[4]["email"] = None
    funding = {OPCO, REGION, PERSONNEL}
    if not any(len(funding & set(s["rubrics"])) >= 2 for s in students):
        students[7]["rubrics"] = sorted(set(students[7]["rubrics"]) | {OPCO, REGION})
    if not any(not funding & set(s["rubrics"]) for s in students):
        students[8]["rubrics"] = [r for r in students[8]["rubrics"] if r not in funding]
    if len(tutors) < 2:
        for learner in students[5:7]:
            if APPRENTISSAGE not in learner["rubrics"]:
                learner["rubrics"] = sorted([*learner["rubrics"], APPRENTISSAGE])
            tutors.append(make_tutor(rng, len(tutors) + 1, EmailBook()))
            learner["tutors"] = [tutors[-1]["key"]]
    if all(t["email"] for t in tutors):
        tutors[-1]["email"] = None
    if not any(t["email"] for t in tutors):
        tutors[0]["email"] = "tuteur.principal@entreprise.test"
    simple = [c for c in courses if c["structure"] == "simple" and c["seances"]]
    if not any(not c["placed"] for c in courses):
        simple[-1]["placed"], simple[-1]["seances"] = False, []
    if not any(not c["teachers"] for c in courses):
        simple[0]["teachers"] = []
    if not any(len(c["teachers"]) > 1 for c in courses):
        single = next(c for c in simple if len(c["teachers"]) == 1)
        single["teachers"].append(1 if single["teachers"][0] != 1 else 2)
    if not any(not c["rooms"] for c in courses):
        simple[2]["rooms"] = []
    if not any(c["memo"] for c in courses):
        simple[3]["memo"] = "Apporter son ordinateur"
    if not any(s["cancelled"] for c in courses for s in c["seances"]):
        simple[4]["seances"][0]["cancelled"] = True
    extra = rng.choice(simple[5:] or simple)
    grouped = set(extra["promotions"] + extra["td_options"] + extra["regroupements"])
    outsiders = [
        s["key"]
        for s in students
        if not grouped & set(s["promotions"] + s["td_options"] + s["regroupements"])
    ]
    extra["students"] = outsiders[:1]
