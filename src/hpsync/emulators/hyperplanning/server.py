"""The emulated Service Web as an ASGI app, and a runner on a free loopback port.

Routes under the configurable root (default ``/hpsw``): ``GET wsdl`` (full),
``GET wsdl/IHpSvcW<Interface>`` (partial), ``GET wsdl/RpcEncoded`` (RPC/encoded),
``POST <anything>`` (SOAP 1.1, dispatched on the body's operation element; RPC/encoded when
the envelope declares SOAP encoding or the path holds ``RpcEncoded``), and test controls
under ``_emulator/`` (stats, data, unavailable). Everything requires HTTP Basic; the base
can be switched to HTTP 503.

What is served comes from the profile (spec.py: ``full`` or ``public``) or from WSDL
documents captured from a real server (captured.py). In the public profile every
``soap:address`` names another host (``PUBLIC_ADDRESS``), as a real server behind a proxy
does; requests still work on whatever URL the client was configured with.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hpsync.emulators.hyperplanning.captured import CapturedWsdl, load_captured
from hpsync.emulators.hyperplanning.handlers import HANDLERS
from hpsync.emulators.hyperplanning.soap import (
    Reply,
    WireOptions,
    decode_params,
    fault,
    parse_request,
    response,
)
from hpsync.emulators.hyperplanning.spec import PROFILES, Operation, Profile, by_name, interfaces
from hpsync.emulators.hyperplanning.state import HpFault, School
from hpsync.emulators.hyperplanning.wsdl import rpc_wsdl, wsdl

_XML = "text/xml; charset=utf-8"

#: Scheme, host and port the public profile writes into every ``soap:address``: a name
#: that never resolves (RFC 2606), so a client that trusts the WSDL's address fails.
PUBLIC_ADDRESS = "http://hpsw.internal.invalid:8080"


@dataclass
class EmulatorState:
    """Everything the server holds; tests may read and tweak it between calls."""

    school: School
    user: str
    password: str
    root: str = "/hpsw"
    z_suffix: bool = True
    unavailable: bool = False
    fail_next: int = 0  # answer 503 to this many coming SOAP calls (transient outage)
    latency: float = 0.0
    denied_interfaces: set[str] = field(default_factory=set)
    calls: Counter[str] = field(default_factory=Counter)
    profile: Profile = "full"
    advertised_base: str | None = None  # scheme://host[:port] of soap:address; None = request's
    captured: CapturedWsdl | None = None

    @property
    def known(self) -> dict[str, Operation]:
        """The operations this server answers, by name."""
        return self.captured.operations if self.captured else by_name(self.profile)

    def reply(self, op: Operation, encoded: bool) -> Reply:
        """How to write the answer to ``op``."""
        if self.captured is not None:
            return self.captured.reply(op.name, encoded)
        return Reply(encoded=encoded)

    def authorised(self, request: Request) -> bool:
        """Check HTTP Basic credentials (any login string, incl. ``ORG\\api@x``)."""
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        return bool(sep) and (
            secrets.compare_digest(user.encode(), self.user.encode())
            & secrets.compare_digest(password.encode(), self.password.encode())
        )


def _unauthorised() -> Response:
    return Response(
        "Authentification requise",
        status_code=401,
        headers={"WWW-Authenticate": 'Basic realm="HYPERPLANNING Service Web"'},
    )


def _unavailable() -> Response:
    return Response(
        "La base HYPERPLANNING n'est pas publiée ou le serveur est injoignable.",
        status_code=503,
    )


def create_app(state: EmulatorState) -> Starlette:
    """Build the ASGI app over a mutable state."""
    root = "/" + state.root.strip("/")

    async def entry(request: Request) -> Response:
        path = "/" + request.url.path.strip("/")
        if not (path == root or path.startswith(root + "/")):
            return Response("Not found", status_code=404)
        if not state.authorised(request):
            return _unauthorised()
        rest = path[len(root) :].lstrip("/")
        if rest.startswith("_emulator"):
            return await _control(request, rest.removeprefix("_emulator").strip("/"))
        if state.unavailable:
            return _unavailable()
        host = state.advertised_base or str(request.base_url)
        address_base = host.rstrip("/") + root
        if request.method == "GET":
            return _wsdl_response(rest, address_base)
        if state.fail_next > 0:
            state.fail_next -= 1
            return _unavailable()
        return await _soap(request, "RpcEncoded" in rest.split("/"))

    def _wsdl_response(rest: str, address_base: str) -> Response:
        if state.captured is not None:
            document = state.captured.document(rest)
            if document is None:
                return Response("Document WSDL inconnu", status_code=404)
            return Response(document, media_type=_XML)
        if rest == "wsdl":
            return Response(wsdl(address_base, state.profile), media_type=_XML)
        if rest == "wsdl/RpcEncoded":
            return Response(rpc_wsdl(address_base, state.profile), media_type=_XML)
        prefix = "wsdl/IHpSvcW"
        if rest.startswith(prefix) and rest[len(prefix) :] in interfaces(state.profile):
            return Response(wsdl(address_base, state.profile, rest[len(prefix) :]), media_type=_XML)
        return Response("Document WSDL inconnu", status_code=404)

    async def _soap(request: Request, rpc_path: bool) -> Response:
        body = await request.body()
        wire = WireOptions(timezone=state.school.timezone, z_suffix=state.z_suffix)
        try:
            call = parse_request(body, state.known)
            op, element = call.op, call.element
            state.calls[op.name] += 1
            if state.latency:
                await asyncio.sleep(state.latency)
            if op.interface in state.denied_interfaces:
                raise HpFault(
                    f"Accès refusé : ce compte n'a pas le droit d'utiliser l'interface "
                    f"IHpSvcW{op.interface}.",
                    client=False,
                )
            params = decode_params(op, element, wire)
            with state.school.lock:
                result = HANDLERS[op.handler_key](state.school, params)
            reply = state.reply(op, call.encoded or rpc_path)
            return Response(response(op, result, wire, reply), media_type=_XML)
        except HpFault as exc:
            return Response(fault(exc.message, client=exc.client), status_code=500, media_type=_XML)

    async def _control(request: Request, what: str) -> Response:
        if what == "stats" and request.method == "GET":
            return JSONResponse({"calls": dict(state.calls), "total": sum(state.calls.values())})
        if what == "stats/reset" and request.method == "POST":
            state.calls.clear()
            return JSONResponse({"ok": True})
        if what == "data" and request.method == "GET":
            return JSONResponse(state.school.to_dict())
        if what == "data" and request.method == "POST":
            state.school = School(json.loads(await request.body()))
            return JSONResponse({"ok": True})
        if what == "unavailable" and request.method == "POST":
            state.unavailable = bool(json.loads(await request.body()).get("on"))
            return JSONResponse({"unavailable": state.unavailable})
        return Response("Commande inconnue", status_code=404)

    return Starlette(
        routes=[Route("/{path:path}", entry, methods=["GET", "POST"])],
    )


class RunningEmulator:
    """An emulator serving in a background thread; ``url`` is the base incl. the root."""

    def __init__(self, state: EmulatorState, host: str, port: int) -> None:
        self.state = state
        config = uvicorn.Config(
            create_app(state), host=host, port=port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="hp-emulator")
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Hyperplanning emulator did not start")
            time.sleep(0.01)
        sock = self._server.servers[0].sockets[0]
        self.host, self.port = host, int(sock.getsockname()[1])
        self.url = f"http://{host}:{self.port}/{state.root.strip('/')}"

    @property
    def stats(self) -> dict[str, int]:
        """SOAP calls received per operation since start or the last reset."""
        return dict(self.state.calls)

    def reset_stats(self) -> None:
        """Forget the call counts."""
        self.state.calls.clear()

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def build_state(
    data: dict[str, Any],
    *,
    user: str,
    password: str,
    root: str = "/hpsw",
    z_suffix: bool = True,
    latency: float = 0.0,
    denied_interfaces: set[str] | None = None,
    profile: str = "full",
    wsdl_dir: Path | None = None,
    advertised_base: str | None = None,
) -> EmulatorState:
    """The state of a server over a snapshot (shared by ``start_emulator`` and the CLI).

    ``advertised_base`` (``scheme://host[:port]``) goes into every generated
    ``soap:address``; by default the request's own in the full profile and
    ``PUBLIC_ADDRESS`` in the public one.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    chosen: Profile = "public" if profile == "public" else "full"
    if advertised_base is None and chosen == "public":
        advertised_base = PUBLIC_ADDRESS
    return EmulatorState(
        School(data),
        user=user,
        password=password,
        root=root,
        z_suffix=z_suffix,
        latency=latency,
        denied_interfaces=set(denied_interfaces or ()),
        profile=chosen,
        advertised_base=advertised_base,
        captured=load_captured(wsdl_dir, chosen) if wsdl_dir is not None else None,
    )


def start_emulator(
    data: dict[str, Any],
    *,
    user: str,
    password: str,
    root: str = "/hpsw",
    host: str = "127.0.0.1",
    port: int = 0,
    z_suffix: bool = True,
    latency: float = 0.0,
    denied_interfaces: set[str] | None = None,
    profile: str = "full",
    wsdl_dir: Path | None = None,
    advertised_base: str | None = None,
) -> RunningEmulator:
    """Serve a school snapshot on loopback (port 0 = a free port) in a background thread.

    ``profile``: ``full`` (everything the emulator can answer) or ``public`` (only what
    public evidence supports, spec.py). ``wsdl_dir``: serve the WSDL documents captured
    there and answer only what they declare (captured.py).
    """
    state = build_state(
        data,
        user=user,
        password=password,
        root=root,
        z_suffix=z_suffix,
        latency=latency,
        denied_interfaces=denied_interfaces,
        profile=profile,
        wsdl_dir=wsdl_dir,
        advertised_base=advertised_base,
    )
    return RunningEmulator(state, host, port)
