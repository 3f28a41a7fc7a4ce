"""``hpsync year status | switch``: follow next year's Hyperplanning base."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from hpsync.bootstrap import open_context
from hpsync.config import load_config
from hpsync.hyperplanning import HyperplanningClient
from hpsync.year.match import DEFAULT_ORDER
from hpsync.year.switch import switch_year

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]


def register(app: typer.Typer) -> None:
    """Add the ``year`` group to the CLI."""
    group = typer.Typer(help="Yearly change of Hyperplanning base.", no_args_is_help=True)

    @group.command("status")
    def status(config: ConfigOpt, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Which base each account follows, and whether the configured base is last year's."""
        with open_context(load_config(config)) as ctx:
            info = ctx.hyperplanning.base_info()
            if as_json:
                typer.echo(
                    json.dumps(
                        {
                            "base_id": info.base_id,
                            "version": info.version,
                            "first_day": info.first_day.isoformat(),
                            "new_year_likely": date.today() >= info.first_day + timedelta(days=365),
                            "accounts": {n: ctx.store.get_meta(n, "base_id") for n in ctx.accounts},
                        },
                        indent=2,
                    )
                )
                return
            typer.echo(
                f"configured base {info.base_id}: {info.version}, first day {info.first_day}"
            )
            if date.today() >= info.first_day + timedelta(days=365):
                typer.echo(
                    "warning: this base started more than a year ago: a new year's base is "
                    "probably published; see `hpsync year switch`"
                )
            for name in ctx.accounts:
                followed = ctx.store.get_meta(name, "base_id") or "(never synced)"
                note = "" if followed in (info.base_id, "(never synced)") else "  ← run year switch"
                typer.echo(f"  account {name}: follows {followed}{note}")

    @group.command("switch")
    def switch(
        config: ConfigOpt,
        to: Annotated[str, typer.Option("--to", help="URL of the new base (incl. its root).")],
        base_id: Annotated[
            str | None, typer.Option(help="Base id of the new base (default from its URL).")
        ] = None,
        match: Annotated[
            str, typer.Option(help="Matching order, comma-separated: identifier,ine,email.")
        ] = ",".join(DEFAULT_ORDER),
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, change nothing.")] = False,
    ) -> None:
        """Match people across the bases, then re-key the state so the same Edusign people go on."""
        cfg = load_config(config)
        order = tuple(part.strip() for part in match.split(",") if part.strip())
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
            report = switch_year(
                ctx.store, list(ctx.accounts), old, new, order=order, dry_run=dry_run
            )
        typer.echo("\n".join(report.lines()))
        if dry_run:
            typer.echo("dry run: nothing changed")
            return
        typer.echo(
            f'done. Now set hyperplanning.url = "{to}" (base_id "{new.base.base_id}") in '
            f"{config}, and move the old base to [[hyperplanning.previous]] so its pending "
            "attendance is still written back."
        )

    app.add_typer(group, name="year")
