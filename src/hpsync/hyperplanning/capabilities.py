"""What hpsync can do with the Service Web it found: capabilities resolved to operations.

Each capability lists ways to obtain it, best first: a bulk getter (one call per 500
records), else the per-record operations public clients use (one call per record). A
capability none of whose ways the WSDL offers is *off*. A required one off stops the run
with one line naming the missing operations (exit 4, ``MissingCapability``); an optional
one off turns its feature off, with one warning per run, shown by ``plan``, the dashboard
and ``doctor``. ``hpsync doctor`` prints this matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hpsync.errors import MissingCapability
from hpsync.hyperplanning.surface import Surface


@dataclass(frozen=True, slots=True)
class Way:
    """One way to obtain a capability: every operation it needs, and how it reads."""

    operations: tuple[str, ...]
    label: str  # "bulk" | "per record" | ...


@dataclass(frozen=True, slots=True)
class Capability:
    """Something hpsync needs from the Service Web, and what is lost when it is off."""

    key: str
    label: str
    required: bool
    ways: tuple[Way, ...]
    when_off: str  # the consequence, in a sentence


def _w(label: str, *ops: str) -> Way:
    return Way(tuple(ops), label)


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "base",
        "base identity",
        True,
        (_w("direct", "Version", "DatePremierJourBase"),),
        "nothing can be read",
    ),
    Capability(
        "students",
        "learners (names, e-mails)",
        True,
        (
            _w(
                "bulk",
                "TousLesEtudiants",
                "NomsTableauDEtudiants",
                "PrenomsTableauDEtudiants",
                "EMailsTableauDEtudiants",
            ),
            _w("per record", "TousLesEtudiants", "NomEtudiant", "PrenomEtudiant", "EMailEtudiant"),
        ),
        "no learner can be synced",
    ),
    Capability(
        "teachers",
        "trainers (names, e-mails)",
        True,
        (
            _w(
                "bulk",
                "TousLesEnseignants",
                "NomsTableauDEnseignants",
                "PrenomsTableauDEnseignants",
                "EMailsTableauDEnseignants",
            ),
            _w(
                "per record",
                "TousLesEnseignants",
                "NomEnseignant",
                "PrenomEnseignant",
                "EMailEnseignant",
            ),
        ),
        "no trainer can be synced",
    ),
    Capability(
        "courses",
        "courses and their séances",
        True,
        (
            _w("bulk", "TousLesCours", "DetailDesSeancesPlaceesTableauDeCours"),
            _w("per record", "TousLesCours", "DetailDesSeancesPlaceesDuCours"),
        ),
        "no session can be synced",
    ),
    Capability(
        "rosters",
        "who attends each course",
        True,
        (
            _w("bulk", "EtudiantsTableauDeCours", "PromotionsTableauDEtudiants"),
            _w("per record", "EtudiantsDuCours"),
        ),
        "sessions would have no learner",
    ),
    Capability(
        "course_trainers",
        "trainers of each course",
        True,
        (_w("bulk", "EnseignantsTableauDeCours"), _w("per record", "EnseignantsDuCours")),
        "sessions would have no trainer",
    ),
    Capability(
        "rooms",
        "rooms (name, code)",
        False,
        (
            _w("bulk", "ToutesLesSalles", "NomsTableauDeSalles", "SallesTableauDeCours"),
            _w("per record", "ToutesLesSalles", "NomSalle", "SallesDuCours"),
        ),
        "sessions are sent without a room",
    ),
    Capability(
        "groups",
        "groups (promotions, TD/options, regroupements)",
        False,
        (
            _w("bulk", "ToutesLesPromotions", "NomsTableauDePromotions"),
            _w("per record", "ToutesLesPromotions", "NomPromotion"),
        ),
        "no Edusign group is kept",
    ),
    Capability(
        "families",
        "families and rubrics",
        False,
        (
            _w(
                "bulk",
                "ToutesLesFamillesDuGenre",
                "LibellesTableauDeFamilles",
                "RubriquesTableauDeFamilles",
                "LibellesTableauDeRubriques",
            ),
            _w(
                "per record",
                "ToutesLesFamillesDuGenre",
                "LibelleFamille",
                "ToutesLesRubriquesDeLaFamille",
                "LibelleRubrique",
            ),
        ),
        "no selection by family/rubric and no tag",
    ),
    Capability(
        "learner_rubrics",
        "the rubrics of each learner",
        False,
        (
            _w("bulk", "RubriquesTableauDEtudiantsDeFamille"),
            _w("per record", "RubriqueDeLEtudiantDeFamille"),
        ),
        "accounts selecting learners by family/rubric, or tagging them, cannot be synced",
    ),
    Capability(
        "course_rubrics",
        "the rubrics of each course",
        False,
        (
            _w("bulk", "RubriquesTableauDeCoursDeFamille"),
            _w("per record", "RubriqueDuCoursDeFamille"),
        ),
        "accounts including or excluding courses by family/rubric cannot be synced",
    ),
    Capability(
        "exemptions",
        "exemptions (dispenses)",
        False,
        (
            _w(
                "bulk",
                "ToutesLesDispenses",
                "EtudiantsTableauDeDispenses",
                "MatieresTableauDeDispenses",
                "DatesDebutTableauDeDispenses",
                "DatesFinTableauDeDispenses",
            ),
        ),
        "exempted learners stay on their sessions",
    ),
    Capability(
        "tutors",
        "tutors / learning masters",
        False,
        (
            _w(
                "bulk",
                "TousLesMaitresDeStage",
                "NomsTableauDeMaitresDeStage",
                "PrenomsTableauDeMaitresDeStage",
                "EMailsTableauDeMaitresDeStage",
                "MaitresDeStageTableauDEtudiants",
            ),
        ),
        "tutors are not synced and receive no report",
    ),
    Capability(
        "cancelled",
        "cancelled séances",
        False,
        (
            _w("bulk", "DetailDesSeancesAnnuleesTableauDeCours"),
            _w("per record", "DetailDesSeancesAnnuleesDuCours"),
        ),
        "cancelled séances are not known (only placed ones are synced)",
    ),
    Capability(
        "absences_write",
        "writing absences",
        True,
        (
            _w(
                "direct",
                "AjouterAbsenceEtudiant",
                "EnleverAbsenceEtudiant",
                "AbsencesEtudiantEntre2Dates",
                "DateHeureDebutAbsenceEtudiant",
                "DateHeureFinAbsenceEtudiant",
                "AbsenceEtudiantEstJustifiee",
            ),
        ),
        "no attendance can be written back",
    ),
    Capability(
        "delays_write",
        "writing delays",
        False,
        (
            _w(
                "direct",
                "CreerRetardEtudiant",
                "RetardsEtudiantEntre2Dates",
                "DateHeureRetardEtudiant",
                "DureeRetardEtudiant",
            ),
        ),
        "late arrivals are not written back (reported instead)",
    ),
    Capability(
        "delays_remove",
        "removing delays",
        False,
        (_w("direct", "SupprimerRetardEtudiant"),),
        "a delay corrected on Edusign stays in Hyperplanning (reported)",
    ),
    Capability(
        "motifs",
        "absence reasons (motifs)",
        False,
        (_w("direct", "TousLesMotifs", "ModifierMotifAbsenceEtudiant"),),
        "absences are written without their reason",
    ),
)

BY_KEY = {c.key: c for c in CAPABILITIES}
#: Capabilities only the attendance write-back needs (reading a base does not).
WRITE_ONLY = frozenset({"absences_write", "delays_write", "delays_remove", "motifs"})


@dataclass(frozen=True, slots=True)
class Resolved:
    """One capability as the surface allows it."""

    capability: Capability
    way: Way | None  # None: off
    missing: tuple[str, ...]  # what the best way lacks, when off

    @property
    def on(self) -> bool:
        return self.way is not None

    def line(self) -> str:
        c = self.capability
        if self.way is not None:
            return f"{'on':<4} {c.label} ({self.way.label})"
        need = "REQUIRED, " if c.required else ""
        return f"{'OFF':<4} {c.label}: {need}{c.when_off} — missing {', '.join(self.missing)}"


def resolve(surface: Surface, capabilities: Sequence[Capability] = CAPABILITIES) -> list[Resolved]:
    """Each capability with the first way the surface fully offers (or off)."""
    out: list[Resolved] = []
    for capability in capabilities:
        way = next((w for w in capability.ways if surface.has_all(w.operations)), None)
        if way is not None:
            out.append(Resolved(capability, way, ()))
            continue
        best = min(capability.ways, key=lambda w: len(surface.missing(w.operations)))
        out.append(Resolved(capability, None, tuple(surface.missing(best.operations))))
    return out


def require(resolved: Iterable[Resolved], keys: Iterable[str], *, what: str) -> None:
    """Raise MissingCapability naming the operations when one of ``keys`` is off."""
    by_key = {r.capability.key: r for r in resolved}
    off = [by_key[k] for k in keys if k in by_key and not by_key[k].on]
    if off:
        raise MissingCapability(
            f"the Service Web lacks what {what} needs: "
            + "; ".join(f"{r.capability.label} (missing {', '.join(r.missing)})" for r in off),
            record="Hyperplanning",
            hint="run `hpsync doctor` for the whole capability matrix; if the server names "
            "an operation differently, map it under [hyperplanning.operations]",
        )
