"""The ASGI app: the profile's routes behind the gateway, stats and test controls.

Unknown paths answer 404 with the plain body ``Not Found`` (Starlette's default, which
matches what Edusign's own Moodle client expects).
"""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hpsync.emulators.edusign.controls import control_routes
from hpsync.emulators.edusign.gateway import endpoint
from hpsync.emulators.edusign.profiles import check as check_profile
from hpsync.emulators.edusign.routes import RateClass, heavy_routes, served
from hpsync.emulators.edusign.state import EmuState


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
                    "heavy_routes": heavy_routes(state.settings.profile),
                },
                "profile": state.settings.profile,
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
    """Every route of ``state``'s profile bound to ``state`` (the route table is
    ``routes.ROUTES``; a route the profile does not serve answers 404 ``Not Found``)."""
    routes: list[Route] = []
    for spec in served(check_profile(state.settings.profile)):
        run = endpoint(
            state,
            spec.template,
            spec.handler,
            scope=spec.scope,
            heavy=spec.rate is RateClass.HEAVY,
        )
        routes.append(Route(spec.template, run, methods=[spec.method]))
    routes += _stats_routes(state)
    routes += control_routes(state)
    return Starlette(routes=routes, middleware=[Middleware(ServerDate, state=state)])


class ServerDate:
    """Every answer's ``Date`` header from the emulator's own clock, the one that stamps
    ``DATE_UPDATED`` (RFC 9110 §6.6.1: an origin server with a clock sends ``Date``): a
    moved clock moves both, as they agree on a real server. Serve with uvicorn's own
    ``date_header=False``."""

    def __init__(self, app: Any, state: EmuState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Any) -> None:
            if message["type"] == "http.response.start":
                now = format_datetime(self.state.now().astimezone(UTC), usegmt=True)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", now.encode())]}
            await send(message)

        await self.app(scope, receive, stamped)
