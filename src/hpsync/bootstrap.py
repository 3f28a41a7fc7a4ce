"""The one composition root: configuration → ``Services`` (real adapters and the use cases
every face runs on them). Tests pass fakes instead."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hpsync.alerts.mailer import Mailer
from hpsync.attendance.statuses import FinalPolicy
from hpsync.edusign import EdusignClient
from hpsync.edusign.account import EdusignAccount
from hpsync.edusign.ratelimit import RateLimiter
from hpsync.edusign.tutors import EdusignExternals
from hpsync.engine.guards import GuardPolicy, KindLimit
from hpsync.errors import HpsyncError, UsageError
from hpsync.hyperplanning import HyperplanningClient
from hpsync.model import Snapshot
from hpsync.notify.immediate import Notifier, notifier_from_config
from hpsync.rules.policy import AccountRules, Couple, RoomMode, TrainerlessMode
from hpsync.secrets import Secret
from hpsync.state import StateStore
from hpsync.sync import usecases
from hpsync.sync.parallel import raise_first
from hpsync.sync.runs import AccountSetup, DownOutcome
from hpsync.sync.usecases import WriteBack
from hpsync.year.guard import SwitchThresholds

if TYPE_CHECKING:
    from hpsync.config import AccountConfig, Config


def account_rules(account: AccountConfig) -> AccountRules:
    """The pure rules of one account, from its configuration."""
    return AccountRules(
        account=account.name,
        learner_couples=tuple(Couple(c.family, c.rubric) for c in account.learners),
        course_include=tuple(Couple(c.family, c.rubric) for c in account.courses.include),
        course_exclude=tuple(Couple(c.family, c.rubric) for c in account.courses.exclude),
        tag_families=tuple(account.tag_families),
        tutors=account.tutors,
        exemptions=account.exemptions,
        room_mode=RoomMode(account.room.mode),
        fixed_room=account.room.fixed_name or "",
        trainerless=TrainerlessMode.FICTITIOUS
        if account.trainerless.mode == "fictitious"
        else TrainerlessMode.SKIP,
        fictitious_email=account.trainerless.email or "",
        adopt_sessions=account.adopt_existing_sessions,
    )


def guard_policy(account: AccountConfig) -> GuardPolicy:
    g = account.guards
    kinds = {
        "learner": g.learner,
        "trainer": g.trainer,
        "tutor": g.tutor,
        "group": g.group,
        "session": g.session,
    }
    return GuardPolicy(
        max_removal_share=account.guards.max_removal_share,
        additions_only=account.guards.additions_only,
        kinds=tuple(
            (kind, KindLimit(limit.max_removal_share, limit.max_removals))
            for kind, limit in kinds.items()
            if limit is not None
        ),
        additions_only_until=g.additions_only_until,
        max_source_shrink=g.max_source_shrink,
        max_span_shrink_days=g.max_span_shrink_days,
    )


def final_policy(account: AccountConfig) -> FinalPolicy:
    final = account.attendance.final
    if final.mode == "locked":
        return FinalPolicy(locked=True)
    return FinalPolicy(locked=False, hours_after_end=final.hours)


@dataclass
class Services:
    """Everything a configuration opens — store, current and previous Hyperplanning bases,
    accounts with their notifier and rate limiters — and the two use cases every face runs
    on them. Close it when done."""

    config: Config
    store: StateStore
    hyperplanning: HyperplanningClient
    accounts: dict[str, AccountSetup] = field(default_factory=dict)
    clients: dict[str, EdusignClient] = field(default_factory=dict)
    notifier: Notifier | None = None
    _previous: list[HyperplanningClient] | None = None

    def account(self, name: str) -> AccountSetup:
        try:
            return self.accounts[name]
        except KeyError:
            known = ", ".join(sorted(self.accounts))
            raise UsageError(
                f"no account named {name!r}", hint=f"configured accounts: {known}"
            ) from None

    def selected(self, name: str | None) -> list[AccountSetup]:
        return [self.account(name)] if name else list(self.accounts.values())

    def previous_bases(self) -> list[HyperplanningClient]:
        """Last years' bases (opened at first use: only write-back needs them)."""
        if self._previous is None:
            self._previous = previous_clients(self.config)
        return self._previous

    def with_store(self, store: StateStore) -> Services:
        """The same services over another view of the store (a worker's fenced one)."""
        return replace(self, store=store)

    def sync_down(
        self, setups: Sequence[AccountSetup], snapshot: Snapshot, **options: Any
    ) -> list[DownOutcome | HpsyncError]:
        """Planning → Edusign for these accounts (``usecases.sync_down``'s options)."""
        options.setdefault("side_by_side_sessions", self.config.side_by_side_sessions)
        return usecases.sync_down(self.store, setups, snapshot, **options)

    def write_back(
        self,
        setups: Sequence[AccountSetup],
        snapshot: Snapshot,
        *,
        previous: bool = True,
        **options: Any,
    ) -> WriteBack:
        """Attendance → Hyperplanning for these accounts, every previous base included
        unless ``previous`` is False (a webhook's single sheet of this year)."""
        bases = self.previous_bases() if previous else []
        return usecases.write_back(
            self.store, setups, snapshot, self.hyperplanning, bases, **options
        )

    def sync_now(self, name: str) -> tuple[DownOutcome, WriteBack]:
        """One account down then up (every base), whatever its schedule: the dashboard's
        button and ``hpsync sync-now``."""
        setup = self.account(name)
        snapshot = self.hyperplanning.read_snapshot()
        (down,) = raise_first(self.sync_down([setup], snapshot))
        return down, self.write_back([setup], snapshot)

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        for base in self._previous or []:
            base.close()
        self.hyperplanning.close()
        self.store.close()


def hyperplanning_client(config: Config) -> HyperplanningClient:
    hp = config.hyperplanning
    return HyperplanningClient(
        str(hp.url),
        hp.user,
        hp.password.resolve("hyperplanning.password"),
        timezone=config.timezone,
        base_id=hp.base_id,
        timeout=float(hp.timeout_seconds),
        renames=hp.operations,
    )


def previous_clients(config: Config) -> list[HyperplanningClient]:
    """Clients of the previous bases, whose pending attendance is still written back."""
    return [
        HyperplanningClient(
            str(prev.url),
            prev.user,
            prev.password.resolve(f"hyperplanning.previous[{i}].password"),
            timezone=config.timezone,
            base_id=prev.base_id,
            timeout=float(prev.timeout_seconds),
            renames=prev.operations,
        )
        for i, prev in enumerate(config.hyperplanning.previous)
    ]


LimiterFactory = Callable[[Secret, float], RateLimiter]


def switch_thresholds(config: Config) -> SwitchThresholds:
    """The yearly-change guard of a configuration (``[year]``)."""
    return SwitchThresholds(
        learners=config.year.min_learners_matched, trainers=config.year.min_trainers_matched
    )


def edusign_account(
    account: AccountConfig,
    index: int,
    limiter_factory: LimiterFactory | None = None,
    switch: SwitchThresholds | None = None,
    lease_seconds: float = 900,
    full_read_hours: float = 24,
    notifier: Notifier | None = None,
) -> tuple[EdusignClient, AccountSetup]:
    """One account's client and setup; ``limiter_factory`` shares a rate budget (workers)."""
    key = account.api_key.resolve(f"accounts[{index}].api_key")
    client = EdusignClient(
        str(account.url),
        key,
        v3_base_url=str(account.v3_url) if account.v3_url else None,
        api=account.api,
        rate_scale=account.rate_scale,
        limiter=limiter_factory(key, account.rate_scale) if limiter_factory else None,
    )
    target = EdusignAccount(
        account.name, client, EdusignExternals(client) if account.tutors else None
    )
    setup = AccountSetup(
        account.name,
        account_rules(account),
        guard_policy(account),
        final_policy(account),
        target,
        since=account.attendance.since,
        switch=switch or SwitchThresholds(),
        motifs=dict(account.attendance.motifs),
        lease_seconds=lease_seconds,
        full_read_hours=full_read_hours,
        notifier=notifier,
    )
    return client, setup


@contextmanager
def open_context(
    config: Config, *, limiter_factory: LimiterFactory | None = None, mailer: Mailer | None = None
) -> Iterator[Services]:
    """Open the store and every client of a configuration; every account gets the
    notifier of ``[smtp]`` (or of ``mailer``), whichever face runs it."""
    store = StateStore.open(config.state_url)
    notifier = notifier_from_config(config, mailer)
    ctx = Services(config, store, hyperplanning_client(config), notifier=notifier)
    try:
        for index, account in enumerate(config.accounts):
            client, setup = edusign_account(
                account,
                index,
                limiter_factory,
                switch_thresholds(config),
                config.lease_seconds,
                config.full_read_hours,
                notifier,
            )
            ctx.clients[account.name] = client
            ctx.accounts[account.name] = setup
        yield ctx
    finally:
        ctx.close()
