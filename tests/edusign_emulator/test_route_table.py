"""The emulator's own route table: independent of the client, consistent with itself, with
the app it builds and with its documentation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hpsync.emulators.edusign import Settings, build_state
from hpsync.emulators.edusign.app import create_app
from hpsync.emulators.edusign.profiles import PROFILES
from hpsync.emulators.edusign.routes import ROUTES, RateClass, RouteSpec, served

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "src" / "hpsync" / "emulators" / "edusign"
DOC = ROOT / "docs" / "edusign-emulator.md"
FORBIDDEN = (
    "hpsync.edusign",
    "hpsync.hyperplanning",
    "hpsync.engine",
    "hpsync.rules",
    "hpsync.sync",
)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module an ``import`` or ``from ... import`` of ``source`` names (relative
    imports resolved against ``package``), including ``from pkg import module`` names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _forbidden(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))


def test_the_import_check_sees_every_form_of_import() -> None:
    """The checker catches plain, from- and relative imports of a client package."""
    source = (
        "import hpsync.edusign.client\n"
        "from hpsync import engine\n"
        "from hpsync.sync import down\n"
        "from ... import rules\n"
        "from hpsync.edusign_extra import x\n"
    )
    names = imported_modules(source, "hpsync.emulators.edusign")
    assert _forbidden(names) == [
        "hpsync.edusign.client",
        "hpsync.engine",
        "hpsync.rules",
        "hpsync.sync",
        "hpsync.sync.down",
    ]


def test_no_emulator_module_imports_a_client_package() -> None:
    """No module of the Edusign emulator imports hpsync's clients, adapters or core."""
    modules = sorted(EMULATOR.glob("*.py"))
    assert len(modules) > 10
    offenders = {
        path.name: bad
        for path in modules
        if (bad := _forbidden(imported_modules(path.read_text(), "hpsync.emulators.edusign")))
    }
    assert offenders == {}


def test_heavy_routes_are_the_v3_batches_and_roster_puts() -> None:
    """Reference §4: only the v3 batch upserts and roster PUTs are marked HEAVY."""
    heavy = sorted(r.key for r in ROUTES if r.rate is RateClass.HEAVY)
    assert heavy == [
        "POST /v3/courses/batch-upsert",
        "POST /v3/professors/batch-upsert",
        "POST /v3/students/batch-upsert",
        "PUT /v3/courses/by-reference-id/{ref}/students",
        "PUT /v3/courses/{id}/students",
    ]


def test_public_serves_exactly_the_evidenced_routes() -> None:
    """C and P routes are served by both profiles; I and X routes by full only."""
    assert {r.verdict for r in ROUTES} <= {"C", "P", "I", "X"}
    for route in ROUTES:
        expected = set(PROFILES) if route.verdict in ("C", "P") else {"full"}
        assert set(route.profiles) == expected, route.key
        if route.verdict in ("C", "P"):
            assert route.sources, route.key
    assert len({r.key for r in ROUTES}) == len(ROUTES)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_app_serves_the_table(profile: str, tmp_path: Path) -> None:
    """The ASGI app mounts exactly the profile's routes of the table (and nothing else)."""
    state = build_state([("S", "k")], db_path=tmp_path / "e.sqlite", settings=Settings())
    state.settings.profile = profile
    try:
        app = create_app(state)
        mounted = sorted(
            f"{method} {route.path}"  # type: ignore[attr-defined]
            for route in app.routes
            if not route.path.startswith("/_emulator")  # type: ignore[attr-defined]
            for method in route.methods or ()  # type: ignore[attr-defined]
            if method != "HEAD"
        )
    finally:
        state.store.close()
    assert mounted == sorted(r.key for r in served(profile))


def _doc_rows() -> dict[str, list[str]]:
    text = DOC.read_text()
    section = text.split("## Route table and evidence", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([A-Z]+ /\S+)`", cells[0]) if line.startswith("|") else None
        if match:
            rows[match.group(1)] = cells[1:]
    return rows


def _expected_cells(route: RouteSpec) -> list[str]:
    return [
        str(route.rate),
        route.verdict,
        ", ".join(route.sources) or "–",
        ", ".join(p for p in PROFILES if p in route.profiles),
    ]


def test_every_route_is_documented_with_its_rate_verdict_and_profiles() -> None:
    """docs/edusign-emulator.md lists every route of the table, and only those, with the
    table's rate class, verdict, sources and profiles."""
    rows = _doc_rows()
    assert sorted(rows) == sorted(r.key for r in ROUTES)
    wrong = {r.key: rows[r.key][:4] for r in ROUTES if rows[r.key][:4] != _expected_cells(r)}
    assert wrong == {}
