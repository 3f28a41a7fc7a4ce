"""Sheets the plan will leave as they are, recognised as each is read so none is held.

A no-change resync of an XL account reads 285k sheets to find them as they were pushed;
held as records they cost about 90 MiB of a process that must stay within 512 MiB. A
sheet is settled when the diff could only count it as unchanged: it is the planning's
session (external id), at the Edusign id the journal holds, not archived, with the very
fields and hash pushed. Only its ids are kept, and whom it holds while still open.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hpsync.engine.desired import DesiredState
from hpsync.engine.diff import Pushed
from hpsync.engine.remote import RemoteFields, RemoteRecord
from hpsync.hashing import canonical_values_and_hash
from hpsync.model import Kind, SourceId


class SheetSettler:
    """The ``Settle`` of one account's planning (``RemoteState.put``)."""

    def __init__(
        self,
        desired: DesiredState,
        pushed: Mapping[tuple[Kind, str], Pushed],
        *,
        now: datetime,
    ) -> None:
        self.wanted = desired.of(Kind.SESSION)
        self.pushed = pushed
        self.now = now

    def __call__(self, record: RemoteRecord) -> bool:
        if record.archived or type(record.fields) is not RemoteFields:
            return False
        want = self.wanted.get(SourceId(record.api_id))
        last = self.pushed.get((Kind.SESSION, record.api_id))
        if want is None or last is None or last.remote_id != record.remote_id:
            return False
        names, values, digest = canonical_values_and_hash(want)
        return digest == last.content_hash and record.fields.same(names, values)

    def is_open(self, record: RemoteRecord) -> bool:
        return not (
            record.locked or record.signed or (record.end is not None and record.end <= self.now)
        )
