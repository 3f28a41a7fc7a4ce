"""Alerts and reports end to end: stored marks → e-mails through a real local SMTP server."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from alerts.conftest import SmtpServer
from alerts.data import LEA, NOW, SNAPSHOT, TOM, account, mark, week_marks
from hpsync.alerts.mailer import EmlFolder, SmtpMailer
from hpsync.alerts.queries import recent_notifications
from hpsync.alerts.service import send_alerts, send_reports
from hpsync.config.models import SmtpConfig
from hpsync.model import Learner
from hpsync.state import StateStore
from hpsync.state.marks import record_marks

ZONE = "Europe/Paris"
SENDER = "hpsync@ecole.test"


def mailer(server: SmtpServer) -> SmtpMailer:
    return SmtpMailer(SmtpConfig(host="127.0.0.1", port=server.port, sender=SENDER), None)


def alerts(store: StateStore, server: SmtpServer, **kw: object):  # type: ignore[no-untyped-def]
    return send_alerts(
        store, SNAPSHOT, account(), mailer(server), sender=SENDER, now=NOW, zone=ZONE, **kw
    )[1]


def test_expected_alerts_are_sent_once_and_a_rerun_sends_nothing(
    store: StateStore, smtp: SmtpServer
) -> None:
    """Léa's absence and lateness alerts reach her tutor once; running again sends nothing."""
    record_marks(store, "nord", week_marks())
    first = alerts(store, smtp)
    assert sorted(first.sent) == [
        f"alert:absences:{LEA}:2026-09-10:tutor:1",
        f"alert:late:{LEA}:2026-09-09:tutor:1",
    ]
    assert {m["To"] for m in smtp.messages} == {"m.petit@acme.test"}
    body = next(m for m in smtp.messages if "absences" in m["Subject"]).get_body(("plain",))
    assert body is not None
    assert "3 absences non justifiées en 30 jours" in body.get_content()  # French by default
    second = alerts(store, smtp)
    assert (second.sent, second.failed, second.already_sent) == ([], [], 2)
    assert len(smtp.messages) == 2


def test_a_tutor_without_email_is_an_anomaly_not_a_crash(
    store: StateStore, smtp: SmtpServer
) -> None:
    """Tom's tutor has no e-mail: the run reports it as an anomaly and sends the rest."""
    record_marks(store, "nord", week_marks())
    delivery = alerts(store, smtp)
    assert any("Ana Noir" in a and "no e-mail" in a for a in delivery.anomalies)
    assert not any(TOM in m["X-Hpsync-Key"] for m in smtp.messages)


def test_failed_send_is_recorded_then_sent_exactly_once_next_run(
    store: StateStore, smtp: SmtpServer
) -> None:
    """With the server down the sends are logged failed; the next run sends each once."""
    record_marks(store, "nord", week_marks())
    smtp.stop()
    down = alerts(store, smtp)
    assert len(down.failed) == 2 and down.sent == []
    logged = recent_notifications(store, "nord", 10)
    assert {(n.status, n.attempts) for n in logged} == {("failed", 1)}
    assert all("ConnectionRefused" in n.last_error for n in logged)
    smtp.start()
    up = alerts(store, smtp)
    assert sorted(up.sent) == sorted(down.failed)
    assert len(smtp.messages) == 2
    assert alerts(store, smtp).sent == []
    assert {n.status for n in recent_notifications(store, "nord", 10)} == {"sent"}


def test_a_failed_send_is_retried_even_when_the_run_no_longer_raises_it(
    store: StateStore, smtp: SmtpServer
) -> None:
    """A failed alert is retried from the log although its marks left the window since."""
    record_marks(store, "nord", week_marks())
    smtp.stop()
    alerts(store, smtp)
    smtp.start()
    later = send_alerts(
        store,
        SNAPSHOT,
        account(),
        mailer(smtp),
        sender=SENDER,
        now=NOW.replace(year=2027),
        zone=ZONE,
    )[1]
    assert len(later.sent) == 2


def test_report_figures_match_the_marks(store: StateStore, smtp: SmtpServer) -> None:
    """The weekly report gives Léa's sessions, absences, lateness, departures and rate."""
    left = mark(LEA, 4).session_start.replace(hour=9)
    record_marks(store, "nord", [*week_marks(), mark(LEA, 4, left_at=left)])
    _, delivery = send_reports(
        store, SNAPSHOT, account(), mailer(smtp), period="week", sender=SENDER, now=NOW, zone=ZONE
    )
    assert delivery.sent == ["report:week:2026-W37:tutor:1"]
    assert any("Ana Noir" in a for a in delivery.anomalies)  # Tom's tutor, no e-mail
    (message,) = smtp.messages
    text = message.get_body(("plain",))
    assert text is not None
    assert (
        "- Léa Durand : 8 séance(s), 4 absence(s) (dont 1 justifiée(s)), 3 retard(s) pour "
        "40 min au total (dont 0 justifié(s)), 1 départ(s) anticipé(s) (dont 0 justifié(s)), "
        "assiduité 50 %"
    ) in text.get_content()
    again = send_reports(
        store, SNAPSHOT, account(), mailer(smtp), period="week", sender=SENDER, now=NOW, zone=ZONE
    )[1]
    assert again.sent == [] and len(smtp.messages) == 1


def test_html_part_escapes_names(store: StateStore, smtp: SmtpServer) -> None:
    """A learner named with markup shows as text in the HTML part, never as markup."""
    lea = SNAPSHOT.learners[1]
    odd: Learner = dataclasses.replace(lea, first_name="<b>Léa</b>")
    snapshot = dataclasses.replace(SNAPSHOT, learners={**SNAPSHOT.learners, 1: odd})
    record_marks(store, "nord", week_marks())
    send_alerts(store, snapshot, account(), mailer(smtp), sender=SENDER, now=NOW, zone=ZONE)
    html = smtp.messages[0].get_body(("html",))
    assert html is not None
    assert "&lt;b&gt;Léa&lt;/b&gt; Durand" in html.get_content()
    assert "<b>Léa</b>" not in html.get_content()


def test_dry_run_writes_eml_files_and_a_real_run_sends_them_later(
    store: StateStore, smtp: SmtpServer, tmp_path: Path
) -> None:
    """A dry run writes one .eml per e-mail, logs them dry_run, and sends nothing."""
    record_marks(store, "nord", week_marks())
    folder = EmlFolder(tmp_path / "out")
    _, dry = send_alerts(
        store, SNAPSHOT, account(), folder, sender=SENDER, now=NOW, zone=ZONE, dry_run=True
    )
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 2 and len(dry.dry_run) == 2
    assert b"m.petit@acme.test" in files[0].read_bytes()
    assert smtp.messages == []
    assert {n.status for n in recent_notifications(store, "nord", 10)} == {"dry_run"}
    assert len(alerts(store, smtp).sent) == 2


def test_smtp_password_never_appears_in_errors_or_logs(
    store: StateStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused login is logged failed with the server's answer, never the password."""
    password = "s3cret-Smtp-Passw0rd"
    monkeypatch.setenv("HPSYNC_TEST_SMTP_PASSWORD", password)
    server = SmtpServer(refuse_auth=True)
    server.start()
    try:
        settings = SmtpConfig(
            host="127.0.0.1",
            port=server.port,
            user="hpsync",
            password="env:HPSYNC_TEST_SMTP_PASSWORD",
        )
        assert settings.password is not None
        smtp_mailer = SmtpMailer(settings, settings.password.resolve("smtp.password"))
        record_marks(store, "nord", week_marks())
        with caplog.at_level(logging.DEBUG):
            _, delivery = send_alerts(
                store, SNAPSHOT, account(), smtp_mailer, sender=SENDER, now=NOW, zone=ZONE
            )
    finally:
        server.stop()
    assert len(delivery.failed) == 2
    logged = recent_notifications(store, "nord", 10)
    assert all("SMTPAuthenticationError" in n.last_error for n in logged)
    everything = " ".join([*delivery.errors, *(n.last_error for n in logged), caplog.text])
    assert password not in everything
    assert password not in repr(smtp_mailer)
