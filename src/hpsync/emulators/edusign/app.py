"""The ASGI app: the profile's routes behind the gateway, stats and test controls.

Unknown paths answer 404 with the plain body ``Not Found`` (Starlette's default, which
matches what Edusign's own Moodle client expects).
"""

from __future__ import annotations

from starlette.applications import Starlette
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
    return Starlette(routes=routes)
