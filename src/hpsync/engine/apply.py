"""The executor: writes a plan in batches, committing each batch before the next.

Writes are upserts keyed by source identity, and each batch's outcome is committed to the
journal (the state store) before that lane's next batch starts, so a crash at any point
leaves at most one batch per lane whose remote writes are not yet recorded; the next run
finds those records by their external id (ADOPT) instead of creating them again.

Kinds are written in lanes that run side by side as soon as the records they reference
exist (``STEPS``): Edusign meters its slow batch routes and its per-record routes
separately, so sessions (batches) can go out while groups and tutors (one call each) do.
A learner whose tutors are not created yet is written without them, then linked once
they exist (the ``link`` step): sessions only need the learner, not its tutors.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Protocol

from hpsync.engine.desired import KIND_ORDER, DesiredLearner, DesiredSession
from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.errors import RetriableRemoteError
from hpsync.hashing import content_hash
from hpsync.model import Kind
from hpsync.ports import TargetAccount, WriteOutcome

# PROTECTED: a sheet we must not touch is still recorded when the journal does not know it
# yet (created by a run whose answer was lost), so it stays ours.
BOOKKEEPING = (Action.ADOPT, Action.FORGET, Action.PROTECTED)


def named(kind: Kind | str) -> bool:
    """Whether other records carry this kind's Edusign ids (people, tutors, groups), so the
    writes keep them. Nothing names a session: a year of sheets is not kept."""
    return kind != Kind.SESSION


LINK = "link"

#: Each step and the steps it waits for. A step named after a kind writes that kind's
#: records; groups and sessions reference learners (and sessions trainers) by Edusign id,
#: and ``link`` completes the learners created before their tutors existed.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Kind.TUTOR.value, ()),
    (Kind.TRAINER.value, ()),
    (Kind.LEARNER.value, ()),
    (Kind.GROUP.value, (Kind.LEARNER.value,)),
    (Kind.SESSION.value, (Kind.LEARNER.value, Kind.TRAINER.value)),
    (LINK, (Kind.TUTOR.value, Kind.LEARNER.value)),
)


class Journal(Protocol):
    """Where the outcome of each batch is committed (the state store, or a fake)."""

    def commit(self, kind: Kind, results: Sequence[tuple[PlanItem, WriteOutcome]]) -> None: ...


@dataclass(slots=True)
class ApplyResult:
    """Counts of what was done, and the failures with their messages."""

    done: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[PlanItem, str]] = field(default_factory=list)
    batches: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def _chunks(items: Sequence[PlanItem], size: int) -> Iterator[Sequence[PlanItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _without_tutors(item: PlanItem, ready: Mapping[str, str]) -> PlanItem:
    """The item as written now: only the tutors that already exist (hash of what is sent)."""
    record = item.record
    assert isinstance(record, DesiredLearner)
    kept = tuple(t for t in record.tutor_sids if t in ready)
    if kept == record.tutor_sids:
        return item
    trimmed = replace(record, tutor_sids=kept)
    return replace(item, record=trimmed, content_hash=content_hash(trimmed))


def _waits_for_tutors(item: PlanItem, ready: Mapping[str, str]) -> bool:
    record = item.record
    return (
        item.action in (Action.CREATE, Action.UPDATE)
        and isinstance(record, DesiredLearner)
        and any(t not in ready for t in record.tutor_sids)
    )


class _Executor:
    """One plan's execution: shared ids and results, one thread per step."""

    def __init__(
        self,
        target: TargetAccount,
        journal: Journal,
        ids: Mapping[str, str],
        *,
        batch_size: int,
        fence: Callable[[], None],
        progress: Callable[[int], None],
    ) -> None:
        self.target = target
        self.journal = journal
        self.known = dict(ids)  # only grows, under the lock: lanes read it live
        self._known_view = MappingProxyType(self.known)
        self.result = ApplyResult()
        self.batch_size = batch_size
        self.fence = fence
        self._progress = progress
        self._lock = threading.Lock()
        self.stop = threading.Event()
        self._deferred: dict[str, PlanItem] = {}  # key → learner in full, created without tutors
        self.linked: list[PlanItem] = []  # created learners to complete with their tutors

    def bookkeeping(self, plan: Plan) -> None:
        """Record adoptions, forgets and protected sheets first: no remote call needed."""
        for kind in KIND_ORDER:
            keep = [
                i for i in plan.items if i.kind is kind and i.action in BOOKKEEPING and not i.writes
            ]
            if not keep:
                continue
            self.journal.commit(kind, [(i, WriteOutcome(i.key, True, i.remote_id)) for i in keep])
            for item in keep:
                self.result.done[f"{kind.value}.{item.action.value}"] += 1
                if item.action is Action.ADOPT and named(kind):
                    self.known[item.sid] = item.remote_id

    def run(self, kind: Kind, writes: Sequence[PlanItem], *, tag: str = "") -> None:
        """Write ``writes`` batch by batch, committing each before the next."""
        if kind is Kind.SESSION:
            writes = self._without_missing_trainers(writes)
        for batch in _chunks(writes, self.batch_size):
            if self.stop.is_set():
                return
            self.fence()  # a stale worker must stop before writing, not after
            try:
                # The live ids, not a copy per batch (300k entries on a big school): the
                # target only looks ids up, and another lane can only add to them.
                outcomes = self.target.write(kind, batch, self._known_view)
            except RetriableRemoteError as exc:
                outcomes = [WriteOutcome(i.key, False, i.remote_id, str(exc), True) for i in batch]
            self.journal.commit(kind, list(zip(batch, outcomes, strict=True)))
            self._record(kind, batch, outcomes, tag)

    def _without_missing_trainers(self, writes: Sequence[PlanItem]) -> list[PlanItem]:
        """Sessions whose trainer is not on Edusign (its own write failed) are not sent: each
        fails with that reason instead of an opaque 'professorIds missing' from Edusign."""
        ready: list[PlanItem] = []
        blocked: list[tuple[PlanItem, WriteOutcome]] = []
        for item in writes:
            record = item.record
            missing = (
                [t for t in record.trainer_sids if t not in self.known]
                if isinstance(record, DesiredSession) and item.action is not Action.REMOVE
                else []
            )
            if not missing:
                ready.append(item)
                continue
            why = f"not sent: its trainer {', '.join(missing)} is not on Edusign (see that failure)"
            blocked.append((item, WriteOutcome(item.key, False, item.remote_id, why)))
        if blocked:
            self.journal.commit(Kind.SESSION, blocked)
            self._record(
                Kind.SESSION, [i for i, _ in blocked], [o for _, o in blocked], "", sent=False
            )
        return ready

    def _record(
        self,
        kind: Kind,
        batch: Sequence[PlanItem],
        outcomes: Sequence[WriteOutcome],
        tag: str,
        *,
        sent: bool = True,
    ) -> None:
        with self._lock:
            self.result.batches += 1 if sent else 0
            for item, outcome in zip(batch, outcomes, strict=True):
                if outcome.ok:
                    self.result.done[f"{kind.value}.{tag or item.action.value}"] += 1
                    if item.action is not Action.REMOVE and named(kind):
                        self.known[item.sid] = outcome.remote_id
                    full = self._deferred.pop(item.key, None) if kind is Kind.LEARNER else None
                    if full is not None:
                        self.linked.append(
                            replace(full, action=Action.UPDATE, remote_id=outcome.remote_id)
                        )
                else:
                    self.result.failures.append((item, outcome.message))
            if tag != LINK:  # links are extra calls, not items of the plan
                self._progress(len(batch))

    def split_learners(self, writes: Sequence[PlanItem]) -> tuple[list[PlanItem], list[PlanItem]]:
        """(written now, linked later): learners whose tutors do not exist yet wait for them.

        One known by its Edusign id is simply written later, in full; one to create is
        created now without those tutors (sessions need it) and patched once they exist.
        """
        now: list[PlanItem] = []
        later: list[PlanItem] = []
        for item in writes:
            if not _waits_for_tutors(item, self.known):
                now.append(item)
            elif item.action is Action.UPDATE and item.remote_id:
                later.append(item)
            else:
                self._deferred[item.key] = item
                now.append(_without_tutors(item, self.known))
        return now, later

    def link(self, waiting: Sequence[PlanItem]) -> None:
        """Write the learners that waited for their tutors, now that the tutors exist.

        A tutor whose creation failed is still missing: what is sent (and hashed) leaves it
        out, so the next run plans the link again instead of taking it for a hand edit.
        """
        with self._lock:
            waiting = [_without_tutors(i, self.known) for i in waiting]
            created = [_without_tutors(i, self.known) for i in self.linked]
        self.run(Kind.LEARNER, waiting)
        self.run(Kind.LEARNER, created, tag=LINK)


def apply_plan(
    plan: Plan,
    target: TargetAccount,
    journal: Journal,
    ids: Mapping[str, str],
    *,
    batch_size: int = 1000,
    fence: Callable[[], None] = lambda: None,
    progress: Callable[[int], None] = lambda n: None,
) -> ApplyResult:
    """Execute the plan's writes, each step once the records it references exist."""
    run = _Executor(target, journal, ids, batch_size=batch_size, fence=fence, progress=progress)
    run.bookkeeping(plan)
    # Removals, then updates, then creates: Edusign refuses a second live person with the
    # same e-mail, so a learner who left (or whose e-mail changed) must free that address
    # before the one who takes it over is created.
    order = {Action.REMOVE: 0, Action.UPDATE: 1, Action.ADOPT: 1}
    writes = {
        kind: sorted(
            (i for i in plan.items if i.kind is kind and i.writes),
            key=lambda i: order.get(i.action, 2),
        )
        for kind in Kind
    }
    learners_now, learners_later = run.split_learners(writes[Kind.LEARNER])
    writes[Kind.LEARNER] = learners_now

    def work(name: str) -> None:
        if name == LINK:
            run.link(learners_later)
        else:
            run.run(Kind(name), writes[Kind(name)])

    done = {name: threading.Event() for name, _needs in STEPS}
    errors: list[BaseException] = []

    def step(name: str, needs: tuple[str, ...]) -> None:
        try:
            for need in needs:
                done[need].wait()
            if not run.stop.is_set():
                work(name)
        except BaseException as exc:  # the first error stops every lane, then is re-raised
            errors.append(exc)
            run.stop.set()
        finally:
            done[name].set()

    with ThreadPoolExecutor(max_workers=len(STEPS), thread_name_prefix="apply") as pool:
        for name, needs in STEPS:
            pool.submit(step, name, needs)
    if errors:
        raise errors[0]
    return run.result
