"""Which (config, account) is due: every account every N minutes, in numbered slots.

Beat ticks every minute and runs :func:`dispatch`; a slot is dispatched once (a Redis
``SET NX`` per account and slot), and its tasks carry the slot so a duplicate delivery is
recognised by its task id. A configuration that does not load is logged and skipped:
one school's broken file never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hpsync import clock
from hpsync.errors import HpsyncError
from hpsync.logging import get_logger
from hpsync.worker.command import FLOWS, Command, slot_of
from hpsync.worker.settings import WorkerSettings

DEFAULT_MINUTES = 15
log = get_logger("hpsync.worker.schedule")


def config_paths(sources: Sequence[str]) -> list[Path]:
    """Every ``*.toml`` of each directory, and each file listed, once, in a stable order."""
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return list(dict.fromkeys(p.resolve() for p in found))


def accounts_of(path: Path, every: int | None, now: float | None = None) -> list[tuple[str, int]]:
    """(account, minutes) of one configuration's accounts due now; ``every`` overrides the
    account's ``[accounts.schedule] every_minutes``; an account in its quiet hours is left
    out until they end."""
    from datetime import UTC, datetime

    from hpsync.config import load_config
    from hpsync.worker.due import in_quiet_hours, schedule_of

    config = load_config(path)
    moment = datetime.fromtimestamp(clock.timestamp() if now is None else now, UTC)
    out: list[tuple[str, int]] = []
    for account in config.accounts:
        schedule = schedule_of(config, account)
        if schedule is not None and in_quiet_hours(moment, schedule):
            continue
        minutes = account.schedule.every_minutes if account.schedule else DEFAULT_MINUTES
        out.append((account.name, every or minutes))
    return out


def dispatch(
    redis: Any,
    settings: WorkerSettings,
    sources: Sequence[str],
    send: Callable[[list[Command]], None],
    *,
    every: int | None = None,
    now: float | None = None,
) -> int:
    """Send the due accounts' flows (down then up, one chain per account); how many sent."""
    now = clock.timestamp() if now is None else now
    sent = 0
    for path in config_paths(sources):
        try:
            accounts = accounts_of(path, every, now)
        except (HpsyncError, OSError) as exc:
            log.error("config skipped", config=str(path), error=str(exc))
            continue
        for account, minutes in accounts:
            slot = slot_of(now, minutes)
            chain = [Command(str(path), account, flow, slot) for flow in FLOWS]
            key = settings.key("dispatched", chain[0].scope, str(slot))
            if not redis.set(key, "1", nx=True, ex=minutes * 120):
                continue
            send(chain)
            sent += 1
    return sent
