"""What a real Service Web offers: the operations its WSDL declares, read at connect.

Our operation table (``methods.py``) is a catalogue of guesses with evidence levels; a
school's server is the truth. The surface says, for every operation the WSDL declares,
which service and port hold it, its parameter names in order, and the port's address.
``[hyperplanning.operations]`` in the configuration renames one of ours to the server's
name without a code change.

The address is never trusted as is: a WSDL generated behind a proxy names an internal
host, and credentials must never go to a host the WSDL names. Calls go to the configured
URL's scheme, host and port, keeping the WSDL address's path when it lies under the
configured root (else the configured URL itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class Port:
    """Where one operation lives in the WSDL, and how it is called there."""

    service: str
    port: str
    params: tuple[str, ...]
    address: str  # already rewritten onto the configured origin


@dataclass(frozen=True, slots=True)
class Surface:
    """The operations one Service Web declares (by the server's names)."""

    ports: Mapping[str, Port]
    renames: Mapping[str, str] = field(default_factory=dict)  # ours -> the server's

    def actual(self, name: str) -> str:
        """The server's name of one of our operations."""
        return self.renames.get(name, name)

    def has(self, name: str) -> bool:
        return self.actual(name) in self.ports

    def has_all(self, names: Iterable[str]) -> bool:
        return all(self.has(n) for n in names)

    def missing(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if not self.has(n)]

    def port(self, name: str) -> Port | None:
        return self.ports.get(self.actual(name))


def confine(address: str, configured: str) -> str:
    """``address`` moved onto the configured URL's origin (see the module docstring)."""
    base = urlsplit(configured)
    found = urlsplit(address or configured)
    root = base.path.rstrip("/")
    path = found.path if found.path.startswith(root + "/") or found.path == root else base.path
    return urlunsplit((base.scheme, base.netloc, path, found.query, ""))


def read_surface(wsdl: Any, configured: str, renames: Mapping[str, str] | None = None) -> Surface:
    """The surface of a zeep ``Document`` (``Client.wsdl``)."""
    ports: dict[str, Port] = {}
    for service_name, service in wsdl.services.items():
        for port_name, port in service.ports.items():
            address = confine(str(port.binding_options.get("address") or ""), configured)
            for op_name, op in port.binding._operations.items():
                body = getattr(getattr(op, "input", None), "body", None)
                elements = getattr(getattr(body, "type", None), "elements", []) or []
                params = tuple(str(name) for name, _element in elements)
                ports.setdefault(str(op_name), Port(service_name, port_name, params, address))
    return Surface(ports, dict(renames or {}))
