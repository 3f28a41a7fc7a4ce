"""Delivery of e-mails: SMTP (smtplib) or, for a dry run, ``.eml`` files in a folder.

The SMTP password is a ``Secret`` revealed only to ``login``; error texts are redacted
before they are stored or shown.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from hpsync.config.models import SmtpConfig
from hpsync.secrets import Secret
from hpsync.state.marks import NotificationRow

KEY_HEADER = "X-Hpsync-Key"
SEND_ERRORS = (OSError, smtplib.SMTPException)


class Mailer(Protocol):
    """Something that delivers one message or raises one of ``SEND_ERRORS``."""

    def send(self, message: EmailMessage) -> None: ...


def build_message(sender: str, row: NotificationRow) -> EmailMessage:
    """The MIME message of a logged notification (text part + HTML alternative).

    Its Message-ID derives from the dedup key: a mail system can spot a duplicate too.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    if row.created_at is not None:
        message["Date"] = format_datetime(row.created_at)
    digest = hashlib.sha256(f"{row.account}\n{row.dedup_key}".encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@hpsync>"
    message[KEY_HEADER] = row.dedup_key
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


class SmtpMailer:
    """One SMTP connection per message: few messages, and a failure stays isolated."""

    def __init__(
        self, settings: SmtpConfig, password: Secret | None, *, timeout: float = 30.0
    ) -> None:
        self.settings = settings
        self._password = password
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        with smtp:
            if s.tls == "starttls":
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, self._password.reveal() if self._password else "")
            smtp.send_message(message)

    def __repr__(self) -> str:
        s = self.settings
        return f"SmtpMailer({s.host}:{s.port}, tls={s.tls}, user={s.user!r})"


class EmlFolder:
    """A dry run's mailer: each message becomes ``<key>.eml`` in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = str(message[KEY_HEADER] or message["Message-ID"])
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:120]
        suffix = hashlib.sha256(key.encode()).hexdigest()[:8]
        path = self.folder / f"{slug}-{suffix}.eml"
        path.write_bytes(bytes(message))
        self.written.append(path)
