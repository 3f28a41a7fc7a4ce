"""The memoised hashing and summary paths give exactly what the plain ones gave."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpsync.engine.desired import DesiredLearner, DesiredSession
from hpsync.engine.plan import record_summary
from hpsync.hashing import (
    canonical,
    canonical_and_hash,
    canonical_value,
    content_hash,
    hash_fields,
    utc_text,
)
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
    assert [record_summary(s) for s in sessions] == [
        "n @ 2026-10-25T02:30+02:00",
        "n @ 2026-10-25T02:30+01:00",
    ]
    same_instant = first.astimezone(UTC)
    assert record_summary(
        DesiredSession(SourceId("s"), "n", same_instant, same_instant, (), "", ())
    ) == ("n @ 2026-10-25T00:30+00:00")


# The generated per-class functions against the plain definition, for values of every
# shape a record field may hold (not only the str/datetime/tuple fast paths).
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.dates()
    | st.datetimes(timezones=st.sampled_from([UTC, PARIS])),
    lambda inner: (
        st.tuples(inner, inner)
        | st.lists(inner, max_size=3).map(tuple)
        | st.frozensets(st.text(max_size=3), max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclass(frozen=True)
class _Odd:
    sid: str
    zeta: Any
    alpha: Any
    mid: Any


def _plain_fields(record: _Odd) -> dict[str, Any]:
    return {name: canonical_value(getattr(record, name)) for name in ("zeta", "alpha", "mid")}


@given(_VALUES, _VALUES, _VALUES)
def test_generated_functions_match_the_plain_definition(a: Any, b: Any, c: Any) -> None:
    for record in (_Odd("x", a, b, c), _Odd("x", a, b, c)):  # twice: through the memo
        plain = _plain_fields(record)
        expected = hashlib.sha256(
            json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()[:32]
        assert canonical(record) == plain
        assert content_hash(record) == expected
        assert canonical_and_hash(record) == (plain, expected)


def test_a_naive_datetime_is_refused_on_every_path() -> None:
    record = _Odd("x", "z", datetime(2026, 9, 7, 8, 30), ())
    for function in (canonical, content_hash, canonical_and_hash):
        with pytest.raises(ValueError, match="naive datetime"):
            function(record)
