"""Read a whole base into the school snapshot format (a dict), with what the server offers.

Every field has ways to be read, best first: a bulk getter (``…Tableau…``, one call per
``chunk`` keys), else the per-record operation public clients use (one call per record).
When the Service Web offers neither, the field is left empty and its capability is off
(``capabilities.py`` says which, and what that turns off). Date-times are kept as
wall-time strings, as in the snapshot format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from hpsync.hyperplanning.soap_types import GENRES


class Caller(Protocol):
    """What the reader needs from a client: one named call, lists in, plain values out,
    and whether the server offers an operation."""

    def call(self, name: str, **params: Any) -> Any: ...

    def wall(self, value: datetime) -> datetime: ...

    def has(self, name: str) -> bool: ...


# Texts the snapshot format never leaves null (SOAP cannot tell "" from nil reliably).
_NEVER_NULL = frozenset({"label", "long_label", "type", "memo", "name", "company"})


@dataclass(frozen=True, slots=True)
class Source:
    """The ways to read one field: a bulk getter, else a per-record one (key parameter)."""

    bulk: str | None
    each: str | None = None
    param: str = ""


def _s(bulk: str | None, each: str | None = None, param: str = "") -> Source:
    return Source(bulk, each, param)


SUBJECT = {
    "code": _s("CodesTableauDeMatieres"),
    "label": _s("LibellesTableauDeMatieres", "LibelleMatiere", "AMatiere"),
    "long_label": _s("LibellesLongsTableauDeMatieres"),
}
ROOM = {
    "name": _s("NomsTableauDeSalles", "NomSalle", "ASalle"),
    "code": _s("CodesTableauDeSalles"),
    "long_label": _s("LibellesLongsTableauDeSalles", "LibelleLongSalle", "ASalle"),
    "capacity": _s("CapacitesTableauDeSalles"),
}
TEACHER = {
    "last_name": _s("NomsTableauDEnseignants", "NomEnseignant", "AEnseignant"),
    "first_name": _s("PrenomsTableauDEnseignants", "PrenomEnseignant", "AEnseignant"),
    "civility": _s("CivilitesTableauDEnseignants", "CiviliteEnseignant", "AEnseignant"),
    "email": _s("EMailsTableauDEnseignants", "EMailEnseignant", "AEnseignant"),
    "code": _s("CodesTableauDEnseignants"),
    "cas_id": _s("IdentifiantsCASTableauDEnseignants", "IdentifiantCASEnseignant", "AEnseignant"),
}
PROMOTION = {
    "name": _s("NomsTableauDePromotions", "NomPromotion", "APromotion"),
    "code": _s("CodesTableauDePromotions"),
}
TD_OPTION = {
    "name": _s("NomsTableauDeTDOptions", "NomTDOption", "ATDOption"),
    "code": _s("CodesTableauDeTDOptions"),
    "promotion": _s("PromotionsTableauDeTDOptions", "PromotionTDOption", "ATDOption"),
}
REGROUPEMENT = {
    "name": _s("NomsTableauDeRegroupements", "NomRegroupement", "ARegroupement"),
    "code": _s("CodesTableauDeRegroupements"),
}
TUTOR = {
    "last_name": _s("NomsTableauDeMaitresDeStage"),
    "first_name": _s("PrenomsTableauDeMaitresDeStage"),
    "email": _s("EMailsTableauDeMaitresDeStage"),
    "company": _s("EntreprisesTableauDeMaitresDeStage"),
    "phone": _s("TelephonesTableauDeMaitresDeStage"),
}
STUDENT = {
    "last_name": _s("NomsTableauDEtudiants", "NomEtudiant", "AEtudiant"),
    "first_name": _s("PrenomsTableauDEtudiants", "PrenomEtudiant", "AEtudiant"),
    "email": _s("EMailsTableauDEtudiants", "EMailEtudiant", "AEtudiant"),
    "identifier": _s("IdentifiantsTableauDEtudiants"),
    "ine": _s("NumerosINETableauDEtudiants", "NumeroINEEtudiant", "AEtudiant"),
    "birth_date": _s("DatesDeNaissancesTableauDEtudiants", "DateDeNaissanceEtudiant", "AEtudiant"),
    "cas_id": _s("IdentifiantsCASTableauDEtudiants", "IdentifiantCASEtudiant", "AEtudiant"),
    "promotions": _s("PromotionsTableauDEtudiants", "PromotionsEtudiant", "AEtudiant"),
    "regroupements": _s("RegroupementsTableauDEtudiants", "RegroupementsEtudiant", "AEtudiant"),
}
COURSE = {
    "subject": _s("MatieresTableauDeCours", "MatiereCours", "ACours"),
    "type": _s("TypesTableauDeCours", "TypeCours", "ACours"),
    "memo": _s("MemosTableauDeCours", "MemoCours", "ACours"),
    "parent": _s("CoursPeresTableauDeCours"),
    "teachers": _s("EnseignantsTableauDeCours", "EnseignantsDuCours", "ACours"),
    "rooms": _s("SallesTableauDeCours", "SallesDuCours", "ACours"),
    "promotions": _s("PromotionsTableauDeCours", "PromotionsDuCours", "ACours"),
    "td_options": _s("TDOptionsTableauDeCours", "TDOptionsDuCours", "ACours"),
    "regroupements": _s("RegroupementsTableauDeCours", "RegroupementsDuCours", "ACours"),
    "students": _s("EtudiantsTableauDeCours", "EtudiantsDuCours", "ACours"),
}
FAMILY_LABEL = _s("LibellesTableauDeFamilles", "LibelleFamille", "AFamille")
FAMILY_RUBRICS = _s("RubriquesTableauDeFamilles", "ToutesLesRubriquesDeLaFamille", "AFamille")
#: Empty value of a field nothing can read (lists stay lists).
_LISTS = frozenset({"teachers", "rooms", "promotions", "td_options", "regroupements", "students"})


#: séances asked per bulk call, about (the courses of a chunk are sized from the last answer)
SEANCES_PER_CALL = 2000
#: courses asked in the first call, before any answer tells how many séances a course has
FIRST_SEANCE_COURSES = 50


def _chunks(keys: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


class SchoolReader:
    """One read of a base: ``read_but_seances`` then ``seances`` (or ``add_seances``)."""

    def __init__(self, caller: Caller, *, chunk: int = 500, on_day: date | None = None) -> None:
        self.c = caller
        self.chunk = chunk
        self.on_day = on_day  # the date for dated memberships (TD/options); default: first day

    # --- calls -------------------------------------------------------------------------------
    def bulk(self, name: str, keys: list[int], **extra: Any) -> list[Any]:
        """Call a ``…Tableau…`` getter chunk by chunk and join the answers."""
        out: list[Any] = []
        for part in _chunks(keys, self.chunk):
            out.extend(self.c.call(name, ATableau=part, **extra) or [])
        return out

    def keys(self, name: str, **params: Any) -> list[int]:
        """A ``TousLes…`` list, empty when the server does not offer it."""
        return sorted(self.c.call(name, **params) or []) if self.c.has(name) else []

    def column(self, keys: list[int], source: Source, **extra: Any) -> list[Any] | None:
        """One field of every record, the best way the server offers (None: no way)."""
        if source.bulk and self.c.has(source.bulk):
            return self.bulk(source.bulk, keys, **extra)
        if source.each and self.c.has(source.each):
            return [self.c.call(source.each, **{source.param: k}, **extra) for k in keys]
        return None

    def columns(self, keys: list[int], sources: dict[str, Source]) -> list[dict[str, Any]]:
        """Records with ``key`` plus one field per source (parallel arrays)."""
        rows: list[dict[str, Any]] = [{"key": k} for k in keys]
        for field, source in sources.items():
            values = self.column(keys, source) if keys else []
            for index, row in enumerate(rows):
                value = values[index] if values is not None else None
                if value is None and field in _NEVER_NULL:
                    value = ""
                elif value is None and field in _LISTS:
                    value = []
                row[field] = value
        return rows

    def flags(self, keys: list[int], bulk: str, each: str, param: str) -> list[bool]:
        values = self.column(keys, _s(bulk, each, param))
        return [bool(v) for v in values] if values is not None else [False] * len(keys)

    def _dt(self, value: datetime) -> str:
        return self.c.wall(value).isoformat(timespec="seconds")

    # --- the base ----------------------------------------------------------------------------
    def add_seances(self, data: dict[str, Any]) -> dict[str, Any]:
        """Fill the courses' ``seances`` of a ``read_but_seances`` answer, by start."""
        for row, seance in self.seances(data["courses"]):
            row["seances"].append(seance)
        for row in data["courses"]:
            row["seances"].sort(key=lambda s: s["start"])
        return data

    def read_but_seances(self, base_id: str, timezone: str) -> dict[str, Any]:
        """Everything in the snapshot format, absences and delays included, but every
        course's ``seances`` left empty: ``seances`` reads them, as the answers arrive, and
        ``add_seances`` puts them in the courses' rows."""
        first_day: date = self.c.call("DatePremierJourBase")
        families = self._families()
        by_genre: dict[str, list[int]] = {}
        for family in families:
            by_genre.setdefault(family["genre"], []).append(family["key"])
        data: dict[str, Any] = {
            "format": "hpsync-school/1",
            "base": {
                "id": base_id,
                "name": "",
                "version": self.c.call("Version"),
                "first_day": first_day.isoformat(),
                "timezone": timezone,
            },
            "families": families,
            "subjects": self.columns(self.keys("ToutesLesMatieres"), SUBJECT),
            "rooms": self.columns(self.keys("ToutesLesSalles"), ROOM),
            "teachers": self._teachers(by_genre.get("gfEnseignant", [])),
            "promotions": self.columns(self.keys("ToutesLesPromotions"), PROMOTION),
            "td_options": self._td_options(),
            "regroupements": self.columns(self.keys("TousLesRegroupements"), REGROUPEMENT),
            "tutors": self.columns(self.keys("TousLesMaitresDeStage"), TUTOR),
        }
        day = self.on_day or first_day
        data["students"] = self._students(by_genre.get("gfEtudiant", []), day)
        data["courses"] = self._courses(by_genre.get("gfCours", []), data["students"])
        data["exemptions"] = self._exemptions()
        start = datetime.combine(first_day - timedelta(days=31), datetime.min.time())
        end = start + timedelta(days=31 + 400)
        data["absences"] = self._absences(start, end)
        data["delays"] = self._delays(start, end)
        return data

    def _families(self) -> list[dict[str, Any]]:
        if not self.c.has("ToutesLesFamillesDuGenre"):
            return []
        keys: list[tuple[int, str]] = []
        for genre in GENRES:
            keys += [
                (k, genre) for k in self.c.call("ToutesLesFamillesDuGenre", AGenre=genre) or []
            ]
        keys.sort()
        family_keys = [k for k, _ in keys]
        labels = self.column(
            family_keys, _s("LibellesTableauDeFamilles", "LibelleFamille", "AFamille")
        )
        rubric_lists = self.column(
            family_keys,
            _s("RubriquesTableauDeFamilles", "ToutesLesRubriquesDeLaFamille", "AFamille"),
        ) or [[] for _ in family_keys]
        all_rubrics = [r for rubrics in rubric_lists for r in rubrics]
        rubric_labels = self.column(
            all_rubrics, _s("LibellesTableauDeRubriques", "LibelleRubrique", "ARubrique")
        )
        label_of = dict(zip(all_rubrics, rubric_labels or ["" for _ in all_rubrics], strict=True))
        return [
            {
                "key": key,
                "genre": genre,
                "label": label or "",
                "rubrics": [{"key": r, "label": label_of[r] or ""} for r in rubrics],
            }
            for (key, genre), label, rubrics in zip(
                keys, labels or ["" for _ in keys], rubric_lists, strict=True
            )
        ]

    def _rubrics(
        self, bulk: str, each: str, param: str, families: list[int], keys: list[int]
    ) -> list[list[int]]:
        """Each record's rubrics over ``families`` (empty when the server cannot tell)."""
        per_record: list[list[int]] = [[] for _ in keys]
        for family in families:
            found = self.column(keys, _s(bulk, each, param), AFamille=family)
            if found is None:
                break
            for acc, rubrics in zip(per_record, found, strict=True):
                acc.extend(rubrics or [])
        return [sorted(r) for r in per_record]

    def _teachers(self, families: list[int]) -> list[dict[str, Any]]:
        keys = self.keys("TousLesEnseignants")
        rows = self.columns(keys, TEACHER)
        _attach(
            rows,
            "rubrics",
            self._rubrics(
                "RubriquesTableauDEnseignantsDeFamille",
                "RubriqueDeLEnseignantDeFamille",
                "AEnseignant",
                families,
                keys,
            ),
        )
        return rows

    def _td_options(self) -> list[dict[str, Any]]:
        keys = self.keys("TousLesTDOptions")
        rows = self.columns(keys, TD_OPTION)
        options = self.flags(keys, "SontDesOptionsTableauDeTDOptions", "", "")
        for row, is_option in zip(rows, options, strict=True):
            row["promotion"] = row["promotion"] or None
            row["kind"] = "option" if is_option else "td"
        return rows

    def _students(self, families: list[int], day: date) -> list[dict[str, Any]]:
        keys = self.keys("TousLesEtudiants")
        rows = self.columns(keys, STUDENT)
        td = self.column(keys, _s("TDOptionsTableauDEtudiants"))
        if td is None and self.c.has("TDOptionsEtudiantALaDate"):
            td = [self.c.call("TDOptionsEtudiantALaDate", AEtudiant=k, ADate=day) for k in keys]
        _attach(rows, "td_options", [v or [] for v in (td or [[] for _ in keys])])
        for row in rows:
            row["birth_date"] = row["birth_date"].isoformat() if row["birth_date"] else None
        _attach(
            rows,
            "rubrics",
            self._rubrics(
                "RubriquesTableauDEtudiantsDeFamille",
                "RubriqueDeLEtudiantDeFamille",
                "AEtudiant",
                families,
                keys,
            ),
        )
        tutors = self.column(
            keys, _s("MaitresDeStageTableauDEtudiants", "MaitresDeStageEtudiant", "AEtudiant")
        )
        _attach(rows, "tutors", [v or [] for v in (tutors or [[] for _ in keys])])
        return rows

    def _courses(self, families: list[int], students: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = self.keys("TousLesCours")
        rows = self.columns(keys, COURSE)
        parents = self.flags(keys, "SontCoursPeresTableauDeCours", "CoursEstUnCoursPere", "ACours")
        children = self.flags(keys, "SontCoursFilsTableauDeCours", "CoursEstUnCoursFils", "ACours")
        unplaced = self.flags(keys, "SontCoursNonPlaces", "EstCoursNonPlace", "ACours")
        _attach(
            rows,
            "rubrics",
            self._rubrics(
                "RubriquesTableauDeCoursDeFamille",
                "RubriqueDuCoursDeFamille",
                "ACours",
                families,
                keys,
            ),
        )
        members: dict[int, set[int]] = {}
        for student in students:
            for field in ("promotions", "td_options", "regroupements"):
                for group in student[field] or []:
                    members.setdefault(group, set()).add(student["key"])
        for row, parent, child, not_placed in zip(rows, parents, children, unplaced, strict=True):
            row["structure"] = "parent" if parent else "child" if child else "simple"
            row["parent"] = row["parent"] or None
            row["placed"] = not not_placed
            grouped: set[int] = set()
            for field in ("promotions", "td_options", "regroupements"):
                for group in row[field]:
                    grouped |= members.get(group, set())
            row["students"] = [s for s in row["students"] if s not in grouped]
            row["seances"] = []
        return rows

    def seances(
        self, courses: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(course row, séance) of every séance of ``courses``, placed then cancelled, as
        the answers arrive: made into sessions one at a time, a year of them is never held
        as rows (``snapshot_from_school(seances=…)``)."""
        by_key = {row["key"]: row for row in courses}
        keys = list(by_key)
        for bulk, each, cancelled in (
            ("DetailDesSeancesPlaceesTableauDeCours", "DetailDesSeancesPlaceesDuCours", False),
            ("DetailDesSeancesAnnuleesTableauDeCours", "DetailDesSeancesAnnuleesDuCours", True),
        ):
            for key, s in self._seances(keys, bulk, each):
                yield (
                    by_key[s.get("Cours") or key],
                    {
                        "start": self._dt(s["JourEtHeureDebut"]),
                        "duration_days": s["Duree"],
                        "cancelled": cancelled,
                    },
                )

    def _seances(self, keys: list[int], bulk: str, each: str) -> Iterator[tuple[int, Any]]:
        """(course asked, séance) pairs, a chunk of courses at a time: a year of séances is
        never held as the service's answers (an XL base: 300k parsed SOAP records). Bulk
        records carry their course; per-course lists are attributed to the course asked."""
        if self.c.has(bulk):
            asked = set(keys)  # a séance of a course not asked for is not this read's
            size, at = min(self.chunk, FIRST_SEANCE_COURSES), 0
            while at < len(keys):
                part = keys[at : at + size]
                at += len(part)
                found = self.c.call(bulk, ATableau=part) or []
                # about SEANCES_PER_CALL séances an answer: a parsed answer is held whole
                # (tens of MB for 10,000 séances), however many courses it takes
                size = max(1, min(self.chunk, len(part) * SEANCES_PER_CALL // max(1, len(found))))
                for s in found:
                    if s["Cours"] in asked:
                        yield s["Cours"], s
        elif self.c.has(each):
            for k in keys:
                for s in self.c.call(each, ACours=k) or []:
                    yield k, s

    def _exemptions(self) -> list[dict[str, Any]]:
        keys = self.keys("ToutesLesDispenses")
        rows = self.columns(
            keys,
            {
                "student": _s("EtudiantsTableauDeDispenses"),
                "subject": _s("MatieresTableauDeDispenses"),
                "start": _s("DatesDebutTableauDeDispenses"),
                "end": _s("DatesFinTableauDeDispenses"),
            },
        )
        globals_ = self.flags(keys, "SontDispensesGlobalesTableauDeDispenses", "", "")
        for row, is_global in zip(rows, globals_, strict=True):
            row["subject"] = None if is_global else row["subject"]
            row["start"] = _iso(row["start"])
            row["end"] = _iso(row["end"])
        return [r for r in rows if r["student"] and r["start"] and r["end"]]

    def _absences(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        if not self.c.has("DetailDesAbsencesEntre2Dates"):
            return []
        return [
            {
                "key": a["Absence"],
                "student": a["Etudiant"],
                "start": self._dt(a["DateHeureDebut"]),
                "end": self._dt(a["DateHeureFin"]),
                "justified": bool(a["Justifiee"]),
                "reason": a["Motif"],
            }
            for a in self.c.call(
                "DetailDesAbsencesEntre2Dates", ADateHeureDebut=start, ADateHeureFin=end
            )
            or []
        ]

    def _delays(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        if not self.c.has("DetailDesRetardsEntre2Dates"):
            return []
        return [
            {
                "key": d["Retard"],
                "student": d["Etudiant"],
                "at": self._dt(d["DateHeure"]),
                "minutes": round(d["Duree"] * 1440),
                "justified": bool(d["Justifie"]),
                "reason": d["Motif"],
            }
            for d in self.c.call(
                "DetailDesRetardsEntre2Dates", ADateHeureDebut=start, ADateHeureFin=end
            )
            or []
        ]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _attach(rows: list[dict[str, Any]], field: str, values: list[Any]) -> None:
    for row, value in zip(rows, values, strict=True):
        row[field] = value
