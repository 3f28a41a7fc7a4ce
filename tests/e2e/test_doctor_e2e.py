"""`hpsync doctor` before going live: the capability matrix of both services, and a
capture of the Hyperplanning surface that holds no credential and no person."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .harness import world


def test_doctor_prints_both_matrices_and_captures_the_surface(tmp_path: Path) -> None:
    """Every capability is listed on/off; the capture has the WSDL, the operations with
    their parameters and a sample whose people are stand-ins; no secret is written."""
    with world(tmp_path) as w:
        captured = tmp_path / "capture"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hpsync",
                "doctor",
                "-c",
                str(w.config),
                "--capture",
                str(captured),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        out = done.stdout
        assert "✓ Hyperplanning capabilities" in out
        for label in ("learners (names, e-mails) (bulk)", "writing absences", "exemptions"):
            assert label in out, label
        lines = out.splitlines()
        assert lines.count("  on   people") == 2 and lines.count("  on   courses") == 2
        folder = captured / "hyperplanning"
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            "capabilities.txt",
            "operations.json",
            "sample.json",
            "version.txt",
            "wsdl.xml",
        ]
        assert (
            "<wsdl:definitions" in (folder / "wsdl.xml").read_text()
            or "definitions" in (folder / "wsdl.xml").read_text()
        )
        operations = json.loads((folder / "operations.json").read_text())
        assert operations["AjouterAbsenceEtudiant"]["params"] == [
            "AEtudiant",
            "ADateHeureDebut",
            "ADateHeureFin",
            "AJustifie",
        ]
        everything = "".join(p.read_text() for p in folder.iterdir())
        assert os.environ["HPSYNC_E2E_HP"] not in everything
        for key in w.keys.values():
            assert key not in everything
        emails = {s["email"] for s in w.school["students"] if s.get("email")}
        emails |= {t["email"] for t in w.school["teachers"] if t.get("email")}
        assert not [e for e in emails if e in everything]
        sample = json.loads((folder / "sample.json").read_text())
        assert sample["learner"][0]["EMailEtudiant"] == "learner1@example.invalid"
