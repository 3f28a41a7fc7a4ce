"""Guards per record kind (a share and a count) and an additions-only period."""

from __future__ import annotations

import dataclasses
from datetime import date

from hpsync.engine.guards import GuardPolicy, KindLimit, SourceFigures, evaluate, source_shrink
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


def test_every_kind_is_guarded_by_default_against_what_it_holds() -> None:
    """With no per-kind setting, all 14 learners of a site archived trip the learner limit
    although sessions dominate the overall count; 4 of 4 trainers, groups and tutors trip
    too; one trainer of four is an ordinary departure."""
    held = {"learner": 60, "trainer": 4, "tutor": 4, "group": 5, "session": 3000}
    one_site = plan({Kind.LEARNER: 14, Kind.TRAINER: 4, Kind.TUTOR: 4, Kind.GROUP: 5}, held)
    reasons = check(one_site, GuardPolicy())
    assert [r.split(" (")[0] for r in reasons] == [
        "the plan removes 14 of 60 learner(s)",
        "the plan removes 4 of 4 trainer(s)",
        "the plan removes 4 of 4 tutor(s)",
        "the plan removes 5 of 5 group(s)",
    ]
    assert check(plan({Kind.TRAINER: 1}, held), GuardPolicy()) == ()
    assert check(plan({Kind.TRAINER: 2}, held), GuardPolicy()) == ()  # up to 2 of a few
    assert len(check(plan({Kind.TRAINER: 3}, held), GuardPolicy())) == 1


def test_a_configured_kind_limit_replaces_only_that_kinds_default() -> None:
    """A looser learner limit lets 14 of 60 go; the trainer default still applies."""
    held = {"learner": 60, "trainer": 4, "session": 3000}
    policy = GuardPolicy(kinds=(("learner", KindLimit(max_removal_share=0.5)),))
    assert check(plan({Kind.LEARNER: 14}, held), policy) == ()
    assert len(check(plan({Kind.LEARNER: 14, Kind.TRAINER: 4}, held), policy)) == 1


def test_a_sudden_shrink_of_the_source_trips_the_source_guard() -> None:
    """Fewer sessions or learners offered than at the last good run of the same base, or a
    narrower span, is refused; a new year's base is not compared; small drifts pass."""
    before = SourceFigures(
        "b26", 1000, 200, "2026-09-01T08:00:00+02:00", "2027-06-30T18:00:00+02:00"
    )
    narrow = SourceFigures(
        "b26", 300, 200, "2026-11-02T08:00:00+01:00", "2026-12-18T18:00:00+01:00"
    )
    reasons = source_shrink(before, narrow, GuardPolicy())
    assert len(reasons) == 2
    assert "offers 300 sessions for this account against 1000" in reasons[0]
    assert "now spans 2026-11-02 – 2026-12-18 against 2026-09-01 – 2027-06-30" in reasons[1]
    site_gone = dataclasses.replace(before, learners=120)
    assert "offers 120 learners" in source_shrink(before, site_gone, GuardPolicy())[0]
    usual = dataclasses.replace(before, sessions=980, learners=190)
    assert source_shrink(before, usual, GuardPolicy()) == []
    next_year = dataclasses.replace(narrow, base_id="b27")
    assert source_shrink(before, next_year, GuardPolicy()) == []
    held = {"learner": 200, "session": 1000}
    verdict = evaluate(
        plan({}, held),
        GuardPolicy(),
        source_learners=1,
        source_sessions=1,
        today=date(2026, 11, 5),
        source=narrow,
        previous=before,
    )
    assert not verdict.ok and len(verdict.tripped) == 2


def test_a_refusal_names_a_removed_sheet_by_its_name_and_the_schools_time() -> None:
    """A sheet only Edusign still holds (its start stored in UTC) is named in the refusal
    by its name and the school's wall time, as every face names it, not the UTC instant."""
    from hpsync.engine.diff import remote_who
    from hpsync.engine.remote import RemoteRecord

    found = RemoteRecord(
        Kind.SESSION, "c1", "hp:b:session:1-1", {"name": "Maths", "start": "2026-09-14T06:00:00Z"}
    )
    item = PlanItem(
        Kind.SESSION, Action.REMOVE, "hp:b:session:1-1", "c1", "Maths @ 2026-09-14T06:00",
        who=remote_who(found),
    )  # fmt: skip
    policy = GuardPolicy(kinds=(("session", KindLimit(max_removals=0)),))
    verdict = evaluate(
        Plan("a", "b", (item,), held=HELD),
        policy,
        source_learners=1,
        source_sessions=1,
        today=date(2026, 9, 1),
        zone="Europe/Paris",
    )
    (reason,) = verdict.tripped
    assert "— Maths, Mon 14 Sep 2026, 08:00" in reason and "06:00" not in reason
