"""The emulator's own spec: verdicts from the evidence file, handlers, and independence."""

from __future__ import annotations

import ast
from pathlib import Path

from hpsync.emulators.hyperplanning.handlers import HANDLERS
from hpsync.emulators.hyperplanning.spec import OPERATIONS, by_name, operations, shapes

EMULATORS = Path(__file__).resolve().parents[2] / "src" / "hpsync" / "emulators"
CLIENT_PACKAGES = ("hpsync.hyperplanning", "hpsync.edusign", "hpsync.engine",
                   "hpsync.sync")  # fmt: skip
KNOWN_ELSEWHERE: set[tuple[str, str]] = set()  # none: every emulator owns its truth

#: Verdicts evidence-2026-12.md §1b gives where the client's own marks say C.
EVIDENCE_P = {
    "TousLesTDOptions",
    "CapacitesTableauDeSalles",
    "NomsTableauDePromotions",
    "TypesTableauDeCours",
    "CivilitesTableauDEnseignants",
    "EMailsTableauDEnseignants",
    "CodesTableauDEnseignants",
}


def test_every_operation_has_a_handler_and_every_handler_serves_one() -> None:
    """Each operation shape of the spec is answered by a handler, and no handler is dead."""
    assert {op.handler_key for op in OPERATIONS} == set(HANDLERS)


def test_evidence_corrections_of_the_clients_marks_are_in_the_spec() -> None:
    """The operations the evidence downgrades from C to P are P here, and served publicly."""
    for name in EVIDENCE_P:
        op = by_name("full")[name]
        assert op.verdict == "P", name
        assert name in by_name("public"), name


def test_public_profile_holds_only_c_and_p_and_full_is_a_superset_by_name() -> None:
    """The public profile has no I or X operation; the full one serves every public name."""
    public = operations("public")
    assert public and all(op.verdict in {"C", "P"} for op in public)
    assert {op.name for op in public} <= set(by_name("full"))
    assert {op.verdict for op in operations("full")} == {"C", "P", "I", "X"}


def test_creer_retard_has_two_shapes_one_per_profile() -> None:
    """CreerRetardEtudiant: the client's duration form (X) in full, start/end (P) in public."""
    full, public = by_name("full")["CreerRetardEtudiant"], by_name("public")["CreerRetardEtudiant"]
    assert [n for n, _ in full.params] == ["AEtudiant", "ADateHeure", "ADuree", "AJustifie"]
    assert full.verdict == "X"
    assert [n for n, _ in public.params] == [
        "AEtudiant",
        "ADateHeureDebut",
        "ADateHeureFin",
        "AJustifie",
    ]
    assert public.verdict == "P" and public.sources == ("S-CLI",)
    assert len(shapes("CreerRetardEtudiant")) == 2


def _imports(path: Path) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    package = ["hpsync", "emulators", *path.relative_to(EMULATORS).parent.parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_no_emulator_module_imports_a_client_package() -> None:
    """Nothing under src/hpsync/emulators imports the clients, adapters, engine or sync
    (function-level and relative imports included); only the known edusign one remains."""
    files = sorted(EMULATORS.rglob("*.py"))
    assert len(files) > 20
    offending: set[tuple[str, str]] = set()
    for path in files:
        for name in _imports(path):
            for package in CLIENT_PACKAGES:
                if name == package or name.startswith(package + "."):
                    offending.add((path.relative_to(EMULATORS).as_posix(), package))
    assert not {o for o in offending if o[0].startswith("hyperplanning/")}
    assert offending <= KNOWN_ELSEWHERE
