"""The Hyperplanning Service Web client: zeep over HTTP, hardened, with clear errors.

* XML safety: zeep forbids DTDs and entities, and the transport refuses to fetch any
  document outside the configured base (no external schema imports).
* Retries: transport failures (connection, timeout, 502/503/504), waited for with the
  policy both clients share (``hpsync.retry``: capped exponential backoff, full jitter);
  never a SOAP fault (a fault is an answer).
* Time: the base speaks wall time of its zone, and labels it ``Z`` (reference §2.2);
  every datetime in and out of this class is aware, converted at the edge.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
import tenacity
from requests.auth import HTTPBasicAuth
from zeep import Client, Settings
from zeep import exceptions as zeep_errors
from zeep.transports import Transport

from hpsync.errors import MissingCapability, RetriableRemoteError, SourceError
from hpsync.hyperplanning.capabilities import WRITE_ONLY, Resolved, require, resolve
from hpsync.hyperplanning.mapping import to_snapshot
from hpsync.hyperplanning.methods import BY_NAME
from hpsync.hyperplanning.read import SchoolReader
from hpsync.hyperplanning.soap_types import TYPES
from hpsync.hyperplanning.surface import Port, Surface, read_surface
from hpsync.logging import get_logger
from hpsync.model import BaseInfo, HpAbsence, HpDelay, Snapshot
from hpsync.retry import RetryPolicy, log_retry
from hpsync.secrets import Secret, redact, register_basic

_RETRY_STATUS = {502, 503, 504}
#: The server could not be reached or the answer broke off: worth another try.
_UNREACHABLE = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
log = get_logger("hpsync.hyperplanning")
_retry_log = logging.getLogger("hpsync.hyperplanning")


def _status(exc: BaseException) -> int:
    """The HTTP status of a zeep or requests transport error (0 when there is none)."""
    response = getattr(exc, "response", None)
    status = getattr(exc, "status_code", None) or getattr(response, "status_code", 0)
    return int(status or 0)


def _transient(exc: BaseException) -> bool:
    """Worth another try: unreachable, or a gateway saying the base is away (502/503/504);
    never a SOAP fault (a fault is an answer)."""
    if isinstance(exc, _UNREACHABLE):
        return True
    if isinstance(exc, zeep_errors.TransportError | requests.HTTPError):
        return _status(exc) in _RETRY_STATUS
    return False


class OriginBoundAuth(HTTPBasicAuth):  # type: ignore[misc]
    """HTTP Basic credentials sent to the configured scheme, host and port only."""

    def __init__(self, url: str, user: str, password: str) -> None:
        super().__init__(user, password)
        self.origin = _origin(url)

    def __call__(self, request: Any) -> Any:
        if _origin(str(request.url)) != self.origin:
            return request  # a WSDL naming another host gets no credentials
        return super().__call__(request)  # type: ignore[no-untyped-call]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def port_name(surface: Surface, name: str) -> str:
    actual = surface.actual(name)
    return actual if actual == name else f"{actual} (hpsync's {name})"


#: Bounds of one answer: its whole transfer (not each read) and its size.
CALL_DEADLINE = 120.0
MAX_BODY = 64 * 1024 * 1024


def read_bounded(response: requests.Response, *, where: str) -> requests.Response:
    """Read a streamed answer within ``CALL_DEADLINE`` seconds and ``MAX_BODY`` bytes: a
    server trickling a byte at a time, or sending without end, is cut off instead of
    holding the run or its memory."""
    started = time.monotonic()
    declared = response.headers.get("Content-Length", "")
    with closing(response):
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise SourceError(
                f"{where}: the answer announces {int(declared)} bytes, over the {MAX_BODY} "
                "accepted",
                hint="check the URL points at the Service Web",
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := response.raw.read1(65536, decode_content=True):  # as it arrives
            size += len(chunk)
            if size > MAX_BODY:
                raise SourceError(
                    f"{where}: the answer is larger than {MAX_BODY} bytes; not read further",
                    hint="check the URL points at the Service Web",
                )
            if time.monotonic() - started > CALL_DEADLINE:
                raise requests.Timeout(f"no complete answer within {CALL_DEADLINE:.0f} s")
            chunks.append(chunk)
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined]
    return response


class _ConfinedTransport(Transport):  # type: ignore[misc]
    """A zeep transport that only loads documents under the base URL, each answer read
    within a total deadline and a size cap."""

    def __init__(self, allowed_prefix: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.allowed_prefix = allowed_prefix

    def load(self, url: str) -> bytes:
        if not url.startswith(self.allowed_prefix):
            raise SourceError(
                f"the WSDL refers to an external document ({url}); refusing to fetch it",
                hint="only documents served under the Service Web base URL are loaded",
            )
        return bytes(super().load(url))  # type: ignore[no-untyped-call]

    def _load_remote_data(self, url: str) -> bytes:
        response = self.session.get(url, timeout=self.load_timeout, stream=True)
        response.raise_for_status()
        return bytes(read_bounded(response, where=f"GET {url}").content)

    def post(self, address: str, message: Any, headers: Any) -> requests.Response:
        response = self.session.post(
            address, data=message, headers=headers, timeout=self.operation_timeout, stream=True
        )
        return read_bounded(response, where=f"POST {address}")


def default_base_id(url: str) -> str:
    """A slug of the URL's path, e.g. ``…/hpsw/2025-2026`` → ``hpsw-2025-2026``."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url.rstrip("/"))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()
    return slug or "hpsw"


def _plain(value: Any, type_name: str) -> Any:
    """zeep objects → lists, dicts and scalars, following the declared type."""
    spec = TYPES[type_name]
    if spec.kind == "array":
        if value is None:
            return []
        items = value if isinstance(value, list) else getattr(value, spec.item_name, None) or []
        return [_plain(item, spec.item_type) for item in items]
    if spec.kind == "struct":
        return {f: _plain(getattr(value, f, None), t) for f, t in spec.fields}
    return value


class HyperplanningClient:
    """One Hyperplanning base through its Service Web (SOAP, HTTP Basic)."""

    def __init__(
        self,
        url: str,
        user: str,
        password: Secret,
        *,
        timezone: str,
        base_id: str | None = None,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        retry: RetryPolicy | None = None,
        chunk: int = 500,
        z_is_local: bool = True,
        transport: Transport | None = None,
        renames: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.tz = ZoneInfo(timezone)
        self.timezone = timezone
        self.base_id = base_id or default_base_id(self.url)
        self.retries = retries
        self._retry = retry or RetryPolicy(attempts=retries + 1, base=backoff, cap=5.0)
        self.chunk = chunk
        self.z_is_local = z_is_local
        self._password = password
        if transport is None:
            transport = _ConfinedTransport(
                self.url, session=requests.Session(), timeout=timeout, operation_timeout=timeout
            )
        # Credentials go to the configured host only, whatever a WSDL names; their Basic
        # form is masked too, should a server echo the header.
        register_basic(user, password.reveal())
        transport.session.auth = OriginBoundAuth(self.url, user, password.reveal())
        self._transport = transport
        self._zeep: Client | None = None
        self._services: dict[str, Any] = {}
        self._renames = dict(renames or {})
        self._surface: Surface | None = None
        self.limits: list[str] = []  # features off on this server, one line each

    # --- plumbing --------------------------------------------------------------------------
    def _client(self) -> Client:
        if self._zeep is None:
            settings = Settings(
                strict=True,
                xml_huge_tree=False,
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            )
            self._zeep = self._guard(
                "WSDL",
                lambda: Client(f"{self.url}/wsdl", transport=self._transport, settings=settings),  # type: ignore[no-untyped-call]
            )
        return self._zeep

    @property
    def surface(self) -> Surface:
        """The operations this server's WSDL declares (read once, at the first call)."""
        if self._surface is None:
            self._surface = read_surface(self._client().wsdl, self.url, self._renames)
        return self._surface

    def has(self, name: str) -> bool:
        """Whether the server offers one of our operations (under its own name, if renamed)."""
        return self.surface.has(name)

    def capabilities(self) -> list[Resolved]:
        """Every capability and how this server allows it (the ``doctor`` matrix)."""
        return resolve(self.surface)

    def _service(self, port: Port) -> Any:
        key = f"{port.service}/{port.port}"
        if key not in self._services:
            client = self._client()
            binding = client.wsdl.services[port.service].ports[port.port].binding.name
            # Always the configured host: a WSDL's own address is not trusted.
            self._services[key] = client.create_service(binding, port.address)  # type: ignore[no-untyped-call]
        return self._services[key]

    def call(self, name: str, **params: Any) -> Any:
        """Call one operation of the table by name; lists become key arrays, results plain.

        The server's own name (``[hyperplanning.operations]``) and parameter names are
        used: when they differ from ours, arguments go by position, in our order.
        """
        op = BY_NAME[name]
        port = self.surface.port(name)
        if port is None:
            raise MissingCapability(
                f"the Service Web has no operation {self.surface.actual(name)}",
                record="Hyperplanning",
                hint="run `hpsync doctor`; if the server names it differently, map it under "
                "[hyperplanning.operations]",
            )
        service = self._service(port)
        values: list[Any] = []
        for pname, ptype in op.params:
            value = params[pname]
            spec = TYPES[ptype]
            if spec.kind == "array":
                value = {spec.item_name: list(value)}
            values.append(value)
        ours = tuple(p for p, _ in op.params)
        if len(port.params) != len(ours):
            raise SourceError(
                f"{port_name(self.surface, name)} takes ({', '.join(port.params)}) on this "
                f"Service Web; hpsync sends ({', '.join(ours)})",
                record=name,
                hint="report the server's WSDL (`hpsync doctor --capture DIR`)",
            )
        args = dict(zip(port.params, values, strict=True))
        method = getattr(service, self.surface.actual(name))
        result = self._guard(name, lambda: method(**args))
        if op.outputs:
            return {n: getattr(result, n, None) for n, _ in op.outputs}
        return _plain(result, op.returns) if op.returns else None

    def _guard(self, what: str, action: Any) -> Any:
        """Run one remote action with retries on transport errors and error translation."""
        retrying = self._retry.retrying(
            retry=tenacity.retry_if_exception(_transient),
            before_sleep=log_retry(_retry_log, "hyperplanning", what),
        )
        try:
            return retrying(action)
        except zeep_errors.Fault as exc:
            raise self._fault(what, str(exc.message or "")) from None
        except (zeep_errors.TransportError, requests.HTTPError) as exc:
            raise self._http(what, _status(exc)) from None
        except _UNREACHABLE as exc:
            raise RetriableRemoteError(
                f"cannot reach the Hyperplanning Service Web at {self.url} ({type(exc).__name__})",
                record=what,
                hint="check the URL (host, port, root) and that the Service Web is running",
            ) from None
        except (
            zeep_errors.DTDForbidden,
            zeep_errors.EntitiesForbidden,
            zeep_errors.XMLSyntaxError,
            zeep_errors.XMLParseError,
        ) as exc:
            raise SourceError(
                f"unsafe or malformed XML from {self.url} ({type(exc).__name__})",
                record=what,
                hint="the URL may not point at a Hyperplanning Service Web",
            ) from None

    def _fault(self, what: str, message: str) -> SourceError:
        message = redact(message)
        hint = "check the key or parameters sent"
        if "droit" in message.lower() or "accès refusé" in message.lower():
            hint = "give the Service Web account the right for this interface in Hyperplanning"
        return SourceError(f"Hyperplanning refused {what}: {message}", record=what, hint=hint)

    def _http(self, what: str, status: int) -> Exception:
        if status == 401:
            return SourceError(
                "Hyperplanning rejected the credentials (HTTP 401)",
                record=what,
                hint="check the user and password of the Service Web account",
            )
        if status == 403:
            return SourceError(
                "Hyperplanning forbids this account (HTTP 403)",
                record=what,
                hint="allow the account to use the Service Web",
            )
        if status == 404:
            return SourceError(
                f"no Hyperplanning Service Web at {self.url} (HTTP 404)",
                record=what,
                hint="the URL is the base including its root, e.g. https://host/hpsw/2025-2026",
            )
        if status in _RETRY_STATUS:
            return RetriableRemoteError(
                f"the Hyperplanning base is not available (HTTP {status})",
                record=what,
                hint="the HP server is stopped or the base is not published; retry later, "
                "or check the academic-year URL",
            )
        return SourceError(f"Hyperplanning answered HTTP {status}", record=what)

    # --- time --------------------------------------------------------------------------------
    def to_wire(self, value: datetime) -> datetime:
        """An aware datetime as the base's naive wall time."""
        if value.tzinfo is None:
            raise ValueError("naive datetime: hpsync works with timezone-aware datetimes")
        return value.astimezone(self.tz).replace(tzinfo=None)

    def wall(self, value: datetime) -> datetime:
        """A datetime from the wire as naive wall time (undoing the ``Z`` quirk)."""
        offset = value.utcoffset()
        if value.tzinfo is None or (self.z_is_local and offset is not None and not offset):
            return value.replace(tzinfo=None)
        return value.astimezone(self.tz).replace(tzinfo=None)

    def from_wire(self, value: datetime) -> datetime:
        """A datetime from the wire as an aware datetime in the base's zone."""
        return self.wall(value).replace(tzinfo=self.tz, fold=0)

    # --- public API ----------------------------------------------------------------------------
    def base_info(self) -> BaseInfo:
        """Version and first day of the base (also a credentials probe)."""
        return BaseInfo(
            self.base_id,
            self.call("Version") or "",
            self.call("DatePremierJourBase"),
            self.timezone,
        )

    def read_school(self) -> dict[str, Any]:
        """The whole base in the school snapshot format (absences and delays included),
        with the optional capabilities this server lacks (``unavailable``); a required one
        missing stops here, naming its operations."""
        reader, school = self._read_but_seances()
        return reader.add_seances(school)

    def read_snapshot(self) -> Snapshot:
        """The whole base as domain records: each séance is made a session as its answer
        arrives (a year of séance rows is never held next to the sessions)."""
        reader, school = self._read_but_seances()
        return to_snapshot(school, base_id=self.base_id, seances=reader.seances(school["courses"]))

    def _read_but_seances(self) -> tuple[SchoolReader, dict[str, Any]]:
        resolved = self.capabilities()
        require(
            resolved,
            [
                r.capability.key
                for r in resolved
                if r.capability.required and r.capability.key not in WRITE_ONLY
            ],
            what="reading the base",
        )
        off = [r for r in resolved if not r.on]
        self.limits = [r.line() for r in off]
        for line in self.limits:
            log.warning("Service Web capability off", detail=line)
        reader = SchoolReader(self, chunk=self.chunk)
        school = reader.read_but_seances(self.base_id, self.timezone)
        unread = sorted(r.capability.key for r in off if r.capability.key not in WRITE_ONLY)
        if unread:
            school["unavailable"] = unread
        return reader, school

    def raw(self, url: str) -> str:
        """A document under the base URL as served (the WSDL, for ``doctor --capture``)."""
        if not url.startswith(self.url):
            raise SourceError(f"{url} is not under the configured base {self.url}")

        def get() -> str:
            response = self._transport.session.get(url, timeout=30)
            response.raise_for_status()
            return str(response.text)

        return str(self._guard("WSDL", get))

    def motifs(self) -> list[str] | None:
        """The server's absence motifs (``TousLesMotifs``), or None when it lists none."""
        if not self.has("TousLesMotifs"):
            return None
        return [str(m) for m in self.call("TousLesMotifs") or []]

    def check_writable(self) -> None:
        """Raise MissingCapability when this server cannot take absences at all."""
        require(self.capabilities(), ["absences_write"], what="writing attendance back")

    def absences_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpAbsence]:
        """A learner's absences overlapping [start, end]."""
        keys = self.call(
            "AbsencesEtudiantEntre2Dates",
            AEtudiant=learner_key,
            ADateHeureDebut=self.to_wire(start),
            ADateHeureFin=self.to_wire(end),
        )
        return [
            HpAbsence(
                key=k,
                learner_key=learner_key,
                start=self.from_wire(self.call("DateHeureDebutAbsenceEtudiant", AAbsence=k)),
                end=self.from_wire(self.call("DateHeureFinAbsenceEtudiant", AAbsence=k)),
                justified=bool(self.call("AbsenceEtudiantEstJustifiee", AAbsence=k)),
                reason=self.call("MotifAbsenceEtudiant", AAbsence=k) or "",
            )
            for k in keys
        ]

    def add_absence(
        self, learner_key: int, start: datetime, end: datetime, *, justified: bool, reason: str = ""
    ) -> None:
        """Record an absence over [start, end); the reason is set when given."""
        key = self.call(
            "AjouterAbsenceEtudiant",
            AEtudiant=learner_key,
            ADateHeureDebut=self.to_wire(start),
            ADateHeureFin=self.to_wire(end),
            AJustifie=justified,
        )
        if reason and key and self.has("ModifierMotifAbsenceEtudiant"):
            self.call("ModifierMotifAbsenceEtudiant", AAbsence=key, AMotif=reason)

    def remove_absence(self, learner_key: int, start: datetime, end: datetime) -> None:
        """Clear absences over [start, end) (nothing there is fine)."""
        self.call(
            "EnleverAbsenceEtudiant",
            AEtudiant=learner_key,
            ADateHeureDebut=self.to_wire(start),
            ADateHeureFin=self.to_wire(end),
        )

    def delays_between(self, learner_key: int, start: datetime, end: datetime) -> list[HpDelay]:
        """A learner's delays whose instant lies in [start, end]."""
        keys = self.call(
            "RetardsEtudiantEntre2Dates",
            AEtudiant=learner_key,
            ADateHeureDebut=self.to_wire(start),
            ADateHeureFin=self.to_wire(end),
        )
        return [
            HpDelay(
                key=k,
                learner_key=learner_key,
                at=self.from_wire(self.call("DateHeureRetardEtudiant", ARetard=k)),
                minutes=round(self.call("DureeRetardEtudiant", ARetard=k) * 1440),
                justified=bool(self.call("RetardEtudiantEstJustifie", ARetard=k)),
                reason=self.call("MotifRetardEtudiant", ARetard=k) or "",
            )
            for k in keys
        ]

    def add_delay(
        self, learner_key: int, at: datetime, minutes: int, *, justified: bool, reason: str = ""
    ) -> None:
        """Record a delay of ``minutes`` at ``at``."""
        port = self.surface.port("CreerRetardEtudiant")
        if port is not None and "ADuree" not in port.params and len(port.params) == 4:
            # The public shape (S-CLI): student, start, end, justified — the delay runs
            # from the session's start to the learner's arrival.
            key = self._call_as(
                "CreerRetardEtudiant",
                port,
                [
                    learner_key,
                    self.to_wire(at),
                    self.to_wire(at + timedelta(minutes=minutes)),
                    justified,
                ],
            )
        else:
            key = self.call(
                "CreerRetardEtudiant",
                AEtudiant=learner_key,
                ADateHeure=self.to_wire(at),
                ADuree=minutes / 1440,
                AJustifie=justified,
            )
        if reason and key and self.has("ModifierMotifRetardEtudiant"):
            self.call("ModifierMotifRetardEtudiant", ARetard=key, AMotif=reason)

    def _call_as(self, name: str, port: Port, values: list[Any]) -> Any:
        """Call an operation in the server's own shape (positional values)."""
        service = self._service(port)
        method = getattr(service, self.surface.actual(name))
        args = dict(zip(port.params, values, strict=True))
        return self._guard(name, lambda: method(**args))

    def remove_delay(self, learner_key: int, at: datetime) -> None:
        """Delete the learner's delays at that instant (to the second)."""
        window = timedelta(seconds=1)
        for delay in self.delays_between(learner_key, at - window, at + window):
            if abs((delay.at - at).total_seconds()) < 1:
                self.call("SupprimerRetardEtudiant", ARetard=delay.key)

    def close(self) -> None:
        """Release the HTTP session."""
        self._transport.session.close()

    def __enter__(self) -> HyperplanningClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HyperplanningClient(url={self.url!r}, base_id={self.base_id!r})"
