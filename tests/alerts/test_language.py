"""Alert and report e-mails in the configuration's language, times in the account's zone
(named once), never in UTC (pure: no store, no SMTP)."""

from __future__ import annotations

import re

import pytest

from hpsync.alerts.report import figures, last_period
from hpsync.alerts.service import plan_alerts, plan_reports

from .data import LEA, NOW, SNAPSHOT, account, mark, week_marks

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.mark.parametrize(
    ("language", "hello", "rule", "when", "note"),
    [
        (
            "fr",
            "Bonjour Marc Petit,",
            "3 absences non justifiées en 30 jours (seuil 3)",
            "lun. 7 sept. 2026, 08:00 → 10:00",
            "Heures exprimées dans le fuseau Europe/Paris.",
        ),
        (
            "en",
            "Hello Marc Petit,",
            "3 absences not justified in 30 days (threshold 3)",
            "Mon 7 Sep 2026, 08:00 → 10:00",
            "Times are in the Europe/Paris time zone.",
        ),
    ],
)
def test_an_alert_speaks_the_language_and_the_zone(
    language: str, hello: str, rule: str, when: str, note: str
) -> None:
    """Both parts greet, state the rule and list the sessions in the reader's words and
    in Paris time (the sessions start at 08:00 there, 06:00 UTC)."""
    out = plan_alerts(
        SNAPSHOT, account(), week_marks(), now=NOW, zone="Europe/Paris", language=language
    )
    email = next(o for o in out.outgoing if o.dedup_key.startswith(f"alert:absences:{LEA}"))
    for part in (email.text, email.html):
        assert hello in part and rule in part and when in part
        assert part.count(note) == 1
        assert "UTC" not in part and not ISO.search(part)
    assert f'<html lang="{language}">' in email.html


def test_a_report_gives_the_period_and_the_rate_in_the_readers_words() -> None:
    """The weekly report names its week's first and last day, and the rate with the
    language's decimal mark and sign."""
    period = last_period("week", NOW, "Europe/Paris")
    marks = [mark(LEA, 0, "absent"), mark(LEA, 1), mark(LEA, 2, late_minutes=12)]
    texts = {}
    for language in ("fr", "en"):
        out = plan_reports(SNAPSHOT, marks, period, zone="Europe/Paris", language=language)
        (email,) = [o for o in out.outgoing if "report:week" in o.dedup_key]
        texts[language] = email.text
        assert "UTC" not in email.text and "UTC" not in email.html
    assert "semaine 2026-W37 (7 sept. 2026 – 13 sept. 2026)" in texts["fr"]
    assert "assiduité 67 %" in texts["fr"]
    assert "week 2026-W37 (7 Sep 2026 – 13 Sep 2026)" in texts["en"]
    assert "attendance 67%" in texts["en"]
    assert figures(LEA, "Léa", marks).rate == pytest.approx(200 / 3)
