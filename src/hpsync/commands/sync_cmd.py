"""``hpsync plan | sync | attendance | anomalies | explain | runs``: the daily commands."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from hpsync import clock
from hpsync.bootstrap import Services, open_context
from hpsync.engine.desired import build_desired
from hpsync.engine.explain import explain_learner, explain_session
from hpsync.engine.render import (
    explained_items,
    render_anomalies,
    render_items,
    render_plan,
)
from hpsync.errors import GuardRefused, HpsyncError, UsageError
from hpsync.labels import counts_sentence
from hpsync.locale import Reader
from hpsync.model import Snapshot
from hpsync.progress_bars import AccountBars
from hpsync.sync.parallel import raise_first
from hpsync.sync.runs import DownOutcome, settle_dead_runs
from hpsync.sync.write_back import PreviousOutcome

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration file.", envvar="HPSYNC_CONFIG")
]
AccountOpt = Annotated[str | None, typer.Option("--account", "-a", help="Only this account.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _load(path: Path) -> Any:
    from hpsync.config import load_config
    from hpsync.logging import configure_logging

    config = load_config(path)
    configure_logging(config.log_format, os.environ.get("HPSYNC_LOG_LEVEL", "warning"))
    return config


def _snapshot(ctx: Services, quiet: bool) -> Snapshot:
    if not quiet:
        typer.echo(f"reading Hyperplanning base {ctx.config.hyperplanning.url} ...", err=True)
    return ctx.hyperplanning.read_snapshot()


def _down(
    config: Path,
    account: str | None,
    *,
    dry_run: bool,
    force: bool,
    reason: str,
    as_json: bool,
    out: Path | None = None,
    approved_file: Path | None = None,
) -> int:
    approved = _read_approved(approved_file) if approved_file else None
    with open_context(_load(config)) as ctx:
        ctx.selected(account)  # an unknown account is refused before any network call
        snapshot = _snapshot(ctx, as_json)
        bars = AccountBars(enabled=not as_json)

        try:
            outcomes = ctx.sync_down(
                ctx.selected(account),
                snapshot,
                dry_run=dry_run,
                force=force,
                reason=reason,
                progress_for=lambda setup: partial(bars.start, f"sync {setup.name}"),
                approved_for=lambda setup: _approved_for(approved, setup.name),
            )
        finally:
            bars.stop()
        results = [r for r in outcomes if not isinstance(r, HpsyncError)]
        if out is not None:
            body = {
                "format": "hpsync-plan/1",
                "created_at": clock.now().isoformat(),
                "base_id": snapshot.base.base_id,
                "accounts": {r.planned.plan.account: r.planned.plan.to_json() for r in results},
            }
            out.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
            hashes = ", ".join(
                f"{r.planned.plan.account} {r.planned.plan.plan_hash}" for r in results
            )
            typer.echo(
                f"plan written to {out} (plan hash: {hashes}); review it, then apply exactly it "
                f"with `hpsync sync --plan {out}`",
                err=True,
            )
        if as_json:
            zone = snapshot.base.timezone
            bodies = [_down_json(r, zone, explain=dry_run) for r in results]
            typer.echo(json.dumps(bodies, indent=2, ensure_ascii=False))
        else:
            for result in results:
                typer.echo(render_plan(result.planned.plan, zone=snapshot.base.timezone))
                if result.result is not None:
                    figures = counts_sentence(result.counts, Reader("en"))
                    typer.echo(f"outcome: {result.outcome}; {figures}")
                    for item, message in result.result.failures[:20]:
                        typer.echo(f"  failed {item.kind.value} {item.sid}: {message}")
        raise_first(outcomes)  # the other accounts were synced and reported above
        return 1 if any(r.outcome == "partial" for r in results) else 0


def _impact(
    new_path: Path, current_path: Path, account: str | None, *, as_json: bool = False
) -> None:
    """What a sync would do under the new configuration, and what moved from the current.

    The figures are the sync's own: the plan is made as ``plan`` makes it, with the new
    rules, against what Edusign holds and the state store remembers, so past, locked and
    hand-edited sheets are protected exactly as a sync protects them.
    """
    from hpsync.bootstrap import account_rules
    from hpsync.engine.impact import impact
    from hpsync.sync.runs import down_counts

    new, current = _load(new_path), _load(current_path)
    before = {a.name: a for a in current.accounts}
    out: list[dict[str, Any]] = []
    with open_context(new) as ctx:
        setups = ctx.selected(account)  # unknown account: refused before reading
        snapshot = _snapshot(ctx, as_json)
        reader = Reader("en", snapshot.base.timezone)
        dry = raise_first(ctx.sync_down(setups, snapshot, dry_run=True))
        for setup, outcome in zip(setups, dry, strict=True):
            planned = outcome.planned.plan
            old = (
                build_desired(snapshot, account_rules(before[setup.name]))
                if setup.name in before
                else None
            )
            moved = impact(setup.name, old, build_desired(snapshot, setup.rules))
            counts = down_counts(planned, None)
            out.append(
                {
                    "account": setup.name,
                    "counts": counts,
                    "by_kind": planned.count(),
                    "gained": moved.gained,
                    "lost": moved.lost,
                    "changed": moved.changed,
                    "items": explained_items(planned, reader),
                }
            )
            if not as_json:
                typer.echo(
                    f"account {setup.name}: a sync under {new_path.name} would create "
                    f"{counts['created']}, update {counts['updated']}, remove "
                    f"{counts['removed']}, adopt {counts['adopted']}; "
                    f"{counts['protected']} kept as they are (past, locked or signed sheets)"
                )
                typer.echo("\n".join(moved.lines()[1:]))
                typer.echo("\n".join(render_items(planned, reader)))
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))


def _read_approved(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot read the approved plan {path}: {exc}",
            hint="write one with `hpsync plan --out plan.json`",
        ) from None
    if not isinstance(body, dict) or body.get("format") != "hpsync-plan/1":
        raise UsageError(f"{path} is not an hpsync plan", hint="use `hpsync plan --out FILE`")
    return body


def _approved_for(approved: dict[str, Any] | None, account: str) -> dict[str, Any] | None:
    if approved is None:
        return None
    plan = approved.get("accounts", {}).get(account)
    if plan is None:
        raise GuardRefused(
            f"the approved plan has no part for account {account!r}",
            record=f"account {account}",
            hint="approve a plan that covers it, or pass --account",
        )
    return dict(plan)


def _previous_line(one: PreviousOutcome) -> str:
    """One previous base's write-back for one account, as a person reads it."""
    head = f"previous base {one.base_id}, account {one.account}:"
    if one.error is not None:
        return f"{head} not written back: {one.error}"
    assert one.outcome is not None
    counts = one.outcome.counts
    text = (
        f"{head} {one.outcome.outcome}: {counts.get('sheets_final', 0)} final sheet(s), "
        f"{counts.get('changes_planned', 0)} change(s), {counts.get('sheets_open', 0)} not final"
    )
    if one.all_final:
        text += " (every sheet final: this base may leave [[hyperplanning.previous]])"
    return text


def _previous_json(one: PreviousOutcome) -> dict[str, Any]:
    out = one.outcome
    return {
        "account": one.account,
        "base_id": one.base_id,
        "previous": True,
        "run_id": out.run_id if out else None,
        "outcome": out.outcome if out else "failed",
        "counts": out.counts if out else {},
        "error": str(one.error) if one.error else "",
        "all_final": one.all_final,
    }


def _down_json(result: DownOutcome, zone: str, *, explain: bool) -> dict[str, Any]:
    """The plan as data, its run and figures; for a preview (``plan --json``) each item
    explained too (``explained``: the names and lines every face shows; outside the plan
    hash). A sync's items are explained by ``runs show RUN --json``: an initial sync's
    JSON would otherwise carry every session twice (an L school: 5 s and 40 MB more)."""
    body = result.planned.plan.to_json()
    body.update({"run_id": result.run_id, "outcome": result.outcome, "counts": result.counts})
    if explain:
        body["explained"] = explained_items(result.planned.plan, Reader("en", zone))
    return body


def register(app: typer.Typer) -> None:
    """Add the daily commands to the CLI."""

    @app.command("plan")
    def plan(
        config: ConfigOpt,
        account: AccountOpt = None,
        as_json: JsonOpt = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Store the plan (with its hash) for approval.")
        ] = None,
        compare: Annotated[
            Path | None,
            typer.Option(help="Preview what --config would move compared with this current one."),
        ] = None,
    ) -> None:
        """Show what a sync would write (creates, updates with diffs, removals); change nothing."""
        if compare is not None:
            _impact(config, compare, account, as_json=as_json)
            return
        raise typer.Exit(
            _down(config, account, dry_run=True, force=False, reason="", as_json=as_json, out=out)
        )

    @app.command("sync")
    def sync(
        config: ConfigOpt,
        account: AccountOpt = None,
        force: Annotated[bool, typer.Option(help="Release the safety guards.")] = False,
        reason: Annotated[str, typer.Option(help="Why the guards are released.")] = "",
        as_json: JsonOpt = False,
        plan_file: Annotated[
            Path | None,
            typer.Option("--plan", help="Apply exactly this approved plan, or refuse."),
        ] = None,
    ) -> None:
        """Apply the plan: push planning changes to Edusign (idempotent, safe to rerun)."""
        if force and not reason.strip():
            raise typer.BadParameter('--force needs --reason "why" (it is recorded)')
        raise typer.Exit(
            _down(
                config,
                account,
                dry_run=False,
                force=force,
                reason=reason,
                as_json=as_json,
                approved_file=plan_file,
            )
        )

    @app.command("attendance")
    def attendance(
        config: ConfigOpt,
        account: AccountOpt = None,
        since: Annotated[
            datetime | None, typer.Option(help="Earliest session date (YYYY-MM-DD).")
        ] = None,
        report: Annotated[
            bool, typer.Option("--report", help="Only report, write nothing.")
        ] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Write final Edusign attendance back into Hyperplanning (absences, delays)."""
        with open_context(_load(config)) as ctx:
            ctx.selected(account)  # an unknown account is refused before any network call
            snapshot = _snapshot(ctx, as_json)
            since_utc = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
            done = ctx.write_back(ctx.selected(account), snapshot, dry_run=report, since=since_utc)
            results = done.current
            if not as_json:
                for one in done.previous:
                    typer.echo(_previous_line(one))
            if as_json:
                payload = [
                    {
                        "account": s.name,
                        "base_id": snapshot.base.base_id,
                        "previous": False,
                        "run_id": r.run_id,
                        "outcome": r.outcome,
                        "counts": r.counts,
                        "notes": r.plan.notes,
                        "hand_added": r.plan.hand_added,
                    }
                    for s, r in zip(ctx.selected(account), results, strict=True)
                ] + [_previous_json(one) for one in done.previous]
                typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
            else:
                for setup, result in zip(ctx.selected(account), results, strict=True):
                    typer.echo(f"account {setup.name}: {result.outcome}")
                    for key, value in sorted(result.counts.items()):
                        typer.echo(f"  {key:<28} {value}")
                    for note in result.plan.notes[:20] + result.plan.hand_added[:20]:
                        typer.echo(f"  note: {note}")
                    if result.report is not None:
                        for change, message in result.report.failures[:20]:
                            typer.echo(f"  failed {change.key}: {message}")
            raise typer.Exit(1 if done.partial else 0)

    @app.command("anomalies")
    def anomalies(config: ConfigOpt, account: AccountOpt = None, as_json: JsonOpt = False) -> None:
        """List the Hyperplanning records to fix (no e-mail, no rubric, no trainer, ...)."""
        with open_context(_load(config)) as ctx:
            setups = ctx.selected(account)  # unknown account: refused before reading
            snapshot = _snapshot(ctx, as_json)
            out: dict[str, Any] = {}
            for setup in setups:
                state = build_desired(snapshot, setup.rules)
                if as_json:
                    out[setup.name] = [
                        {
                            "code": a.code.value,
                            "kind": a.kind,
                            "key": a.key,
                            "label": a.label,
                            "message": a.message,
                            "blocks": a.blocks,
                        }
                        for a in state.anomalies
                    ]
                else:
                    typer.echo(f"== account {setup.name}")
                    typer.echo(render_anomalies(state.anomalies))
            if as_json:
                typer.echo(json.dumps(out, indent=2, ensure_ascii=False))

    @app.command("explain")
    def explain(
        config: ConfigOpt,
        account: Annotated[str, typer.Option("--account", "-a", help="The account.")],
        session: Annotated[str | None, typer.Option(help="Session key, e.g. 123-5.")] = None,
        learner: Annotated[int | None, typer.Option(help="Learner key.")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Say which rule kept, dropped or mapped a session or a learner, and why."""
        if (session is None) == (learner is None):
            raise typer.BadParameter("give exactly one of --session or --learner")
        with open_context(_load(config)) as ctx:
            rules = ctx.account(account).rules  # unknown account: refused before reading
            snapshot = _snapshot(ctx, True)
            state = build_desired(snapshot, rules)
            lines = (
                explain_session(snapshot, state, session)
                if session is not None
                else explain_learner(snapshot, state, int(learner or 0))
            )
            if as_json:
                target = {"session": session} if session is not None else {"learner": learner}
                typer.echo(
                    json.dumps(
                        {**target, "account": account, "lines": lines}, ensure_ascii=False, indent=2
                    )
                )
            else:
                typer.echo("\n".join(lines))

    @app.command("runs")
    def runs(config: ConfigOpt, account: AccountOpt = None, as_json: JsonOpt = False) -> None:
        """List recent runs with their outcome and counts."""
        from hpsync.state import StateStore

        cfg = _load(config)
        store = StateStore.open(cfg.state_url)
        try:
            for name in sorted({r.account for r in store.runs(account, limit=50) if not r.outcome}):
                settle_dead_runs(store, name)  # a run nobody works on any more died
            rows = store.runs(account, limit=50)
        finally:
            store.close()
        if as_json:
            typer.echo(
                json.dumps(
                    [
                        {
                            "run_id": r.run_id,
                            "account": r.account,
                            "flow": r.flow,
                            "dry_run": r.dry_run,
                            "started_at": r.started_at.isoformat(),
                            "outcome": r.outcome,
                            "counts": r.counts,
                            "error": r.error,
                        }
                        for r in rows
                    ],
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        zones = {a.name: cfg.account_zone(a) for a in cfg.accounts}
        for r in rows:
            at = r.started_at.astimezone(ZoneInfo(zones.get(r.account, cfg.timezone)))
            typer.echo(
                f"{r.run_id:>5} {at:%Y-%m-%d %H:%M %Z} {r.account:<12} {r.flow:<5} "
                f"{'dry ' if r.dry_run else ''}{r.outcome or 'running'} {r.error[:80]}"
            )
