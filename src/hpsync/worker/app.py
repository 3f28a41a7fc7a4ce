"""The Celery app and its two tasks: the only module that touches Celery (untyped).

``celery -A hpsync.worker.app worker`` reads its settings from the environment
(``HPSYNC_REDIS_URL`` and ``HPSYNC_WORKER_*``, see :mod:`hpsync.worker.settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import redis
from celery import Celery, chain

from hpsync.worker.command import Command
from hpsync.worker.execute import Services, execute
from hpsync.worker.runners import REAL_RUNNERS, Runner
from hpsync.worker.schedule import dispatch
from hpsync.worker.settings import WorkerSettings

RUN_TASK = "hpsync.worker.run"
DISPATCH_TASK = "hpsync.worker.dispatch"


def backoff(retries: int, base: int) -> int:
    """Capped exponential backoff between retries of a retriable remote error."""
    return int(min(base * 2**retries, 3600))


def make_app(settings: WorkerSettings, runners: Mapping[str, Runner] | None = None) -> Any:
    """A Celery app on the settings' Redis, with the at-least-once delivery settings, that
    runs each flow with ``runners`` (the real ones unless a test gives others)."""
    chosen = dict(runners or REAL_RUNNERS)
    transport = {
        "global_keyprefix": f"{settings.prefix}:celery:",
        "visibility_timeout": settings.visibility_timeout,
        "unacked_restore_interval": settings.restore_interval,
        "unacked_restore_throttle": 1,
    }
    app = Celery("hpsync", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_transport_options=transport,
        result_backend_transport_options={"global_keyprefix": f"{settings.prefix}:celery:"},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
    )

    @cache
    def services(pid: int) -> Services:  # one per process: prefork children connect after fork
        client = redis.Redis.from_url(settings.redis_url)
        return Services(client, settings, chosen)

    def run_body(self: Any, body: dict[str, Any]) -> dict[str, Any]:
        final = self.request.retries >= settings.max_retries
        outcome = execute(Command.from_dict(body), services(os.getpid()), final_attempt=final)
        if outcome.retry:
            raise self.retry(countdown=backoff(self.request.retries, settings.retry_base_seconds))
        return outcome.to_dict()

    # shared=False: Celery otherwise adds a task to every app of the process, and the app
    # built at import (real runners) would replace a test's app's task of the same name.
    run = app.task(name=RUN_TASK, bind=True, max_retries=settings.max_retries, shared=False)(
        run_body
    )

    def send(commands: list[Command]) -> None:
        steps = [run.si(c.to_dict()).set(task_id=c.task_id) for c in commands]
        chain(*steps).apply_async()

    def dispatch_body(sources: list[str], every: int | None = None) -> int:
        return dispatch(services(os.getpid()).redis, settings, sources, send, every=every)

    app.task(name=DISPATCH_TASK, shared=False)(dispatch_body)

    app.hpsync_send = send
    app.hpsync_settings = settings
    return app


app = make_app(WorkerSettings.from_env())


def start_worker(celery_app: Any, concurrency: int, loglevel: str, queues: str) -> None:
    """Run a worker in this process until it is stopped (what `hpsync worker` does)."""
    argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}"]
    if queues:
        argv.append(f"--queues={queues}")
    celery_app.worker_main(argv)


def start_beat(
    celery_app: Any,
    sources: list[str],
    every: int | None,
    loglevel: str,
    schedule_file: str,
) -> None:
    """Run beat: every tick, dispatch the accounts whose slot has come."""
    celery_app.conf.beat_schedule = {
        "hpsync-dispatch": {
            "task": DISPATCH_TASK,
            "schedule": float(celery_app.hpsync_settings.tick_seconds),
            "args": (sources, every),
        }
    }
    celery_app.Beat(loglevel=loglevel, schedule=schedule_file).run()
