"""Edusign reasons become Hyperplanning motifs through the account's table, checked
against the server's list; an unknown reason is reported and the absence still written."""

from __future__ import annotations

from hpsync.attendance.motifs import table_of
from hpsync.attendance.plan import plan_attendance
from hpsync.attendance.statuses import FinalPolicy, SheetMark
from hpsync.ports import Sheet
from hpsync.sync.up import run_attendance
from hpsync.testing.builders import BASE, PARIS, small_snapshot
from hpsync.testing.fakes import FakeHyperplanningAbsences, MemoryLedger

MOTIFS = ["Maladie", "Rendez-vous médical", "Autre"]


def test_mapped_motif_and_known_motif_pass_unknown_is_reported() -> None:
    """A mapped reason gives its motif (case and spaces ignored); a reason that is already
    a motif passes; an unknown one gives no motif and a problem naming the table."""
    table = table_of({"Certificat  médical": "Maladie"}, MOTIFS)
    assert table.motif("certificat médical") == ("Maladie", "")
    assert table.motif("autre") == ("Autre", "")
    motif, problem = table.motif("Panne de réveil")
    assert motif == "" and "[accounts.attendance.motifs]" in problem
    assert table.motif("") == ("", "")


def test_a_table_naming_a_motif_the_server_lacks_is_reported() -> None:
    """A typo in the table is found against TousLesMotifs; without the list nothing is."""
    assert len(table_of({"Certificat": "Maladi"}, MOTIFS).problems()) == 1
    assert table_of({"Certificat": "Maladi"}, None).problems() == []
    assert table_of({}, None).motif("Certificat") == ("Certificat", "")


def test_the_absence_is_written_with_the_motif_or_without_one() -> None:
    """Two justified absences: the mapped reason is written as its motif; the unknown one
    is written without motif and reported once."""
    from datetime import datetime

    session = f"hp:{BASE}:session:10-2"
    marks = (
        SheetMark(session, f"hp:{BASE}:learner:1", False, justified=True, reason="Certificat"),
        SheetMark(session, f"hp:{BASE}:learner:2", False, justified=True, reason="Inconnu"),
    )
    plan = plan_attendance(
        small_snapshot(),
        [Sheet(session, "c1", True, marks)],
        {},
        FinalPolicy(),
        now=datetime(2026, 9, 30, tzinfo=PARIS),
    )
    hp = FakeHyperplanningAbsences()
    report = run_attendance(
        plan, hp, MemoryLedger(), motifs=table_of({"Certificat": "Maladie"}, MOTIFS)
    )
    assert sorted((a.learner_key, a.reason) for a in hp.absences) == [(1, "Maladie"), (2, "")]
    assert len(report.notes) == 1 and "Inconnu" in report.notes[0]
