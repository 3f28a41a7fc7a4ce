"""``hpsync status`` (freshness per account and flow) and ``hpsync doctor`` (what to fix)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hpsync import clock
from hpsync.errors import HpsyncError, MissingCapability
from hpsync.state.freshness import freshness

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]


def _age(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "never"
    seconds = int((now - then).total_seconds())
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def register(app: typer.Typer) -> None:
    """Add ``status`` and ``doctor`` to the CLI."""

    @app.command("status")
    def status(config: ConfigOpt, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Freshness per account: last good run of each flow, newest mark written back."""
        from hpsync.config import load_config
        from hpsync.state import StateStore

        cfg = load_config(config)
        now = clock.now()
        from hpsync.state.events import counts, oldest_pending

        with StateStore.open(cfg.state_url) as store:
            rows = [freshness(store, a.name, now) for a in cfg.accounts]
            queue = counts(store)
            oldest = oldest_pending(store)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "accounts": rows,
                        "webhook_queue": {
                            **queue,
                            "oldest_waiting": oldest.isoformat() if oldest else None,
                        },
                    },
                    indent=2,
                )
            )
            return
        typer.echo(
            f"webhook queue: {queue['pending']} waiting, {queue['failed']} failed (retried), "
            f"{queue['done']} done; oldest waiting: {_age(oldest, now)}"
        )
        for row in rows:
            down = datetime.fromisoformat(row["down_last_good"]) if row["down_last_good"] else None
            up = datetime.fromisoformat(row["up_last_good"]) if row["up_last_good"] else None
            newest = (
                datetime.fromisoformat(row["newest_mark_written"])
                if row["newest_mark_written"]
                else None
            )
            typer.echo(
                f"{row['account']:<12} base {row['base'] or '-'}  down {_age(down, now)} "
                f"(last: {row['down_last_outcome'] or '-'})  up {_age(up, now)} "
                f"(last: {row['up_last_outcome'] or '-'})  newest mark written: "
                f"{_age(newest, now)}  failed marks: {row['failed_marks']}"
            )

    @app.command("doctor")
    def doctor(
        config: ConfigOpt,
        capture: Annotated[
            Path | None,
            typer.Option(
                help="Write the services' surface (WSDL, version, operations, a sample "
                "with personal data replaced) to this folder, to send to the hpsync project."
            ),
        ] = None,
    ) -> None:
        """Check configuration, connectivity, credentials, rights and capabilities on both
        sides: what exists on each service, what is off and why."""
        from hpsync.bootstrap import account_rules, edusign_account, hyperplanning_client
        from hpsync.config import check_config, load_config
        from hpsync.doctor import capture as capture_surface
        from hpsync.doctor import edusign_lines, hyperplanning_lines
        from hpsync.state import StateStore

        problems = check_config(config)
        if problems:
            for p in problems:
                typer.echo(f"✗ config: {p}")
            raise typer.Exit(2)
        cfg = load_config(config)
        typer.echo(f"✓ config {config}: {len(cfg.accounts)} account(s)")
        failures = 0

        def check(label: str, call: Any) -> None:
            nonlocal failures
            try:
                typer.echo(f"✓ {label}: {call()}")
            except HpsyncError as exc:
                failures += 1
                typer.echo(f"✗ {label}: {exc}")

        def store_ok() -> str:
            with StateStore.open(cfg.state_url) as store:
                return f"{store.dialect} state store reachable"

        check("state store", store_ok)

        def hp_ok() -> str:
            client = hyperplanning_client(cfg)
            try:
                info = client.base_info()
                snap = client.read_snapshot()
                return (
                    f"{info.version}, base {info.base_id} from {info.first_day}; read "
                    f"{len(snap.learners)} learners, {len(snap.sessions)} sessions"
                )
            finally:
                client.close()

        check(f"Hyperplanning {cfg.hyperplanning.url}", hp_ok)

        def hp_matrix() -> str:
            client = hyperplanning_client(cfg)
            try:
                rules = [account_rules(a) for a in cfg.accounts]
                lines = hyperplanning_lines(client.capabilities(), rules)
                if capture is not None:
                    files = capture_surface(client, capture / "hyperplanning")
                    lines.append(f"  captured {len(files)} file(s) in {capture / 'hyperplanning'}")
            finally:
                client.close()
            required_off = [x for x in lines if "REQUIRED" in x or "✗ account" in x]
            if required_off:
                raise MissingCapability(
                    "required capabilities are off:\n" + "\n".join(lines),
                    record="Hyperplanning",
                    hint="map renamed operations under [hyperplanning.operations]; send "
                    "`hpsync doctor --capture DIR` to the hpsync project",
                )
            return "capabilities\n" + "\n".join(lines)

        check("Hyperplanning capabilities", hp_matrix)
        for index, account in enumerate(cfg.accounts):

            def es_ok(account: Any = account, index: int = index) -> str:
                client, _setup = edusign_account(account, index)
                try:
                    school = client.school()
                    lines = edusign_lines(client, tutors=account.tutors)
                    return f"school {school.name or school.id!r}, API key accepted\n" + "\n".join(
                        lines
                    )
                finally:
                    client.close()

            check(f"Edusign account {account.name} ({account.url})", es_ok)
        raise typer.Exit(1 if failures else 0)
