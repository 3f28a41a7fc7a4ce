"""``next_year``: the same school one year later, as a brand new Hyperplanning base.

Hyperplanning starts each academic year in a new base: every key changes, only person
identifiers (identifier, INE, e-mail) carry over. That is what the yearly switch must
re-key, so every key here is shifted past the previous base's largest key of its kind.
"""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timedelta
from typing import Any

from hpsync.emulators.generator import academic
from hpsync.emulators.generator.people import (
    APPRENTISSAGE,
    SITE_NORD,
    SITE_SUD,
    EmailBook,
    LearnerFactory,
    make_tutor,
)
from hpsync.emulators.generator.school import families

LEAVE_RATE = 0.15
KINDS = ("subjects", "rooms", "teachers", "tutors", "students", "courses", "exemptions")
GROUPS = ("promotions", "td_options", "regroupements")


def _offset(records: list[dict[str, Any]]) -> int:
    return max((r["key"] for r in records), default=0)


def _shift(keys: list[int], offset: int) -> list[int]:
    return [k + offset for k in keys]


def _next_base_id(base_id: str, year: int) -> str:
    if base_id.endswith(str(year)):
        return base_id[: -len(str(year))] + str(year + 1)
    return f"{base_id}-{year + 1}"


def _reseance(
    course: dict[str, Any], old_index: dict[date, int], new_weeks: list[date], rng: random.Random
) -> list[dict[str, Any]]:
    """The course's seances on the same teaching-week indexes of the new calendar."""
    out = []
    for seance in course["seances"]:
        start = datetime.fromisoformat(seance["start"])
        index = old_index.get(academic.monday_of(start.date()))
        if index is None or index >= len(new_weeks):
            continue
        day = new_weeks[index] + timedelta(days=start.weekday())
        if not academic.is_teaching_day(day):
            continue
        out.append(
            {
                "start": f"{day.isoformat()}T{start.time().isoformat(timespec='seconds')}",
                "duration_days": seance["duration_days"],
                "cancelled": rng.random() < 0.01,
            }
        )
    return out


def next_year(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """The following year of a generated school: new base, all keys renumbered, 15 % turnover.

    Newcomers' rubrics are found by family and rubric label, so ``data`` must keep the
    generator's families (any output of ``generate_school`` or ``next_year`` does).
    """
    rng = random.Random(seed)
    old = copy.deepcopy(data)
    year = date.fromisoformat(old["base"]["first_day"]).year
    off = {kind: _offset(old.get(kind, [])) for kind in KINDS}
    off["groups"] = max(_offset(old.get(kind, [])) for kind in GROUPS)
    off["families"] = _offset(old["families"])
    off["rubrics"] = max((r["key"] for f in old["families"] for r in f["rubrics"]), default=0)
    rub = off["rubrics"]
    for family in old["families"]:
        family["key"] += off["families"]
        for rubric in family["rubrics"]:
            rubric["key"] += rub
    for kind in ("subjects", "rooms", "tutors"):
        for record in old.get(kind, []):
            record["key"] += off[kind]
    for teacher in old["teachers"]:
        teacher["key"] += off["teachers"]
        teacher["rubrics"] = _shift(teacher["rubrics"], rub)
    for kind in GROUPS:
        for group in old.get(kind, []):
            group["key"] += off["groups"]
            if group.get("promotion"):
                group["promotion"] += off["groups"]
    stayers, leavers = [], set()
    for student in old["students"]:
        if rng.random() < LEAVE_RATE:
            leavers.add(student["key"])
            continue
        student["key"] += off["students"]
        for field in GROUPS:
            student[field] = _shift(student[field], off["groups"])
        student["rubrics"] = _shift(student["rubrics"], rub)
        student["tutors"] = _shift(student["tutors"], off["tutors"])
        stayers.append(student)
    newcomers = _newcomers(rng, old, stayers=stayers, count=len(leavers), year=year + 1, off=off)
    students = stayers + newcomers
    old_weeks = academic.teaching_weeks(year)
    old_index = {monday: i for i, monday in enumerate(old_weeks)}
    new_weeks = academic.teaching_weeks(year + 1)
    for course in old["courses"]:
        course["key"] += off["courses"]
        if course.get("parent"):
            course["parent"] += off["courses"]
        course["subject"] = course["subject"] + off["subjects"] if course["subject"] else None
        course["teachers"] = _shift(course["teachers"], off["teachers"])
        course["rooms"] = _shift(course["rooms"], off["rooms"])
        for field in GROUPS:
            course[field] = _shift(course[field], off["groups"])
        course["students"] = _shift(
            [k for k in course["students"] if k not in leavers], off["students"]
        )
        course["rubrics"] = _shift(course["rubrics"], rub)
        course["seances"] = _reseance(course, old_index, new_weeks, rng)
    exemptions = []
    for exemption in old.get("exemptions", []):
        if exemption["student"] in leavers:
            continue
        exemption["key"] += off["exemptions"]
        exemption["student"] += off["students"]
        if exemption["subject"]:
            exemption["subject"] += off["subjects"]
        for field in ("start", "end"):
            exemption[field] = academic.shift_year(date.fromisoformat(exemption[field])).isoformat()
        exemptions.append(exemption)
    old["base"] = {
        **old["base"],
        "id": _next_base_id(old["base"]["id"], year),
        "first_day": academic.first_day(year + 1).isoformat(),
    }
    old["students"] = students
    old["exemptions"] = exemptions
    old["absences"], old["delays"] = [], []
    return old


def _newcomers(
    rng: random.Random,
    old: dict[str, Any],
    *,
    stayers: list[dict[str, Any]],
    count: int,
    year: int,
    off: dict[str, int],
) -> list[dict[str, Any]]:
    """New learners (new identifiers) spread over the existing promotions and TDs."""
    by_label = {(f["label"], r["label"]): r["key"] for f in old["families"] for r in f["rubrics"]}
    rubric_of = {
        r["key"]: by_label[(f["label"], r["label"])] for f in families() for r in f["rubrics"]
    }
    factory = LearnerFactory(rng, year)
    for learner in stayers:
        factory.remember(learner)
    tds_of: dict[int, list[int]] = {}
    for td in old["td_options"]:
        if td["kind"] == "td" and td.get("promotion"):
            tds_of.setdefault(td["promotion"], []).append(td["key"])
    promotions = [p["key"] for p in old["promotions"]]
    book = EmailBook()
    for tutor in old["tutors"]:
        if tutor.get("email"):
            book.used.add(tutor["email"])
    next_key = 2 * off["students"] + 1  # past every continuing learner's new key
    newcomers = []
    for i in range(count):
        promo = rng.choice(promotions)
        learner = factory.make(next_key + i, rng.choice((SITE_NORD, SITE_SUD)))
        learner["rubrics"] = [rubric_of[r] for r in learner["rubrics"]]
        learner["promotions"] = [promo]
        learner["td_options"] = [rng.choice(tds_of[promo])] if tds_of.get(promo) else []
        if rubric_of[APPRENTISSAGE] in learner["rubrics"]:
            tutor = make_tutor(rng, _offset(old["tutors"]) + 1, book)
            old["tutors"].append(tutor)
            learner["tutors"] = [tutor["key"]]
        newcomers.append(learner)
    return newcomers
