"""The demo scenario end to end on a small school: the report says what a user expects."""

from __future__ import annotations

from pathlib import Path

from hpsync.demo.scenario import DemoSettings, run_demo


def test_demo_runs_both_flows_and_reports(tmp_path: Path) -> None:
    """First sync writes, attendance comes back, the second sync writes nothing, drift shows."""
    report = run_demo(
        DemoSettings(size="S", seed=7, out_dir=tmp_path, progress=False), echo=lambda _: None
    )
    tables = {t.title: t for t in report.tables}
    first = tables["First sync down (planning → Edusign)"]
    second = tables["Second sync down"]
    col = first.header.index("created")
    assert all(int(row[col]) > 0 for row in first.rows)
    writes = second.header.index("write calls")
    assert all(row[writes] == "0" for row in second.rows)
    drift = second.header.index("drift")
    assert all(int(row[drift]) >= 1 for row in second.rows)
    back = tables["Attendance written back (Edusign → Hyperplanning)"]
    assert any(row[3].get("written.absence.write", 0) > 0 for row in back.rows)
    later = tables["After a justification arrived later"]
    assert any(row[3].get("written.absence.rewrite") == 1 for row in later.rows)
    assert "absences corrected in Hyperplanning 1" in report.text()  # labels, not keys
    html = (tmp_path / "report.html").read_text(encoding="utf-8")  # French by default
    assert "Deuxième synchronisation" in html and "<table>" in html
    assert html.count("<svg") == 6  # per account: attendance, writes, calls
    assert "Second sync down" in report.html("en") and "UTC" not in report.html("en")
    assert "HPSYNC_DEMO" not in report.text()


def test_demo_on_the_public_surface_completes_and_names_what_is_off(tmp_path: Path) -> None:
    """With both emulators in their public profile (only what public evidence shows real
    services offer) the demo's flows complete — first sync, attendance written back, a
    second sync with no write — and the report lists by name the features that are off."""
    report = run_demo(
        DemoSettings(size="S", seed=7, out_dir=tmp_path, progress=False, profile="public"),
        echo=lambda _: None,
    )
    tables = {t.title: t for t in report.tables}
    first = tables["First sync down (planning → Edusign)"]
    assert all(int(row[first.header.index("created")]) > 0 for row in first.rows)
    back = tables["Attendance written back (Edusign → Hyperplanning)"]
    assert any(row[3].get("written.absence.write", 0) > 0 for row in back.rows)
    second = tables["Second sync down"]
    assert all(row[second.header.index("write calls")] == "0" for row in second.rows)
    off = " ".join(" ".join(row) for row in tables["Off on these services (hpsync doctor)"].rows)
    for feature in ("exemptions", "tutors", "cancelled séances", "rubrics of each learner"):
        assert feature in off, feature
