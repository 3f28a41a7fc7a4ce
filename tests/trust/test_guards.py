"""Guards per record kind (a share and a count) and an additions-only period."""

from __future__ import annotations

from datetime import date

from hpsync.engine.guards import GuardPolicy, KindLimit, evaluate
from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.model import Kind


def plan(removed: dict[Kind, int], held: dict[str, int]) -> Plan:
    items = tuple(
        PlanItem(kind, Action.REMOVE, f"{kind.value}-{n}", f"r{n}")
        for kind, count in removed.items()
        for n in range(count)
    )
    return Plan("a", "b", items, held=held)


HELD = {"learner": 400, "trainer": 40, "session": 2000, "group": 10, "tutor": 0}


def check(p: Plan, policy: GuardPolicy, today: date = date(2026, 9, 1)) -> tuple[str, ...]:
    return evaluate(p, policy, source_learners=1, source_sessions=1, today=today).tripped


def test_learner_share_trips_while_the_overall_share_is_fine() -> None:
    """45 learners of 400 (11%) trip a 10% learner limit although 45 of 2450 is only 2%."""
    policy = GuardPolicy(kinds=(("learner", KindLimit(max_removal_share=0.1)),))
    (reason,) = check(plan({Kind.LEARNER: 45}, HELD), policy)
    assert "45 of 400 learner(s)" in reason and "learner limit of 10%" in reason
    assert check(plan({Kind.LEARNER: 40}, HELD), policy) == ()


def test_absolute_count_trips_even_when_the_share_is_small() -> None:
    """51 sessions of 2000 pass a 10% share but not a 50-session cap; 50 pass both."""
    limit = KindLimit(max_removal_share=0.1, max_removals=50)
    policy = GuardPolicy(kinds=(("session", limit),))
    (reason,) = check(plan({Kind.SESSION: 51}, HELD), policy)
    assert "removes 51 session(s), above the session limit of 50" in reason
    assert check(plan({Kind.SESSION: 50}, HELD), policy) == ()


def test_limits_of_one_kind_ignore_removals_of_another() -> None:
    """A strict trainer limit does not refuse a plan that removes only learners."""
    policy = GuardPolicy(kinds=(("trainer", KindLimit(max_removals=0)),))
    assert check(plan({Kind.LEARNER: 3}, HELD), policy) == ()
    assert check(plan({Kind.TRAINER: 1}, HELD), policy) != ()


def test_additions_only_period_refuses_removals_until_its_last_day_included() -> None:
    """Until 2027-09-15 any removal is refused; from the 16th the usual limits apply."""
    policy = GuardPolicy(additions_only_until=date(2027, 9, 15))
    one = plan({Kind.SESSION: 1}, HELD)
    (reason,) = check(one, policy, today=date(2027, 9, 15))
    assert "additions-only mode is on until 2027-09-15" in reason
    assert check(one, policy, today=date(2027, 9, 16)) == ()
    assert check(plan({}, HELD), policy, today=date(2027, 9, 1)) == ()


def test_config_guards_become_the_account_policy() -> None:
    """`guards.learner = {...}` and `additions_only_until` in the TOML reach the policy."""
    from hpsync.bootstrap import guard_policy
    from hpsync.config.models import AccountConfig

    account = AccountConfig.model_validate(
        {
            "name": "nord",
            "api_key": "env:KEY",
            "guards": {
                "learner": {"max_removal_share": 0.1, "max_removals": 50},
                "additions_only_until": date(2027, 9, 15),
            },
        }
    )
    policy = guard_policy(account)
    assert policy.kinds == (("learner", KindLimit(0.1, 50)),)
    assert policy.additions_only_until == date(2027, 9, 15)
