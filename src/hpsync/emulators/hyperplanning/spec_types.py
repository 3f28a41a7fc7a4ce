"""The emulator's XSD vocabulary: keys, arrays, durations, the seance record.

The emulator's own copy, kept apart from the client's on purpose (an emulator that
borrows the client's type names agrees with the client's mistakes). Names follow the
attested ``THpSvcW…`` convention (hyperplanning-api.md §2.1, evidence-2026-12.md §1c): an
integer key per entity restricting ``xsd:unsignedInt``; key arrays
``THpSvcWTableauCles<Entities>`` whose items are named after the key type (C);
``THpSvcWTableauChaines`` and ``THpSvcWTableauBooleens`` (C, S-FSEN). The other scalar
array names, the nested ``THpSvcWTableauTableauxCles…`` arrays and the absence/delay
records are ours (I): only the full profile uses the nested ones and the records.
"""

from __future__ import annotations

from collections.abc import Iterable
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

#: Entity → plural used in array type names.
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

#: Family genres (hyperplanning-api.md §2.5; P, S-FAM, ``gfEnseignant`` also S-TS).
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
    """Array of key arrays (one per input key): a guess of ours, full profile only."""
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


def reachable(roots: Iterable[str]) -> list[TypeDef]:
    """The named types a set of parameter/result types needs, in registry order.

    A WSDL then declares only what its operations use (the public one carries none of
    the invented nested arrays or records).
    """
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        spec = TYPES[name]
        if spec.kind == "array":
            stack.append(spec.item_type)
        elif spec.kind == "struct":
            stack.extend(t for _, t in spec.fields)
    return [spec for name, spec in TYPES.items() if name in seen]
