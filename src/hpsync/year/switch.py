"""``hpsync year switch``: re-key the state store so the same Edusign people go on.

Last year's sessions and groups keep their identities (they are history: the engine never
touches another base's sessions); matched people get their new identity and are refreshed
once (their Edusign API_ID is rewritten by a PATCH on the next sync); leavers keep their old
identity and are archived by the next sync; joiners are created. The ledger is left as it
is: it records what was written into last year's base, under last year's identities; the
renames are remembered so that last year's sheets still find the people who stayed.

A new base that matches too few of the people carried is refused (``year.guard``), here
and again on the first sync that follows the switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hpsync import clock
from hpsync.errors import GuardRefused
from hpsync.model import Kind, Snapshot, parse_source_id
from hpsync.state import StateStore
from hpsync.year.guard import KindShare, SwitchThresholds, refusals, shares
from hpsync.year.match import KindMatching, match_people, renames

PEOPLE = (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR)
#: meta key set by a switch and cleared by the first good sync after it
PENDING = "switch_pending"


@dataclass
class SwitchReport:
    """What the switch matched, what it would change, and whether the guard accepts it."""

    old_base: str
    new_base: str
    matching: dict[Kind, KindMatching]
    old: Snapshot
    new: Snapshot
    shares: list[KindShare] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    renamed: dict[str, int] = field(default_factory=dict)  # account -> rows re-keyed

    def lines(self, *, people: bool = False) -> list[str]:
        """The summary; with ``people``, one line per person matched, leaving or joining."""
        out = [f"switch from base {self.old_base} to {self.new_base}"]
        for kind, m in self.matching.items():
            by: dict[str, int] = {}
            for _new, criterion in m.pairs.values():
                by[criterion] = by.get(criterion, 0) + 1
            how = ", ".join(f"{n} by {c}" for c, n in sorted(by.items())) or "none"
            out.append(
                f"  {kind.value:<8} matched {len(m.pairs)} ({how}); leaving {len(m.leavers)}; "
                f"joining {len(m.joiners)}; ambiguous {len(m.ambiguous)}"
            )
            out += [f"    ambiguous: {line}" for line in m.ambiguous[:20]]
            if people:
                out += [f"    {line}" for line in self.person_lines(kind)]
        out.append(
            "  carried over: " + "; ".join(s.text() for s in self.shares if s.carried)
            if any(s.carried for s in self.shares)
            else "  carried over: nobody yet (no account was synced)"
        )
        for account, n in self.renamed.items():
            out.append(f"  account {account}: {n} state rows re-keyed")
        out += [f"  REFUSED: {reason}" for reason in self.refused]
        return out

    def person_lines(self, kind: Kind) -> list[str]:
        """Each person of ``kind``: who they are, and how they were matched (or not)."""
        m = self.matching[kind]
        old_people, new_people = _people(self.old, kind), _people(self.new, kind)
        out = [
            f"= {_who(old_people[old_key])}: {old_key} → {new_key} (by {criterion})"
            for old_key, (new_key, criterion) in sorted(m.pairs.items())
        ]
        out += [
            f"- {_who(old_people[k])}: {k} leaves (archived by the next sync)" for k in m.leavers
        ]
        out += [f"+ {_who(new_people[k])}: {k} joins (created by the next sync)" for k in m.joiners]
        return out


def _people(snapshot: Snapshot, kind: Kind) -> dict[int, object]:
    if kind is Kind.LEARNER:
        return dict(snapshot.learners)
    if kind is Kind.TRAINER:
        return dict(snapshot.trainers)
    return dict(snapshot.tutors)


def _who(person: object) -> str:
    name = f"{getattr(person, 'last_name', '')} {getattr(person, 'first_name', '')}".strip()
    email = getattr(person, "email", "") or "no e-mail"
    return f"{name or '(no name)'} <{email}>"


def carried_people(store: StateStore, accounts: list[str], old: Snapshot) -> dict[Kind, set[str]]:
    """Old-base people hpsync holds live on some account; every old-base person when no
    account was ever synced from that base."""
    prefix = f"hp:{old.base.base_id}:"
    held: dict[Kind, set[str]] = {kind: set() for kind in PEOPLE}
    for account in accounts:
        for row in store.mappings(account):
            if row.state == "active" and row.source_id.startswith(prefix) and row.kind in held:
                held[Kind(row.kind)].add(row.source_id)
    if any(held.values()):
        return held
    return {
        Kind.LEARNER: {old.sid(Kind.LEARNER, k) for k in old.learners},
        Kind.TRAINER: {old.sid(Kind.TRAINER, k) for k in old.trainers},
        Kind.TUTOR: {old.sid(Kind.TUTOR, k) for k in old.tutors},
    }


def plan_switch(
    store: StateStore,
    accounts: list[str],
    old: Snapshot,
    new: Snapshot,
    *,
    order: tuple[str, ...],
    thresholds: SwitchThresholds,
) -> SwitchReport:
    """Match people and judge the new base; changes nothing."""
    matching = match_people(old, new, order)
    names = renames(old, new, matching)
    report = SwitchReport(old.base.base_id, new.base.base_id, matching, old, new)
    carried = carried_people(store, accounts, old)
    report.shares = shares(
        {kind: sum(1 for sid in carried[kind] if sid in names) for kind in PEOPLE},
        {kind: len(carried[kind]) for kind in PEOPLE},
    )
    report.refused = refusals(report.shares, thresholds)
    if old.base.base_id == new.base.base_id:
        report.refused.append(
            f"the new base has the same id {new.base.base_id!r} as the current one: give the "
            "new base its own --base-id (each year's records are named after their base)"
        )
    for account in accounts:
        report.renamed[account] = sum(
            1 for row in store.mappings(account) if row.source_id in names
        )
    return report


def apply_switch(
    store: StateStore, accounts: list[str], report: SwitchReport, *, force: bool, reason: str
) -> None:
    """Re-key every account's state to the new base (refused as the report says, unless
    forced with a reason)."""
    if report.refused and not force:
        raise GuardRefused(
            "; ".join(report.refused),
            record=f"switch to base {report.new_base}",
            hint="is it the right base, and is it filled? check with `hpsync year switch "
            '--dry-run`; if it is intended, rerun with --force --reason "..."',
        )
    names = renames(report.old, report.new, report.matching)
    for account in accounts:
        with store.transaction():
            report.renamed[account] = store.rekey(account, names, ledger=False)
            refreshed = [
                replace(row, content_hash="")
                for row in store.mappings(account)
                if row.source_id in names.values() and Kind(row.kind) in PEOPLE
            ]
            if refreshed:
                store.put_mappings(account, refreshed)
            store.record_renames(account, names)
            store.set_meta(account, "base_id", report.new_base)
            store.set_meta(account, "previous_base_id", report.old_base)
            store.set_meta(account, "switched_at", clock.now().isoformat())
            store.set_meta(account, PENDING, "forced: " + reason if force else "1")


def check_first_sync(
    store: StateStore, account: str, snapshot: Snapshot, thresholds: SwitchThresholds
) -> None:
    """Refuse the first sync after a switch when the base it reads does not hold enough of
    the people the account carries (the base was emptied, replaced or re-imported since)."""
    pending = store.get_meta(account, PENDING)
    if not pending or pending.startswith("forced"):
        return
    carried: dict[Kind, int] = {}
    present: dict[Kind, int] = {}
    keys = {Kind.LEARNER: snapshot.learners, Kind.TRAINER: snapshot.trainers}
    for row in store.mappings(account):
        if row.state != "active" or row.kind not in (Kind.LEARNER.value, Kind.TRAINER.value):
            continue
        kind = Kind(row.kind)
        try:
            base, _kind, key = parse_source_id(row.source_id)
        except ValueError:
            continue
        if key == "fictitious":
            continue
        carried[kind] = carried.get(kind, 0) + 1
        if base == snapshot.base.base_id and key.isdigit() and int(key) in keys[kind]:
            present[kind] = present.get(kind, 0) + 1
    found = shares(present, carried)
    refused = refusals(found, thresholds)
    if refused:
        raise GuardRefused(
            "first sync after the yearly switch: " + "; ".join(refused),
            record=f"account {account}",
            hint="the base this sync reads is not the one the switch matched (emptied or "
            "re-imported since?); check `hpsync year status`, or release with "
            '--force --reason "..."',
        )


def switch_pending(store: StateStore, account: str) -> bool:
    """A switch happened and no sync has completed since."""
    return bool(store.get_meta(account, PENDING))


def first_sync_done(store: StateStore, account: str) -> None:
    """The first good sync after a switch clears its check."""
    if store.get_meta(account, PENDING):
        store.set_meta(account, PENDING, "")
