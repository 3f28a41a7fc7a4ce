"""Progress bars on the terminal, one per account: accounts are synced side by side.

Shared by ``hpsync sync`` and the demo. The display starts with its first bar, so a run
with nothing to write prints nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn


class AccountBars:
    """One progress display with a bar per account, safe to feed from several threads."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        transient: bool = True,
        show_empty: bool = False,
        console: Console | None = None,
    ) -> None:
        self.enabled = enabled
        self.console = console
        self.transient = transient
        self.show_empty = show_empty  # a bar, full at once, for an account with nothing to do
        self._progress: Progress | None = None
        self._lock = threading.Lock()

    def start(self, label: str, total: int) -> Callable[[int], None]:
        """A new bar of ``total`` steps; returns the function advancing it."""
        if not self.enabled or (total == 0 and not self.show_empty):
            return lambda n: None
        with self._lock:
            if self._progress is None:
                self._progress = Progress(
                    TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    transient=self.transient, console=self.console,
                )  # fmt: skip
                self._progress.start()
            progress = self._progress
            task = progress.add_task(label, total=max(total, 1))
            if total == 0:
                progress.advance(task, 1)
        return lambda n: progress.advance(task, n)

    @property
    def shown(self) -> dict[str, tuple[float, float | None]]:
        """Each bar's label with (completed, total): what the display shows."""
        if self._progress is None:
            return {}
        return {str(t.description): (t.completed, t.total) for t in self._progress.tasks}

    def stop(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.stop()

    def __enter__(self) -> AccountBars:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
