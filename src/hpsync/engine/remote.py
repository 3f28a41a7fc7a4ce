"""What an Edusign account holds now, in the engine's terms (built by the target adapter).

``fields`` uses the same names and canonical values as ``hashing.canonical`` of the
desired record, with references already translated from Edusign ids to source identities,
so the diff compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hpsync.model import Kind


@dataclass(frozen=True, slots=True)
class RemoteRecord:
    """One record on the target."""

    kind: Kind
    remote_id: str
    api_id: str  # "" when the record was created by hand in Edusign
    fields: dict[str, Any]
    archived: bool = False
    locked: bool = False
    signed: bool = False  # a session with at least one signature
    end: datetime | None = None  # sessions: when the sheet ends


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

    def saw_update(self, when: datetime | None) -> None:
        if when is not None and (self.watermark is None or when > self.watermark):
            self.watermark = when

    def of(self, kind: Kind) -> dict[str, RemoteRecord]:
        return self.records.setdefault(kind, {})

    def add(self, record: RemoteRecord) -> None:
        self.of(record.kind)[record.remote_id] = record
        self.complete.add(record.kind)
