"""The journal's index of what was pushed behaves as the dict it replaces."""

from __future__ import annotations

from hpsync.engine.diff import Pushed, PushedIndex
from hpsync.model import Kind


def test_the_index_is_the_mapping_of_what_was_put_last() -> None:
    index = PushedIndex()
    rows = [
        (Kind.SESSION, "s:1", Pushed("r1", "h1")),
        (Kind.LEARNER, "l:1", Pushed("r2", "h2")),
        (Kind.SESSION, "s:2", Pushed("r3", "h3")),
        (Kind.SESSION, "s:1", Pushed("r4", "h4")),  # put again: replaces
    ]
    for kind, sid, pushed in rows:
        index.put(kind, sid, pushed)
    expected = {(kind, sid): pushed for kind, sid, pushed in rows}
    assert index == expected and expected == index
    assert len(index) == 3 and sorted(index) == sorted(expected)
    assert index[(Kind.SESSION, "s:1")] == Pushed("r4", "h4")
    assert index.get((Kind.SESSION, "s:9")) is None
    assert index.get((Kind.GROUP, "g:1"), "none") == "none"
    assert (Kind.LEARNER, "l:1") in index and (Kind.LEARNER, "s:1") not in index
    assert "s:1" not in index
    assert dict(index.items()) == expected
