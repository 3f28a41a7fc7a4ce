"""Run inputs as plain JSON and back, exactly: a replay must see what the run saw.

Values the JSON types cannot say are tagged: ``{"$dt": iso}``, ``{"$date": iso}``,
``{"$tuple": [...]}``, ``{"$set": [...]}``; lists and string-keyed dicts stay themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime
from functools import partial
from typing import Any

from hpsync.engine.diff import Pushed
from hpsync.engine.remote import RemoteRecord, RemoteState
from hpsync.json_stream import Lazy
from hpsync.model import Kind
from hpsync.rules.policy import AccountRules, Couple, RoomMode, TrainerlessMode


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` that ``decode`` turns back into an equal value."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"$set": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    """The value ``encode`` was given."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), *_ = value.items()
            if tag == "$dt":
                return datetime.fromisoformat(inner)
            if tag == "$date":
                return date.fromisoformat(inner)
            if tag == "$tuple":
                return tuple(decode(v) for v in inner)
            if tag == "$set":
                return frozenset(decode(v) for v in inner)
        return {k: decode(v) for k, v in value.items()}
    return value


def remote_document(state: RemoteState) -> dict[str, Any]:
    """An Edusign remote state as a JSON document (records per kind, in remote-id order)
    whose records are made one at a time as it is written (``json_stream.Lazy``)."""

    def rows(records: Mapping[str, RemoteRecord]) -> Iterator[dict[str, Any]]:
        for rid in sorted(records):
            r = records[rid]
            yield {
                "remote_id": r.remote_id,
                "api_id": r.api_id,
                "fields": encode(dict(r.fields)),
                "archived": r.archived,
                "locked": r.locked,
                "signed": r.signed,
                "end": encode(r.end),
            }

    return {
        "complete": sorted(k.value for k in state.complete),
        **(
            {"unavailable": sorted(k.value for k in state.unavailable)} if state.unavailable else {}
        ),
        **({"absent": sorted(state.absent)} if state.absent else {}),
        # sheets read as pushed (``engine.settle``): their ids, and whom the open ones hold
        **(
            {
                "settled": Lazy(lambda: ([a, state.settled[a]] for a in sorted(state.settled))),
                "settled_seats": [
                    [list(people), n] for people, n in sorted(state.settled_seats.items())
                ],
            }
            if state.settled
            else {}
        ),
        "records": {
            kind.value: Lazy(partial(rows, records))
            for kind, records in sorted(state.records.items())
        },
    }


def remote_from_json(body: Mapping[str, Any]) -> RemoteState:
    """The remote state ``remote_document`` wrote."""
    state = RemoteState()
    for name, rows in body["records"].items():
        kind = Kind(name)
        bucket = state.of(kind)
        for r in rows:
            bucket[r["remote_id"]] = RemoteRecord(
                kind,
                r["remote_id"],
                r["api_id"],
                decode(r["fields"]),
                archived=r["archived"],
                locked=r["locked"],
                signed=r["signed"],
                end=decode(r["end"]),
            )
    state.complete = {Kind(k) for k in body["complete"]}
    state.unavailable = {Kind(k) for k in body.get("unavailable", [])}
    state.absent = set(body.get("absent", []))
    state.settled = {api_id: remote_id for api_id, remote_id in body.get("settled", [])}
    state.settled_seats = Counter({tuple(people): n for people, n in body.get("settled_seats", [])})
    return state


def pushed_document(rows: Callable[[], Iterable[tuple[str, str, str, str]]]) -> Lazy:
    """What the store says we have pushed, as [kind, source id, remote id, hash] rows read
    from it as they are written (``rows``: the store's rows, in its order)."""
    return Lazy(lambda: ([kind, sid, rid, digest] for kind, sid, rid, digest in rows()))


def pushed_from_json(rows: list[list[str]]) -> dict[tuple[Kind, str], Pushed]:
    return {(Kind(kind), sid): Pushed(rid, digest) for kind, sid, rid, digest in rows}


def rules_to_json(rules: AccountRules) -> dict[str, Any]:
    """An account's rules as JSON."""
    out: dict[str, Any] = {}
    for f in fields(rules):
        value = getattr(rules, f.name)
        if isinstance(value, tuple) and value and isinstance(value[0], Couple):
            value = [[c.family, c.rubric] for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, RoomMode | TrainerlessMode):
            value = value.value
        out[f.name] = value
    return out


def rules_from_json(body: Mapping[str, Any]) -> AccountRules:
    couples = {"learner_couples", "course_include", "course_exclude"}
    kwargs: dict[str, Any] = {}
    for name, value in body.items():
        if name in couples:
            kwargs[name] = tuple(Couple(f, r) for f, r in value)
        elif name == "tag_families":
            kwargs[name] = tuple(value)
        elif name == "room_mode":
            kwargs[name] = RoomMode(value)
        elif name == "trainerless":
            kwargs[name] = TrainerlessMode(value)
        else:
            kwargs[name] = value
    return AccountRules(**kwargs)
