"""The ``hpsync`` command line: parse, call the library, render; errors become one line.

Exit codes: 0 ok, 1 partial failures, 2 usage or configuration error, 3 refused by a
safety guard (or another run holds the account).
"""

from __future__ import annotations

import importlib
import sys

import typer

from hpsync import allocator
from hpsync.errors import HpsyncError
from hpsync.secrets import redact

app = typer.Typer(
    name="hpsync",
    help="Keep HYPERPLANNING and Edusign in sync, both ways.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its own commands; listed here so the CLI's surface is readable
# in one place.
COMMAND_MODULES = (
    "hpsync.commands.demo_cmd",
    "hpsync.commands.config_cmd",
    "hpsync.commands.hp_cmd",
    "hpsync.commands.edusign_emu_cmd",
    "hpsync.commands.sync_cmd",
    "hpsync.commands.year_cmd",
    "hpsync.commands.webhook_cmd",
    "hpsync.commands.ops_cmd",
    "hpsync.commands.serve_cmd",
    "hpsync.commands.generate_cmd",
    "hpsync.commands.alerts_cmd",
    "hpsync.commands.trust_cmd",
    "hpsync.commands.worker_cmd",
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


def main() -> None:
    """Entry point: click handles usage errors (exit 2); hpsync errors become one line."""
    allocator.tune()  # before any thread: a sync's buffers in two arenas, big ones mapped
    try:
        app()
    except HpsyncError as exc:
        typer.echo(f"error: {redact(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # the last line of defence: still one line, still redacted
        typer.echo(
            f"internal error: {type(exc).__name__}: {redact(str(exc))} — hint: this is a bug "
            "in hpsync; the run is marked failed and a rerun resumes safely; please report it",
            err=True,
        )
        sys.exit(5)
