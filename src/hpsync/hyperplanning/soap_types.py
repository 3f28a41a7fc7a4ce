"""The XSD vocabulary of the Service Web: keys, arrays, durations, the seance record.

Names follow the attested ``THpSvcW…`` convention (reference §2.1): an integer key per
entity restricting ``xsd:unsignedInt``, key arrays ``THpSvcWTableauCles<Entities>`` whose
items are named after the key type, scalar arrays whose items are ``string``,
``unsignedInt``, ``double``, ``boolean``. Array *type* names of scalar arrays, nested
arrays and the absence/delay records are not attested: they are ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

STRING = "xsd:string"
BOOL = "xsd:boolean"
UINT = "xsd:unsignedInt"
INT = "xsd:int"
DOUBLE = "xsd:double"
DATE = "xsd:date"
DATETIME = "xsd:dateTime"
DUREE = "THpSvcWDuree"
GENRE = "THpSvcWGenreFamille"

STRINGS = "THpSvcWTableauChaines"
UINTS = "THpSvcWTableauEntiers"
DOUBLES = "THpSvcWTableauReels"
BOOLS = "THpSvcWTableauBooleens"
DATES = "THpSvcWTableauDates"
SEANCES = "THpSvcWTableauSeances"
ABSENCES = "THpSvcWTableauAbsences"
RETARDS = "THpSvcWTableauRetards"

# Entity → plural used in array type names.
PLURAL: dict[str, str] = {
    "Cours": "Cours",
    "Etudiant": "Etudiants",
    "Enseignant": "Enseignants",
    "Matiere": "Matieres",
    "Salle": "Salles",
    "Promotion": "Promotions",
    "TDOption": "TDOptions",
    "Regroupement": "Regroupements",
    "Famille": "Familles",
    "Rubrique": "Rubriques",
    "Absence": "Absences",
    "Retard": "Retards",
    "Dispense": "Dispenses",
    "MaitreDeStage": "MaitresDeStage",
}

GENRES: tuple[str, ...] = (
    "gfAppariteur",
    "gfCalendrier",
    "gfContacts",
    "gfCours",
    "gfCursus",
    "gfEnseignant",
    "gfEntreprise",
    "gfEtudiant",
    "gfMatiere",
    "gfModule",
    "gfPanneauLumieux",
    "gfPeriodeNotation",
    "gfPromotion",
    "gfRegroupement",
    "gfSalle",
    "gfType",
)


def cle(entity: str) -> str:
    """Key type of an entity, e.g. ``THpSvcWCleCours``."""
    return f"THpSvcWCle{entity}"


def tab(entity: str) -> str:
    """Key-array type of an entity, e.g. ``THpSvcWTableauClesEtudiants``."""
    return f"THpSvcWTableauCles{PLURAL[entity]}"


def tabtab(entity: str) -> str:
    """Array of key arrays (one per input key) — our bulk relation shape, provisional."""
    return f"THpSvcWTableauTableauxCles{PLURAL[entity]}"


Kind = Literal["simple", "key", "enum", "array", "struct"]


@dataclass(frozen=True, slots=True)
class TypeDef:
    """How one named type looks on the wire."""

    name: str
    kind: Kind
    base: str = ""  # simple/key/enum: the XSD base
    item_name: str = ""  # array: item element name
    item_type: str = ""  # array: item type
    fields: tuple[tuple[str, str], ...] = ()  # struct: (element, type)
    values: tuple[str, ...] = ()  # enum values


SEANCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Cours", cle("Cours")),
    ("Matiere", cle("Matiere")),
    ("JourEtHeureDebut", DATETIME),
    ("Duree", DUREE),
    ("TypeCours", STRING),
    ("TableauSalle", tab("Salle")),
    ("TableauEnseignant", tab("Enseignant")),
)
ABSENCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Absence", cle("Absence")),
    ("Etudiant", cle("Etudiant")),
    ("DateHeureDebut", DATETIME),
    ("DateHeureFin", DATETIME),
    ("Justifiee", BOOL),
    ("Motif", STRING),
)
RETARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("Retard", cle("Retard")),
    ("Etudiant", cle("Etudiant")),
    ("DateHeure", DATETIME),
    ("Duree", DUREE),
    ("Justifie", BOOL),
    ("Motif", STRING),
)


def _registry() -> dict[str, TypeDef]:
    types: dict[str, TypeDef] = {}
    for base in (STRING, BOOL, UINT, INT, DOUBLE, DATE, DATETIME):
        types[base] = TypeDef(base, "simple", base=base)
    types[DUREE] = TypeDef(DUREE, "simple", base=DOUBLE)
    types[GENRE] = TypeDef(GENRE, "enum", base=STRING, values=GENRES)
    for entity in PLURAL:
        types[cle(entity)] = TypeDef(cle(entity), "key", base=UINT)
        types[tab(entity)] = TypeDef(
            tab(entity), "array", item_name=cle(entity), item_type=cle(entity)
        )
        types[tabtab(entity)] = TypeDef(
            tabtab(entity), "array", item_name=tab(entity), item_type=tab(entity)
        )
    for name, item in ((STRINGS, "string"), (UINTS, "unsignedInt"), (DOUBLES, "double")):
        types[name] = TypeDef(name, "array", item_name=item, item_type=f"xsd:{item}")
    types[BOOLS] = TypeDef(BOOLS, "array", item_name="boolean", item_type=BOOL)
    types[DATES] = TypeDef(DATES, "array", item_name="date", item_type=DATE)
    for struct, array, fields in (
        ("THpSvcWTypeSeance", SEANCES, SEANCE_FIELDS),
        ("THpSvcWTypeAbsence", ABSENCES, ABSENCE_FIELDS),
        ("THpSvcWTypeRetard", RETARDS, RETARD_FIELDS),
    ):
        types[struct] = TypeDef(struct, "struct", fields=fields)
        types[array] = TypeDef(array, "array", item_name=struct, item_type=struct)
    return types


TYPES: dict[str, TypeDef] = _registry()
