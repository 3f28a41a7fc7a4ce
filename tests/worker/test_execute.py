"""The task body without Celery: slots, busy accounts, retries and isolated failures."""

from __future__ import annotations

from typing import Any

from hpsync.errors import FatalRemoteError, RetriableRemoteError
from hpsync.worker.command import Command
from hpsync.worker.execute import Services, execute
from hpsync.worker.runners import Fence
from hpsync.worker.settings import WorkerSettings


class Recorder:
    """A runner that records its calls and can be told to fail."""

    def __init__(self, fail: dict[str, Exception] | None = None) -> None:
        self.calls: list[Command] = []
        self.fail = fail or {}

    def __call__(self, command: Command, fence: Fence, /) -> dict[str, Any]:
        self.calls.append(command)
        fence()
        if command.account in self.fail:
            raise self.fail.pop(command.account)
        return {"outcome": "ok", "counts": {"created": 1}}


def _services(redis_client: Any, prefix: str, runner: Recorder) -> Services:
    return Services(redis_client, WorkerSettings(prefix=prefix), {"down": runner, "up": runner})


def test_a_duplicate_delivery_in_the_same_slot_is_a_no_op(redis_client: Any, prefix: str) -> None:
    """The same (config, account, flow, slot) runs once; the next slot runs again."""
    runner = Recorder()
    services = _services(redis_client, prefix, runner)
    command = Command("/etc/hpsync/a.toml", "nord", "down", 100)
    assert execute(command, services).status == "ok"
    assert execute(command, services).status == "duplicate"
    assert execute(Command("/etc/hpsync/a.toml", "nord", "down", 101), services).status == "ok"
    assert len(runner.calls) == 2


def test_a_busy_account_is_skipped_not_failed(redis_client: Any, prefix: str) -> None:
    """While another worker holds the account, the task skips with 'busy' and runs nothing."""
    runner = Recorder()
    services = _services(redis_client, prefix, runner)
    command = Command("/etc/hpsync/a.toml", "nord", "down", 7)
    assert services.leases.acquire(command.scope, "other-worker", 60_000) is not None
    outcome = execute(command, services)
    assert outcome.status == "busy" and "other-worker" in outcome.error
    assert runner.calls == []
    assert not redis_client.exists(services.settings.key("done", command.task_id))


def test_retriable_errors_ask_for_a_retry_until_the_last_attempt(
    redis_client: Any, prefix: str
) -> None:
    """A retriable remote error asks for a retry; on the last attempt it is recorded failed."""
    runner = Recorder({"nord": RetriableRemoteError("503")})
    services = _services(redis_client, prefix, runner)
    command = Command("/etc/hpsync/a.toml", "nord", "up", 3)
    first = execute(command, services, final_attempt=False)
    assert first.status == "retrying" and first.retry
    assert execute(command, services, final_attempt=False).status == "ok"  # the retry works
    runner.fail["sud"] = RetriableRemoteError("timeout")
    last = execute(Command("/etc/hpsync/a.toml", "sud", "up", 3), services, final_attempt=True)
    assert last.status == "failed" and not last.retry


def test_one_account_failing_never_stops_another(redis_client: Any, prefix: str) -> None:
    """A fatal error and a crash are recorded per account; the others still sync and show ok."""
    runner = Recorder({"nord": FatalRemoteError("401 bad key"), "est": ValueError("bug")})
    services = _services(redis_client, prefix, runner)
    results = {
        name: execute(Command("/etc/hpsync/a.toml", name, "down", 5), services).status
        for name in ("nord", "est", "sud")
    }
    assert results == {"nord": "failed", "est": "failed", "sud": "ok"}
    rows = {row["account"]: row for row in services.board.rows()}
    assert rows["nord"]["last_status"] == "failed" and "401" in rows["nord"]["last_error"]
    assert "ValueError" in rows["est"]["last_error"]
    assert rows["sud"]["down_status"] == "ok"
