"""The body of the sync task: slot check, account lease, runner, outcome. No Celery here.

Every exception of a run ends here as a recorded outcome, so one account's failure never
reaches another's task; only a retriable remote error asks the caller to retry.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hpsync.errors import GuardRefused, HpsyncError, LeaseHeld, RetriableRemoteError
from hpsync.logging import get_logger
from hpsync.secrets import redact
from hpsync.worker.command import Command
from hpsync.worker.lease import RedisLeases
from hpsync.worker.runners import Runner
from hpsync.worker.settings import WorkerSettings
from hpsync.worker.status import Outcome, StatusBoard

log = get_logger("hpsync.worker")
TERMINAL = ("ok", "partial", "planned", "failed", "refused")


@dataclass
class Services:
    """What the task body needs, built once per worker process."""

    redis: Any
    settings: WorkerSettings
    runners: Mapping[str, Runner]

    leases: RedisLeases = field(init=False)
    board: StatusBoard = field(init=False)

    def __post_init__(self) -> None:
        self.leases = RedisLeases(self.redis, self.settings.prefix)
        self.board = StatusBoard(self.redis, self.settings.prefix)


def new_holder() -> str:
    """A name unique to this run: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _done_key(services: Services, command: Command) -> str:
    return services.settings.key("done", command.task_id)


def _already_done(services: Services, command: Command) -> bool:
    return command.slot != 0 and bool(services.redis.exists(_done_key(services, command)))


def execute(
    command: Command, services: Services, *, holder: str = "", final_attempt: bool = True
) -> Outcome:
    """Run one command at most once per slot, under the account's lease; never raises."""
    if _already_done(services, command):
        log.info("duplicate", account=command.account, flow=command.flow, slot=command.slot)
        return Outcome("duplicate", command)
    ttl_ms = services.settings.lease_seconds * 1000
    held = services.leases.acquire(command.scope, holder or new_holder(), ttl_ms)
    if held is None:
        by = services.leases.holder_of(command.scope)
        log.info("busy", account=command.account, flow=command.flow, held_by=by)
        return Outcome("busy", command, error=f"held by {by}")
    with services.leases.hold(held, ttl_ms) as fence:
        if _already_done(services, command):  # the first delivery finished while we waited
            return Outcome("duplicate", command)
        outcome = _run(command, services.runners[command.flow], fence, final_attempt)
        if outcome.status in TERMINAL and command.slot != 0:
            services.redis.set(
                _done_key(services, command), outcome.status, ex=services.settings.done_ttl_seconds
            )
    if outcome.status != "busy":
        services.board.record(outcome)
    log.info(
        "task finished",
        account=command.account,
        flow=command.flow,
        slot=command.slot,
        outcome=outcome.status,
        error=outcome.error,
    )
    return outcome


def _run(command: Command, runner: Runner, fence: Any, final_attempt: bool) -> Outcome:
    try:
        detail = runner(command, fence)
    except LeaseHeld as exc:  # the store lease is held (a manual run) or ours was lost
        return Outcome("busy", command, error=redact(str(exc)))
    except RetriableRemoteError as exc:
        status = "failed" if final_attempt else "retrying"
        return Outcome(status, command, error=redact(str(exc)), retry=not final_attempt)
    except GuardRefused as exc:
        return Outcome("refused", command, error=redact(str(exc)))
    except HpsyncError as exc:
        return Outcome("failed", command, error=redact(str(exc)))
    except Exception as exc:  # a bug in one account's run must not stop the worker
        log.exception("run crashed", account=command.account, flow=command.flow)
        return Outcome("failed", command, error=redact(f"{type(exc).__name__}: {exc}"))
    return Outcome(str(detail.get("outcome", "ok")), command, detail=detail)
