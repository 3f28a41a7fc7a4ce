"""``hpsync config check|example`` (filled in by the configuration work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``config`` group to the CLI."""
    group = typer.Typer(help="Check or print a configuration file.", no_args_is_help=True)

    @group.command("example")
    def example() -> None:
        """Print a commented example configuration."""
        typer.echo("# hpsync.toml — not yet available")

    app.add_typer(group, name="config")
