"""What every route needs: the source, the auth, the accounts, the template renderer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hpsync.web.auth import Auth, Session
from hpsync.web.source import DashboardSource
from hpsync.web.timefmt import ago, duration, stamp
from hpsync.web.views import RUN_STALE_DEFAULT

TEMPLATES = Path(__file__).parent / "templates"


def make_env() -> Environment:
    """Jinja2 with autoescape on for everything: no value reaches a page unescaped."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["stamp"] = stamp
    env.filters["duration"] = duration
    return env


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The app's dependencies, built once by ``create_app``."""

    source: DashboardSource
    auth: Auth
    accounts: tuple[str, ...]
    plan_now: Callable[[str], str] | None
    sync_now: Callable[[str], str] | None
    sync_every: Mapping[str, timedelta]
    hp_record_url: Callable[[str], str | None] | None
    clock: Callable[[], datetime]
    env: Environment
    explain_now: Callable[[str], str] | None = None

    def render(
        self, request: Request, name: str, *, status: int = 200, **values: Any
    ) -> HTMLResponse:
        """Render a page with the values every page uses (nav, CSRF for the logout form)."""
        session: Session | None = getattr(request.state, "session", None)
        now = self.clock()
        html = self.env.get_template(name).render(
            accounts=self.accounts,
            logged_in=session is not None,
            csrf=self.auth.csrf(session) if session else "",
            path=request.url.path,
            now=now,
            ago=lambda value: ago(value, now),
            record_link=self.record_link,
            plan_enabled=self.plan_now is not None,
            sync_enabled=self.sync_now is not None,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def run_stale_after(self, account: str) -> timedelta:
        """Runs are stale after twice the account's schedule (1 h when it has none)."""
        every = self.sync_every.get(account)
        return 2 * every if every else RUN_STALE_DEFAULT

    def record_link(self, record: str) -> str | None:
        """The Hyperplanning URL of a record, only when it is a plain http(s) URL."""
        if self.hp_record_url is None:
            # No Hyperplanning URL scheme: link to the dashboard's own record page, which
            # says what the base holds for it and which rule kept or dropped it.
            return f"/records?{urlencode({'record': record})}" if self.explain_now else None
        url = self.hp_record_url(record)
        if not url or urlsplit(url).scheme not in {"http", "https"}:
            return None
        return url
