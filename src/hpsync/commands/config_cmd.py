"""``hpsync config check FILE`` and ``hpsync config example``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hpsync.config import check_config, example_config, load_config


def register(app: typer.Typer) -> None:
    """Add the ``config`` group to the CLI."""
    group = typer.Typer(help="Check or print a configuration file.", no_args_is_help=True)

    @group.command("check")
    def check(path: Annotated[Path, typer.Argument(help="The hpsync.toml to check.")]) -> None:
        """Validate a configuration, secrets included: one line per problem, exit 2 if any."""
        problems = check_config(path)
        if problems:
            for problem in problems:
                typer.echo(f"{path}: {problem}", err=True)
            raise typer.Exit(2)
        config = load_config(path)
        typer.echo(f"ok: {path} ({len(config.accounts)} accounts)")

    @group.command("example")
    def example() -> None:
        """Print a commented example configuration that passes the check."""
        typer.echo(example_config(), nl=False)

    app.add_typer(group, name="config")
