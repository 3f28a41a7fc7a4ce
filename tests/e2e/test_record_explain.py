"""The dashboard's record page reads the real base: a learner and a course explained."""

from __future__ import annotations

from pathlib import Path

from hpsync.commands.serve_cmd import explain_now_for

from .harness import world


def test_explain_now_reads_the_configured_base(tmp_path: Path) -> None:
    """A learner is explained per account; a trainer-less course lists its sessions."""
    with world(tmp_path) as w:
        explain = explain_now_for(w.config)
        student = w.school["students"][0]
        text = explain(f"learner {student['key']}")
        assert "== account nord" in text and "== account sud" in text
        assert student["last_name"] in text
        course = next(c for c in w.school["courses"] if c.get("seances"))
        assert f"course {course['key']}" in explain(f"course {course['key']}")
