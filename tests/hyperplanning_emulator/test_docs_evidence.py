"""docs/hyperplanning.md's evidence table is the spec's, operation by operation."""

from __future__ import annotations

import re
from pathlib import Path

from hpsync.emulators.hyperplanning.spec import OPERATIONS, evidence_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "hyperplanning.md"


def _table() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(
        r"<!-- evidence-table:start -->\n(.*?)<!-- evidence-table:end -->", text, re.S
    )
    assert found, "the evidence table markers are missing from docs/hyperplanning.md"
    return found.group(1)


def test_doc_table_is_the_generated_one() -> None:
    """The table in the doc equals evidence_markdown() (regenerate it when the spec moves)."""
    assert _table() == evidence_markdown()


def test_every_operation_shape_has_its_row_with_verdict_and_profiles() -> None:
    """Each operation of the spec appears with its verdict and the profiles serving it."""
    rows = [line for line in _table().splitlines() if line.startswith("| `")]
    assert len(rows) == len(OPERATIONS)
    for op, row in zip(OPERATIONS, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == f"`{op.name}`"
        assert cells[3].startswith(op.verdict)
        assert set(cells[5].split(", ")) == set(op.profiles)
