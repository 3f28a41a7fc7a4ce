"""Everything one running emulator holds: store, keys, knobs, limiter, faults, webhooks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hpsync import clock
from hpsync.emulators.edusign import timefmt
from hpsync.emulators.edusign.faults import FaultPlan
from hpsync.emulators.edusign.ratelimit import RateLimiter
from hpsync.emulators.edusign.spec import (
    DEFAULT_REASONS,
    SchoolSpec,
    Settings,
    fingerprint,
    key_hash,
)
from hpsync.emulators.edusign.storage import Store
from hpsync.emulators.edusign.webhooks import WebhookSender


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What an API key grants (the key itself is not kept)."""

    school_id: str
    fingerprint: str
    no_api_option: bool
    scopes: frozenset[str] | None


@dataclass
class EmuState:
    """Shared by every request of one server."""

    store: Store
    settings: Settings
    limiter: RateLimiter = field(default_factory=RateLimiter)
    faults: FaultPlan = field(default_factory=FaultPlan)
    webhooks: WebhookSender = field(default_factory=WebhookSender)
    keys: dict[str, KeyInfo] = field(default_factory=dict)
    clock_offset: timedelta = timedelta()
    maintenance: bool = False
    unauthorised: int = 0
    idempotency: dict[str, tuple[float, int, bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: set by the runner: close the connection of an ASGI scope now (True when done)
    drop_connection: Callable[[Any], bool] | None = None

    def now(self) -> datetime:
        """The emulator's clock (real UTC time plus the offset a test set)."""
        return clock.now() + self.clock_offset

    def now_text(self) -> str:
        """``now()`` in the wire format."""
        return timefmt.fmt(self.now())

    def key_info(self, key: str) -> KeyInfo | None:
        """What ``key`` grants, or None when unknown."""
        return self.keys.get(key_hash(key))

    def reload_keys(self) -> None:
        """Read the key table into memory."""
        self.keys = {
            h: KeyInfo(school, fp, no_api, None if scopes is None else frozenset(scopes))
            for h, school, fp, no_api, scopes in self.store.key_rows()
        }

    def school_name(self, school_id: str) -> str:
        """The school's name for stats (cheap enough: few schools)."""
        for doc in self.store.schools():
            if doc["ID"] == school_id:
                return str(doc["NAME"])
        return school_id

    def ensure_school(self, spec: SchoolSpec) -> str:
        """Create the school on first start, bind its keys; data already stored is kept."""
        school_id = self.store.school_id_by_name(spec.name)
        if school_id is None:
            school_id = timefmt.new_id()
            self.store.add_school(school_id, new_school_doc(school_id, spec, self.now_text()))
        if spec.client_secret:
            with self.store.tx(school_id) as tx:
                doc = tx.school()
                doc["_client_secret"] = spec.client_secret
                tx.save_school(doc)
        for key in spec.keys:
            scopes = None if key.scopes is None else list(key.scopes)
            self.store.put_key(
                key_hash(key.key), school_id, fingerprint(key.key), key.no_api_option, scopes
            )
        self.reload_keys()
        return school_id

    def remember(self, token: str, status: int, body: bytes) -> None:
        """Keep a v3 answer for the idempotency window."""
        with self.lock:
            now = time.monotonic()
            horizon = now - self.settings.idempotency_seconds
            for old in [k for k, v in self.idempotency.items() if v[0] < horizon]:
                del self.idempotency[old]
            self.idempotency[token] = (now, status, body)

    def replay(self, token: str) -> tuple[int, bytes] | None:
        """The answer to an identical v3 write seen within the window, if any."""
        with self.lock:
            seen = self.idempotency.get(token)
            if seen and seen[0] >= time.monotonic() - self.settings.idempotency_seconds:
                return seen[1], seen[2]
            return None


def new_school_doc(school_id: str, spec: SchoolSpec, now: str) -> dict[str, Any]:
    """A fresh school with the default absence reasons and no webhooks."""
    return {
        "ID": school_id,
        "id": school_id,
        "NAME": spec.name,
        "TIMEZONE": spec.timezone,
        "LANGUAGE": "fr",
        "ABSENCES_TYPE": [
            {"id": f"{school_id[:8]}{code}"[:16], "name": name} for name, code in DEFAULT_REASONS
        ],
        "WEBHOOKS": [],
        "DATE_CREATED": now,
        "_client_secret": spec.client_secret or f"secret-{school_id}",
    }
