"""``hpsync alerts`` and ``hpsync reports``: e-mail learning masters (and the school).

Both read the marks recorded by the up flow and the tutors from Hyperplanning, send
through SMTP (``[smtp]``) or, with ``--dry-run DIR``, write ``.eml`` files instead. Each
account is handled under its lease, so two runs never send the same e-mail twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from hpsync import clock
from hpsync.alerts.deliver import Delivery
from hpsync.alerts.mailer import EmlFolder, Mailer, SmtpMailer
from hpsync.alerts.service import send_alerts, send_reports
from hpsync.config import Config
from hpsync.errors import UsageError

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]
AccountOpt = Annotated[str | None, typer.Option("--account", "-a", help="Only this account.")]
DryRunOpt = Annotated[
    Path | None,
    typer.Option("--dry-run", help="Write the e-mails as .eml files in this folder; send none."),
]
NowOpt = Annotated[
    str | None, typer.Option("--now", help="Evaluate as of this ISO time (default: now).")
]


def _now(value: str | None) -> datetime:
    if value is None:
        return clock.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--now {value!r} is not an ISO date-time", hint="e.g. --now 2026-09-14T08:00+02:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _mailer(config: Config, dry_run: Path | None) -> tuple[Mailer, str]:
    if dry_run is not None:
        sender = config.smtp.sender if config.smtp else "hpsync@localhost"
        return EmlFolder(dry_run), sender
    if config.smtp is None:
        raise UsageError(
            "no [smtp] section in the configuration: cannot send e-mails",
            hint="add [smtp] (see docs/alerts.md) or use --dry-run DIR",
        )
    password = config.smtp.password.resolve("smtp.password") if config.smtp.password else None
    return SmtpMailer(config.smtp, password), config.smtp.sender


def _echo(account: str, what: str, delivery: Delivery) -> None:
    counts = " ".join(f"{k}={v}" for k, v in delivery.counts().items())
    typer.echo(f"{account}: {what}: {counts}")
    for line in delivery.anomalies:
        typer.echo(f"  anomaly: {line}")
    for line in delivery.errors:
        typer.echo(f"  failed: {line}")


def _run(
    path: Path,
    account: str | None,
    dry_run: Path | None,
    now_text: str | None,
    what: Literal["alerts", "week", "month"],
) -> int:
    from hpsync.bootstrap import open_context
    from hpsync.config import load_config
    from hpsync.sync.runs import holder_name, leased

    config = load_config(path)
    now = _now(now_text)
    mailer, sender = _mailer(config, dry_run)
    failed = 0
    with open_context(config) as ctx:
        chosen = [a for a in config.accounts if account in (None, a.name)]
        if not chosen:
            ctx.account(account or "")  # raises the usual "no account named" error
        snapshot = ctx.hyperplanning.read_snapshot()
        for acc in chosen:
            zone = config.account_zone(acc)
            with leased(ctx.store, acc.name, holder_name()):
                if what == "alerts":
                    _, delivery = send_alerts(
                        ctx.store,
                        snapshot,
                        acc,
                        mailer,
                        sender=sender,
                        now=now,
                        zone=zone,
                        dry_run=dry_run is not None,
                        language=config.language,
                    )
                else:
                    _, delivery = send_reports(
                        ctx.store,
                        snapshot,
                        acc,
                        mailer,
                        period=what,
                        sender=sender,
                        now=now,
                        zone=zone,
                        dry_run=dry_run is not None,
                        language=config.language,
                    )
            _echo(acc.name, "alerts" if what == "alerts" else f"{what}ly reports", delivery)
            failed += len(delivery.failed)
    return 1 if failed else 0


def register(app: typer.Typer) -> None:
    """Add ``alerts`` and ``reports`` to the CLI."""

    @app.command("alerts")
    def alerts(
        config: ConfigOpt,
        account: AccountOpt = None,
        dry_run: DryRunOpt = None,
        now: NowOpt = None,
    ) -> None:
        """Evaluate the alert rules on recorded marks and e-mail what is new (never twice)."""
        raise typer.Exit(_run(config, account, dry_run, now, "alerts"))

    @app.command("reports")
    def reports(
        config: ConfigOpt,
        period: Annotated[
            str, typer.Option("--period", help="week or month: the last complete one.")
        ] = "week",
        account: AccountOpt = None,
        dry_run: DryRunOpt = None,
        now: NowOpt = None,
    ) -> None:
        """E-mail each tutor the attendance report of their apprentices (once per period)."""
        if period not in ("week", "month"):
            raise UsageError(f"--period {period!r}: expected week or month")
        raise typer.Exit(
            _run(config, account, dry_run, now, "week" if period == "week" else "month")
        )
