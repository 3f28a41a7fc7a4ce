"""Which attendance sheets an up run reads: all of its window, or what changed since.

A final sheet whose marks were all written back needs no second read until it changes.
What the next run must still read is remembered per account and base: the service's clock
when the last good read began (``watermark``), where to list every sheet again (the
earliest open sheet that time alone may make final, else the end of the window read: a
page holds tens of sheets, so listing them beats fetching each; a sheet that only a lock
makes final is seen when locked, an edit), and the final sheets left unsettled (a learner
missing, a write that failed or was held), fetched by id.
The memory is cleared when a run starts and written when it ends well, so a run that
crashed, a changed window, a changed rule of what is written (final policy, motifs) or
``full_read_hours`` since the last whole read mean a whole read again.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hpsync.ports import SheetsRead
from hpsync.state import StateStore


def meta_key(base_id: str) -> str:
    return f"sheets_read:{base_id}"


@dataclass(frozen=True, slots=True)
class SheetsAsk:
    """What to ask the attendance source for (all None/empty: a whole read)."""

    changed_since: datetime | None = None
    relist_from: datetime | None = None
    sheets: frozenset[str] = field(default_factory=frozenset)
    whole_at: datetime | None = None  # when the last whole read was made
    rules: str = ""  # what decided final sheets' writes when asked (``rules_of``)

    @property
    def incremental(self) -> bool:
        return self.changed_since is not None


def ask(
    store: StateStore,
    account: str,
    base_id: str,
    *,
    since: datetime,
    now: datetime,
    full_read_hours: float,
    rules: str,
) -> SheetsAsk:
    """The read this run can do, from what the last good run left."""
    try:
        seen = json.loads(store.get_meta(account, meta_key(base_id)) or "{}")
        watermark = datetime.fromisoformat(seen["watermark"])
        relist_from = datetime.fromisoformat(seen["relist_from"])
        whole_at = datetime.fromisoformat(seen["whole_at"])
        window_start = datetime.fromisoformat(seen["since"])
        unsettled = frozenset(str(s) for s in seen["unsettled"])
    except (KeyError, TypeError, ValueError):
        return SheetsAsk(rules=rules)
    if (
        full_read_hours <= 0
        or window_start != since
        or seen.get("rules") != rules
        or not timedelta(0) <= now - whole_at < timedelta(hours=full_read_hours)
    ):
        return SheetsAsk(whole_at=whole_at, rules=rules)
    return SheetsAsk(watermark, relist_from, unsettled, whole_at, rules)


def rules_of(final: object, motifs: Mapping[str, str]) -> str:
    """What decides the writes of a final sheet, as text: a change means a whole read."""
    return repr((final, sorted(motifs.items())))


def forget(store: StateStore, account: str, base_id: str) -> None:
    """At a run's start: until it ends well, nothing vouches for what it read."""
    store.set_meta(account, meta_key(base_id), "")


def remember(
    store: StateStore,
    account: str,
    base_id: str,
    *,
    asked: SheetsAsk,
    read: SheetsRead,
    since: datetime,
    relist_from: datetime,
    unsettled: Iterable[str],
    now: datetime,
) -> None:
    """After a run that ended well: where the next read starts and what it must re-read."""
    if read.watermark is None:  # no clock from the service: every run reads every sheet
        return
    whole_at = now if read.whole or asked.whole_at is None else asked.whole_at
    mark = {
        "watermark": read.watermark.isoformat(),
        "since": since.isoformat(),
        "relist_from": relist_from.isoformat(),
        "whole_at": whole_at.isoformat(),
        "rules": asked.rules,
        "unsettled": sorted(set(unsettled)),
    }
    store.set_meta(account, meta_key(base_id), json.dumps(mark))


def counts(read: SheetsRead) -> dict[str, int]:
    """How many sheets the run read, under a key that says whether it read them all."""
    return {"sheets_read" if read.whole else "sheets_read_changed": len(read.sheets)}


def sheet_ids(read: SheetsRead, sessions: Collection[str]) -> set[str]:
    """Edusign ids of the sheets read for these session identities."""
    wanted = set(sessions)
    return {s.remote_id for s in read.sheets if s.session_sid in wanted}
