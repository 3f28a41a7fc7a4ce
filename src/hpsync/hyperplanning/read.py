"""Read a whole base through bulk getters into the school snapshot format (a dict).

Calls grow with entity kinds, families and chunks of keys (``chunk`` keys per call),
never with records. Date-times are kept as wall-time strings, as in the snapshot format.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from hpsync.hyperplanning.soap_types import GENRES


class Caller(Protocol):
    """What the reader needs from a client: one named call, lists in, plain values out."""

    def call(self, name: str, **params: Any) -> Any: ...

    def wall(self, value: datetime) -> datetime: ...


# Texts the snapshot format never leaves null (SOAP cannot tell "" from nil reliably).
_NEVER_NULL = frozenset({"label", "long_label", "type", "memo", "name", "company"})


def _chunks(keys: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


class SchoolReader:
    """One read of a base; ``read()`` returns the snapshot dict."""

    def __init__(self, caller: Caller, *, chunk: int = 500) -> None:
        self.c = caller
        self.chunk = chunk

    def bulk(self, name: str, keys: list[int], **extra: Any) -> list[Any]:
        """Call a ``…Tableau…`` getter chunk by chunk and join the answers."""
        out: list[Any] = []
        for part in _chunks(keys, self.chunk):
            out.extend(self.c.call(name, ATableau=part, **extra) or [])
        return out

    def columns(self, keys: list[int], **getters: str) -> list[dict[str, Any]]:
        """Records with ``key`` plus one field per bulk getter (parallel arrays)."""
        rows: list[dict[str, Any]] = [{"key": k} for k in keys]
        for field, op in getters.items():
            for row, value in zip(rows, self.bulk(op, keys), strict=True):
                row[field] = "" if value is None and field in _NEVER_NULL else value
        return rows

    def _dt(self, value: datetime) -> str:
        return self.c.wall(value).isoformat(timespec="seconds")

    def read(self, base_id: str, timezone: str) -> dict[str, Any]:
        """Everything in the snapshot format, absences and delays included."""
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
            "subjects": self.columns(
                sorted(self.c.call("ToutesLesMatieres") or []),
                code="CodesTableauDeMatieres",
                label="LibellesTableauDeMatieres",
                long_label="LibellesLongsTableauDeMatieres",
            ),
            "rooms": self.columns(
                sorted(self.c.call("ToutesLesSalles") or []),
                name="NomsTableauDeSalles",
                code="CodesTableauDeSalles",
                long_label="LibellesLongsTableauDeSalles",
                capacity="CapacitesTableauDeSalles",
            ),
            "teachers": self._teachers(by_genre.get("gfEnseignant", [])),
            "promotions": self.columns(
                sorted(self.c.call("ToutesLesPromotions") or []),
                name="NomsTableauDePromotions",
                code="CodesTableauDePromotions",
            ),
            "td_options": self._td_options(),
            "regroupements": self.columns(
                sorted(self.c.call("TousLesRegroupements") or []),
                name="NomsTableauDeRegroupements",
                code="CodesTableauDeRegroupements",
            ),
            "tutors": self.columns(
                sorted(self.c.call("TousLesMaitresDeStage") or []),
                last_name="NomsTableauDeMaitresDeStage",
                first_name="PrenomsTableauDeMaitresDeStage",
                email="EMailsTableauDeMaitresDeStage",
                company="EntreprisesTableauDeMaitresDeStage",
                phone="TelephonesTableauDeMaitresDeStage",
            ),
        }
        data["students"] = self._students(by_genre.get("gfEtudiant", []))
        data["courses"] = self._courses(by_genre.get("gfCours", []), data["students"])
        data["exemptions"] = self._exemptions()
        start = datetime.combine(first_day - timedelta(days=31), datetime.min.time())
        end = start + timedelta(days=31 + 400)
        data["absences"] = [
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
        data["delays"] = [
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
        return data

    def _families(self) -> list[dict[str, Any]]:
        keys: list[tuple[int, str]] = []
        for genre in GENRES:
            keys += [
                (k, genre) for k in self.c.call("ToutesLesFamillesDuGenre", AGenre=genre) or []
            ]
        keys.sort()
        family_keys = [k for k, _ in keys]
        labels = self.bulk("LibellesTableauDeFamilles", family_keys)
        rubric_lists = self.bulk("RubriquesTableauDeFamilles", family_keys)
        all_rubrics = [r for rubrics in rubric_lists for r in rubrics]
        rubric_labels = dict(
            zip(all_rubrics, self.bulk("LibellesTableauDeRubriques", all_rubrics), strict=True)
        )
        return [
            {
                "key": key,
                "genre": genre,
                "label": label,
                "rubrics": [{"key": r, "label": rubric_labels[r]} for r in rubrics],
            }
            for (key, genre), label, rubrics in zip(keys, labels, rubric_lists, strict=True)
        ]

    def _rubrics(self, op: str, families: list[int], keys: list[int]) -> list[list[int]]:
        per_record: list[list[int]] = [[] for _ in keys]
        for family in families:
            for acc, rubrics in zip(per_record, self.bulk(op, keys, AFamille=family), strict=True):
                acc.extend(rubrics)
        return [sorted(r) for r in per_record]

    def _teachers(self, families: list[int]) -> list[dict[str, Any]]:
        keys = sorted(self.c.call("TousLesEnseignants") or [])
        rows = self.columns(
            keys,
            last_name="NomsTableauDEnseignants",
            first_name="PrenomsTableauDEnseignants",
            civility="CivilitesTableauDEnseignants",
            email="EMailsTableauDEnseignants",
            code="CodesTableauDEnseignants",
            cas_id="IdentifiantsCASTableauDEnseignants",
        )
        _attach(
            rows, "rubrics", self._rubrics("RubriquesTableauDEnseignantsDeFamille", families, keys)
        )
        return rows

    def _td_options(self) -> list[dict[str, Any]]:
        keys = sorted(self.c.call("TousLesTDOptions") or [])
        rows = self.columns(
            keys,
            name="NomsTableauDeTDOptions",
            code="CodesTableauDeTDOptions",
            promotion="PromotionsTableauDeTDOptions",
        )
        options = self.bulk("SontDesOptionsTableauDeTDOptions", keys)
        for row, is_option in zip(rows, options, strict=True):
            row["promotion"] = row["promotion"] or None
            row["kind"] = "option" if is_option else "td"
        return rows

    def _students(self, families: list[int]) -> list[dict[str, Any]]:
        keys = sorted(self.c.call("TousLesEtudiants") or [])
        rows = self.columns(
            keys,
            last_name="NomsTableauDEtudiants",
            first_name="PrenomsTableauDEtudiants",
            email="EMailsTableauDEtudiants",
            identifier="IdentifiantsTableauDEtudiants",
            ine="NumerosINETableauDEtudiants",
            birth_date="DatesDeNaissancesTableauDEtudiants",
            cas_id="IdentifiantsCASTableauDEtudiants",
            promotions="PromotionsTableauDEtudiants",
            td_options="TDOptionsTableauDEtudiants",
            regroupements="RegroupementsTableauDEtudiants",
        )
        for row in rows:
            row["birth_date"] = row["birth_date"].isoformat() if row["birth_date"] else None
        _attach(
            rows, "rubrics", self._rubrics("RubriquesTableauDEtudiantsDeFamille", families, keys)
        )
        _attach(rows, "tutors", self.bulk("MaitresDeStageTableauDEtudiants", keys))
        return rows

    def _courses(self, families: list[int], students: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = sorted(self.c.call("TousLesCours") or [])
        rows = self.columns(
            keys,
            subject="MatieresTableauDeCours",
            type="TypesTableauDeCours",
            memo="MemosTableauDeCours",
            parent="CoursPeresTableauDeCours",
            teachers="EnseignantsTableauDeCours",
            rooms="SallesTableauDeCours",
            promotions="PromotionsTableauDeCours",
            td_options="TDOptionsTableauDeCours",
            regroupements="RegroupementsTableauDeCours",
            students="EtudiantsTableauDeCours",
        )
        parents = self.bulk("SontCoursPeresTableauDeCours", keys)
        children = self.bulk("SontCoursFilsTableauDeCours", keys)
        unplaced = self.bulk("SontCoursNonPlaces", keys)
        _attach(rows, "rubrics", self._rubrics("RubriquesTableauDeCoursDeFamille", families, keys))
        members: dict[int, set[int]] = {}
        for student in students:
            for field in ("promotions", "td_options", "regroupements"):
                for group in student[field]:
                    members.setdefault(group, set()).add(student["key"])
        seances: dict[int, list[dict[str, Any]]] = {k: [] for k in keys}
        for op, cancelled in (
            ("DetailDesSeancesPlaceesTableauDeCours", False),
            ("DetailDesSeancesAnnuleesTableauDeCours", True),
        ):
            for s in self.bulk(op, keys):
                seances[s["Cours"]].append(
                    {
                        "start": self._dt(s["JourEtHeureDebut"]),
                        "duration_days": s["Duree"],
                        "cancelled": cancelled,
                    }
                )
        for row, parent, child, not_placed in zip(rows, parents, children, unplaced, strict=True):
            row["structure"] = "parent" if parent else "child" if child else "simple"
            row["parent"] = row["parent"] or None
            row["placed"] = not not_placed
            grouped: set[int] = set()
            for field in ("promotions", "td_options", "regroupements"):
                for group in row[field]:
                    grouped |= members.get(group, set())
            row["students"] = [s for s in row["students"] if s not in grouped]
            row["seances"] = sorted(seances[row["key"]], key=lambda s: s["start"])
        return rows

    def _exemptions(self) -> list[dict[str, Any]]:
        keys = sorted(self.c.call("ToutesLesDispenses") or [])
        rows = self.columns(
            keys,
            student="EtudiantsTableauDeDispenses",
            subject="MatieresTableauDeDispenses",
            start="DatesDebutTableauDeDispenses",
            end="DatesFinTableauDeDispenses",
        )
        globals_ = self.bulk("SontDispensesGlobalesTableauDeDispenses", keys)
        for row, is_global in zip(rows, globals_, strict=True):
            row["subject"] = None if is_global else row["subject"]
            row["start"] = _iso(row["start"])
            row["end"] = _iso(row["end"])
        return rows


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _attach(rows: list[dict[str, Any]], field: str, values: list[Any]) -> None:
    for row, value in zip(rows, values, strict=True):
        row[field] = value
