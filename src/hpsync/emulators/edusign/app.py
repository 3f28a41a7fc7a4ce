"""The ASGI app: v1 and v3 routes behind the gateway, stats and test controls.

Unknown paths answer 404 with the plain body ``Not Found`` (Starlette's default, which
matches what Edusign's own Moodle client expects).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hpsync.edusign.ratelimit import RouteClass, classify
from hpsync.emulators.edusign import (
    attendance,
    v1_courses,
    v1_externals,
    v1_groups,
    v1_people,
    v3_routes,
)
from hpsync.emulators.edusign.controls import control_routes
from hpsync.emulators.edusign.gateway import Handler, endpoint
from hpsync.emulators.edusign.state import EmuState

RouteTable = list[tuple[str, str, Handler, dict[str, Any]]]

#: default permission scope of each route table (a route may override it)
_TABLES: list[tuple[str, RouteTable]] = [
    ("students", v1_people.routes("student")),
    ("professors", v1_people.routes("professor")),
    ("groups", v1_groups.ROUTES),
    ("externals", v1_externals.ROUTES),
    ("courses", v1_courses.ROUTES),
    ("attendance", attendance.ROUTES),
    ("courses", v3_routes.ROUTES),
]


def is_heavy(method: str, template: str) -> bool:
    """Whether a route counts against the heavy budget.

    [I] One table for client and emulator: the client's ``ratelimit.HEAVY_ROUTES``
    (reference §4: only the v3 batch upserts and roster PUTs are documented as HEAVY).
    Its patterns match the route templates as well as concrete paths.
    """
    return classify(method, template) is RouteClass.HEAVY


def heavy_routes() -> list[str]:
    """``METHOD template`` of every heavy route (24 requests/minute budget)."""
    return [f"{m} {t}" for _, table in _TABLES for m, t, _, _o in table if is_heavy(m, t)]


def _stats_routes(state: EmuState) -> list[Route]:
    async def stats(_: Request) -> Response:
        normal, heavy = state.settings.limits()
        return JSONResponse(
            {
                "limits": {
                    "per_minute": normal,
                    "heavy_per_minute": heavy,
                    "mode": state.settings.rate_mode,
                    "scale": state.settings.rate_scale,
                    "heavy_routes": heavy_routes(),
                },
                "unauthorised": state.unauthorised,
                "keys": state.limiter.snapshot(),
            }
        )

    async def reset(_: Request) -> Response:
        state.limiter.reset()
        state.unauthorised = 0
        return JSONResponse({"ok": True})

    return [
        Route("/_emulator/stats", stats, methods=["GET"]),
        Route("/_emulator/stats/reset", reset, methods=["POST"]),
    ]


def create_app(state: EmuState) -> Starlette:
    """Every route of the emulator bound to ``state``."""
    routes: list[Route] = []
    for default_scope, table in _TABLES:
        for method, template, handler, options in table:
            run = endpoint(
                state,
                template,
                handler,
                scope=options.get("scope", default_scope),
                heavy=is_heavy(method, template),
            )
            routes.append(Route(template, run, methods=[method]))
    routes += _stats_routes(state)
    routes += control_routes(state)
    return Starlette(routes=routes)
