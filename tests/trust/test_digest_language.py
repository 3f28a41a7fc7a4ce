"""The daily digest in the configuration's language, its times in the school's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from hpsync.notify.digest import Digest
from hpsync.state.rows import RunRow

SINCE = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 00:30 on the 7th in Paris


def _digest() -> Digest:
    run = RunRow(12, "nord", "up", False, SINCE, SINCE, "partial", {"failed": 1})
    return Digest("nord", SINCE, runs=[run], writes=3, failed=1, anomalies=["learner 4: no e-mail"])


def test_the_digest_reads_in_french_by_default_and_in_english_on_request() -> None:
    """Since when, each run's time, flow and outcome in words; the zone named once."""
    french = _digest().text("Europe/Paris")
    assert "Récapitulatif hpsync du compte nord, depuis le lun. 7 déc. 2026, 00:30" in french
    assert "exécution 12, lun. 7 déc. 2026, 00:30, présences → Hyperplanning : partiellement" in (
        french
    )
    assert french.count("Heures exprimées dans le fuseau Europe/Paris.") == 1
    english = _digest().text("Europe/Paris", "en")
    assert "hpsync digest for account nord, since Mon 7 Dec 2026, 00:30" in english
    assert "run 12, Mon 7 Dec 2026, 00:30, attendance → Hyperplanning: partly done" in english
    assert "Anomalies to fix in Hyperplanning (1):" in english
    for text in (french, english):
        assert "UTC" not in text and "2026-12-06" not in text
