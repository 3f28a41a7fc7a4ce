"""What every route needs: the source, the auth, the accounts, the template renderer.

Each page is rendered for one reader: the language comes from ``?lang=`` (remembered in
a cookie), else the browser's ``Accept-Language``, else the configuration; the times are
in the zone of the page's account (or the accounts' common zone), named once in the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hpsync import labels
from hpsync.locale import DEFAULT_LANGUAGE, LANGUAGES, Reader, negotiate, supported
from hpsync.web.auth import Auth, Session
from hpsync.web.source import DashboardSource
from hpsync.web.views import RUN_STALE_DEFAULT

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "hpsync_lang"
DEFAULT_ZONE = "Europe/Paris"
# Edusign's documented budget of ordinary calls per minute (hpsync.edusign.ratelimit).
DEFAULT_CALL_BUDGET = 480.0


def make_env() -> Environment:
    """Jinja2 with autoescape on for everything: no value reaches a page unescaped.

    Words are translated by the ``_``/``ngettext`` the page is rendered with (a
    :class:`~hpsync.locale.Reader`'s), so one environment serves every language.
    """
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def request_language(request: Request, default: str) -> str:
    """``?lang=``, then the remembered choice, then ``Accept-Language``, then ``default``."""
    chosen = supported(request.query_params.get("lang")) or supported(
        request.cookies.get(LANG_COOKIE)
    )
    return chosen or negotiate(request.headers.get("accept-language"), default)


def helpers(reader: Reader, now: datetime, zones: Mapping[str, str]) -> dict[str, Any]:
    """The words and times a template uses, bound to one reader."""

    def in_zone(account: str | None) -> Reader:
        zone = zones.get(account or "", reader.zone)
        return reader if zone == reader.zone else Reader(reader.language, zone)

    return {
        "_": reader.gettext,
        "ngettext": reader.ngettext,
        "reader": reader,
        "lang": reader.language,
        "when": lambda value, account=None: in_zone(account).when(value),
        "span": lambda start, end, account=None: in_zone(account).span(start, end),
        "ago": lambda value: reader.ago(value, now),
        "duration": reader.duration,
        "count_label": lambda key: labels.count_label(key, reader),
        "labelled_counts": lambda counts: labels.labelled_counts(counts, reader),
        "status": lambda value: labels.status_label(value, reader),
        "action": lambda value: labels.action_label(value, reader),
        "kind": lambda value, one=False: labels.kind_label(value, reader, one=one),
        "flow": lambda value: labels.flow_label(value, reader),
        "drift": lambda value: labels.drift_label(value, reader),
        # A plan item as every face names it (``engine.explained``), times in the account's zone.
        "named": lambda item, account=None: item.name(in_zone(account)),
        "changes": lambda item, account=None: item.change_texts(in_zone(account)),
        "outcome": lambda item: labels.outcome_label(
            item.action, item.outcome, item.reason, reader
        ),
    }


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
    language: str = DEFAULT_LANGUAGE
    zones: Mapping[str, str] = field(default_factory=dict)
    call_budgets: Mapping[str, float] = field(default_factory=dict)

    def zone_of(self, account: str | None = None) -> str | None:
        """The zone of ``account``; without one, the accounts' common zone (None: they
        differ, and each account names its own)."""
        if account is not None:
            return self.zones.get(account, DEFAULT_ZONE)
        found = {self.zones.get(a, DEFAULT_ZONE) for a in self.accounts} or {DEFAULT_ZONE}
        return found.pop() if len(found) == 1 else None

    def call_budget(self, account: str) -> float:
        """Ordinary Edusign calls allowed per minute for ``account`` (rate scale applied)."""
        return self.call_budgets.get(account, DEFAULT_CALL_BUDGET)

    def reader(self, request: Request, account: str | None = None) -> Reader:
        """Who reads this page: their language, and the zone of the page's account."""
        zone = self.zone_of(account) or DEFAULT_ZONE
        return Reader(request_language(request, self.language), zone)

    def render(
        self,
        request: Request,
        name: str,
        *,
        status: int = 200,
        account: str | None = None,
        **values: Any,
    ) -> HTMLResponse:
        """Render a page with the values every page uses (nav, CSRF for the logout form,
        the reader's words and times); the zone is named once, in the page's header."""
        session: Session | None = getattr(request.state, "session", None)
        reader = self.reader(request, account)
        now = self.clock()
        page_zone = self.zone_of(account)
        html = self.env.get_template(name).render(
            language_links=self.language_links(request, reader.language),
            accounts=self.accounts,
            logged_in=session is not None,
            csrf=self.auth.csrf(session) if session else "",
            path=request.url.path,
            now=now,
            record_link=self.record_link,
            plan_enabled=self.plan_now is not None,
            sync_enabled=self.sync_now is not None,
            account=account,
            page_zone=page_zone,
            zones={a: self.zone_of(a) for a in self.accounts},
            **helpers(reader, now, {a: self.zone_of(a) or DEFAULT_ZONE for a in self.accounts}),
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        asked = supported(request.query_params.get("lang"))
        if asked:
            response.set_cookie(
                LANG_COOKIE, asked, max_age=365 * 86400, httponly=True, samesite="strict"
            )
        return response

    @staticmethod
    def language_links(request: Request, current: str) -> list[tuple[str, str, bool]]:
        """``(language, URL of this page in it, is current)``; after a form was posted the
        link leads to the overview (a page a GET can show again)."""
        base = request.url.path if request.method == "GET" else "/"
        query = {k: v for k, v in request.query_params.items() if k != "lang"}
        return [
            (lang, f"{base}?{urlencode({**query, 'lang': lang})}", lang == current)
            for lang in LANGUAGES
        ]

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
