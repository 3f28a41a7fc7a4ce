"""The dashboard's app factory: auth gate, security headers, login and logout.

Every path but the login page and the stylesheet needs the session cookie: a page request
without it is sent to ``/login``, anything else (a POST, ``/api/...``) gets 401.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.middleware.base import RequestResponseEndpoint

from hpsync import clock
from hpsync.locale import DEFAULT_LANGUAGE, N_
from hpsync.secrets import Secret
from hpsync.web.auth import COOKIE_NAME, SESSION_SECONDS, Auth, LoginThrottle
from hpsync.web.context import Dashboard, make_env
from hpsync.web.pages import add_pages
from hpsync.web.source import DashboardSource

PUBLIC_PATHS = frozenset({"/login", "/static/style.css"})
STYLESHEET = Path(__file__).parent / "static" / "style.css"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _now() -> datetime:
    return clock.now()


def create_app(
    source: DashboardSource,
    *,
    token: Secret,
    accounts: list[str],
    plan_now: Callable[[str], str] | None = None,
    sync_now: Callable[[str], str] | None = None,
    sync_every: Mapping[str, timedelta] | None = None,
    hp_record_url: Callable[[str], str | None] | None = None,
    clock: Callable[[], datetime] = _now,
    explain_now: Callable[[str], str] | None = None,
    language: str = DEFAULT_LANGUAGE,
    zones: Mapping[str, str] | None = None,
    call_budgets: Mapping[str, float] | None = None,
) -> FastAPI:
    """A dashboard over ``source`` (a StateStore) for ``accounts``, behind ``token``.

    ``plan_now(account)`` and ``sync_now(account)`` return the text shown after the
    dry-run and sync-now buttons (None: the button is disabled); ``sync_every`` gives an
    account's schedule, whose double is when its runs count as stale (default 1 h).
    ``language`` is the configuration's (a browser's Accept-Language or ``?lang=``
    overrides it), ``zones`` each account's time zone (``Config.account_zone``), and
    ``call_budgets`` its ordinary Edusign calls per minute (480 × its rate scale).
    """
    dash = Dashboard(
        source=source,
        auth=Auth(token),
        accounts=tuple(accounts),
        plan_now=plan_now,
        sync_now=sync_now,
        sync_every=dict(sync_every or {}),
        hp_record_url=hp_record_url,
        clock=clock,
        env=make_env(),
        explain_now=explain_now,
        language=language,
        zones=dict(zones or {}),
        call_budgets=dict(call_budgets or {}),
    )
    app = FastAPI(title="hpsync", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def gate(request: Request, call_next: RequestResponseEndpoint) -> Response:
        request.state.session = dash.auth.verify(request.cookies.get(COOKIE_NAME))
        if request.state.session is None and request.url.path not in PUBLIC_PATHS:
            if request.method == "GET" and not request.url.path.startswith("/api/"):
                response: Response = RedirectResponse("/login", status_code=303)
            else:
                response = JSONResponse({"detail": "login required"}, status_code=401)
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/static/style.css")
    def stylesheet() -> FileResponse:
        return FileResponse(STYLESHEET, media_type="text/css")

    @app.get("/login")
    def login_page(request: Request) -> Response:
        if request.state.session is not None:
            return RedirectResponse("/", status_code=303)
        return dash.render(request, "login.html", error="", error_values={})

    throttle = LoginThrottle()

    @app.post("/login")
    def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
        address = request.client.host if request.client else "?"
        wait = throttle.wait(address)
        if wait:
            refused = dash.render(
                request,
                "login.html",
                status=429,
                error=N_("too many wrong tokens: try again in {n} s"),
                error_values={"n": wait},
            )
            refused.headers["Retry-After"] = str(wait)
            return refused
        if not dash.auth.token_ok(token):
            throttle.failed(address)
            return dash.render(
                request, "login.html", status=401, error=N_("wrong token"), error_values={}
            )
        throttle.succeeded(address)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE_NAME,
            dash.auth.issue(),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        session = request.state.session
        if not dash.auth.csrf_ok(session, csrf):
            return JSONResponse({"detail": "bad CSRF token"}, status_code=403)
        dash.auth.revoke(session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE_NAME)
        return response

    add_pages(app, dash)
    return app
