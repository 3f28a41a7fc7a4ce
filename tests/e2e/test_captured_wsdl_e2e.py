"""A school's real WSDL, captured by `hpsync doctor --capture`, served by the emulator:
one optional operation missing turns its feature off and the sync completes; a required
one missing is one line naming it, exit 4 (docs: README "exit codes", docs/hyperplanning.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from hpsync.emulators.hyperplanning import start_emulator

from .harness import hpsync, world

WSDL = "http://schemas.xmlsoap.org/wsdl/"


def without(captured: Path, operations: set[str], into: Path) -> Path:
    """The captured WSDL with ``operations`` removed from its port types and bindings, as
    a server that lacks them would publish it."""
    doc = etree.parse(str(captured / "wsdl.xml"))
    for parent in ("portType", "binding"):
        for node in doc.iter(f"{{{WSDL}}}{parent}"):
            for op in list(node.findall(f"{{{WSDL}}}operation")):
                if op.get("name") in operations:
                    node.remove(op)
    into.mkdir(parents=True, exist_ok=True)
    doc.write(str(into / "wsdl.xml"), xml_declaration=True, encoding="utf-8")
    return into


@pytest.mark.parametrize(
    ("missing", "code", "said"),
    [
        ({"ToutesLesDispenses"}, 0, "exemptions are off"),
        ({"TousLesEtudiants"}, 4, "TousLesEtudiants"),
    ],
    ids=["optional-exemptions", "required-learners"],
)
def test_a_captured_wsdl_missing_one_operation(
    tmp_path: Path, missing: set[str], code: int, said: str
) -> None:
    """Capture the surface, drop one operation, serve it: an optional one turns its
    feature off (warned in the plan) and the sync completes; a required one stops with
    exit 4 and one line naming the operation."""
    with world(tmp_path) as w:
        captured = tmp_path / "capture"
        doctor = hpsync(w, None, "doctor", "--capture", str(captured))
        assert doctor.returncode == 0, doctor.stdout
        folder = without(captured / "hyperplanning", missing, tmp_path / "served")
        password = os.environ["HPSYNC_E2E_HP"]
        with start_emulator(
            w.school, user="ws", password=password, root="/hpsw/2026-2027", wsdl_dir=folder
        ) as hp:
            w.config.write_text(w.config.read_text().replace(w.hp_url, hp.url))
            done = hpsync(w, None, "plan" if code == 0 else "sync")
            if code == 0:
                done = hpsync(w, None, "sync")
                plan = hpsync(w, None, "plan")
                assert plan.returncode == 0 and said in plan.stdout, plan.stdout[-2000:]
        assert done.returncode == code, done.stderr[-2000:]
        if code:
            errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and said in errors[0] and "Traceback" not in done.stderr
