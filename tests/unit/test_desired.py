"""The rules of one account, applied to a hand-made snapshot (pure, no network)."""

from __future__ import annotations

from hpsync.engine.desired import DesiredLearner, DesiredSession, build_desired
from hpsync.model import Kind
from hpsync.rules.outcome import AnomalyCode
from hpsync.rules.policy import AccountRules, Couple, RoomMode, TrainerlessMode
from hpsync.testing.builders import BASE, small_snapshot


def sid(kind: Kind, key: object) -> str:
    return f"hp:{BASE}:{kind.value}:{key}"


def codes(state: object) -> set[tuple[str, str]]:
    return {(a.code.value, a.key) for a in state.anomalies}  # type: ignore[attr-defined]


def test_no_couple_synchronises_every_learner_with_a_valid_unique_email() -> None:
    """Without couples all learners go down, except those whose e-mail is missing or taken."""
    state = build_desired(small_snapshot(), AccountRules("all"))
    assert set(state.of(Kind.LEARNER)) == {sid(Kind.LEARNER, k) for k in (1, 2, 3, 6)}
    assert ("learner_no_email", "4") in codes(state)
    assert ("learner_duplicate_email", "5") in codes(state)


def test_learner_couple_selects_and_reports_learners_without_the_family() -> None:
    """Site/Nord keeps Nord learners (also one with two sites) and reports the one with no site."""
    state = build_desired(
        small_snapshot(), AccountRules("nord", learner_couples=(Couple("site", "NORD"),))
    )
    assert set(state.of(Kind.LEARNER)) == {sid(Kind.LEARNER, 1), sid(Kind.LEARNER, 6)}
    assert ("learner_without_rubric", "3") in codes(state)
    assert not state.learner_decisions[2].kept
    assert "not one of site/NORD" in state.learner_decisions[2].detail


def test_one_learner_can_feed_two_accounts() -> None:
    """A learner with rubrics Nord and Sud is in both accounts."""
    snap = small_snapshot()
    nord = build_desired(snap, AccountRules("n", learner_couples=(Couple("Site", "Nord"),)))
    sud = build_desired(snap, AccountRules("s", learner_couples=(Couple("Site", "Sud"),)))
    assert sid(Kind.LEARNER, 6) in nord.of(Kind.LEARNER)
    assert sid(Kind.LEARNER, 6) in sud.of(Kind.LEARNER)


def test_unknown_family_is_reported_as_a_config_anomaly() -> None:
    """A couple naming a family that does not exist says which families exist."""
    state = build_desired(
        small_snapshot(), AccountRules("x", learner_couples=(Couple("Campus", "A"),))
    )
    problems = [a for a in state.anomalies if a.code is AnomalyCode.FAMILY_NOT_FOUND]
    assert problems and "Site" in problems[0].message
    assert not state.of(Kind.LEARNER)


def test_cancelled_and_unplaced_sessions_never_go_down() -> None:
    """Cancelled and non-placed courses are dropped with their reason."""
    state = build_desired(small_snapshot(), AccountRules("all"))
    assert sid(Kind.SESSION, "14-2") not in state.of(Kind.SESSION)
    assert "cancelled" in state.session_decisions["14-2"].detail
    assert "not placed" in state.session_decisions["15-2"].detail


def test_course_include_and_exclude_couples() -> None:
    """Include Distanciel keeps distance sessions only; exclude Autonomie drops self-study."""
    snap = small_snapshot()
    only_distance = build_desired(
        snap, AccountRules("d", course_include=(Couple("Modalité", "Distanciel"),))
    )
    assert set(only_distance.of(Kind.SESSION)) == {sid(Kind.SESSION, "11-2")}
    rules = AccountRules(
        "e",
        course_exclude=(Couple("Modalité", "Autonomie"),),
        trainerless=TrainerlessMode.FICTITIOUS,
        fictitious_email="planning@ecole.test",
    )
    no_autonomy = build_desired(snap, rules)
    assert sid(Kind.SESSION, "13-2") not in no_autonomy.of(Kind.SESSION)
    assert no_autonomy.session_decisions["13-2"].rule == "courses.exclude"


def test_session_roster_keeps_only_selected_learners_minus_exempted() -> None:
    """Anglais (session 11-2) loses Tom, exempted from that subject; Maths keeps him."""
    state = build_desired(
        small_snapshot(), AccountRules("nord", learner_couples=(Couple("Site", "Nord"),))
    )
    english = state.of(Kind.SESSION)[sid(Kind.SESSION, "11-2")]
    maths = state.of(Kind.SESSION)[sid(Kind.SESSION, "10-2")]
    assert isinstance(english, DesiredSession) and isinstance(maths, DesiredSession)
    assert english.learner_sids == (sid(Kind.LEARNER, 1),)
    assert maths.learner_sids == (sid(Kind.LEARNER, 1), sid(Kind.LEARNER, 6))
    assert any("exempted" in note for note in state.roster_notes["11-2"])


def test_exemptions_can_be_switched_off() -> None:
    """With exemptions off, the exempted learner stays on the sheet."""
    rules = AccountRules("n", learner_couples=(Couple("Site", "Nord"),), exemptions=False)
    english = build_desired(small_snapshot(), rules).of(Kind.SESSION)[sid(Kind.SESSION, "11-2")]
    assert isinstance(english, DesiredSession)
    assert sid(Kind.LEARNER, 6) in english.learner_sids


def test_tags_come_from_the_configured_families() -> None:
    """Type de contrat rubric labels become tags; other families do not."""
    rules = AccountRules("n", tag_families=("Type de contrat",))
    lea = build_desired(small_snapshot(), rules).of(Kind.LEARNER)[sid(Kind.LEARNER, 1)]
    assert isinstance(lea, DesiredLearner)
    assert lea.tags == ("Apprentissage",)


def test_tutors_are_attached_when_enabled_and_reported_without_email() -> None:
    """Léa's tutor is synchronised; Tom's tutor has no e-mail and is an anomaly."""
    state = build_desired(small_snapshot(), AccountRules("n", tutors=True))
    lea = state.of(Kind.LEARNER)[sid(Kind.LEARNER, 1)]
    assert isinstance(lea, DesiredLearner)
    assert lea.tutor_sids == (sid(Kind.TUTOR, 1),)
    assert set(state.of(Kind.TUTOR)) == {sid(Kind.TUTOR, 1)}
    assert ("tutor_no_email", "2") in codes(state)
    assert not build_desired(small_snapshot(), AccountRules("n")).of(Kind.TUTOR)


def test_room_name_code_and_fixed() -> None:
    """Room text is the name by default, the code on demand (name when no code), or fixed."""
    snap = small_snapshot()

    def room(rules: AccountRules, key: str) -> str:
        session = build_desired(snap, rules).of(Kind.SESSION)[sid(Kind.SESSION, key)]
        assert isinstance(session, DesiredSession)
        return session.room

    assert room(AccountRules("a"), "10-2") == "B204"
    assert room(AccountRules("a", room_mode=RoomMode.CODE), "10-2") == "BAT-B-204"
    by_code = build_desired(snap, AccountRules("a", room_mode=RoomMode.CODE))
    assert any("has no code" in w for w in by_code.warnings)  # Labo has no code
    assert room(AccountRules("a", room_mode=RoomMode.CODE), "11-2") == "Labo"
    assert room(AccountRules("a", room_mode=RoomMode.FIXED, fixed_room="NFC-1"), "11-2") == "NFC-1"


def test_trainerless_sessions_are_skipped_or_given_the_fictitious_trainer() -> None:
    """Skip mode reports the session; fictitious mode attaches the configured e-mail."""
    snap = small_snapshot()
    skipped = build_desired(snap, AccountRules("a"))
    assert sid(Kind.SESSION, "12-2") not in skipped.of(Kind.SESSION)
    assert ("session_no_trainer", "12") in codes(skipped)
    assert ("trainer_no_email", "2") in codes(skipped)
    rules = AccountRules(
        "a", trainerless=TrainerlessMode.FICTITIOUS, fictitious_email="Plan@Ecole.test"
    )
    kept = build_desired(snap, rules)
    session = kept.of(Kind.SESSION)[sid(Kind.SESSION, "12-2")]
    assert isinstance(session, DesiredSession)
    assert session.trainer_sids == (sid(Kind.TRAINER, "fictitious"),)
    trainer = kept.of(Kind.TRAINER)[sid(Kind.TRAINER, "fictitious")]
    assert trainer.email == "plan@ecole.test"


def test_groups_hold_only_synchronised_learners() -> None:
    """The promotion group lists the account's learners; the TD group only its own member."""
    state = build_desired(
        small_snapshot(), AccountRules("n", learner_couples=(Couple("Site", "Nord"),))
    )
    promo = state.of(Kind.GROUP)[sid(Kind.GROUP, 100)]
    td = state.of(Kind.GROUP)[sid(Kind.GROUP, 101)]
    assert promo.learner_sids == (sid(Kind.LEARNER, 1), sid(Kind.LEARNER, 6))
    assert td.learner_sids == (sid(Kind.LEARNER, 6),)


def test_explain_says_which_rule_dropped_a_session_and_a_learner() -> None:
    """explain names the rule: exclusion couple for a session, missing rubric for a learner."""
    from hpsync.engine.explain import explain_learner, explain_session

    snap = small_snapshot()
    rules = AccountRules(
        "n",
        learner_couples=(Couple("Site", "Nord"),),
        course_exclude=(Couple("Modalité", "Autonomie"),),
    )
    state = build_desired(snap, rules)
    assert any("courses.exclude" in line for line in explain_session(snap, state, "13-2"))
    assert any("exempted" in line for line in explain_session(snap, state, "11-2"))
    lines = explain_learner(snap, state, 3)
    assert any("no rubric in family Site" in line for line in lines)
    assert "does not exist" in explain_session(snap, state, "nope")[0]
