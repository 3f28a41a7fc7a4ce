"""``hpsync year switch``: re-key the state store so the same Edusign people continue.

Last year's sessions and groups keep their identities (they are history: the engine
never touches another base's sessions); matched people get their new identity and are
refreshed once (their Edusign API_ID is rewritten by a PATCH on the next sync); leavers
keep their old identity and are archived by the next sync; joiners are created.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from hpsync.model import Kind, Snapshot
from hpsync.state import StateStore
from hpsync.year.match import KindMatching, match_people, renames


@dataclass
class SwitchReport:
    """What the switch matched and changed."""

    old_base: str
    new_base: str
    matching: dict[Kind, KindMatching]
    renamed: dict[str, int]  # account -> rows re-keyed

    def lines(self) -> list[str]:
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
        for account, n in self.renamed.items():
            out.append(f"  account {account}: {n} state rows re-keyed")
        return out


def switch_year(
    store: StateStore,
    accounts: list[str],
    old: Snapshot,
    new: Snapshot,
    *,
    order: tuple[str, ...],
    dry_run: bool,
) -> SwitchReport:
    """Match people and (unless dry-run) re-key every account's state to the new base."""
    matching = match_people(old, new, order)
    names = renames(old, new, matching)
    report = SwitchReport(old.base.base_id, new.base.base_id, matching, {})
    for account in accounts:
        if dry_run:
            report.renamed[account] = sum(
                1 for row in store.mappings(account) if row.source_id in names
            )
            continue
        with store.transaction():
            report.renamed[account] = store.rekey(account, names)
            refreshed = [
                replace(row, content_hash="")
                for row in store.mappings(account)
                if row.source_id in names.values() and Kind(row.kind) in _PEOPLE
            ]
            if refreshed:
                store.put_mappings(account, refreshed)
            store.set_meta(account, "base_id", new.base.base_id)
            store.set_meta(account, "previous_base_id", old.base.base_id)
            store.set_meta(account, "switched_at", datetime.now(UTC).isoformat())
    return report


_PEOPLE = {Kind.LEARNER, Kind.TRAINER, Kind.TUTOR}
