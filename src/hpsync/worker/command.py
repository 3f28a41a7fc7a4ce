"""The serialisable command a task carries: which config, which account, which flow, which slot."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hpsync.errors import UsageError

FLOWS = ("down", "up")
_NAMESPACE = uuid.UUID("6f0b7c8e-4d6a-4e1b-9a51-6b1f1c0d2e77")


@dataclass(frozen=True, slots=True)
class Command:
    """One flow on one account of one configuration, for one schedule slot (0: ad hoc)."""

    config: str
    account: str
    flow: str
    slot: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Command:
        """Validate a message body: a broken message is a usage error, not a crash."""
        try:
            command = cls(
                str(data["config"]),
                str(data["account"]),
                str(data["flow"]),
                int(data.get("slot", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"malformed worker command {data!r}: {exc}") from None
        if command.flow not in FLOWS:
            raise UsageError(f"unknown flow {command.flow!r}", hint=f"one of {', '.join(FLOWS)}")
        return command

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "account": self.account,
            "flow": self.flow,
            "slot": self.slot,
        }

    @property
    def scope(self) -> str:
        """The account's identity across schools: two configs may both name an account 'nord'."""
        digest = hashlib.sha256(str(Path(self.config).resolve()).encode()).hexdigest()[:12]
        return f"{digest}/{self.account}"

    @property
    def task_id(self) -> str:
        """Same (config, account, flow, slot) → same id, so a duplicate delivery is recognised."""
        name = f"{Path(self.config).resolve()}|{self.account}|{self.flow}|{self.slot}"
        return str(uuid.uuid5(_NAMESPACE, name))


def slot_of(epoch_seconds: float, minutes: int) -> int:
    """The schedule slot a moment falls in, for an account synced every ``minutes``."""
    return int(epoch_seconds // (max(1, minutes) * 60))
