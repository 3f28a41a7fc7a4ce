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
