"""What each emulated operation does, keyed by ``Operation.handler_key`` (see spec.py).

A handler takes the base and the decoded parameters and returns a plain Python value
that ``soap.encode`` serialises according to the operation's declared result type.
Bulk ``…TableauDe…`` getters return one value per input key, in input order, and fault
on the first unknown key like the per-key getters. Two shapes of one name (the full and
public ``CreerRetardEtudiant``) have two handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from hpsync.emulators.hyperplanning.spec import MOTIFS
from hpsync.emulators.hyperplanning.state import HpFault, School, Seance

Handler = Callable[[School, dict[str, Any]], Any]
HANDLERS: dict[str, Handler] = {}


def _reg(name: str, fn: Handler) -> None:
    HANDLERS[name] = fn


def _field(table: str, param: str, field: str, default: Any = None) -> Handler:
    def handler(s: School, a: dict[str, Any]) -> Any:
        return s.get(table, a[param]).get(field, default)

    return handler


def _bulk(table: str, field: str, default: Any = None) -> Handler:
    def handler(s: School, a: dict[str, Any]) -> Any:
        return [s.get(table, k).get(field, default) for k in a["ATableau"]]

    return handler


def _all(table: str) -> Handler:
    return lambda s, a: sorted(s.tables[table])


def _seance(s: Seance, school: School) -> dict[str, Any]:
    course = school.tables["courses"][s.course]
    return {
        "Cours": s.course,
        "Matiere": course.get("subject"),
        "JourEtHeureDebut": s.start,
        "Duree": s.duration_days,
        "TypeCours": course.get("type", ""),
        "TableauSalle": list(course.get("rooms", [])),
        "TableauEnseignant": list(course.get("teachers", [])),
    }


def _in_range(seances: list[Seance], d1: date, d2: date) -> bool:
    return any(d1 <= x.start.date() <= d2 for x in seances)


def _courses_between(s: School, keys: set[int] | list[int], d1: date, d2: date) -> list[int]:
    return sorted(k for k in keys if _in_range(s.placed_seances(k), d1, d2))


def _structure(s: School, key: int) -> str:
    return str(s.get("courses", key).get("structure", "simple"))


def _placement(s: School, key: int) -> float:
    seances = s.placed_seances(key)
    if not seances:
        return 0.0
    first = seances[0].start
    return first.weekday() + (first.hour * 60 + first.minute) / 1440


def _duration(s: School, key: int) -> float:
    seances = s.seances.get(key, [])
    s.get("courses", key)
    return seances[0].duration_days if seances else 0.0


def _rubrics_of(record: dict[str, Any], school: School, family: int) -> list[int]:
    return sorted(
        int(r) for r in record.get("rubrics", []) if school.rubrics.get(int(r), (0,))[0] == family
    )


def _family(s: School, a: dict[str, Any]) -> int:
    s.get("families", a["AFamille"])
    return int(a["AFamille"])


# --- admin -----------------------------------------------------------------------------
_reg("Version", lambda s, a: s.version)
_reg("DatePremierJourBase", lambda s, a: s.first_day)
_reg(
    "HpSvcWDureeEnHeureMinute",
    lambda s, a: {
        "AHeure": round(a["ADuree"] * 1440) // 60,
        "AMinute": round(a["ADuree"] * 1440) % 60,
    },
)
_reg(
    "SemaineEnDate",
    lambda s, a: (
        s.first_day - timedelta(days=s.first_day.weekday()) + timedelta(weeks=a["ASemaine"] - 1)
    ),
)
_reg(
    "SemaineEnSemaineCalendaire",
    lambda s, a: (
        s.first_day - timedelta(days=s.first_day.weekday()) + timedelta(weeks=a["ASemaine"] - 1)
    ).isocalendar()[1],
)

# --- courses ---------------------------------------------------------------------------
_reg("TousLesCours", _all("courses"))
_reg(
    "TousLesCoursEntre2Dates",
    lambda s, a: _courses_between(s, list(s.tables["courses"]), a["ADate1"], a["ADate2"]),
)
_reg("CoursEstUnCoursPere", lambda s, a: _structure(s, a["ACours"]) == "parent")
_reg("CoursEstUnCoursFils", lambda s, a: _structure(s, a["ACours"]) == "child")
_reg("CoursEstUnCoursSimple", lambda s, a: _structure(s, a["ACours"]) == "simple")
_reg("EstCoursNonPlace", lambda s, a: not s.get("courses", a["ACours"]).get("placed", True))
_reg(
    "SontCoursNonPlaces",
    lambda s, a: [not s.get("courses", k).get("placed", True) for k in a["ATableau"]],
)
_reg("MatiereCours", _field("courses", "ACours", "subject"))
_reg("MatieresTableauDeCours", _bulk("courses", "subject"))
_reg("TypeCours", _field("courses", "ACours", "type", ""))
_reg("TypesTableauDeCours", _bulk("courses", "type", ""))
_reg("MemoCours", _field("courses", "ACours", "memo", ""))
_reg("MemosTableauDeCours", _bulk("courses", "memo", ""))
_reg("DureeCours", lambda s, a: _duration(s, a["ACours"]))
_reg("PlaceCours", lambda s, a: _placement(s, a["ACours"]))
_reg(
    "DomaineCours",
    lambda s, a: sorted({s.hp_week(x.start.date()) for x in s.placed_seances(a["ACours"])}),
)
for _name, _fld in (
    ("Enseignants", "teachers"),
    ("Promotions", "promotions"),
    ("TDOptions", "td_options"),
    ("Regroupements", "regroupements"),
    ("Salles", "rooms"),
):
    _reg(f"{_name}DuCours", _field("courses", "ACours", _fld, []))
    _reg(f"{_name}TableauDeCours", _bulk("courses", _fld, []))
_reg("EtudiantsDuCours", lambda s, a: s.roster(a["ACours"]))
_reg("EtudiantsTableauDeCours", lambda s, a: [s.roster(k) for k in a["ATableau"]])
_reg(
    "DetailDesSeancesPlaceesDuCours",
    lambda s, a: [_seance(x, s) for x in s.placed_seances(a["ACours"])],
)
_reg(
    "DetailDesSeancesPlaceesTableauDeCours",
    lambda s, a: [_seance(x, s) for k in a["ATableau"] for x in s.placed_seances(k)],
)
_reg(
    "DetailDesSeancesAnnuleesDuCours",
    lambda s, a: [_seance(x, s) for x in s.cancelled_seances(a["ACours"])],
)
_reg(
    "DetailDesSeancesAnnuleesTableauDeCours",
    lambda s, a: [_seance(x, s) for k in a["ATableau"] for x in s.cancelled_seances(k)],
)


def _student_courses(s: School, student: int) -> list[int]:
    s.get("students", student)
    return sorted(s.courses_of_student.get(student, set()))


_reg("CoursEtudiant", lambda s, a: _student_courses(s, a["AEtudiant"]))
_reg(
    "CoursEtudiantEntre2Dates",
    lambda s, a: _courses_between(s, _student_courses(s, a["AEtudiant"]), a["ADate1"], a["ADate2"]),
)


def _courses_with(s: School, field: str, key: int) -> list[int]:
    return [k for k, c in s.tables["courses"].items() if key in c.get(field, [])]


_reg(
    "CoursEnseignantEntre2Dates",
    lambda s, a: _courses_between(
        s,
        _courses_with(s, "teachers", int(s.get("teachers", a["AEnseignant"])["key"])),
        a["ADate1"],
        a["ADate2"],
    ),
)
_reg(
    "CoursSalleEntre2Dates",
    lambda s, a: _courses_between(
        s,
        _courses_with(s, "rooms", int(s.get("rooms", a["ASalle"])["key"])),
        a["ADate1"],
        a["ADate2"],
    ),
)
_reg(
    "SontCoursPeresTableauDeCours",
    lambda s, a: [_structure(s, k) == "parent" for k in a["ATableau"]],
)
_reg(
    "SontCoursFilsTableauDeCours",
    lambda s, a: [_structure(s, k) == "child" for k in a["ATableau"]],
)
_reg(
    "CoursPeresTableauDeCours",
    lambda s, a: [s.get("courses", k).get("parent") or 0 for k in a["ATableau"]],
)

# --- teachers --------------------------------------------------------------------------
_reg("TousLesEnseignants", _all("teachers"))
_reg("NombreEnseignants", lambda s, a: len(s.tables["teachers"]))
for _op, _fld in (
    ("Nom", "last_name"),
    ("Prenom", "first_name"),
    ("Civilite", "civility"),
    ("EMail", "email"),
    ("IdentifiantCAS", "cas_id"),
):
    _reg(f"{_op}Enseignant", _field("teachers", "AEnseignant", _fld))
for _op, _fld in (
    ("Noms", "last_name"),
    ("Prenoms", "first_name"),
    ("Civilites", "civility"),
    ("EMails", "email"),
    ("Codes", "code"),
    ("IdentifiantsCAS", "cas_id"),
):
    _reg(f"{_op}TableauDEnseignants", _bulk("teachers", _fld))


def _find_teacher(s: School, a: dict[str, Any]) -> int:
    for key, t in s.tables["teachers"].items():
        if (t.get("last_name"), t.get("first_name"), t.get("code") or "") == (
            a["ANom"],
            a["APrenom"],
            a["ACode"] or "",
        ):
            return key
    raise HpFault(f"Aucun enseignant ne correspond à {a['ANom']} {a['APrenom']} ({a['ACode']}).")


_reg("AccederEnseignantParNomPrenomEtCode", _find_teacher)

# --- students --------------------------------------------------------------------------
_reg("TousLesEtudiants", _all("students"))
for _op, _fld in (
    ("Nom", "last_name"),
    ("Prenom", "first_name"),
    ("EMail", "email"),
    ("IdentifiantCAS", "cas_id"),
    ("NumeroINE", "ine"),
):
    _reg(f"{_op}Etudiant", _field("students", "AEtudiant", _fld))
_reg(
    "DateDeNaissanceEtudiant",
    lambda s, a: _opt_date(s.get("students", a["AEtudiant"]).get("birth_date")),
)
for _op, _fld in (
    ("Noms", "last_name"),
    ("Prenoms", "first_name"),
    ("Identifiants", "identifier"),
    ("EMails", "email"),
    ("NumerosINE", "ine"),
    ("IdentifiantsCAS", "cas_id"),
):
    _reg(f"{_op}TableauDEtudiants", _bulk("students", _fld))


def _opt_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_reg(
    "DatesDeNaissancesTableauDEtudiants",
    lambda s, a: [_opt_date(s.get("students", k).get("birth_date")) for k in a["ATableau"]],
)
_reg("PromotionsEtudiant", _field("students", "AEtudiant", "promotions", []))
_reg("RegroupementsEtudiant", _field("students", "AEtudiant", "regroupements", []))


def _td_options_on(s: School, a: dict[str, Any]) -> list[int]:
    """TD/options of a student on a date: the snapshot's, within the base's year only."""
    groups = list(s.get("students", a["AEtudiant"]).get("td_options", []))
    on: date = a["ADate"]
    return groups if s.first_day <= on < s.first_day + timedelta(days=366) else []


_reg("TDOptionsEtudiantALaDate", _td_options_on)
_reg("PromotionsTableauDEtudiants", _bulk("students", "promotions", []))
_reg("TDOptionsTableauDEtudiants", _bulk("students", "td_options", []))
_reg("RegroupementsTableauDEtudiants", _bulk("students", "regroupements", []))


def _find_student(field: str, param: str, what: str) -> Handler:
    def handler(s: School, a: dict[str, Any]) -> int:
        for key, student in s.tables["students"].items():
            if student.get(field) and student.get(field) == a[param]:
                return key
        raise HpFault(f"Aucun étudiant n'a {what} « {a[param]} ».")

    return handler


_reg("AccederEtudiantParNumeroINE", _find_student("ine", "ANumeroINE", "le numéro INE"))
_reg("AccederEtudiantParIdentifiant", _find_student("identifier", "AIdentifiant", "l'identifiant"))

# --- subjects, rooms, groups -------------------------------------------------------------
_reg("ToutesLesMatieres", _all("subjects"))
_reg("NombreMatieres", lambda s, a: len(s.tables["subjects"]))
_reg("LibelleMatiere", _field("subjects", "AMatiere", "label"))
_reg("CodesTableauDeMatieres", _bulk("subjects", "code"))
_reg("LibellesTableauDeMatieres", _bulk("subjects", "label"))
_reg("LibellesLongsTableauDeMatieres", _bulk("subjects", "long_label"))
_reg("ToutesLesSalles", _all("rooms"))
_reg("NomSalle", _field("rooms", "ASalle", "name"))
_reg("LibelleLongSalle", _field("rooms", "ASalle", "long_label"))
_reg("NomsTableauDeSalles", _bulk("rooms", "name"))
_reg("CodesTableauDeSalles", _bulk("rooms", "code"))
_reg("CapacitesTableauDeSalles", _bulk("rooms", "capacity", 0))
_reg("LibellesLongsTableauDeSalles", _bulk("rooms", "long_label"))
_reg("ToutesLesPromotions", _all("promotions"))
_reg("NomPromotion", _field("promotions", "APromotion", "name"))
_reg("NomsTableauDePromotions", _bulk("promotions", "name"))
_reg("CodesTableauDePromotions", _bulk("promotions", "code"))
_reg("TousLesTDOptions", _all("td_options"))
_reg("NomTDOption", _field("td_options", "ATDOption", "name"))
_reg("PromotionTDOption", _field("td_options", "ATDOption", "promotion"))
_reg("NomsTableauDeTDOptions", _bulk("td_options", "name"))
_reg("CodesTableauDeTDOptions", _bulk("td_options", "code"))
_reg("PromotionsTableauDeTDOptions", _bulk("td_options", "promotion", 0))
_reg(
    "SontDesOptionsTableauDeTDOptions",
    lambda s, a: [s.get("td_options", k).get("kind") == "option" for k in a["ATableau"]],
)
_reg("TousLesRegroupements", _all("regroupements"))
_reg("NomRegroupement", _field("regroupements", "ARegroupement", "name"))
_reg("NomsTableauDeRegroupements", _bulk("regroupements", "name"))
_reg("CodesTableauDeRegroupements", _bulk("regroupements", "code"))

# --- families and rubrics ----------------------------------------------------------------
_reg(
    "ToutesLesFamillesDuGenre",
    lambda s, a: sorted(k for k, f in s.tables["families"].items() if f["genre"] == a["AGenre"]),
)
_reg("LibelleFamille", _field("families", "AFamille", "label"))
_reg("LibellesTableauDeFamilles", _bulk("families", "label"))
_reg(
    "ToutesLesRubriquesDeLaFamille",
    lambda s, a: [int(r["key"]) for r in s.get("families", a["AFamille"]).get("rubrics", [])],
)
_reg(
    "RubriquesTableauDeFamilles",
    lambda s, a: [
        [int(r["key"]) for r in s.get("families", k).get("rubrics", [])] for k in a["ATableau"]
    ],
)
_reg("LibelleRubrique", _field("rubrics", "ARubrique", "label"))
_reg("LibellesTableauDeRubriques", _bulk("rubrics", "label"))


def _rubrics_one(table: str, param: str) -> Handler:
    return lambda s, a: _rubrics_of(s.get(table, a[param]), s, _family(s, a))


def _rubrics_bulk(table: str) -> Handler:
    return lambda s, a: [_rubrics_of(s.get(table, k), s, _family(s, a)) for k in a["ATableau"]]


_reg("RubriqueDeLEnseignantDeFamille", _rubrics_one("teachers", "AEnseignant"))
_reg("RubriqueDeLEtudiantDeFamille", _rubrics_one("students", "AEtudiant"))
_reg("RubriqueDuCoursDeFamille", _rubrics_one("courses", "ACours"))
_reg("RubriquesTableauDEnseignantsDeFamille", _rubrics_bulk("teachers"))
_reg("RubriquesTableauDEtudiantsDeFamille", _rubrics_bulk("students"))
_reg("RubriquesTableauDeCoursDeFamille", _rubrics_bulk("courses"))


# --- absences and delays ------------------------------------------------------------------
def _absence(s: School, key: int) -> Any:
    found = s.absences.get(key)
    if found is None:
        raise HpFault(f"L'absence de clé {key} n'existe pas dans la base.")
    return found


def _delay(s: School, key: int) -> Any:
    found = s.delays.get(key)
    if found is None:
        raise HpFault(f"Le retard de clé {key} n'existe pas dans la base.")
    return found


def _missed(s: School, key: int) -> list[int]:
    absence = _absence(s, key)
    return sorted(
        c
        for c in s.courses_of_student.get(absence.student, set())
        if any(x.start < absence.end and x.end > absence.start for x in s.placed_seances(c))
    )


def _set_reason(s: School, a: dict[str, Any], getter: Callable[[School, int], Any]) -> None:
    record = getter(s, a.get("AAbsence") or a.get("ARetard") or 0)
    record.reason = a["AMotif"] or None


_reg(
    "AjouterAbsenceEtudiant",
    lambda s, a: s.add_absence(
        a["AEtudiant"], a["ADateHeureDebut"], a["ADateHeureFin"], a["AJustifie"]
    ),
)
_reg(
    "EnleverAbsenceEtudiant",
    lambda s, a: s.remove_absence(a["AEtudiant"], a["ADateHeureDebut"], a["ADateHeureFin"]),
)


def _student_window(s: School, a: dict[str, Any]) -> tuple[int, datetime, datetime]:
    s.get("students", a["AEtudiant"])
    return a["AEtudiant"], a["ADateHeureDebut"], a["ADateHeureFin"]


_reg("AbsencesEtudiantEntre2Dates", lambda s, a: s.absences_between(*_student_window(s, a)))
_reg(
    "AbsencesEntre2Dates",
    lambda s, a: s.absences_between(None, a["ADateHeureDebut"], a["ADateHeureFin"]),
)
_reg("EtudiantAbsenceEtudiant", lambda s, a: _absence(s, a["AAbsence"]).student)
_reg("DateHeureDebutAbsenceEtudiant", lambda s, a: _absence(s, a["AAbsence"]).start)
_reg("DateHeureFinAbsenceEtudiant", lambda s, a: _absence(s, a["AAbsence"]).end)
_reg("AbsenceEtudiantEstJustifiee", lambda s, a: _absence(s, a["AAbsence"]).justified)
_reg("MotifAbsenceEtudiant", lambda s, a: _absence(s, a["AAbsence"]).reason)
_reg("CoursManquesAbsenceEtudiant", lambda s, a: _missed(s, a["AAbsence"]))
_reg("ModifierMotifAbsenceEtudiant", lambda s, a: _set_reason(s, a, _absence))
_reg(
    "DetailDesAbsencesEntre2Dates",
    lambda s, a: [
        {
            "Absence": x.key,
            "Etudiant": x.student,
            "DateHeureDebut": x.start,
            "DateHeureFin": x.end,
            "Justifiee": x.justified,
            "Motif": x.reason,
        }
        for k in s.absences_between(None, a["ADateHeureDebut"], a["ADateHeureFin"])
        for x in (s.absences[k],)
    ],
)
_reg("RetardsEtudiantEntre2Dates", lambda s, a: s.delays_between(*_student_window(s, a)))
_reg("DateHeureRetardEtudiant", lambda s, a: _delay(s, a["ARetard"]).at)
_reg("DureeRetardEtudiant", lambda s, a: _delay(s, a["ARetard"]).minutes / 1440)
_reg("RetardEtudiantEstJustifie", lambda s, a: _delay(s, a["ARetard"]).justified)
_reg("MotifRetardEtudiant", lambda s, a: _delay(s, a["ARetard"]).reason)
_reg(
    "CreerRetardEtudiant",
    lambda s, a: s.add_delay(
        a["AEtudiant"], a["ADateHeure"], round(a["ADuree"] * 1440), a["AJustifie"]
    ),
)


def _delay_between(s: School, a: dict[str, Any]) -> int:
    """The public shape: a delay from its start to its end (S-CLI passes two date-times)."""
    start: datetime = a["ADateHeureDebut"]
    end: datetime = a["ADateHeureFin"]
    if end <= start:
        raise HpFault("La fin du retard doit être postérieure à son début.")
    minutes = round((end - start).total_seconds() / 60)
    return s.add_delay(a["AEtudiant"], start, minutes, a["AJustifie"])


_reg("CreerRetardEtudiant#intervalle", _delay_between)
_reg("TousLesMotifs", lambda s, a: list(MOTIFS))
_reg("SupprimerRetardEtudiant", lambda s, a: s.remove_delay(a["ARetard"]))
_reg("ModifierMotifRetardEtudiant", lambda s, a: _set_reason(s, a, _delay))
_reg(
    "DetailDesRetardsEntre2Dates",
    lambda s, a: [
        {
            "Retard": x.key,
            "Etudiant": x.student,
            "DateHeure": x.at,
            "Duree": x.minutes / 1440,
            "Justifie": x.justified,
            "Motif": x.reason,
        }
        for k in s.delays_between(None, a["ADateHeureDebut"], a["ADateHeureFin"])
        for x in (s.delays[k],)
    ],
)

# --- exemptions, tutors ------------------------------------------------------------------
_reg("ToutesLesDispenses", _all("exemptions"))
_reg(
    "DispensesEtudiant",
    lambda s, a: sorted(
        k
        for k, e in s.tables["exemptions"].items()
        if int(e["student"]) == int(s.get("students", a["AEtudiant"])["key"])
    ),
)
_reg("EtudiantsTableauDeDispenses", _bulk("exemptions", "student"))
_reg(
    "MatieresTableauDeDispenses",
    lambda s, a: [s.get("exemptions", k).get("subject") or 0 for k in a["ATableau"]],
)
_reg(
    "SontDispensesGlobalesTableauDeDispenses",
    lambda s, a: [s.get("exemptions", k).get("subject") is None for k in a["ATableau"]],
)
_reg(
    "DatesDebutTableauDeDispenses",
    lambda s, a: [_opt_date(s.get("exemptions", k)["start"]) for k in a["ATableau"]],
)
_reg(
    "DatesFinTableauDeDispenses",
    lambda s, a: [_opt_date(s.get("exemptions", k)["end"]) for k in a["ATableau"]],
)
_reg("TousLesMaitresDeStage", _all("tutors"))
for _op, _fld in (
    ("Noms", "last_name"),
    ("Prenoms", "first_name"),
    ("EMails", "email"),
    ("Entreprises", "company"),
    ("Telephones", "phone"),
):
    _reg(f"{_op}TableauDeMaitresDeStage", _bulk("tutors", _fld))
_reg("MaitresDeStageEtudiant", _field("students", "AEtudiant", "tutors", []))
_reg("MaitresDeStageTableauDEtudiants", _bulk("students", "tutors", []))
