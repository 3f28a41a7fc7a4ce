"""The dashboard's pages: overview, a run, anomalies, drift, ledger, and the dry-run plan.

Handlers are plain functions (run in the thread pool: the store blocks); each reads the
source, builds a view model (``views``) and renders one template.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import JSONResponse

from hpsync.secrets import redact
from hpsync.state.rows import PlanItemRow, RunRow
from hpsync.web.chart import chart_svg
from hpsync.web.context import Dashboard
from hpsync.web.views import (
    AnomalyView,
    Health,
    ItemView,
    LedgerView,
    anomalies_by_code,
    anomaly_view,
    health,
    item_view,
    latest_by_flow,
    ledger_view,
    run_view,
)

RECENT_RUNS = 50
PLANNED_OUTCOMES = frozenset({"ok", "partial", "planned"})


@dataclass(frozen=True, slots=True)
class AccountCard:
    """What the overview shows for one account."""

    name: str
    health: Health
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
        latest=latest_by_flow(real),
        last_dry=dry[0] if dry else None,
        recent=runs[:10],
        held=dict(sorted(held.items())),
        stuck=stuck,
        chart=chart_svg(runs, title=f"{account}: records written and anomalies per run"),
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
                }
            )
        return JSONResponse({"accounts": body})

    @app.get("/runs/{run_id}")
    def run_page(request: Request, run_id: int) -> Response:
        run = dash.source.get_run(run_id)
        if run is None or run.account not in dash.accounts:
            return _not_found(dash, request, f"no run {run_id}")
        view = run_view(run, dash.source.plan_items(run_id))
        return dash.render(request, "run.html", run=run, view=view, error=redact(run.error or ""))

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
        runs: list[RunRow] = []
        for run, rows in latest_rows(dash):
            runs.append(run)
            for row in rows:
                if row.kind != "anomaly" and (item := item_view(row)).drift:
                    drifted.append((run, item))
        return dash.render(request, "drift.html", drifted=drifted, runs=runs)

    @app.get("/accounts/{account}/ledger")
    def ledger_page(request: Request, account: str) -> Response:
        if account not in dash.accounts:
            return _not_found(dash, request, f"no account {account}")
        view: LedgerView = ledger_view(dash.source.ledger(account))
        return dash.render(request, "ledger.html", account=account, view=view)

    @app.post("/accounts/{account}/plan")
    def plan_now(request: Request, account: str, csrf: Annotated[str, Form()] = "") -> Response:
        if not dash.auth.csrf_ok(request.state.session, csrf):
            return JSONResponse({"detail": "bad CSRF token"}, status_code=403)
        if account not in dash.accounts:
            return _not_found(dash, request, f"no account {account}")
        if dash.plan_now is None:
            return dash.render(
                request,
                "message.html",
                status=409,
                title="Dry-run plan unavailable",
                message="this server was started without a configuration to plan from",
            )
        try:
            text, failed = dash.plan_now(account), False
        except Exception as exc:  # shown to the operator, one redacted line
            text, failed = f"{type(exc).__name__}: {exc}", True
        return dash.render(
            request,
            "plan.html",
            status=500 if failed else 200,
            account=account,
            text=redact(text),
            failed=failed,
        )
