"""``hpsync worker`` (run tasks, show last outcomes) and ``hpsync beat`` (schedule them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hpsync.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add the ``worker`` group and ``beat`` to the CLI."""
    worker = typer.Typer(help="The multi-school worker (Celery on Redis, HPSYNC_REDIS_URL).")

    @worker.callback(invoke_without_command=True)
    def start(
        ctx: typer.Context,
        concurrency: Annotated[int, typer.Option(help="Runs in parallel.")] = 2,
        loglevel: Annotated[str, typer.Option(help="debug, info, warning…")] = "info",
        queues: Annotated[str, typer.Option(help="Comma-separated queues.")] = "",
        app_module: Annotated[
            str,
            typer.Option("--app", help="Module holding the Celery app (tests give their own)."),
        ] = "hpsync.worker.app",
    ) -> None:
        """Start a worker that runs sync tasks until stopped."""
        if ctx.invoked_subcommand is not None:
            return
        import importlib

        from hpsync.worker.app import start_worker

        start_worker(importlib.import_module(app_module).app, concurrency, loglevel, queues)

    @worker.command("status")
    def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Last outcome and time of each account's flows, as the workers recorded them."""
        import redis

        from hpsync.worker.settings import WorkerSettings
        from hpsync.worker.status import StatusBoard

        settings = WorkerSettings.from_env()
        with redis.Redis.from_url(settings.redis_url) as client:
            rows = StatusBoard(client, settings.prefix).rows()
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        if not rows:
            typer.echo("no run recorded yet")
        for row in rows:
            error = f"  error: {row['last_error']}" if row.get("last_error") else ""
            typer.echo(
                f"{row['config']}  {row['account']:<12} "
                f"down {row.get('down_status', '-')} ({row.get('down_at', '-')})  "
                f"up {row.get('up_status', '-')} ({row.get('up_at', '-')}){error}"
            )

    app.add_typer(worker, name="worker")

    @app.command("beat")
    def beat(
        config_dir: Annotated[
            list[Path] | None, typer.Option("--config-dir", help="Directory of *.toml configs.")
        ] = None,
        config: Annotated[
            list[Path] | None, typer.Option("--config", "-c", help="A configuration file.")
        ] = None,
        every: Annotated[
            int | None, typer.Option(help="Minutes between syncs (default: schedule_minutes, 15).")
        ] = None,
        loglevel: Annotated[str, typer.Option()] = "info",
        schedule_file: Annotated[Path, typer.Option(help="Where beat keeps its own state.")] = Path(
            "celerybeat-schedule"
        ),
    ) -> None:
        """Schedule every account of every configuration (down, then up) every N minutes."""
        from hpsync.worker.app import app as celery_app
        from hpsync.worker.app import start_beat
        from hpsync.worker.schedule import config_paths

        sources = [str(p.resolve()) for p in [*(config_dir or []), *(config or [])]]
        missing = [s for s in sources if not Path(s).exists()]
        if not sources or missing or not config_paths(sources):
            detail = f": missing {', '.join(missing)}" if missing else ""
            raise UsageError(
                f"no configuration to schedule{detail}",
                hint="pass --config-dir DIR (its *.toml files) or --config FILE",
            )
        if every is not None and every < 1:
            raise UsageError("--every must be at least 1 minute")
        start_beat(celery_app, sources, every, loglevel, str(schedule_file))
