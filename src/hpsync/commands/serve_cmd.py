"""``hpsync serve``: the dashboard over a state store, behind a token.

The token comes from an environment variable (never a command-line value: those show in
``ps``). Without ``--account`` the accounts are those the store has runs for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hpsync.errors import UsageError
from hpsync.logging import get_logger
from hpsync.secrets import Secret, resolve

MIN_TOKEN_LENGTH = 12
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def known_accounts(store: DashboardSource, limit: int = 1000) -> list[str]:
    """Accounts the store has runs for, sorted (when none is named on the command line)."""
    return sorted({run.account for run in store.runs(limit=limit)})


def check_token(token: Secret) -> None:
    """Refuse a token a person could guess in an afternoon."""
    if len(token.reveal()) < MIN_TOKEN_LENGTH:
        raise UsageError(
            f"the dashboard token is shorter than {MIN_TOKEN_LENGTH} characters",
            record="--token-env",
            hint="generate one: python -c 'import secrets; print(secrets.token_urlsafe(24))'",
        )


if TYPE_CHECKING:  # the dashboard (FastAPI) is imported only when served
    from hpsync.web.source import DashboardSource

log = get_logger("hpsync.serve")


def serve(
    store_url: str,
    token: Secret,
    accounts: list[str],
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    plan_now: Callable[[str], str] | None = None,
    sync_now: Callable[[str], str] | None = None,
    sync_every: Mapping[str, timedelta] | None = None,
    hp_record_url: Callable[[str], str | None] | None = None,
    explain_now: Callable[[str], str] | None = None,
    language: str = "fr",
    zones: Mapping[str, str] | None = None,
    call_budgets: Mapping[str, float] | None = None,
) -> None:
    """Open the store and serve the dashboard until interrupted (in ``language``, each
    account's times in its zone)."""
    import uvicorn

    from hpsync.state import StateStore
    from hpsync.web import create_app

    check_token(token)
    with StateStore.open(store_url) as store:
        names = list(accounts) or known_accounts(store)
        stop = threading.Event()
        threading.Thread(
            target=settle_runs, args=(store, names, stop), daemon=True, name="settle"
        ).start()
        app = create_app(
            store,
            token=token,
            accounts=names,
            plan_now=plan_now,
            sync_now=sync_now,
            sync_every=sync_every,
            hp_record_url=hp_record_url,
            explain_now=explain_now,
            language=language,
            zones=zones,
            call_budgets=call_budgets,
        )
        if host not in LOOPBACK:
            typer.echo(
                f"warning: serving plain HTTP on {host}: put a TLS proxy in front of it", err=True
            )
        typer.echo(f"dashboard on http://{host}:{port}/ for {', '.join(names) or 'no account'}")
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        finally:
            stop.set()


#: how often the dashboard looks for runs whose process died
SETTLE_SECONDS = 60.0


def settle_runs(
    store: Any, names: list[str], stop: threading.Event, every: float = SETTLE_SECONDS
) -> None:
    """Mark interrupted, now and every ``every`` seconds, the runs whose process died (the
    account's lease is free, or held by a dead process of this host): the dashboard never
    shows a dead run as running for ever, even when no other run or `hpsync runs` comes."""
    from hpsync.sync.runs import settle_dead_runs

    while True:
        for name in names:
            try:
                settle_dead_runs(store, name)
            except Exception as exc:  # the store hiccups: try again at the next round
                log.warning("could not settle dead runs", account=name, error=str(exc))
        if stop.wait(every):
            return


def explain_now_for(config_path: Path) -> Callable[[str], str]:
    """What the base holds for an anomaly's record ("learner 4031", "session 12-3",
    "course 12", ...) and, per account, which rule kept or dropped it."""

    def explain(record: str) -> str:
        from hpsync.bootstrap import open_context
        from hpsync.config import load_config
        from hpsync.engine.desired import build_desired
        from hpsync.engine.explain import explain_learner, explain_session

        kind, _, key = record.strip().partition(" ")
        with open_context(load_config(config_path)) as ctx:
            snapshot = ctx.hyperplanning.read_snapshot()
            lines: list[str] = []
            for name, setup in ctx.accounts.items():
                state = build_desired(snapshot, setup.rules)
                lines.append(f"== account {name}")
                if kind == "learner" and key.isdigit():
                    lines += explain_learner(snapshot, state, int(key))
                elif kind == "session":
                    lines += explain_session(snapshot, state, key)
                elif kind == "course" and key.isdigit():
                    keys = sorted(
                        k for k, s in snapshot.sessions.items() if s.course_key == int(key)
                    )
                    for session_key in keys[:5]:
                        lines += explain_session(snapshot, state, session_key)
                    if len(keys) > 5:
                        lines.append(f"... and {len(keys) - 5} more sessions of course {key}")
                lines += [
                    f"  anomaly: {a.render()}"
                    for a in state.anomalies
                    if a.kind == kind and a.key == key and kind not in ("learner", "session")
                ]
            return "\n".join(lines)

    return explain


def plan_now_for(config_path: Path) -> Callable[[str], str]:
    """A dry-run plan of one account, computed on demand from the configuration."""

    def plan(account: str) -> str:
        from hpsync.bootstrap import open_context
        from hpsync.config import load_config
        from hpsync.engine.render import render_plan
        from hpsync.sync.parallel import raise_first

        with open_context(load_config(config_path)) as ctx:
            setup = ctx.account(account)
            snapshot = ctx.hyperplanning.read_snapshot()
            (outcome,) = raise_first(ctx.sync_down([setup], snapshot, dry_run=True))
            return render_plan(outcome.planned.plan, zone=snapshot.base.timezone)

    return plan


def sync_now_for(config_path: Path) -> Callable[[str], str]:
    """``hpsync sync-now`` on demand: down then up for one account (every base, as the
    command and the worker do); returns its summary in the configuration's language."""

    def sync(account: str) -> str:
        from hpsync.bootstrap import open_context
        from hpsync.config import load_config
        from hpsync.labels import run_summary
        from hpsync.locale import Reader

        cfg = load_config(config_path)
        with open_context(cfg) as ctx:
            down, back = ctx.sync_now(account)
        reader = Reader(cfg.language)  # shown on the dashboard: the staff's words
        runs = [(down.run_id, "down", down.outcome, down.counts)]
        ups = [p.outcome for p in back.previous if p.outcome is not None] + back.current
        runs += [(u.run_id, "up", u.outcome, u.counts) for u in ups]
        lines = [run_summary(*run, reader) for run in runs]
        lines += [f"{p.base_id}: {p.error}" for p in back.previous if p.error is not None]
        return "\n".join(lines)

    return sync


def schedules_of(config: Any) -> dict[str, timedelta]:
    """Each scheduled account's sync interval (the dashboard's staleness is twice it)."""
    from hpsync.worker.due import schedule_of

    out: dict[str, timedelta] = {}
    for account in config.accounts:
        schedule = schedule_of(config, account)
        if schedule is not None:
            out[account.name] = schedule.every
    return out


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the CLI."""

    @app.command("serve")
    def serve_command(
        config: Annotated[
            Path | None,
            typer.Option("--config", "-c", help="hpsync.toml: state, token and accounts from it."),
        ] = None,
        state_url: Annotated[
            str | None, typer.Option("--state-url", help="State store URL (without --config).")
        ] = None,
        token_env: Annotated[
            str | None,
            typer.Option("--token-env", help="Environment variable holding the login token."),
        ] = None,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
        account: Annotated[
            list[str] | None,
            typer.Option("--account", "-a", help="Account to show (repeatable; default: all)."),
        ] = None,
    ) -> None:
        """Serve the dashboard: runs, plans, anomalies, drift, attendance ledger."""
        if config is not None:
            from hpsync.config import load_config
            from hpsync.edusign.ratelimit import DEFAULT_LIMITS, RouteClass

            cfg = load_config(config)
            if cfg.dashboard is None and token_env is None:
                raise UsageError(
                    "no dashboard token configured",
                    record=str(config),
                    hint='add [dashboard] token = "env:HPSYNC_DASHBOARD_TOKEN"',
                )
            token = (
                resolve(f"env:{token_env}", where="--token-env")
                if token_env
                else cfg.dashboard.token.resolve("dashboard.token")  # type: ignore[union-attr]
            )
            names = list(account or []) or [a.name for a in cfg.accounts]
            serve(
                cfg.state_url,
                token,
                names,
                host,
                port,
                plan_now=plan_now_for(config),
                sync_now=sync_now_for(config),
                sync_every=schedules_of(cfg),
                explain_now=explain_now_for(config),
                language=cfg.language,
                zones={a.name: cfg.account_zone(a) for a in cfg.accounts},
                call_budgets={
                    a.name: DEFAULT_LIMITS[RouteClass.NORMAL] * a.rate_scale for a in cfg.accounts
                },
            )
            return
        if state_url is None or token_env is None:
            raise UsageError(
                "give --config FILE, or both --state-url and --token-env",
                hint="hpsync serve --config hpsync.toml",
            )
        token = resolve(f"env:{token_env}", where="--token-env")
        serve(state_url, token, list(account or []), host, port)
