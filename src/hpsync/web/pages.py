"""The dashboard's pages: overview, a run, anomalies, drift, ledger, notifications, and
the two actions (dry-run plan, sync now).

Handlers are plain functions (run in the thread pool: the store blocks); each reads the
source, builds a view model (``views``) and renders one template.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import JSONResponse

from hpsync.errors import HpsyncError
from hpsync.labels import outcome_label
from hpsync.locale import N_, Reader
from hpsync.secrets import redact
from hpsync.state.freshness import freshness
from hpsync.state.rows import PlanItemRow, RunRow
from hpsync.web.chart import chart_svg
from hpsync.web.context import Dashboard
from hpsync.web.figures import (
    Charts,
    attendance_chart,
    daily_attendance,
    run_calls_chart,
    writes_chart,
    written_by_kind,
)
from hpsync.web.source import inputs_of, marks_of, notifications_of
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
ATTENDANCE_DAYS = 14  # the attendance chart covers the last two weeks of sessions
WRITE_RUNS = 10  # the writes chart adds up the newest real runs of each flow
WRITE_ACTIONS = frozenset({"create", "update", "remove"})


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
    charts: Charts


def writes_per_kind(dash: Dashboard, real: list[RunRow]) -> Counter[tuple[str, str]]:
    """Records written per (kind, operation) by the newest real runs of each flow: a down
    run's items that were done, an up run's ``written.<kind>.<op>`` figures."""
    out: Counter[tuple[str, str]] = Counter()
    for run in [r for r in real if r.flow == "down"][:WRITE_RUNS]:
        for row in dash.source.plan_items(run.run_id):
            if row.action in WRITE_ACTIONS and row.outcome == "done":
                out[(row.kind, row.action)] += 1
    for run in [r for r in real if r.flow == "up"][:WRITE_RUNS]:
        out.update(written_by_kind(run.counts))
    return out


def account_charts(dash: Dashboard, account: str, runs: list[RunRow], reader: Reader) -> Charts:
    """The account's three pictures: attendance per day, writes per kind, calls per run."""
    real = [r for r in runs if not r.dry_run]
    since = dash.clock() - timedelta(days=ATTENDANCE_DAYS)
    days = daily_attendance(marks_of(dash.source, account, since), reader.zone)
    calls = [
        (r.started_at, r.finished_at, r.counts["api_calls"])
        for r in sorted(real, key=lambda r: r.run_id)
        if "api_calls" in r.counts
    ]
    return Charts(
        attendance=attendance_chart(days, reader),
        writes=writes_chart(writes_per_kind(dash, real), reader),
        calls=run_calls_chart(calls, dash.call_budget(account), reader),
    )


def account_card(dash: Dashboard, account: str, reader: Reader) -> AccountCard:
    """Gather one account's runs, mappings and stuck ledger rows for the overview."""
    runs = list(dash.source.runs(account, limit=RECENT_RUNS))
    real = [r for r in runs if not r.dry_run]
    dry = [r for r in runs if r.dry_run]
    held = Counter(m.kind for m in dash.source.mappings(account) if m.state == "active")
    stuck = {s: len(dash.source.ledger(account, status=s)) for s in ("pending", "failed")}
    zoned = Reader(reader.language, dash.zone_of(account) or reader.zone)
    return AccountCard(
        name=account,
        health=health(runs),
        freshness=account_freshness(dash, account),
        latest=latest_by_flow(real),
        last_dry=dry[0] if dry else None,
        recent=runs[:10],
        held=dict(sorted(held.items())),
        stuck=stuck,
        chart=chart_svg(
            runs,
            title=reader.gettext(
                "{account}: records written and anomalies per run", account=account
            ),
            reader=zoned,
        ),
        charts=account_charts(dash, account, runs, zoned),
    )


def account_freshness(dash: Dashboard, account: str) -> Freshness:
    """``hpsync status``'s figures for one account, judged against its thresholds."""
    now = dash.clock()
    return freshness_view(
        freshness(dash.source, account, now), run_stale_after=dash.run_stale_after(account)
    )


def _action(
    dash: Dashboard,
    request: Request,
    account: str,
    csrf: str,
    call: Callable[[str], str] | None,
    *,
    title: str,
    message: str,
    template: str,
) -> Response:
    """Check the CSRF token and the account, call the action, show its redacted text.

    ``title`` and ``message`` (marked msgids) say why the action is unavailable."""
    if not dash.auth.csrf_ok(request.state.session, csrf):
        return JSONResponse({"detail": "bad CSRF token"}, status_code=403)
    if account not in dash.accounts:
        return _not_found(dash, request, N_("no account {name}"), name=account)
    if call is None:
        return dash.render(
            request, "message.html", status=409, title=title, message=message, values={}
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


def run_meta(run: RunRow) -> list[tuple[str, str, bool]]:
    """What a run was started with: forced or not, why, by whom, the approved plan.

    ``(label msgid, value, value is a word to translate)``: the reason and the names are
    the operator's own text, shown as typed (redacted)."""
    meta = run.meta or {}
    out = [(N_("forced"), N_("yes") if meta.get("forced") else N_("no"), True)]
    for key, label in (
        ("reason", N_("reason")),
        ("by", N_("by")),
        ("approved_plan", N_("approved plan")),
    ):
        value = meta.get(key)
        if value:
            out.append((label, redact(str(value)), False))
    return out


def _not_found(dash: Dashboard, request: Request, message: str, **values: object) -> Response:
    """A 404 page; ``message`` is a msgid, ``values`` fill its fields after translation."""
    return dash.render(
        request,
        "message.html",
        status=404,
        title=N_("Not found"),
        message=message,
        values=values,
    )


def add_pages(app: FastAPI, dash: Dashboard) -> None:
    """Register every page of the dashboard on ``app``."""

    @app.get("/")
    def overview(request: Request) -> Response:
        reader = dash.reader(request)
        cards = [account_card(dash, a, reader) for a in dash.accounts]
        return dash.render(request, "overview.html", cards=cards)

    @app.get("/api/overview")
    def overview_json() -> JSONResponse:
        body = []
        for account in dash.accounts:
            h = health(dash.source.runs(account, limit=RECENT_RUNS))
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
            return _not_found(dash, request, N_("no run {id}"), id=run_id)
        run = dash.source.get_run(run_id)
        if run is None or run.account not in dash.accounts:
            return _not_found(dash, request, N_("no run {id}"), id=run_id)
        view = run_view(run, dash.source.plan_items(run_id))
        reader = dash.reader(request, run.account)
        said = Counter(
            outcome_label(i.action, i.outcome, i.reason, reader)
            for _action, items in view.groups
            for i in items
        )
        return dash.render(
            request,
            "run.html",
            account=run.account,
            run=run,
            view=view,
            outcome_counts=said.most_common(),
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
            return _not_found(dash, request, N_("no account {name}"), name=account)
        view: LedgerView = ledger_view(dash.source.ledger(account))
        reader = dash.reader(request, account)
        since = dash.clock() - timedelta(days=ATTENDANCE_DAYS)
        days = daily_attendance(marks_of(dash.source, account, since), reader.zone)
        chart = attendance_chart(days, reader)
        return dash.render(request, "ledger.html", account=account, view=view, chart=chart)

    @app.get("/records")
    def record_page(request: Request, record: str = "") -> Response:
        if dash.explain_now is None or not record.strip():
            return _not_found(dash, request, N_("no record page: no configuration to read from"))
        try:
            text, failed = dash.explain_now(record), False
        except HpsyncError as exc:
            text, failed = redact(str(exc)), True
        return dash.render(request, "record.html", record=record, text=text, failed=failed)

    @app.get("/accounts/{account}/notifications")
    def notifications_page(request: Request, account: str) -> Response:
        if account not in dash.accounts:
            return _not_found(dash, request, N_("no account {name}"), name=account)
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
            title=N_("Dry-run plan unavailable"),
            message=N_("this server was started without a configuration to plan from"),
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
            title=N_("Sync now unavailable"),
            message=N_("this server was started without a configuration to sync from"),
            template="sync.html",
        )
