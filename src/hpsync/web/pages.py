"""The dashboard's pages: overview, a run, anomalies, drift, ledger, notifications, and
the two actions (dry-run plan, sync now).

Handlers are plain functions (run in the thread pool: the store blocks); each reads the
source, builds a view model (``views``) and renders one template.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import JSONResponse

from hpsync.commands.ops_cmd import freshness
from hpsync.errors import HpsyncError
from hpsync.secrets import redact
from hpsync.state.rows import PlanItemRow, RunRow
from hpsync.web.chart import chart_svg
from hpsync.web.context import Dashboard
from hpsync.web.source import inputs_of, notifications_of
from hpsync.web.views import (
    AnomalyView,
    Freshness,
    Health,
    ItemView,
    LedgerView,
    anomalies_by_code,
    anomaly_view,
    freshness_view,
    health,
    item_view,
    latest_by_flow,
    ledger_view,
    notification_view,
    run_view,
)

RECENT_RUNS = 50
MAX_ID = 2**63  # ids are signed 64-bit integers in both databases
RECENT_NOTIFICATIONS = 100
PLANNED_OUTCOMES = frozenset({"ok", "partial", "planned"})


@dataclass(frozen=True, slots=True)
class AccountCard:
    """What the overview shows for one account."""

    name: str
    health: Health
    freshness: Freshness
    latest: dict[str, RunRow]  # newest real run per flow
    last_dry: RunRow | None
    recent: list[RunRow]
    held: dict[str, int]
    stuck: dict[str, int]  # ledger rows pending / failed
    chart: Any  # Markup


def account_card(dash: Dashboard, account: str) -> AccountCard:
    """Gather one account's runs, mappings and stuck ledger rows for the overview."""
    runs = list(dash.source.runs(account, limit=RECENT_RUNS))
    real = [r for r in runs if not r.dry_run]
    dry = [r for r in runs if r.dry_run]
    held = Counter(m.kind for m in dash.source.mappings(account) if m.state == "active")
    stuck = {s: len(dash.source.ledger(account, status=s)) for s in ("pending", "failed")}
    return AccountCard(
        name=account,
        health=health(runs, dash.clock()),
        freshness=account_freshness(dash, account),
        latest=latest_by_flow(real),
        last_dry=dry[0] if dry else None,
        recent=runs[:10],
        held=dict(sorted(held.items())),
        stuck=stuck,
        chart=chart_svg(runs, title=f"{account}: records written and anomalies per run"),
    )


def account_freshness(dash: Dashboard, account: str) -> Freshness:
    """``hpsync status``'s figures for one account, judged against its thresholds."""
    now = dash.clock()
    return freshness_view(
        freshness(dash.source, account, now), now, run_stale_after=dash.run_stale_after(account)
    )


def _action(
    dash: Dashboard,
    request: Request,
    account: str,
    csrf: str,
    call: Callable[[str], str] | None,
    *,
    what: str,
    verb: str,
    template: str,
) -> Response:
    """Check the CSRF token and the account, call the action, show its redacted text."""
    if not dash.auth.csrf_ok(request.state.session, csrf):
        return JSONResponse({"detail": "bad CSRF token"}, status_code=403)
    if account not in dash.accounts:
        return _not_found(dash, request, f"no account {account}")
    if call is None:
        return dash.render(
            request,
            "message.html",
            status=409,
            title=f"{what} unavailable",
            message=f"this server was started without a configuration to {verb} from",
        )
    try:
        text, failed = call(account), False
    except Exception as exc:  # shown to the operator, one redacted line
        text, failed = f"{type(exc).__name__}: {exc}", True
    return dash.render(
        request,
        template,
        status=500 if failed else 200,
        account=account,
        text=redact(text),
        failed=failed,
    )


def latest_rows(dash: Dashboard) -> list[tuple[RunRow, list[PlanItemRow]]]:
    """The newest planned run of each flow of each account, with its stored items.

    A run that planned (ok, partial, planned) is current even when its plan is empty; a
    run that failed before planning stored nothing, so an older one still tells the truth.
    """
    out = []
    for account in dash.accounts:
        seen: set[str] = set()
        for run in dash.source.runs(account, limit=RECENT_RUNS):
            if run.flow in seen:
                continue
            rows = list(dash.source.plan_items(run.run_id))
            if rows or run.outcome in PLANNED_OUTCOMES:
                seen.add(run.flow)
                out.append((run, rows))
    return out


def run_meta(run: RunRow) -> dict[str, str]:
    """What a run was started with: forced or not, why, by whom, the approved plan."""
    meta = run.meta or {}
    out = {"forced": "yes" if meta.get("forced") else "no"}
    for key, label in (("reason", "reason"), ("by", "by"), ("approved_plan", "approved plan")):
        value = meta.get(key)
        if value:
            out[label] = redact(str(value))
    return out


def _not_found(dash: Dashboard, request: Request, what: str) -> Response:
    return dash.render(request, "message.html", status=404, title="Not found", message=what)


def add_pages(app: FastAPI, dash: Dashboard) -> None:
    """Register every page of the dashboard on ``app``."""

    @app.get("/")
    def overview(request: Request) -> Response:
        cards = [account_card(dash, a) for a in dash.accounts]
        return dash.render(request, "overview.html", cards=cards)

    @app.get("/api/overview")
    def overview_json() -> JSONResponse:
        body = []
        for account in dash.accounts:
            h = health(dash.source.runs(account, limit=RECENT_RUNS), dash.clock())
            body.append(
                {
                    "account": account,
                    "health": h.status,
                    "last_good": h.last_good.isoformat() if h.last_good else None,
                    "freshness": account_freshness(dash, account).as_json(),
                }
            )
        return JSONResponse({"accounts": body})

    @app.get("/runs/{run_id}")
    def run_page(request: Request, run_id: int) -> Response:
        if not 0 < run_id < MAX_ID:  # a database integer: anything else names no run
            return _not_found(dash, request, f"no run {run_id}")
        run = dash.source.get_run(run_id)
        if run is None or run.account not in dash.accounts:
            return _not_found(dash, request, f"no run {run_id}")
        view = run_view(run, dash.source.plan_items(run_id))
        return dash.render(
            request,
            "run.html",
            run=run,
            view=view,
            error=redact(run.error or ""),
            meta=run_meta(run),
            inputs=inputs_of(dash.source, run_id),
        )

    @app.get("/anomalies")
    def anomalies_page(request: Request) -> Response:
        found: list[AnomalyView] = []
        runs: list[RunRow] = []
        for run, rows in latest_rows(dash):
            runs.append(run)
            found += [anomaly_view(run.account, run.run_id, r) for r in rows if r.kind == "anomaly"]
        return dash.render(request, "anomalies.html", groups=anomalies_by_code(found), runs=runs)

    @app.get("/drift")
    def drift_page(request: Request) -> Response:
        drifted: list[tuple[RunRow, ItemView]] = []
        outside: list[tuple[RunRow, ItemView]] = []  # hand-made: never written by hpsync
        runs: list[RunRow] = []
        for run, rows in latest_rows(dash):
            runs.append(run)
            for row in rows:
                if row.kind == "anomaly":
                    continue
                item = item_view(row)
                if item.is_drift:
                    drifted.append((run, item))
                elif item.action == "hand_made":
                    outside.append((run, item))
        return dash.render(request, "drift.html", drifted=drifted, outside=outside, runs=runs)

    @app.get("/accounts/{account}/ledger")
    def ledger_page(request: Request, account: str) -> Response:
        if account not in dash.accounts:
            return _not_found(dash, request, f"no account {account}")
        view: LedgerView = ledger_view(dash.source.ledger(account))
        return dash.render(request, "ledger.html", account=account, view=view)

    @app.get("/records")
    def record_page(request: Request, record: str = "") -> Response:
        if dash.explain_now is None or not record.strip():
            return _not_found(dash, request, "no record page: no configuration to read from")
        try:
            text, failed = dash.explain_now(record), False
        except HpsyncError as exc:
            text, failed = redact(str(exc)), True
        return dash.render(request, "record.html", record=record, text=text, failed=failed)

    @app.get("/accounts/{account}/notifications")
    def notifications_page(request: Request, account: str) -> Response:
        if account not in dash.accounts:
            return _not_found(dash, request, f"no account {account}")
        rows = notifications_of(dash.source, account, RECENT_NOTIFICATIONS)
        views = [notification_view(r) for r in rows]
        counts = dict(Counter(v.status for v in views).most_common())
        return dash.render(
            request, "notifications.html", account=account, rows=views, counts=counts
        )

    @app.post("/accounts/{account}/plan")
    def plan_now(request: Request, account: str, csrf: Annotated[str, Form()] = "") -> Response:
        return _action(
            dash,
            request,
            account,
            csrf,
            dash.plan_now,
            what="Dry-run plan",
            verb="plan",
            template="plan.html",
        )

    @app.post("/accounts/{account}/sync")
    def sync_now(request: Request, account: str, csrf: Annotated[str, Form()] = "") -> Response:
        return _action(
            dash,
            request,
            account,
            csrf,
            dash.sync_now,
            what="Sync now",
            verb="sync",
            template="sync.html",
        )
