"""The webhook worker: runs stored events at least once, and never dies of one.

Events are stored by the receiver before it answers (``state/events.py``); this worker
takes the due ones, writes each sheet back, and marks it done, or failed with a delay
before the next try. Any error — a Hyperplanning fault, a locked database, a bug — is
recorded on the event and the loop goes on: a later event is never left unprocessed
because an earlier one broke the thread. The write-back itself is idempotent (the
ledger), so running an event twice changes nothing the second time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hpsync.logging import get_logger
from hpsync.secrets import redact
from hpsync.state import StateStore
from hpsync.state.events import Event, due, finish

log = get_logger("hpsync.web.webhook.worker")

Process = Callable[[Event], None]


class EventWorker:
    """Drains the queue when woken, and every ``poll`` seconds in any case."""

    def __init__(
        self, store: StateStore, process: Process, *, poll: float = 2.0, batch: int = 50
    ) -> None:
        self.store = store
        self.process = process
        self.poll = poll
        self.batch = batch
        self._wake = threading.Event()

    def wake(self) -> None:
        """Something was stored: look now rather than at the next poll."""
        self._wake.set()

    def drain(self) -> int:
        """Run every due event once; how many were run."""
        ran = 0
        while events := due(self.store, self.batch):
            for event in events:
                self._one(event)
                ran += 1
        return ran

    def _one(self, event: Event) -> None:
        if not event.course_id:  # a delivery about no sheet: stored only to refuse replays
            finish(self.store, event)
            return
        try:
            self.process(event)
        except Exception as exc:  # recorded on the event; the next one still runs
            message = redact(f"{type(exc).__name__}: {exc}")
            log.error("webhook event failed", event_id=event.event_id, error=message)
            finish(self.store, event, error=message)
        else:
            finish(self.store, event)

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set; an error of the loop itself (the store down) is
        logged and the loop starts again after a poll."""
        while not stop.is_set():
            try:
                self.drain()
            except Exception as exc:
                log.error("webhook worker: queue unreadable", error=redact(str(exc)))
            self._wake.wait(self.poll)
            self._wake.clear()
