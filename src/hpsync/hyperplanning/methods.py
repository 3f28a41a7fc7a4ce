"""THE table of Service Web operations: interface, name, parameters, result, confidence.

The emulator generates its WSDL and dispatches from this table; the client calls by these
names. Confidence follows the reference (docs/hyperplanning.md): ``C`` confirmed,
``P`` probable, ``I`` inferred — every ``I`` name is *provisional* (never seen in public
code) and must be checked against a real customer WSDL; correcting it here fixes both
sides at once. ``src`` names the reference source tag(s).
"""

from __future__ import annotations

from dataclasses import dataclass

from hpsync.hyperplanning.soap_types import (
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


@dataclass(frozen=True, slots=True)
class Operation:
    """One SOAP operation (document/literal wrapped)."""

    interface: str  # "Cours" → portType IHpSvcWCours, port PortCours
    name: str
    params: tuple[tuple[str, str], ...]  # (element name, type)
    returns: str | None  # result type (element "return"), None when nothing is returned
    confidence: str  # C | P | I
    src: str
    outputs: tuple[tuple[str, str], ...] = ()  # several out-parameters instead of "return"

    @property
    def provisional(self) -> bool:
        """True when the name or shape is a guess awaiting a real WSDL."""
        return self.confidence == "I"


def _op(
    interface: str,
    name: str,
    params: tuple[tuple[str, str], ...],
    returns: str | None,
    confidence: str,
    src: str,
    outputs: tuple[tuple[str, str], ...] = (),
) -> Operation:
    return Operation(interface, name, params, returns, confidence, src, outputs)


def _p(entity: str) -> tuple[tuple[str, str], ...]:
    """The single ``A<Entity>`` key parameter."""
    return ((f"A{entity}", cle(entity)),)


def _t(entity: str) -> tuple[tuple[str, str], ...]:
    """The single ``ATableau`` parameter of a bulk ("…TableauDe…") getter."""
    return (("ATableau", tab(entity)),)


_D2 = (("ADate1", DATE), ("ADate2", DATE))
_DH2 = (("ADateHeureDebut", DATETIME), ("ADateHeureFin", DATETIME))
_NONE: tuple[tuple[str, str], ...] = ()

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
    _op("Admin", "SemaineEnDate", (("ASemaine", UINT),), DATE, "P", "S-FLOP"),
    _op("Admin", "SemaineEnSemaineCalendaire", (("ASemaine", UINT),), UINT, "P", "S-FLOP"),
    # --- Cours -----------------------------------------------------------------------------
    _op("Cours", "TousLesCours", _NONE, tab("Cours"), "C", "S-FLOP S-CLI"),
    _op("Cours", "TousLesCoursEntre2Dates", _D2, tab("Cours"), "C", "S-JAVA S-QR"),
    _op("Cours", "CoursEstUnCoursPere", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "CoursEstUnCoursFils", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "CoursEstUnCoursSimple", _p("Cours"), BOOL, "C", "S-JAVA S-FLOP"),
    _op("Cours", "EstCoursNonPlace", _p("Cours"), BOOL, "C", "S-FLOP"),
    _op("Cours", "SontCoursNonPlaces", _t("Cours"), BOOLS, "P", "S-TS"),
    _op("Cours", "MatiereCours", _p("Cours"), cle("Matiere"), "C", "many"),
    _op("Cours", "MatieresTableauDeCours", _t("Cours"), tab("Matiere"), "P", "S-TS"),
    _op("Cours", "TypeCours", _p("Cours"), STRING, "C", "S-FLOP S-TS"),
    _op("Cours", "TypesTableauDeCours", _t("Cours"), STRINGS, "C", "S-FLOP S-TS"),
    _op("Cours", "DureeCours", _p("Cours"), DUREE, "C", "S-JAVA S-FLOP"),
    _op("Cours", "PlaceCours", _p("Cours"), DUREE, "P", "S-FLOP S-CLI"),
    _op("Cours", "DomaineCours", _p("Cours"), UINTS, "P", "S-FLOP"),
    _op("Cours", "EnseignantsDuCours", _p("Cours"), tab("Enseignant"), "C", "S-FLOP S-CLI"),
    _op("Cours", "PromotionsDuCours", _p("Cours"), tab("Promotion"), "C", "S-FLOP"),
    _op("Cours", "TDOptionsDuCours", _p("Cours"), tab("TDOption"), "C", "S-FLOP"),
    _op("Cours", "RegroupementsDuCours", _p("Cours"), tab("Regroupement"), "I", "none"),
    _op("Cours", "SallesDuCours", _p("Cours"), tab("Salle"), "P", "S-PHPABS"),
    _op("Cours", "EtudiantsDuCours", _p("Cours"), tab("Etudiant"), "C", "S-QR S-CLI"),
    _op("Cours", "MemoCours", _p("Cours"), STRING, "P", "S-CAS"),
    _op("Cours", "DetailDesSeancesPlaceesDuCours", _p("Cours"), SEANCES, "C", "S-QR S-CAS"),
    _op("Cours", "DetailDesSeancesPlaceesTableauDeCours", _t("Cours"), SEANCES, "P", "S-TS"),
    _op("Cours", "CoursEtudiant", _p("Etudiant"), tab("Cours"), "P", "S-PHPABS"),
    _op(
        "Cours",
        "CoursEtudiantEntre2Dates",
        _p("Etudiant") + _D2,
        tab("Cours"),
        "C",
        "S-CAS S-PHPABS",
    ),
    # bulk course getters the reference does not attest (one call per 500 courses)
    _op("Cours", "SontCoursPeresTableauDeCours", _t("Cours"), BOOLS, "I", "none"),
    _op("Cours", "SontCoursFilsTableauDeCours", _t("Cours"), BOOLS, "I", "none"),
    _op("Cours", "CoursPeresTableauDeCours", _t("Cours"), tab("Cours"), "I", "none"),
    _op("Cours", "MemosTableauDeCours", _t("Cours"), STRINGS, "I", "none"),
    _op("Cours", "EnseignantsTableauDeCours", _t("Cours"), tabtab("Enseignant"), "I", "none"),
    _op("Cours", "SallesTableauDeCours", _t("Cours"), tabtab("Salle"), "I", "none"),
    _op("Cours", "PromotionsTableauDeCours", _t("Cours"), tabtab("Promotion"), "I", "none"),
    _op("Cours", "TDOptionsTableauDeCours", _t("Cours"), tabtab("TDOption"), "I", "none"),
    _op("Cours", "RegroupementsTableauDeCours", _t("Cours"), tabtab("Regroupement"), "I", "none"),
    _op("Cours", "EtudiantsTableauDeCours", _t("Cours"), tabtab("Etudiant"), "I", "none"),
    # --- Enseignants -------------------------------------------------------------------------
    _op("Enseignants", "TousLesEnseignants", _NONE, tab("Enseignant"), "C", "many"),
    _op("Enseignants", "NombreEnseignants", _NONE, UINT, "C", "many"),
    _op("Enseignants", "NomEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS"),
    _op("Enseignants", "PrenomEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP S-CAS"),
    _op("Enseignants", "CiviliteEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP"),
    _op("Enseignants", "EMailEnseignant", _p("Enseignant"), STRING, "C", "S-FLOP"),
    _op("Enseignants", "IdentifiantCASEnseignant", _p("Enseignant"), STRING, "C", "S-PHPEX"),
    _op("Enseignants", "NomsTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS"),
    _op("Enseignants", "PrenomsTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS"),
    _op("Enseignants", "CivilitesTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-JAVA"),
    _op("Enseignants", "EMailsTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS"),
    _op("Enseignants", "CodesTableauDEnseignants", _t("Enseignant"), STRINGS, "C", "S-TS"),
    _op(
        "Enseignants", "IdentifiantsCASTableauDEnseignants", _t("Enseignant"), STRINGS, "I", "none"
    ),
    _op(
        "Enseignants",
        "AccederEnseignantParNomPrenomEtCode",
        (("ANom", STRING), ("APrenom", STRING), ("ACode", STRING)),
        cle("Enseignant"),
        "P",
        "S-CAS",
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
    _op("Etudiants", "EMailEtudiant", _p("Etudiant"), STRING, "C", "S-PHPABS"),
    _op("Etudiants", "IdentifiantCASEtudiant", _p("Etudiant"), STRING, "P", "S-HPL"),
    _op("Etudiants", "DateDeNaissanceEtudiant", _p("Etudiant"), DATE, "C", "S-HPL"),
    _op("Etudiants", "NumeroINEEtudiant", _p("Etudiant"), STRING, "C", "S-PHPABS"),
    _op("Etudiants", "NomsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "PrenomsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "IdentifiantsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "EMailsTableauDEtudiants", _t("Etudiant"), STRINGS, "P", "S-HPL"),
    _op("Etudiants", "DatesDeNaissancesTableauDEtudiants", _t("Etudiant"), DATES, "P", "S-HPL"),
    _op("Etudiants", "NumerosINETableauDEtudiants", _t("Etudiant"), STRINGS, "I", "none"),
    _op("Etudiants", "IdentifiantsCASTableauDEtudiants", _t("Etudiant"), STRINGS, "I", "none"),
    _op("Etudiants", "PromotionsEtudiant", _p("Etudiant"), tab("Promotion"), "P", "S-PHPABS"),
    _op("Etudiants", "RegroupementsEtudiant", _p("Etudiant"), tab("Regroupement"), "P", "S-PHPABS"),
    _op(
        "Etudiants",
        "TDOptionsEtudiantALaDate",
        (*_p("Etudiant"), ("ADate", DATE)),
        tab("TDOption"),
        "P",
        "S-PHPABS",
    ),
    _op(
        "Etudiants",
        "AccederEtudiantParNumeroINE",
        (("ANumeroINE", STRING),),
        cle("Etudiant"),
        "C",
        "S-PHPABS S-JAVA",
    ),
    _op(
        "Etudiants",
        "AccederEtudiantParIdentifiant",
        (("AIdentifiant", STRING),),
        cle("Etudiant"),
        "C",
        "S-PHPABS S-JAVA",
    ),
    _op("Etudiants", "PromotionsTableauDEtudiants", _t("Etudiant"), tabtab("Promotion"), "I", "-"),
    _op("Etudiants", "TDOptionsTableauDEtudiants", _t("Etudiant"), tabtab("TDOption"), "I", "-"),
    _op(
        "Etudiants",
        "RegroupementsTableauDEtudiants",
        _t("Etudiant"),
        tabtab("Regroupement"),
        "I",
        "none",
    ),
    # --- Matieres ----------------------------------------------------------------------------
    _op("Matieres", "ToutesLesMatieres", _NONE, tab("Matiere"), "C", "S-PS1 S-ISEP"),
    _op("Matieres", "NombreMatieres", _NONE, UINT, "C", "S-PS1"),
    _op("Matieres", "LibelleMatiere", _p("Matiere"), STRING, "C", "many"),
    _op("Matieres", "CodesTableauDeMatieres", _t("Matiere"), STRINGS, "C", "S-PS1 S-TS"),
    _op("Matieres", "LibellesTableauDeMatieres", _t("Matiere"), STRINGS, "C", "S-PS1 S-TS"),
    _op("Matieres", "LibellesLongsTableauDeMatieres", _t("Matiere"), STRINGS, "C", "S-PS1"),
    # --- Salles ------------------------------------------------------------------------------
    _op("Salles", "ToutesLesSalles", _NONE, tab("Salle"), "C", "S-FLOP S-ROOM"),
    _op("Salles", "NomSalle", _p("Salle"), STRING, "C", "S-FLOP S-CAS"),
    _op("Salles", "LibelleLongSalle", _p("Salle"), STRING, "C", "S-FLOP"),
    _op("Salles", "NomsTableauDeSalles", _t("Salle"), STRINGS, "C", "S-ROOM S-CLI"),
    _op("Salles", "CodesTableauDeSalles", _t("Salle"), STRINGS, "C", "S-ROOM S-CLI"),
    _op("Salles", "CapacitesTableauDeSalles", _t("Salle"), UINTS, "C", "S-ROOM"),
    _op("Salles", "LibellesLongsTableauDeSalles", _t("Salle"), STRINGS, "I", "none"),
    _op("Salles", "CoursSalleEntre2Dates", _p("Salle") + _D2, tab("Cours"), "P", "S-CLI"),
    # --- Promotions, TD/options, regroupements ----------------------------------------------
    _op("Promotions", "ToutesLesPromotions", _NONE, tab("Promotion"), "C", "S-FLOP S-JAVA"),
    _op("Promotions", "NomPromotion", _p("Promotion"), STRING, "C", "S-FLOP S-JAVA"),
    _op("Promotions", "NomsTableauDePromotions", _t("Promotion"), STRINGS, "C", "S-JAVA"),
    _op("Promotions", "CodesTableauDePromotions", _t("Promotion"), STRINGS, "I", "none"),
    _op("TDOptions", "TousLesTDOptions", _NONE, tab("TDOption"), "C", "S-FLOP"),
    _op("TDOptions", "NomTDOption", _p("TDOption"), STRING, "C", "S-FLOP"),
    _op("TDOptions", "PromotionTDOption", _p("TDOption"), cle("Promotion"), "C", "S-FLOP"),
    _op("TDOptions", "NomsTableauDeTDOptions", _t("TDOption"), STRINGS, "I", "none"),
    _op("TDOptions", "CodesTableauDeTDOptions", _t("TDOption"), STRINGS, "I", "none"),
    _op("TDOptions", "PromotionsTableauDeTDOptions", _t("TDOption"), tab("Promotion"), "I", "none"),
    _op("TDOptions", "SontDesOptionsTableauDeTDOptions", _t("TDOption"), BOOLS, "I", "none"),
    _op("Regroupements", "TousLesRegroupements", _NONE, tab("Regroupement"), "I", "none"),
    _op("Regroupements", "NomRegroupement", _p("Regroupement"), STRING, "I", "none"),
    _op(
        "Regroupements", "NomsTableauDeRegroupements", _t("Regroupement"), STRINGS, "P", "S-PHPABS"
    ),
    _op("Regroupements", "CodesTableauDeRegroupements", _t("Regroupement"), STRINGS, "I", "-"),
    # --- Familles / rubriques ----------------------------------------------------------------
    _op(
        "Familles",
        "ToutesLesFamillesDuGenre",
        (("AGenre", GENRE),),
        tab("Famille"),
        "C",
        "S-FAM S-TS",
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
    ),
    _op(
        "Familles",
        "RubriqueDeLEtudiantDeFamille",
        _p("Famille") + _p("Etudiant"),
        tab("Rubrique"),
        "I",
        "none",
    ),
    _op(
        "Familles",
        "RubriqueDuCoursDeFamille",
        _p("Famille") + _p("Cours"),
        tab("Rubrique"),
        "I",
        "none",
    ),
    _op("Familles", "RubriquesTableauDeFamilles", _t("Famille"), tabtab("Rubrique"), "I", "none"),
    _op(
        "Familles",
        "RubriquesTableauDEnseignantsDeFamille",
        _p("Famille") + _t("Enseignant"),
        tabtab("Rubrique"),
        "I",
        "none",
    ),
    _op(
        "Familles",
        "RubriquesTableauDEtudiantsDeFamille",
        _p("Famille") + _t("Etudiant"),
        tabtab("Rubrique"),
        "I",
        "none",
    ),
    _op(
        "Familles",
        "RubriquesTableauDeCoursDeFamille",
        _p("Famille") + _t("Cours"),
        tabtab("Rubrique"),
        "I",
        "none",
    ),
    # --- Absences and delays -----------------------------------------------------------------
    _op(
        "Absences",
        "AjouterAbsenceEtudiant",
        _p("Etudiant") + _DH2 + (("AJustifie", BOOL),),
        cle("Absence"),
        "C",
        "S-QR S-CLI",
    ),
    _op("Absences", "EnleverAbsenceEtudiant", _p("Etudiant") + _DH2, None, "P", "S-QR"),
    _op(
        "Absences",
        "AbsencesEtudiantEntre2Dates",
        _p("Etudiant") + _DH2,
        tab("Absence"),
        "C",
        "S-QR S-PHPABS S-CLI",
    ),
    _op("Absences", "AbsencesEntre2Dates", _DH2, tab("Absence"), "P", "S-QR"),
    _op("Absences", "EtudiantAbsenceEtudiant", _p("Absence"), cle("Etudiant"), "P", "S-QR"),
    _op("Absences", "DateHeureDebutAbsenceEtudiant", _p("Absence"), DATETIME, "C", "S-QR"),
    _op("Absences", "DateHeureFinAbsenceEtudiant", _p("Absence"), DATETIME, "C", "S-QR"),
    _op("Absences", "AbsenceEtudiantEstJustifiee", _p("Absence"), BOOL, "C", "S-PHPABS"),
    _op("Absences", "MotifAbsenceEtudiant", _p("Absence"), STRING, "P", "S-PHPABS"),
    _op("Absences", "CoursManquesAbsenceEtudiant", _p("Absence"), tab("Cours"), "C", "S-QR"),
    _op(
        "Absences",
        "ModifierMotifAbsenceEtudiant",
        (*_p("Absence"), ("AMotif", STRING)),
        None,
        "I",
        "none",
    ),
    _op("Absences", "DetailDesAbsencesEntre2Dates", _DH2, ABSENCES, "I", "none"),
    _op(
        "Absences",
        "RetardsEtudiantEntre2Dates",
        _p("Etudiant") + _DH2,
        tab("Retard"),
        "C",
        "S-PHPABS S-CLI",
    ),
    _op("Absences", "DateHeureRetardEtudiant", _p("Retard"), DATETIME, "P", "S-PHPABS"),
    _op("Absences", "DureeRetardEtudiant", _p("Retard"), DUREE, "P", "S-PHPABS"),
    _op("Absences", "RetardEtudiantEstJustifie", _p("Retard"), BOOL, "P", "S-PHPABS"),
    _op("Absences", "MotifRetardEtudiant", _p("Retard"), STRING, "P", "S-PHPABS"),
    _op(
        "Absences",
        "CreerRetardEtudiant",
        (*_p("Etudiant"), ("ADateHeure", DATETIME), ("ADuree", DUREE), ("AJustifie", BOOL)),
        cle("Retard"),
        "I",
        "S-CLI (arguments unverified)",
    ),
    _op("Absences", "SupprimerRetardEtudiant", _p("Retard"), None, "I", "none"),
    _op(
        "Absences",
        "ModifierMotifRetardEtudiant",
        (*_p("Retard"), ("AMotif", STRING)),
        None,
        "I",
        "none",
    ),
    _op("Absences", "DetailDesRetardsEntre2Dates", _DH2, RETARDS, "I", "none"),
    # The fixed list of motifs, named by their designation (renamed from
    # TousLesMotifsAbsence in 2018.0.2.0): S-FSEN, a real server's method reference.
    _op("Absences", "TousLesMotifs", _NONE, STRINGS, "P", "S-FSEN"),
    # --- Dispenses (exemptions): interface attested, every method provisional ---------------
    _op("Dispenses", "ToutesLesDispenses", _NONE, tab("Dispense"), "I", "none"),
    _op("Dispenses", "DispensesEtudiant", _p("Etudiant"), tab("Dispense"), "I", "none"),
    _op("Dispenses", "EtudiantsTableauDeDispenses", _t("Dispense"), tab("Etudiant"), "I", "-"),
    # subject 0 = global exemption (dispense de toutes les matières)
    _op("Dispenses", "MatieresTableauDeDispenses", _t("Dispense"), tab("Matiere"), "I", "none"),
    _op("Dispenses", "SontDispensesGlobalesTableauDeDispenses", _t("Dispense"), BOOLS, "I", "-"),
    _op("Dispenses", "DatesDebutTableauDeDispenses", _t("Dispense"), DATES, "I", "none"),
    _op("Dispenses", "DatesFinTableauDeDispenses", _t("Dispense"), DATES, "I", "none"),
    # --- Stages (learning masters / company tutors): provisional ----------------------------
    _op("Stages", "TousLesMaitresDeStage", _NONE, tab("MaitreDeStage"), "I", "none"),
    _op("Stages", "NomsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I", "none"),
    _op("Stages", "PrenomsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I", "none"),
    _op("Stages", "EMailsTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I", "none"),
    _op("Stages", "EntreprisesTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I", "none"),
    _op("Stages", "TelephonesTableauDeMaitresDeStage", _t("MaitreDeStage"), STRINGS, "I", "none"),
    _op("Stages", "MaitresDeStageEtudiant", _p("Etudiant"), tab("MaitreDeStage"), "I", "none"),
    _op(
        "Stages",
        "MaitresDeStageTableauDEtudiants",
        _t("Etudiant"),
        tabtab("MaitreDeStage"),
        "I",
        "none",
    ),
    # --- CoursAnnules (cancelled seances): provisional --------------------------------------
    _op("CoursAnnules", "DetailDesSeancesAnnuleesDuCours", _p("Cours"), SEANCES, "I", "none"),
    _op("CoursAnnules", "DetailDesSeancesAnnuleesTableauDeCours", _t("Cours"), SEANCES, "I", "-"),
)

BY_NAME: dict[str, Operation] = {op.name: op for op in OPERATIONS}
INTERFACES: tuple[str, ...] = tuple(dict.fromkeys(op.interface for op in OPERATIONS))


def operation(name: str) -> Operation:
    """Look an operation up by name (names are unique across interfaces)."""
    return BY_NAME[name]


def service_of(interface: str) -> str:
    """The wsdl:service holding an interface's port."""
    return "HpSvcWAdmin" if interface == "Admin" else "HpSvcWDonnees"
