"""Login by shared token, a signed session cookie, and CSRF tokens for the forms.

The cookie is ``<expiry>.<nonce>.<hmac>``, signed with a random key made when the app
starts: nothing secret is in it, restarting the server logs everyone out, and a session
can be revoked (logout) by remembering its nonce. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hpsync.secrets import Secret

COOKIE_NAME = "hpsync_session"
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in browser: the nonce identifies it, the expiry bounds it."""

    nonce: str
    expires: int


class Auth:
    """Checks the token, issues and verifies session cookies, derives CSRF tokens."""

    def __init__(
        self,
        token: Secret,
        *,
        key: bytes | None = None,
        ttl_seconds: int = SESSION_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._token_digest = hashlib.sha256(token.reveal().encode()).digest()
        self._key = key or secrets.token_bytes(32)
        self._ttl = ttl_seconds
        self._clock = clock
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    def token_ok(self, given: str) -> bool:
        """Compare digests in constant time (equal lengths, no early exit)."""
        digest = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
        return hmac.compare_digest(digest, self._token_digest)

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        """A fresh cookie value for a browser that just gave the right token."""
        body = f"{int(self._clock()) + self._ttl}.{secrets.token_urlsafe(18)}"
        return f"{body}.{self._sign(body)}"

    def verify(self, cookie: str | None) -> Session | None:
        """The session a cookie stands for, or None when forged, expired or revoked."""
        if not cookie or cookie.count(".") != 2:
            return None
        expires, nonce, signature = cookie.split(".")
        if not hmac.compare_digest(self._sign(f"{expires}.{nonce}"), signature):
            return None
        if not expires.isdigit() or int(expires) <= self._clock():
            return None
        with self._lock:
            if nonce in self._revoked:
                return None
        return Session(nonce, int(expires))

    def revoke(self, session: Session) -> None:
        """Refuse this session's cookie from now on (logout)."""
        with self._lock:
            self._revoked.add(session.nonce)

    def csrf(self, session: Session) -> str:
        """The CSRF token of a session: forms carry it, a cross-site page cannot know it."""
        return self._sign(f"csrf:{session.nonce}")

    def csrf_ok(self, session: Session, given: str) -> bool:
        """Constant-time check of a form's CSRF token."""
        return hmac.compare_digest(self.csrf(session), given)


class LoginThrottle:
    """Wrong tokens per client address: past ``attempts`` within ``window`` seconds, the
    address waits until the oldest of them leaves the window (a guessing script gets a few
    tries a minute, not thousands)."""

    def __init__(
        self,
        *,
        attempts: int = 5,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, address: str) -> int:
        """Seconds this address must wait before trying again (0: it may try now)."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < self.window]
            self._failures[address] = recent
            if len(recent) < self.attempts:
                return 0
            return max(1, int(self.window - (now - recent[0])) + 1)

    def failed(self, address: str) -> None:
        with self._lock:
            self._failures.setdefault(address, []).append(self._clock())
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)
