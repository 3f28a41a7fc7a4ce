"""``hpsync runs show|prune``, ``replay``, ``digest``, ``sync-now``: audit and trust.

``runs`` becomes a group whose bare form still lists runs (the list command registered by
``sync_cmd`` is reused as the group's default).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from hpsync import clock
from hpsync.engine.explained import explain_rows
from hpsync.errors import UsageError
from hpsync.locale import Reader

SHOWN_ACTIONS = ("remove", "forget", "adopt", "protected")  # create/update: see --json
SHOWN_PER_ACTION = 20

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]


def _config(path: Path) -> Any:
    from hpsync.config import load_config

    return load_config(path)


def local(moment: datetime, zone: str) -> str:
    """A time as a person at the school reads it: wall time, the zone named."""
    at = moment.astimezone(ZoneInfo(zone))
    return f"{at:%Y-%m-%d %H:%M:%S} {at.tzname()}"


def show_run(store: Any, run_id: int, zone: str = "UTC") -> list[str]:
    """The lines of `hpsync runs show`: the run, its plan summary, outcomes and inputs
    (times in ``zone``, the account's)."""
    from collections import Counter

    from hpsync.state.audit import run_inputs

    run = store.get_run(run_id)
    if run is None:
        raise UsageError(f"no run {run_id}", hint="list them with `hpsync runs`")
    items = store.plan_items(run_id)
    meta = run.meta
    lines = [
        f"run {run.run_id}  account {run.account}  flow {run.flow}"
        f"{'  (dry run)' if run.dry_run else ''}",
        f"started {local(run.started_at, zone)}  finished {local(run.finished_at, zone)}"
        if run.finished_at
        else f"started {local(run.started_at, zone)}  (running)",
        f"outcome {run.outcome or 'running'}{'  error: ' + run.error if run.error else ''}",
        f"forced {'yes' if meta.get('forced') else 'no'}"
        + (f"  reason: {meta.get('reason')!r}  by: {meta.get('by')}" if meta.get("forced") else ""),
        "counts " + json.dumps(run.counts, sort_keys=True),
    ]
    actions = Counter(f"{i.kind} {i.action}" for i in items)
    outcomes = Counter(i.outcome for i in items)
    lines.append("plan " + ", ".join(f"{n} {k}" for k, n in sorted(actions.items())))
    lines.append("outcomes " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
    reader = Reader("en", zone)
    explained = [e for e in explain_rows(items) if e.kind != "anomaly"]
    for e in explained:
        if e.outcome == "failed":
            lines += [f"  {line}" for line in e.lines(reader)]
    for action in SHOWN_ACTIONS:
        shown = [e for e in explained if e.action == action and e.outcome != "failed"]
        for e in shown[:SHOWN_PER_ACTION]:
            lines += [f"  {line}" for line in e.lines(reader)]
        if len(shown) > SHOWN_PER_ACTION:
            lines.append(
                f"  ... and {len(shown) - SHOWN_PER_ACTION} more {action} (`--json` lists all)"
            )
    inputs = run_inputs(store, run_id)
    if inputs is None:
        lines.append("inputs none recorded (dry run, up flow, or pruned)")
    else:
        lines.append(f"plan hash {inputs.plan_hash}")
        lines += [f"input {role:<8} sha256:{d}" for role, d in inputs.digests().items()]
    return lines


def show_run_json(store: Any, run_id: int, zone: str = "UTC") -> dict[str, Any]:
    """`hpsync runs show --json`: the run and every item, in the explained dict form (its
    ``text`` the very lines the text form, the dashboard and the e-mails show)."""
    run = store.get_run(run_id)
    if run is None:
        raise UsageError(f"no run {run_id}", hint="list them with `hpsync runs`")
    reader = Reader("en", zone)
    return {
        "run_id": run.run_id,
        "account": run.account,
        "flow": run.flow,
        "dry_run": run.dry_run,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "outcome": run.outcome,
        "error": run.error,
        "counts": run.counts,
        "meta": run.meta,
        "items": [e.as_json(reader) for e in explain_rows(store.plan_items(run_id))],
    }


def _replace_runs(app: typer.Typer) -> None:
    """Turn `runs` into a group: bare `runs` lists, `runs show ID`, `runs prune`."""
    listing = next((c for c in app.registered_commands if c.name == "runs"), None)
    if listing is not None:
        app.registered_commands.remove(listing)
    group = typer.Typer(help="Recent runs; `show ID` for one run, `prune` for retention.")

    @group.callback(invoke_without_command=True)
    def runs(
        ctx: typer.Context,
        config: Annotated[
            Path | None,
            typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG"),
        ] = None,
        account: Annotated[str | None, typer.Option("--account", "-a")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """List recent runs with their outcome and counts."""
        if ctx.invoked_subcommand is not None:
            return
        if config is None:
            raise typer.BadParameter("--config is required")
        if listing is None or listing.callback is None:
            raise typer.Exit(0)
        listing.callback(config=config, account=account, as_json=as_json)

    @group.command("show")
    def show(
        run_id: int,
        config: ConfigOpt,
        as_json: Annotated[bool, typer.Option("--json", help="Every item, as data.")] = False,
    ) -> None:
        """One run: plan summary, counts, outcomes, inputs' hashes, forced/reason/by."""
        from hpsync.state import StateStore

        cfg = _config(config)
        with StateStore.open(cfg.state_url) as store:
            run = store.get_run(run_id)
            account = next((a for a in cfg.accounts if run and a.name == run.account), None)
            zone = cfg.account_zone(account) if account else cfg.timezone
            if as_json:
                body = show_run_json(store, run_id, zone)
                typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
            else:
                typer.echo("\n".join(show_run(store, run_id, zone)))

    @group.command("prune")
    def prune_cmd(
        config: ConfigOpt,
        days: Annotated[
            int | None, typer.Option(help="Keep this many days (default: config).")
        ] = None,
    ) -> None:
        """Forget inputs and plan items older than retention_days (runs themselves stay)."""
        from hpsync.state import StateStore
        from hpsync.state.audit import prune

        cfg = _config(config)
        keep = days if days is not None else cfg.retention_days
        with StateStore.open(cfg.state_url) as store:
            gone = prune(store, clock.now() - timedelta(days=keep))
        typer.echo(
            f"pruned {gone.run_inputs} run input record(s), {gone.blobs} stored input(s), "
            f"{gone.plan_items} plan item(s) older than {keep} days"
        )

    app.add_typer(group, name="runs")


def register(app: typer.Typer) -> None:
    """Add the audit and trust commands to the CLI."""
    _replace_runs(app)

    @app.command("replay")
    def replay(
        run_id: int,
        config: ConfigOpt,
    ) -> None:
        """Plan a recorded run again from its stored inputs; exit 1 if the writes differ."""
        from hpsync.audit.replay import replay_run
        from hpsync.state import StateStore

        with StateStore.open(_config(config).state_url) as store:
            report = replay_run(store, run_id)
        typer.echo("\n".join(report.lines()))
        raise typer.Exit(0 if report.same else 1)

    @app.command("digest")
    def digest(
        config: ConfigOpt,
        dry_run: Annotated[
            Path | None, typer.Option("--dry-run", help="Write .eml files here, send nothing.")
        ] = None,
    ) -> None:
        """Send each school its daily digest (once a day): runs, writes, guards, anomalies."""
        from hpsync.alerts.mailer import EmlFolder, Mailer, SmtpMailer
        from hpsync.notify.digest import send_digest
        from hpsync.notify.immediate import recipients_of
        from hpsync.state import StateStore

        cfg = _config(config)
        mailer: Mailer
        if dry_run is not None:
            mailer = EmlFolder(dry_run)
        elif cfg.smtp is None:
            raise UsageError("no [smtp] section", hint="add one, or use --dry-run DIR")
        else:
            password = cfg.smtp.password.resolve("smtp.password") if cfg.smtp.password else None
            mailer = SmtpMailer(cfg.smtp, password)
        sender = cfg.smtp.sender if cfg.smtp else "hpsync@localhost"
        now = clock.now()
        with StateStore.open(cfg.state_url) as store:
            for account in cfg.accounts:
                to = recipients_of(account)
                if not to:
                    typer.echo(f"{account.name}: no school_email or digest_to, skipped")
                    continue
                _digest, delivery = send_digest(
                    store,
                    account.name,
                    to,
                    mailer,
                    sender=sender,
                    now=now,
                    zone=cfg.account_zone(account),
                    dry_run=dry_run is not None,
                    language=cfg.language,
                )
                typer.echo(f"{account.name}: {delivery.counts()}")

    @app.command("sync-now")
    def sync_now(
        config: ConfigOpt,
        account: Annotated[str, typer.Option("--account", "-a", help="The account.")],
    ) -> None:
        """Sync one account now, down then up, whatever its schedule says."""
        from hpsync.bootstrap import open_context
        from hpsync.labels import counts_sentence
        from hpsync.locale import Reader

        cfg = _config(config)
        english = Reader("en")
        with open_context(cfg) as ctx:
            down, back = ctx.sync_now(account)
        typer.echo(
            f"down run {down.run_id}: {down.outcome}; {counts_sentence(down.counts, english)}"
        )
        for one in back.previous:
            if one.outcome is not None:
                figures = counts_sentence(one.outcome.counts, english)
                typer.echo(
                    f"up run {one.outcome.run_id} (base {one.base_id}): "
                    f"{one.outcome.outcome}; {figures}"
                )
            else:
                typer.echo(f"up (base {one.base_id}): failed: {one.error}")
        (up,) = back.current
        typer.echo(f"up run {up.run_id}: {up.outcome}; {counts_sentence(up.counts, english)}")
        raise typer.Exit(1 if "partial" in (down.outcome, up.outcome) or back.partial else 0)
