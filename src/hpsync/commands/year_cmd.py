"""``hpsync year status | switch``: follow next year's Hyperplanning base (docs/year.md)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from hpsync import clock
from hpsync.bootstrap import open_context, switch_thresholds
from hpsync.config import load_config
from hpsync.config.edit import diff, replace_file, switched_text
from hpsync.hyperplanning import HyperplanningClient
from hpsync.state import StateStore
from hpsync.year.switch import PENDING, apply_switch, plan_switch

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]


def account_status(store: StateStore, account: str, configured: str) -> dict[str, Any]:
    """Which base an account follows, against the configured one, and what to do about it."""
    followed = store.get_meta(account, "base_id")
    previous = store.get_meta(account, "previous_base_id") or ""
    switched_at = store.get_meta(account, "switched_at") or ""
    to_url = store.get_meta(account, "switched_to_url") or ""
    pending = bool(store.get_meta(account, PENDING))
    if not followed:
        state, todo = "never synced", ""
    elif followed == configured:
        state = "up to date"
        todo = "run `hpsync sync`: the first sync after the switch" if pending else ""
    elif previous == configured:
        state = "switched, configuration not updated"
        todo = (
            f'set hyperplanning.url = "{to_url}" and base_id = "{followed}", and list base '
            f"{configured} under [[hyperplanning.previous]] (`hpsync year switch --to "
            f"{to_url or 'URL'} --write-config` does it)"
        )
    else:
        state = "follows another base"
        todo = (
            f"the configuration names base {configured}: if it is next year's base, run "
            "`hpsync year switch --to URL`; otherwise restore the configuration"
        )
    return {
        "account": account,
        "follows": followed,
        "state": state,
        "switched_from": previous,
        "switched_at": switched_at,
        "first_sync_pending": pending and followed == configured,
        "todo": todo,
    }


def register(app: typer.Typer) -> None:
    """Add the ``year`` group to the CLI."""
    group = typer.Typer(help="Yearly change of Hyperplanning base.", no_args_is_help=True)

    @group.command("status")
    def status(config: ConfigOpt, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Which base each account follows, and what the yearly change still needs."""
        cfg = load_config(config)
        with open_context(cfg) as ctx:
            info = ctx.hyperplanning.base_info()
            today = clock.today(ZoneInfo(cfg.timezone))
            likely = today >= info.first_day + timedelta(days=365)
            accounts = [account_status(ctx.store, n, info.base_id) for n in ctx.accounts]
        previous = [p.base_id for p in cfg.hyperplanning.previous]
        if as_json:
            body = {
                "base_id": info.base_id,
                "version": info.version,
                "first_day": info.first_day.isoformat(),
                "new_year_likely": likely,
                "previous": previous,
                "accounts": accounts,
            }
            typer.echo(json.dumps(body, indent=2))
            return
        typer.echo(f"configured base {info.base_id}: {info.version}, first day {info.first_day}")
        if likely:
            typer.echo(
                "note: this base started more than a year ago: next year's base is probably "
                "published; see docs/year.md"
            )
        typer.echo(
            "previous bases still written back: " + (", ".join(previous) if previous else "none")
        )
        for one in accounts:
            line = f"  account {one['account']}: {one['state']}"
            if one["follows"] and one["follows"] != info.base_id:
                line += f" (follows {one['follows']})"
            if one["switched_at"]:
                line += f"; switched from {one['switched_from']} at {one['switched_at'][:16]}"
            typer.echo(line)
            if one["todo"]:
                typer.echo(f"    next: {one['todo']}")

    @group.command("switch")
    def switch(
        config: ConfigOpt,
        to: Annotated[str, typer.Option("--to", help="URL of the new base (incl. its root).")],
        base_id: Annotated[
            str | None, typer.Option(help="Base id of the new base (default from its URL).")
        ] = None,
        match: Annotated[
            str | None,
            typer.Option(help="Matching order, comma-separated (default: [year] match)."),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show each person's matching; change nothing.")
        ] = False,
        write_config: Annotated[
            bool,
            typer.Option(
                "--write-config",
                help="Point the configuration at the new base and keep the old one as previous.",
            ),
        ] = False,
        force: Annotated[bool, typer.Option(help="Switch even when too few people match.")] = False,
        reason: Annotated[str, typer.Option(help="Why the guard is released.")] = "",
    ) -> None:
        """Match people across the bases, then re-key the state so the same Edusign people go on."""
        if force and not reason.strip():
            raise typer.BadParameter('--force needs --reason "why" (it is recorded)')
        cfg = load_config(config)
        order = tuple(
            part.strip() for part in (match or ",".join(cfg.year.match)).split(",") if part.strip()
        )
        with open_context(cfg) as ctx:
            old = ctx.hyperplanning.read_snapshot()
            hp = cfg.hyperplanning
            new_client = HyperplanningClient(
                to,
                hp.user,
                hp.password.resolve("hyperplanning.password"),
                timezone=cfg.timezone,
                base_id=base_id,
                timeout=float(hp.timeout_seconds),
            )
            try:
                new = new_client.read_snapshot()
            finally:
                new_client.close()
            accounts = list(ctx.accounts)
            done = [a for a in accounts if ctx.store.get_meta(a, "base_id") == new.base.base_id]
            if done and len(done) == len(accounts) and not dry_run:
                typer.echo(
                    f"every account already follows base {new.base.base_id} (switched at "
                    f"{ctx.store.get_meta(accounts[0], 'switched_at') or '?'}): nothing to re-key"
                )
                report = None
            else:
                report = plan_switch(
                    ctx.store, accounts, old, new, order=order, thresholds=switch_thresholds(cfg)
                )
            if report is not None and dry_run:
                typer.echo("\n".join(report.lines(people=True)))
                typer.echo(
                    "dry run: nothing changed"
                    + ("; the switch would be REFUSED" if report.refused else "")
                )
                return
            if report is not None:
                apply_switch(ctx.store, accounts, report, force=force, reason=reason)
                for account in accounts:
                    ctx.store.set_meta(account, "switched_to_url", to)
                typer.echo("\n".join(report.lines()))
        before = config.read_text(encoding="utf-8")
        after = switched_text(before, url=to, base_id=new.base.base_id)
        if write_config:
            replace_file(config, after)
            typer.echo(
                f"done. {config} now follows base {new.base.base_id}; base "
                f"{old.base.base_id} is kept under [[hyperplanning.previous]] so its pending "
                "attendance is still written back. Next: `hpsync plan`, then `hpsync sync`."
            )
            return
        typer.echo(
            f"done. Now edit {config} as below (or rerun with --write-config), so that base "
            f"{old.base.base_id}'s pending attendance is still written back:"
        )
        typer.echo(diff(before, after, config.name))

    app.add_typer(group, name="year")
