"""The emulator's own specification of the Service Web, with the evidence for each operation.

Why it exists: an emulator that builds its WSDL from the client's table agrees with every
wrong name or parameter of the client. This table is the emulator's, written from the
references (``shared/reference/evidence-2026-12.md`` and ``hyperplanning-api.md``), and
nothing here is imported from the client.

Each operation carries its **verdict** — C: two or more independent public sources; P:
one; I: none (a guess); X: contradicted by public evidence — and the source tags it rests
on. Operations the evidence file does not list (it covers what the client called in
November 2026) get a verdict by the same rule from ``hyperplanning-api.md``'s source tags.
``params_verdict`` is set when the parameter *names* are weaker than the operation itself
(e.g. ``AAbsence``: every public client calls those getters positionally).

Two profiles:

* ``full`` (default): everything the emulator can answer, guesses included, in the shapes
  the client uses today (``CreerRetardEtudiant`` with a duration in days);
* ``public``: only C and P operations, in their public shape (``CreerRetardEtudiant``
  with a start and an end date-time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hpsync.emulators.hyperplanning.spec_types import (
    ABSENCES,
    BOOL,
    BOOLS,
    DATE,
    DATES,
    DATETIME,
    DUREE,
    GENRE,
    INT,
    RETARDS,
    SEANCES,
    STRING,
    STRINGS,
    UINT,
    UINTS,
    cle,
    tab,
    tabtab,
)

Verdict = Literal["C", "P", "I", "X"]
Profile = Literal["full", "public"]
PROFILES: tuple[Profile, ...] = ("full", "public")
PUBLIC_VERDICTS: frozenset[str] = frozenset({"C", "P"})

Params = tuple[tuple[str, str], ...]

#: Motif labels answered by ``TousLesMotifs``. S-FSEN shows motifs are a fixed list named
#: by their designation; these labels are ours (a school defines its own).
MOTIFS: tuple[str, ...] = (
    "Maladie",
    "Rendez-vous médical",
    "Transport",
    "Raison familiale",
    "Autre",
)


@dataclass(frozen=True, slots=True)
class Operation:
    """One SOAP operation as the emulator serves it, with its evidence."""

    interface: str  # "Cours" → portType IHpSvcWCours, port PortCours
    name: str
    params: Params  # (element name, type), in order
    returns: str | None  # result type (element "return"); None when nothing is returned
    verdict: Verdict
    sources: tuple[str, ...]  # source tags of the references; () when there are none
    profiles: frozenset[Profile]
    outputs: Params = ()  # several out-parameters instead of "return"
    params_verdict: Verdict | None = None  # when the parameter names are weaker
    note: str = ""
    handler: str = ""  # key in handlers.HANDLERS when it is not the name

    @property
    def handler_key(self) -> str:
        """Which handler answers this operation (two shapes of one name differ here)."""
        return self.handler or self.name

    @property
    def public(self) -> bool:
        """True when public evidence supports the operation (C or P)."""
        return self.verdict in PUBLIC_VERDICTS


def _op(
    interface: str,
    name: str,
    params: Params,
    returns: str | None,
    verdict: Verdict,
    sources: str = "",
    *,
    outputs: Params = (),
    params_verdict: Verdict | None = None,
    note: str = "",
    profiles: tuple[Profile, ...] | None = None,
    handler: str = "",
) -> Operation:
    if profiles is None:
        profiles = PROFILES if verdict in PUBLIC_VERDICTS else ("full",)
    if "public" in profiles and verdict not in PUBLIC_VERDICTS:
        raise ValueError(f"{name}: a {verdict} operation cannot be in the public profile")
    return Operation(
        interface,
        name,
        params,
        returns,
        verdict,
        tuple(sources.split()),
        frozenset(profiles),
        outputs,
        params_verdict,
        note,
        handler,
    )


def _p(entity: str) -> Params:
    """The single ``A<Entity>`` key parameter."""
    return ((f"A{entity}", cle(entity)),)


def _t(entity: str) -> Params:
    """The single ``ATableau`` parameter of a bulk ("…TableauDe…") getter."""
    return (("ATableau", tab(entity)),)


_D2: Params = (("ADate1", DATE), ("ADate2", DATE))
_DH2: Params = (("ADateHeureDebut", DATETIME), ("ADateHeureFin", DATETIME))
_NONE: Params = ()
_POSITIONAL = "public clients call it positionally; the parameter name is ours"

OPERATIONS: tuple[Operation, ...] = (
    # --- Admin (HpSvcWAdmin / PortAdmin) -------------------------------------------------
    _op("Admin", "Version", _NONE, STRING, "C", "all"),
    _op("Admin", "DatePremierJourBase", _NONE, DATE, "C", "S-PHPABS S-HPL"),
    _op(
        "Admin",
        "HpSvcWDureeEnHeureMinute",
        (("ADuree", DUREE),),
        None,
        "C",
        "S-CLI S-CAS",
        outputs=(("AHeure", INT), ("AMinute", INT)),
    ),
    _op(
        "Admin",
        "SemaineEnDate",
        (("ASemaine", UINT),),
        DATE,
        "P",
        "S-FLOP",
        params_verdict="I",
        note="parameter name unseen",
    ),
    _op(
        "Admin",
        "SemaineEnSemaineCalendaire",
        (("ASemaine", UINT),),
        UINT,
        "P",
        "S-FLOP",
        params_verdict="I",
        note="parameter name unseen",
    ),
    # --- Cours -----------------------------------------------------------------------------
    _op("Cours", "TousLesCours", _NONE, tab("Cours"), "C", "S-FLOP S-CLI"),
    _op("Cours", "TousLesCoursEntre2Dates", _D2, tab("Cours"), "C", "S-JAVA S-QR"),
    _op("Cours", "CoursEstUnCoursPere", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "CoursEstUnCoursFils", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "CoursEstUnCoursSimple", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "EstCoursNonPlace", _p("Cours"), BOOL, "P", "S-FLOP"),
    _op("Cours", "SontCoursNonPlaces", _t("Cours"), BOOLS, "P", "S-TS"),
    _op("Cours", "MatiereCours", _p("Cours"), cle("Matiere"), "C", "many"),
    _op("Cours", "MatieresTableauDeCours", _t("Cours"), tab("Matiere"), "P", "S-TS"),
    _op("Cours", "TypeCours", _p("Cours"), STRING, "C", "S-FLOP S-TS"),
    _op("Cours", "TypesTableauDeCours", _t("Cours"), STRINGS, "P", "S-TS"),
    _op("Cours", "DureeCours", _p("Cours"), DUREE, "C", "S-JAVA S-FLOP"),
    _op(
        "Cours",
        "PlaceCours",
        _p("Cours"),
        DUREE,
        "P",
        "S-FLOP S-CLI",
        note="weekly-grid position (S-FLOP); S-PHPABS reads it as absolute",
    ),
    _op("Cours", "DomaineCours", _p("Cours"), UINTS, "P", "S-FLOP"),
    _op(
        "Cours", "EnseignantsDuCours", _p("Cours"), tab("Enseignant"), "C", "S-FLOP S-CLI S-PHPABS"
    ),
    _op("Cours", "PromotionsDuCours", _p("Cours"), tab("Promotion"), "P", "S-FLOP"),
    _op("Cours", "TDOptionsDuCours", _p("Cours"), tab("TDOption"), "P", "S-FLOP"),
    _op("Cours", "RegroupementsDuCours", _p("Cours"), tab("Regroupement"), "I"),
    _op("Cours", "SallesDuCours", _p("Cours"), tab("Salle"), "P", "S-PHPABS"),
    _op("Cours", "EtudiantsDuCours", _p("Cours"), tab("Etudiant"), "C", "S-QR S-CLI"),
    _op("Cours", "MemoCours", _p("Cours"), STRING, "P", "S-CAS"),
    _op("Cours", "DetailDesSeancesPlaceesDuCours", _p("Cours"), SEANCES, "C", "S-QR S-CAS"),
    _op(
        "Cours",
        "DetailDesSeancesPlaceesTableauDeCours",
        _t("Cours"),
        SEANCES,
        "P",
        "S-TS",
        note="séance fields C (S-QR S-CAS S-TS)",
    ),
    _op("Cours", "CoursEtudiant", _p("Etudiant"), tab("Cours"), "P", "S-PHPABS"),
    _op(
        "Cours",
        "CoursEtudiantEntre2Dates",
        _p("Etudiant") + _D2,
        tab("Cours"),
        "C",
        "S-CAS S-PHPABS",
    ),
    # bulk course getters nobody public calls (S-FLOP: "the API functions don't work")
    _op("Cours", "SontCoursPeresTableauDeCours", _t("Cours"), BOOLS, "I"),
    _op("Cours", "SontCoursFilsTableauDeCours", _t("Cours"), BOOLS, "I"),
    _op("Cours", "CoursPeresTableauDeCours", _t("Cours"), tab("Cours"), "I"),
    _op("Cours", "MemosTableauDeCours", _t("Cours"), STRINGS, "I"),
    _op("Cours", "EnseignantsTableauDeCours", _t("Cours"), tabtab("Enseignant"), "I"),
    _op("Cours", "SallesTableauDeCours", _t("Cours"), tabtab("Salle"), "I"),
    _op("Cours", "PromotionsTableauDeCours", _t("Cours"), tabtab("Promotion"), "I"),
    _op("Cours", "TDOptionsTableauDeCours", _t("Cours"), tabtab("TDOption"), "I"),
    _op("Cours", "RegroupementsTableauDeCours", _t("Cours"), tabtab("Regroupement"), "I"),
    _op("Cours", "EtudiantsTableauDeCours", _t("Cours"), tabtab("Etudiant"), "I"),
    # --- Enseignants -------------------------------------------------------------------------
    _op("Enseignants", "TousLesEnseignants", _NONE, tab("Enseignant"), "C", "many"),
    _op("Enseignants", "NombreEnseignants", _NONE, UINT, "C", "many"),
    _op("Enseignants", "NomEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS S-PHPEX"),
    _op("Enseignants", "PrenomEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS S-PHPEX"),
    _op("Enseignants", "CiviliteEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS S-PHPEX"),
    _op("Enseignants", "EMailEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS S-PHPEX"),
    _op(
        "Enseignants",
        "IdentifiantCASEnseignant",
        _p("Enseignant"),
        STRING,
        "C",
        "S-FLOP S-CAS S-PHPEX",
    ),
    _op("Enseignants", "NomsTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS S-FAM"),
    _op("Enseignants", "PrenomsTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS S-FAM"),
    _op(
        "Enseignants",
        "CivilitesTableauDEnseignants",
        _t("Enseignant"),
        STRINGS,
        "P",
        "S-FAM",
        note="in commented-out code",
    ),
    _op("Enseignants", "EMailsTableauDEnseignants", _t("Enseignant"), STRINGS, "P", "S-TS"),
    _op("Enseignants", "CodesTableauDEnseignants", _t("Enseignant"), STRINGS, "P", "S-TS"),
    _op("Enseignants", "IdentifiantsCASTableauDEnseignants", _t("Enseignant"), STRINGS, "I"),
    _op(
        "Enseignants",
        "AccederEnseignantParNomPrenomEtCode",
        (("ANom", STRING), ("APrenom", STRING), ("ACode", STRING)),
        cle("Enseignant"),
        "P",
        "S-CAS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Enseignants",
        "CoursEnseignantEntre2Dates",
        _p("Enseignant") + _D2,
        tab("Cours"),
        "C",
        "S-TS S-CLI S-CAS",
    ),
    # --- Etudiants ---------------------------------------------------------------------------
    _op("Etudiants", "TousLesEtudiants", _NONE, tab("Etudiant"), "C", "many"),
    _op("Etudiants", "NomEtudiant", _p("Etudiant"), STRING, "C", "S-HPL S-PHPABS"),
    _op("Etudiants", "PrenomEtudiant", _p("Etudiant"), STRING, "C", "S-HPL S-PHPABS"),
    _op("Etudiants", "EMailEtudiant", _p("Etudiant"), STRING, "P", "S-PHPABS"),
    _op("Etudiants", "IdentifiantCASEtudiant", _p("Etudiant"), STRING, "P", "S-HPL"),
    _op("Etudiants", "DateDeNaissanceEtudiant", _p("Etudiant"), DATE, "P", "S-HPL"),
    _op("Etudiants", "NumeroINEEtudiant", _p("Etudiant"), STRING, "P", "S-PHPABS"),
    _op("Etudiants", "NomsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "PrenomsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "IdentifiantsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "EMailsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "DatesDeNaissancesTableauDEtudiants", _t("Etudiant"), DATES, "P", "S-HPL"),
    _op("Etudiants", "NumerosINETableauDEtudiants", _t("Etudiant"), STRINGS, "I"),
    _op("Etudiants", "IdentifiantsCASTableauDEtudiants", _t("Etudiant"), STRINGS, "I"),
    _op("Etudiants", "PromotionsEtudiant", _p("Etudiant"), tab("Promotion"), "P", "S-PHPABS"),
    _op("Etudiants", "RegroupementsEtudiant", _p("Etudiant"), tab("Regroupement"), "P", "S-PHPABS"),
    _op(
        "Etudiants",
        "TDOptionsEtudiantALaDate",
        (*_p("Etudiant"), ("ADate", DATE)),
        tab("TDOption"),
        "P",
        "S-PHPABS",
        params_verdict="I",
        note="TD membership is dated; the date parameter's name is unseen",
    ),
    _op(
        "Etudiants",
        "AccederEtudiantParNumeroINE",
        (("ANumeroINE", STRING),),
        cle("Etudiant"),
        "C",
        "S-PHPABS S-JAVA",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Etudiants",
        "AccederEtudiantParIdentifiant",
        (("AIdentifiant", STRING),),
        cle("Etudiant"),
        "C",
        "S-PHPABS S-JAVA",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op("Etudiants", "PromotionsTableauDEtudiants", _t("Etudiant"), tabtab("Promotion"), "I"),
    _op("Etudiants", "TDOptionsTableauDEtudiants", _t("Etudiant"), tabtab("TDOption"), "I"),
    _op("Etudiants", "RegroupementsTableauDEtudiants", _t("Etudiant"), tabtab("Regroupement"), "I"),
    # --- Matieres ----------------------------------------------------------------------------
    _op("Matieres", "ToutesLesMatieres", _NONE, tab("Matiere"), "C", "S-PS1 S-ISEP"),
    _op("Matieres", "NombreMatieres", _NONE, UINT, "P", "S-PS1"),
    _op("Matieres", "LibelleMatiere", _p("Matiere"), STRING, "C", "many"),
    _op("Matieres", "CodesTableauDeMatieres", _t("Matiere"), STRINGS, "C", "S-PS1 S-FAM S-TS"),
    _op("Matieres", "LibellesTableauDeMatieres", _t("Matiere"), STRINGS, "C", "S-PS1 S-FAM S-TS"),
    _op(
        "Matieres",
        "LibellesLongsTableauDeMatieres",
        _t("Matiere"),
        STRINGS,
        "C",
        "S-PS1 S-FAM S-TS",
    ),
    # --- Salles ------------------------------------------------------------------------------
    _op("Salles", "ToutesLesSalles", _NONE, tab("Salle"), "C", "S-FLOP S-ROOM"),
    _op("Salles", "NomSalle", _p("Salle"), STRING, "C", "S-FLOP S-CAS"),
    _op("Salles", "LibelleLongSalle", _p("Salle"), STRING, "C", "S-FLOP S-CAS"),
    _op("Salles", "NomsTableauDeSalles", _t("Salle"), STRINGS, "C", "S-ROOM S-CLI S-PHPABS"),
    _op("Salles", "CodesTableauDeSalles", _t("Salle"), STRINGS, "C", "S-ROOM S-CLI S-PHPABS"),
    _op("Salles", "CapacitesTableauDeSalles", _t("Salle"), UINTS, "P", "S-ROOM"),
    _op("Salles", "LibellesLongsTableauDeSalles", _t("Salle"), STRINGS, "I"),
    _op("Salles", "CoursSalleEntre2Dates", _p("Salle") + _D2, tab("Cours"), "P", "S-CLI"),
    # --- Promotions, TD/options, regroupements ----------------------------------------------
    _op("Promotions", "ToutesLesPromotions", _NONE, tab("Promotion"), "C", "S-FLOP S-JAVA"),
    _op("Promotions", "NomPromotion", _p("Promotion"), STRING, "C", "S-FLOP S-JAVA"),
    _op("Promotions", "NomsTableauDePromotions", _t("Promotion"), STRINGS, "P", "S-JAVA"),
    _op("Promotions", "CodesTableauDePromotions", _t("Promotion"), STRINGS, "I"),
    _op("TDOptions", "TousLesTDOptions", _NONE, tab("TDOption"), "P", "S-FLOP"),
    _op("TDOptions", "NomTDOption", _p("TDOption"), STRING, "P", "S-FLOP"),
    _op("TDOptions", "PromotionTDOption", _p("TDOption"), cle("Promotion"), "P", "S-FLOP"),
    _op("TDOptions", "NomsTableauDeTDOptions", _t("TDOption"), STRINGS, "I"),
    _op("TDOptions", "CodesTableauDeTDOptions", _t("TDOption"), STRINGS, "I"),
    _op("TDOptions", "PromotionsTableauDeTDOptions", _t("TDOption"), tab("Promotion"), "I"),
    _op("TDOptions", "SontDesOptionsTableauDeTDOptions", _t("TDOption"), BOOLS, "I"),
    _op("Regroupements", "TousLesRegroupements", _NONE, tab("Regroupement"), "I"),
    _op("Regroupements", "NomRegroupement", _p("Regroupement"), STRING, "I"),
    _op(
        "Regroupements", "NomsTableauDeRegroupements", _t("Regroupement"), STRINGS, "P", "S-PHPABS"
    ),
    _op("Regroupements", "CodesTableauDeRegroupements", _t("Regroupement"), STRINGS, "I"),
    # --- Familles / rubriques ----------------------------------------------------------------
    _op(
        "Familles",
        "ToutesLesFamillesDuGenre",
        (("AGenre", GENRE),),
        tab("Famille"),
        "C",
        "S-FAM S-TS",
        note="the genre list is P (S-FAM)",
    ),
    _op("Familles", "LibelleFamille", _p("Famille"), STRING, "C", "S-FAM S-TS"),
    _op("Familles", "LibellesTableauDeFamilles", _t("Famille"), STRINGS, "P", "S-FAM"),
    _op("Familles", "ToutesLesRubriquesDeLaFamille", _p("Famille"), tab("Rubrique"), "P", "S-FAM"),
    _op("Familles", "LibelleRubrique", _p("Rubrique"), STRING, "C", "S-FAM S-TS"),
    _op("Familles", "LibellesTableauDeRubriques", _t("Rubrique"), STRINGS, "P", "S-FAM"),
    _op(
        "Familles",
        "RubriqueDeLEnseignantDeFamille",
        _p("Famille") + _p("Enseignant"),
        tab("Rubrique"),
        "C",
        "S-TS S-FAM",
        note="S-TS names the parameters, S-FAM passes them positionally",
    ),
    _op(
        "Familles",
        "RubriqueDeLEtudiantDeFamille",
        _p("Famille") + _p("Etudiant"),
        tab("Rubrique"),
        "I",
    ),
    _op("Familles", "RubriqueDuCoursDeFamille", _p("Famille") + _p("Cours"), tab("Rubrique"), "I"),
    _op("Familles", "RubriquesTableauDeFamilles", _t("Famille"), tabtab("Rubrique"), "I"),
    _op(
        "Familles",
        "RubriquesTableauDEnseignantsDeFamille",
        _p("Famille") + _t("Enseignant"),
        tabtab("Rubrique"),
        "I",
    ),
    _op(
        "Familles",
        "RubriquesTableauDEtudiantsDeFamille",
        _p("Famille") + _t("Etudiant"),
        tabtab("Rubrique"),
        "I",
    ),
    _op(
        "Familles",
        "RubriquesTableauDeCoursDeFamille",
        _p("Famille") + _t("Cours"),
        tabtab("Rubrique"),
        "I",
    ),
    # --- Absences and delays -----------------------------------------------------------------
    _op(
        "Absences",
        "AjouterAbsenceEtudiant",
        _p("Etudiant") + _DH2 + (("AJustifie", BOOL),),
        cle("Absence"),
        "C",
        "S-QR S-CLI",
        note="the result (a key) is I: both public clients ignore it",
    ),
    _op(
        "Absences",
        "EnleverAbsenceEtudiant",
        _p("Etudiant") + _DH2,
        None,
        "P",
        "S-QR",
        note="trimming or splitting overlapping absences is our choice (I)",
    ),
    _op(
        "Absences",
        "AbsencesEtudiantEntre2Dates",
        _p("Etudiant") + _DH2,
        tab("Absence"),
        "C",
        "S-QR S-PHPABS S-CLI",
    ),
    _op("Absences", "AbsencesEntre2Dates", _DH2, tab("Absence"), "P", "S-QR"),
    _op(
        "Absences",
        "EtudiantAbsenceEtudiant",
        _p("Absence"),
        cle("Etudiant"),
        "P",
        "S-QR",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "DateHeureDebutAbsenceEtudiant",
        _p("Absence"),
        DATETIME,
        "C",
        "S-QR S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "DateHeureFinAbsenceEtudiant",
        _p("Absence"),
        DATETIME,
        "C",
        "S-QR S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "AbsenceEtudiantEstJustifiee",
        _p("Absence"),
        BOOL,
        "C",
        "S-PHPABS S-CLI",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "MotifAbsenceEtudiant",
        _p("Absence"),
        STRING,
        "P",
        "S-PHPABS",
        params_verdict="I",
        note="a motif's designation, as S-FSEN suggests; " + _POSITIONAL,
    ),
    _op(
        "Absences",
        "CoursManquesAbsenceEtudiant",
        _p("Absence"),
        tab("Cours"),
        "C",
        "S-QR S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "TousLesMotifs",
        _NONE,
        STRINGS,
        "P",
        "S-FSEN",
        note="renamed from TousLesMotifsAbsence in 2018.0.2.0; the labels are ours",
    ),
    _op(
        "Absences",
        "ModifierMotifAbsenceEtudiant",
        (*_p("Absence"), ("AMotif", STRING)),
        None,
        "I",
        note="invented; motifs are a fixed list (S-FSEN)",
    ),
    _op("Absences", "DetailDesAbsencesEntre2Dates", _DH2, ABSENCES, "I"),
    _op(
        "Absences",
        "RetardsEtudiantEntre2Dates",
        _p("Etudiant") + _DH2,
        tab("Retard"),
        "C",
        "S-PHPABS S-CLI",
    ),
    _op(
        "Absences",
        "DateHeureRetardEtudiant",
        _p("Retard"),
        DATETIME,
        "P",
        "S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "DureeRetardEtudiant",
        _p("Retard"),
        DUREE,
        "P",
        "S-PHPABS",
        params_verdict="I",
        note="in days; " + _POSITIONAL,
    ),
    _op(
        "Absences",
        "RetardEtudiantEstJustifie",
        _p("Retard"),
        BOOL,
        "P",
        "S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "MotifRetardEtudiant",
        _p("Retard"),
        STRING,
        "P",
        "S-PHPABS",
        params_verdict="I",
        note=_POSITIONAL,
    ),
    _op(
        "Absences",
        "CreerRetardEtudiant",
        (*_p("Etudiant"), ("ADateHeure", DATETIME), ("ADuree", DUREE), ("AJustifie", BOOL)),
        cle("Retard"),
        "X",
        "S-CLI",
        note="the client's duration-in-days form; the one public call passes an end "
        "date-time in third position",
    ),
    _op(
        "Absences",
        "CreerRetardEtudiant",
        (*_p("Etudiant"), *_DH2, ("AJustifie", BOOL)),
        cle("Retard"),
        "P",
        "S-CLI",
        params_verdict="I",
        profiles=("public",),
        handler="CreerRetardEtudiant#intervalle",
        note="P/X: name and positional shape (student, start, end, justified/reason) from "
        "S-CLI, the duration form is X; parameter names ours, as AjouterAbsenceEtudiant",
    ),
    _op("Absences", "SupprimerRetardEtudiant", _p("Retard"), None, "I"),
    _op("Absences", "ModifierMotifRetardEtudiant", (*_p("Retard"), ("AMotif", STRING)), None, "I"),
    _op("Absences", "DetailDesRetardsEntre2Dates", _DH2, RETARDS, "I"),
    # --- Dispenses (exemptions): the interface exists (S-CLI, S-FSEN), no method is public --
    _op("Dispenses", "ToutesLesDispenses", _NONE, tab("Dispense"), "I"),
    _op("Dispenses", "DispensesEtudiant", _p("Etudiant"), tab("Dispense"), "I"),
    _op("Dispenses", "EtudiantsTableauDeDispenses", _t("Dispense"), tab("Etudiant"), "I"),
    _op(
        "Dispenses",
        "MatieresTableauDeDispenses",
        _t("Dispense"),
        tab("Matiere"),
        "I",
        note="subject 0 = every subject (a global exemption)",
    ),
    _op("Dispenses", "SontDispensesGlobalesTableauDeDispenses", _t("Dispense"), BOOLS, "I"),
    _op("Dispenses", "DatesDebutTableauDeDispenses", _t("Dispense"), DATES, "I"),
    _op("Dispenses", "DatesFinTableauDeDispenses", _t("Dispense"), DATES, "I"),
    # --- Stages (learning masters / company tutors): the interface exists (S-FSEN) ----------
    _op("Stages", "TousLesMaitresDeStage", _NONE, tab("MaitreDeStage"), "I"),
    _op("Stages", "NomsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I"),
    _op("Stages", "PrenomsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I"),
    _op("Stages", "EMailsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I"),
    _op("Stages", "EntreprisesTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I"),
    _op("Stages", "TelephonesTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I"),
    _op("Stages", "MaitresDeStageEtudiant", _p("Etudiant"), tab("MaitreDeStage"), "I"),
    _op("Stages", "MaitresDeStageTableauDEtudiants", _t("Etudiant"), tabtab("MaitreDeStage"), "I"),
    # --- CoursAnnules (cancelled séances): the interface exists (S-CLI, S-FLOP, S-FSEN) -----
    _op("CoursAnnules", "DetailDesSeancesAnnuleesDuCours", _p("Cours"), SEANCES, "I"),
    _op("CoursAnnules", "DetailDesSeancesAnnuleesTableauDeCours", _t("Cours"), SEANCES, "I"),
)

#: Every interface the emulator knows, in WSDL order.
INTERFACES: tuple[str, ...] = tuple(dict.fromkeys(op.interface for op in OPERATIONS))


def operations(profile: Profile) -> tuple[Operation, ...]:
    """The operations one profile serves, in table order (names are unique per profile)."""
    return _BY_PROFILE[profile]


def by_name(profile: Profile) -> dict[str, Operation]:
    """One profile's operations by name."""
    return _NAMES[profile]


def interfaces(profile: Profile) -> tuple[str, ...]:
    """The interfaces that have at least one operation in a profile."""
    served = {op.interface for op in operations(profile)}
    return tuple(i for i in INTERFACES if i in served)


def service_of(interface: str) -> str:
    """The wsdl:service holding an interface's port (S-JAVA, S-QR)."""
    return "HpSvcWAdmin" if interface == "Admin" else "HpSvcWDonnees"


def shapes(name: str) -> tuple[Operation, ...]:
    """Every shape the emulator knows for an operation name, across profiles."""
    return tuple(op for op in OPERATIONS if op.name == name)


def _check(profile: Profile) -> tuple[Operation, ...]:
    ops = tuple(op for op in OPERATIONS if profile in op.profiles)
    names = [op.name for op in ops]
    if len(names) != len(set(names)):
        raise ValueError(f"profile {profile}: an operation name appears twice")
    return ops


_BY_PROFILE: dict[Profile, tuple[Operation, ...]] = {p: _check(p) for p in PROFILES}
_NAMES: dict[Profile, dict[str, Operation]] = {
    p: {op.name: op for op in ops} for p, ops in _BY_PROFILE.items()
}


def evidence_markdown() -> str:
    """The evidence table of docs/hyperplanning.md, generated so the doc cannot drift.

    Regenerate with ``python -c "from hpsync.emulators.hyperplanning.spec import
    evidence_markdown; print(evidence_markdown())"``.
    """
    counts = []
    for profile in PROFILES:
        ops = operations(profile)
        by_verdict = ", ".join(
            f"{v} {n}" for v in ("C", "P", "I", "X") if (n := sum(op.verdict == v for op in ops))
        )
        counts.append(f"`{profile}`: {len(ops)} operations ({by_verdict})")
    lines = [
        "Served: " + " · ".join(counts) + ".",
        "",
        "| Operation | Interface | Parameters | Verdict | Sources | Profiles | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for op in OPERATIONS:
        verdict = op.verdict + (f" (names {op.params_verdict})" if op.params_verdict else "")
        params = ", ".join(n for n, _ in op.params) or "–"
        sources = ", ".join(op.sources) or "none"
        served = ", ".join(p for p in PROFILES if p in op.profiles)
        lines.append(
            f"| `{op.name}` | {op.interface} | {params} | {verdict} | {sources} | {served} "
            f"| {op.note} |"
        )
    return "\n".join(lines) + "\n"
