"""People of a generated school: trainers, learners and company tutors.

E-mail problems are injected on purpose (missing, invalid, shared) because those are the
cases the synchronisation rules must report instead of pushing.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from hpsync.emulators.generator.names import COMPANIES, FIRST_NAMES, LAST_NAMES

INVALID_TRAINER_EMAIL = "prof.sans.arobase.ecole.test"

#: Family rubric keys (see ``school.families``).
SITE_NORD, SITE_SUD = 11, 12
APPRENTISSAGE, INITIAL, FORMATION_CONTINUE = 21, 22, 23
OPCO, REGION, PERSONNEL = 31, 32, 33
VACATAIRE, PERMANENT = 51, 52


def slug(text: str) -> str:
    """ASCII, lower-case, e-mail-safe form of a name ("Lefèvre" → "lefevre")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum() or c == "-")


class EmailBook:
    """Hands out unique e-mails, numbering homonyms like a real directory does."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next: dict[str, int] = {}

    def make(self, first: str, last: str, domain: str) -> str:
        local = f"{slug(first)}.{slug(last)}"
        count = self.next.get(local + "@" + domain, 1)
        email = f"{local}@{domain}" if count == 1 else f"{local}{count}@{domain}"
        while email in self.used:
            count += 1
            email = f"{local}{count}@{domain}"
        self.next[local + "@" + domain] = count + 1
        self.used.add(email)
        return email


def make_teachers(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Trainers with ≈5 % missing e-mails, one invalid e-mail and one shared e-mail pair."""
    book = EmailBook()
    teachers: list[dict[str, Any]] = []
    for key in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email: str | None = book.make(first, last, "ecole.test")
        if rng.random() < 0.05:
            email = None
        code = (slug(last)[:3] + slug(first)[:1]).upper() if rng.random() < 0.8 else None
        teachers.append(
            {
                "key": key,
                "last_name": last,
                "first_name": first,
                "civility": rng.choice(("M.", "Mme")),
                "email": email,
                "code": code,
                "cas_id": None,
                "rubrics": [VACATAIRE if rng.random() < 0.3 else PERMANENT],
            }
        )
    if not any(t["email"] is None for t in teachers):
        teachers[-1]["email"] = None
    teachers[1]["email"] = INVALID_TRAINER_EMAIL
    teachers[3]["email"] = teachers[2]["email"] or "partage.prof@ecole.test"
    teachers[2]["email"] = teachers[3]["email"]
    return teachers


def make_tutor(rng: random.Random, key: int, book: EmailBook) -> dict[str, Any]:
    """A company tutor (maître d'apprentissage); ≈10 % have no e-mail."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company = rng.choice(COMPANIES)
    domain = slug(company.split()[0]) + ".entreprise.test"
    email = None if rng.random() < 0.1 else book.make(first, last, domain)
    phone = None if rng.random() < 0.5 else f"06 {rng.randrange(10**8):08d}"
    return {
        "key": key,
        "last_name": last,
        "first_name": first,
        "email": email,
        "company": company,
        "phone": phone,
    }


def learner_rubrics(rng: random.Random, site: int) -> list[int]:
    """Site, contract type and funding rubrics, with the gaps and doubles real bases have."""
    rubrics: list[int] = []
    roll = rng.random()
    if roll >= 0.05:
        rubrics.append(site if rng.random() < 0.85 else SITE_NORD + SITE_SUD - site)
    elif roll >= 0.03:
        rubrics += [SITE_NORD, SITE_SUD]
    roll = rng.random()
    contract = APPRENTISSAGE if roll < 0.4 else INITIAL if roll < 0.85 else FORMATION_CONTINUE
    rubrics.append(contract)
    roll = rng.random()
    if contract == APPRENTISSAGE:
        rubrics += [OPCO] if roll < 0.9 else [OPCO, REGION] if roll < 0.95 else []
    elif contract == FORMATION_CONTINUE:
        rubrics += [PERSONNEL] if roll < 0.5 else [REGION] if roll < 0.8 else [OPCO, PERSONNEL]
    elif roll < 0.15:
        rubrics.append(REGION)
    return sorted(rubrics)


class LearnerFactory:
    """Creates learners with unique identifiers, INE numbers and e-mails."""

    def __init__(self, rng: random.Random, year: int) -> None:
        self.rng = rng
        self.year = year
        self.emails = EmailBook()
        self.ines: set[str] = set()
        self.serial = 0

    def remember(self, learner: dict[str, Any]) -> None:
        """Reserve a continuing learner's INE and e-mail so new ones never collide."""
        if learner.get("ine"):
            self.ines.add(learner["ine"])
        if learner.get("email"):
            self.emails.used.add(learner["email"])

    def _ine(self) -> str:
        while True:
            letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            ine = f"{self.rng.randrange(10**9):09d}{letters}"
            if ine not in self.ines:
                self.ines.add(ine)
                return ine

    def make(self, key: int, site: int) -> dict[str, Any]:
        """One learner, not yet in any group; ≈1 % without e-mail."""
        rng = self.rng
        self.serial += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = self.emails.make(first, last, "etu.ecole.test")
        birth = date(self.year - 18 - rng.randrange(7), 1, 1) + timedelta(days=rng.randrange(365))
        return {
            "key": key,
            "last_name": last,
            "first_name": first,
            "email": None if rng.random() < 0.01 else email,
            "identifier": f"E{self.year}{self.serial:05d}",
            "ine": self._ine() if rng.random() < 0.97 else None,
            "birth_date": birth.isoformat(),
            "cas_id": None,
            "promotions": [],
            "td_options": [],
            "regroupements": [],
            "rubrics": learner_rubrics(rng, site),
            "tutors": [],
        }
