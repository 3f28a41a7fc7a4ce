"""``hpsync webhook``: receive Edusign webhooks and write that sheet's attendance back."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated

import typer

from hpsync.errors import UsageError
from hpsync.logging import configure_logging, get_logger

SNAPSHOT_TTL = 600.0
log = get_logger("hpsync.web.webhook")


def register(app: typer.Typer) -> None:
    """Add ``webhook`` to the CLI."""

    @app.command("webhook")
    def webhook(
        config: Annotated[Path, typer.Option("--config", "-c", help="Configuration file.")],
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    ) -> None:
        """Serve POST /webhook/<account>: verified events update only their sheet."""
        import uvicorn

        from hpsync.bootstrap import open_context
        from hpsync.config import load_config
        from hpsync.model import Snapshot
        from hpsync.web.webhook import create_app

        cfg = load_config(config)
        configure_logging(cfg.log_format, "info")
        secrets = {
            a.name: a.webhook_secret.resolve(f"accounts[{i}].webhook_secret")
            for i, a in enumerate(cfg.accounts)
            if a.webhook_secret is not None
        }
        if not secrets:
            raise UsageError(
                "no account has a webhook_secret",
                record=str(config),
                hint='add webhook_secret = "env:EDUSIGN_WEBHOOK_SECRET" to the account',
            )
        from hpsync.bootstrap import edusign_account
        from hpsync.state.events import Event, enqueue
        from hpsync.sync.events import EventWorker
        from hpsync.web.webhook import edusign_courses_of

        with open_context(cfg) as ctx:
            cached: list[tuple[float, Snapshot]] = []

            def process(event: Event) -> None:
                if not cached or time.monotonic() - cached[0][0] > SNAPSHOT_TTL:
                    cached[:] = [(time.monotonic(), ctx.hyperplanning.read_snapshot())]
                # This year's sheet only: last years' sheets are written back by the next
                # attendance run, which reads every previous base.
                done = ctx.write_back(
                    [ctx.account(event.account)],
                    cached[0][1],
                    courses=[event.course_id],
                    previous=False,
                )
                out = done.current[0]
                log.info(
                    "sheet written back",
                    account=event.account,
                    course=event.course_id,
                    outcome=out.outcome,
                )

            worker = EventWorker(ctx.store, process)
            stop = threading.Event()
            threading.Thread(target=worker.run, args=(stop,), daemon=True, name="webhook").start()

            def store(account: str, sig: str, kind: str, courses: list[str]) -> bool:
                stored = enqueue(ctx.store, account, sig, kind, courses)
                worker.wake()
                return stored

            lookups = {a.name: edusign_account(a, i)[0] for i, a in enumerate(cfg.accounts)}
            receiver = create_app(
                secrets,
                lambda account, kind, course: None,  # unused: events go through the store
                courses_of=edusign_courses_of(lookups),
                store=store,
            )
            try:
                uvicorn.run(
                    receiver, host=host, port=port, log_level="warning", server_header=False
                )
            finally:
                stop.set()
