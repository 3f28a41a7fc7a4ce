"""What an Edusign account holds now, in the engine's terms (built by the target adapter).

``fields`` uses the same names and canonical values as ``hashing.canonical`` of the
desired record, with references already translated from Edusign ids to source identities,
so the diff compares like with like.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from hpsync.model import Kind
from hpsync.shared_values import SharedValues

#: Field-name layouts seen (a handful: one per kind and adapter), held once.
_LAYOUTS: dict[tuple[str, ...], tuple[str, ...]] = {}
_LAYOUTS_MAX = 1024


class RemoteFields(Mapping[str, Any]):
    """A record's fields, read-only: its names (a layout shared by every record of its
    kind) and a tuple of values, lists kept as tuples and handed out as lists.

    A dict per record, with a list per roster, made a big account's 270k remote records
    cost 700 bytes each; equal rosters are also held once when read with a ``shared`` table.
    """

    __slots__ = ("layout", "row")
    __hash__ = None  # type: ignore[assignment]  # compared like the dict it stands for

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        if len(names) != len(values):
            raise ValueError(f"{len(names)} field names for {len(values)} values")
        layout = _LAYOUTS.get(names)
        if layout is None:
            layout = names
            if len(_LAYOUTS) < _LAYOUTS_MAX:
                _LAYOUTS[names] = names
        #: the field names (one tuple per layout) and the values, in that order
        self.layout: tuple[str, ...] = layout
        self.row: tuple[Any, ...] = values

    @classmethod
    def of(cls, fields: Mapping[str, Any], shared: SharedValues | None = None) -> RemoteFields:
        """The compact form of ``fields``; ``shared`` holds equal sequences once."""
        if isinstance(fields, RemoteFields):
            return fields
        return cls(tuple(fields), tuple(_frozen(v, shared) for v in fields.values()))

    def __getitem__(self, name: str) -> Any:
        try:
            value = self.row[self.layout.index(name)]
        except ValueError:
            raise KeyError(name) from None
        return list(value) if type(value) is tuple else value

    def __contains__(self, name: object) -> bool:
        return name in self.layout

    def __iter__(self) -> Iterator[str]:
        return iter(self.layout)

    def __len__(self) -> int:
        return len(self.layout)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RemoteFields) and self.layout == other.layout:
            return self.row == other.row
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"RemoteFields({dict(self.items())!r})"

    def same(self, names: tuple[str, ...], values: tuple[Any, ...]) -> bool:
        """Equal to the canonical ``names`` and ``values`` of a desired record
        (``hashing.canonical_values_and_hash``), without a dict made of either."""
        return (self.layout is names or self.layout == names) and self.row == values

    def ids(self, name: str) -> tuple[Any, ...]:
        """A sequence field as the tuple held (empty when absent): read without a copy."""
        if name not in self.layout:
            return ()
        value = self.row[self.layout.index(name)]
        return value if type(value) is tuple else tuple(value or ())


def _frozen(value: Any, shared: SharedValues | None) -> Any:
    if type(value) is not list and type(value) is not tuple:
        return value
    held = tuple(value)
    if shared is not None:
        try:
            return shared(held)
        except TypeError:  # unhashable items: kept as they are
            return held
    return held


@dataclass(frozen=True, slots=True)
class RemoteRecord:
    """One record on the target."""

    kind: Kind
    remote_id: str
    api_id: str  # "" when the record was created by hand in Edusign
    fields: Mapping[str, Any]  # given as a dict, held as RemoteFields
    archived: bool = False
    locked: bool = False
    signed: bool = False  # a session with at least one signature
    end: datetime | None = None  # sessions: when the sheet ends

    def __post_init__(self) -> None:
        if type(self.fields) is not RemoteFields:
            object.__setattr__(self, "fields", RemoteFields.of(self.fields))
        # the same strings as the journal's and the planning's, not a copy per record read
        object.__setattr__(self, "remote_id", sys.intern(self.remote_id))
        object.__setattr__(self, "api_id", sys.intern(self.api_id))


def sheet_people(record: RemoteRecord) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A sheet's trainers and learners as read: the tuples held, not lists made of them."""
    fields = record.fields
    if type(fields) is RemoteFields:
        return fields.ids("trainer_sids"), fields.ids("learner_sids")
    return tuple(fields.get("trainer_sids", ())), tuple(fields.get("learner_sids", ()))


class Settle(Protocol):
    """Whether the plan will leave a sheet exactly as it is read (the planning's session,
    as last pushed, at the Edusign id pushed); only its ids are then kept."""

    def __call__(self, record: RemoteRecord) -> bool: ...

    def is_open(self, record: RemoteRecord) -> bool:
        """A sheet still to be signed (not over, locked or signed): its people must stay."""
        ...


@dataclass(slots=True)
class RemoteState:
    """Remote records per kind, by remote id; ``complete`` says which kinds were read."""

    records: dict[Kind, dict[str, RemoteRecord]] = field(default_factory=dict)
    complete: set[Kind] = field(default_factory=set)
    #: kinds the account's API does not offer (e.g. no tutor route): not synced, warned
    unavailable: set[Kind] = field(default_factory=set)
    #: records asked for by id and found gone (a partial read still knows they are absent)
    absent: set[str] = field(default_factory=set)
    #: the newest update date of the sessions read, on the service's own clock: where the
    #: next incremental read starts (None: the service gave no update dates)
    watermark: datetime | None = None
    #: sessions read exactly as last pushed (``settle``): external id -> Edusign id, their
    #: content not held (an XL account's 285k sheets cost about 90 MiB as records)
    settled: dict[str, str] = field(default_factory=dict)
    #: the trainers' and the learners' lists of the settled sheets still open, with how
    #: many sheets carry each: who must stay on Edusign (``keep_people_of_kept_sheets``)
    settled_seats: Counter[tuple[str, ...]] = field(default_factory=Counter)
    #: decides, as each session is read, whether it is settled (None: every record kept)
    settle: Settle | None = field(default=None, compare=False, repr=False)

    def saw_update(self, when: datetime | None) -> None:
        if when is not None and (self.watermark is None or when > self.watermark):
            self.watermark = when

    def of(self, kind: Kind) -> dict[str, RemoteRecord]:
        return self.records.setdefault(kind, {})

    def add(self, record: RemoteRecord) -> None:
        """A record of a kind read whole."""
        self.put(record)
        self.complete.add(record.kind)

    def put(self, record: RemoteRecord) -> None:
        """A record read, its kind perhaps not whole (a read of what changed)."""
        settle = self.settle
        if settle is not None and record.kind is Kind.SESSION and settle(record):
            self.settled[record.api_id] = record.remote_id
            if settle.is_open(record):
                self.settled_seats.update(sheet_people(record))
            return
        self.of(record.kind)[record.remote_id] = record

    def read_count(self, kind: Kind) -> int:
        """How many records of ``kind`` the read found, settled ones included."""
        return len(self.records.get(kind, {})) + (len(self.settled) if kind is Kind.SESSION else 0)
