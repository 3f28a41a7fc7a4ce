"""The memoised hashing and summary paths give exactly what the plain ones gave."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hpsync.engine.desired import DesiredLearner, DesiredSession
from hpsync.engine.diff import _summary
from hpsync.hashing import canonical, content_hash, hash_fields, utc_text
from hpsync.model import SourceId

PARIS = ZoneInfo("Europe/Paris")


def _plain_hash(record: object) -> str:
    text = json.dumps(canonical(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def test_content_hash_is_the_hash_of_the_canonical_fields() -> None:
    start = datetime(2026, 9, 7, 8, 30, tzinfo=PARIS)
    roster = (SourceId("hp:b:learner:1"), SourceId("hp:b:learner:2"))
    records = [
        DesiredSession(SourceId("s1"), 'Maths é "q"', start, start, (), "A\n1", roster, "m"),
        DesiredSession(SourceId("s2"), "Maths", start, start, roster, "", roster),
        DesiredLearner(SourceId("l1"), "Zoé", "Ñ", "z@x.fr", ("a", "b"), roster, "7"),
    ]
    for record in records * 2:  # the second time through the memo
        assert content_hash(record) == _plain_hash(record) == hash_fields(canonical(record))


def test_the_repeated_autumn_hour_keeps_its_two_instants() -> None:
    first = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
    second = first.replace(fold=1)
    assert first == second  # same wall time in one zone: equal, yet an hour apart
    assert utc_text(first) == "2026-10-25T00:30:00Z"
    assert utc_text(second) == "2026-10-25T01:30:00Z"
    sessions = [DesiredSession(SourceId("s"), "n", d, d, (), "", ()) for d in (first, second)]
    assert [_summary(s) for s in sessions] == [
        "n @ 2026-10-25T02:30+02:00",
        "n @ 2026-10-25T02:30+01:00",
    ]
    same_instant = first.astimezone(UTC)
    assert _summary(DesiredSession(SourceId("s"), "n", same_instant, same_instant, (), "", ())) == (
        "n @ 2026-10-25T00:30+00:00"
    )
