"""Page-number pagination: Edusign pages start at 0 and carry no "next" marker.

The loop stops on a short or empty page (reference §4, [I]). Two guards keep a
misbehaving server from looping forever: a page identical to the previous one (the
server ignored ``page``) ends the loop, and ``max_pages`` full pages stop it with an
error (a list that never ends is a broken answer, not data to keep reading).

A larger page than the documented one saves calls, but a service may cap ``limit``
silently: its capped first page would then look like a short last page and the rest of
the list would be lost without a word. With ``may_cap`` a short first page is therefore
not trusted: the next page is read, and if it holds items the service's own page size
(the first page's length) decides from there. One call more for a small list, none for a
large one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from hpsync.errors import TargetError

T = TypeVar("T")


def paginate(
    fetch: Callable[[int], Sequence[T]],
    *,
    page_size: int | None = None,
    max_pages: int = 10_000,
    may_cap: bool = False,
) -> Iterator[T]:
    """Yield items of pages 0, 1, 2… until a page is empty or shorter than ``page_size``.

    With ``page_size`` unknown (None) only an empty page ends the loop; with ``may_cap``
    (``page_size`` is what was asked, not what the service promises) a short first page
    makes its length the page size instead of ending the loop.
    """
    previous: Sequence[T] | None = None
    for page in range(max_pages):
        items = fetch(page)
        if not items or (previous is not None and list(items) == list(previous)):
            return
        yield from items
        if page_size is not None and len(items) < page_size:
            if not (may_cap and page == 0):
                return
            page_size = len(items)  # the service's cap, or the whole list: page 1 tells
        previous = items
    raise TargetError(
        f"Edusign still answered a full page after {max_pages} pages: the list does not end",
        hint="the server ignores paging, or the account is far larger than expected; "
        "report it with the route named in the log",
    )
