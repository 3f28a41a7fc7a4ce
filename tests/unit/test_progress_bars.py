"""One display, a bar per account, fed from the threads that sync the accounts."""

from __future__ import annotations

import io
import threading

from rich.console import Console

from hpsync.progress_bars import AccountBars


def _console() -> Console:
    return Console(file=io.StringIO(), force_terminal=False)


def test_bars_from_several_threads_each_count_their_own_steps() -> None:
    with AccountBars(console=_console()) as bars:

        def one(name: str, total: int) -> None:
            advance = bars.start(f"sync {name}", total)
            for _ in range(total):
                advance(1)

        threads = [threading.Thread(target=one, args=(n, t)) for n, t in (("a", 30), ("b", 7))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert bars.shown == {"sync a": (30, 30), "sync b": (7, 7)}


def test_an_account_with_nothing_to_write_shows_no_bar_unless_asked() -> None:
    quiet = AccountBars(console=_console())
    quiet.start("sync a", 0)(1)
    assert quiet.shown == {}  # nothing displayed at all
    with AccountBars(console=_console(), show_empty=True) as full:
        full.start("sync a", 0)
        assert full.shown == {"sync a": (1, 1)}  # shown, and already complete


def test_disabled_bars_display_nothing() -> None:
    bars = AccountBars(enabled=False, console=_console())
    bars.start("sync a", 5)(5)
    assert bars.shown == {}
