"""Every exception hpsync raises, grouped by what the caller does next.

::

    HpsyncError                      base; .hint says how to fix, .record names the record
    ├── UsageError                   bad command line or input file         → exit 2
    │   └── ConfigError              invalid hpsync.toml (all problems)     → exit 2
    ├── GuardRefused                 a safety guard stopped a run           → exit 3
    │   └── PlanChanged              an approved plan no longer holds       → exit 3
    ├── LeaseHeld                    another run holds the account          → exit 3
    ├── RemoteError                  a remote service failed: the run failed  → exit 5
    │   ├── RetriableRemoteError     5xx, reset, timeout, 503: retry later
    │   └── FatalRemoteError         401/402/403, wrong URL, fault: fix config/rights
    │       ├── SourceError          Hyperplanning side
    │       │   └── MissingCapability  the Service Web lacks a required operation → exit 4
    │       └── TargetError          Edusign side
    └── RecordError                  one record is bad: report it, skip it, go on

A run where some records failed and others were written exits 1 (partial failure).

The CLI turns any HpsyncError into one line (message + hint) and an exit code; messages
never contain a secret (see ``hpsync.secrets.redact``).
"""

from __future__ import annotations


class HpsyncError(Exception):
    """Base of every hpsync error; carries the offending record and a fix."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", record: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.record = record

    def __str__(self) -> str:
        parts = [f"{self.record}: {self.message}" if self.record else self.message]
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return " — ".join(parts)


class UsageError(HpsyncError):
    """The command line or an input file is wrong: the user fixes it and reruns."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration file is invalid; ``problems`` lists every one with its location."""

    def __init__(self, problems: list[str], *, path: str = "") -> None:
        self.problems = list(problems)
        self.path = path
        head = f"{path}: " if path else ""
        super().__init__(
            head + f"{len(problems)} problem(s) in the configuration:\n  " + "\n  ".join(problems),
            hint="run `hpsync config example` for a commented, valid configuration",
        )


class GuardRefused(HpsyncError):
    """A safety guard (deletion ratio, empty source, changed plan) refused to write."""

    exit_code = 3


class PlanChanged(GuardRefused):
    """An approved plan no longer matches what a sync would do: nothing written. Not a
    guard trip (nothing alarming happened): the plan must be reviewed again."""


class LeaseHeld(HpsyncError):
    """Another run holds this account's lease; wait for it or let its lease expire."""

    exit_code = 3


class RemoteError(HpsyncError):
    """A remote service did not do what was asked: the run failed as a whole (exit 5),
    unlike a run where some records failed (exit 1)."""

    exit_code = 5


class RetriableRemoteError(RemoteError):
    """A transient failure (5xx, reset, timeout, base unavailable): retrying may work."""


class FatalRemoteError(RemoteError):
    """A failure retrying will not fix (credentials, rights, wrong URL)."""


class SourceError(FatalRemoteError):
    """Hyperplanning refused or failed a request."""


class MissingCapability(SourceError):
    """The Service Web found lacks an operation a required capability needs (see doctor)."""

    exit_code = 4


class TargetError(FatalRemoteError):
    """Edusign refused or failed a request."""


class RecordError(HpsyncError):
    """One record cannot be processed; it is reported and the run goes on."""
