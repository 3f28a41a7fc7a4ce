"""The README shows the screenshots the browser tests take, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TAKEN = {f"fr-{page}.png" for page in ("overview", "run", "anomalies", "ledger", "report")}


def test_readme_links_every_screenshot_the_browser_tests_write() -> None:
    """Each image of the README's Screenshots section is a committed PNG in
    docs/screenshots, and every page the tests photograph for it is shown."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Screenshots", 1)[1].split("\n## ", 1)[0]
    linked = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+)\)", section)
    assert {Path(link).name for link in linked} == TAKEN
    for link in linked:
        data = (ROOT / link).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", link
