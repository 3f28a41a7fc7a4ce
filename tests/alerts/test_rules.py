"""The alert rules, on hand-made marks (pure, no store)."""

from __future__ import annotations

from datetime import timedelta

from alerts.data import LEA, NOW, account, mark
from hpsync.alerts.rules import evaluate
from hpsync.config.models import AlertRuleConfig


def rule(**fields: object) -> AlertRuleConfig:
    return AlertRuleConfig.model_validate(
        {"name": "r", "kind": "absences", "threshold": 3, **fields}
    )


def test_absences_fire_on_the_mark_reaching_the_threshold_unjustified_only() -> None:
    """Three unjustified absences fire once, on the third; a justified one is not counted."""
    marks = [
        mark(LEA, 0, "absent"),
        mark(LEA, 1, "absent", justified=True),
        mark(LEA, 2, "absent"),
        mark(LEA, 3, "absent"),
        mark(LEA, 4, "absent"),
    ]
    (alert,) = evaluate(rule(), LEA, marks, now=NOW)
    assert alert.fired_at == marks[3].session_start
    assert [m.session_start for m in alert.marks] == [marks[i].session_start for i in (0, 2, 3)]
    assert alert.key == f"alert:r:{LEA}:2026-09-10"


def test_count_justified_counts_justified_absences() -> None:
    """With count_justified, a justified absence brings the firing one mark earlier."""
    marks = [mark(LEA, 0, "absent"), mark(LEA, 1, "absent", justified=True), mark(LEA, 2, "absent")]
    assert evaluate(rule(), LEA, marks, now=NOW) == []
    (alert,) = evaluate(rule(count_justified=True), LEA, marks, now=NOW)
    assert alert.fired_at == marks[2].session_start


def test_absences_spread_wider_than_the_window_do_not_fire() -> None:
    """Three absences more than `days` apart never share a window, so nothing fires."""
    marks = [mark(LEA, 0, "absent"), mark(LEA, 5, "absent"), mark(LEA, 10, "absent")]
    assert evaluate(rule(days=7), LEA, marks, now=NOW + timedelta(days=10)) == []
    assert len(evaluate(rule(days=11), LEA, marks, now=NOW + timedelta(days=10))) == 1


def test_firings_do_not_depend_on_the_day_the_rules_run() -> None:
    """Evaluating on later days (still inside the window) gives the same keys: no resend."""
    marks = [mark(LEA, d, "absent") for d in range(5)]
    keys = {
        tuple(a.key for a in evaluate(rule(days=30), LEA, marks, now=NOW + timedelta(days=n)))
        for n in range(20)
    }
    assert len(keys) == 1


def test_a_rule_stays_quiet_for_its_window_then_fires_again() -> None:
    """After firing, a rule is quiet `days` days; a new breach after that fires a second alert."""
    marks = [mark(LEA, d, "absent") for d in (0, 1, 2, 3, 9, 10, 11)]
    first = evaluate(rule(days=7), LEA, marks, now=marks[3].session_start)
    assert [a.fired_at for a in first] == [marks[2].session_start]
    later = evaluate(rule(days=7), LEA, marks, now=marks[6].session_start)
    assert [a.fired_at for a in later] == [marks[6].session_start]  # days 9, 10, 11


def test_old_firings_outside_the_window_are_not_reported() -> None:
    """A breach older than the window ending at now is not raised (no backlog on first use)."""
    marks = [mark(LEA, d, "absent") for d in range(3)]
    assert evaluate(rule(days=7), LEA, marks, now=NOW + timedelta(days=30)) == []


def test_late_counts_only_delays_of_at_least_min_minutes() -> None:
    """Late arrivals shorter than min_late_minutes are ignored."""
    marks = [
        mark(LEA, 0, late_minutes=15),
        mark(LEA, 1, late_minutes=5),
        mark(LEA, 2, late_minutes=10),
    ]
    (alert,) = evaluate(rule(kind="late", threshold=2, min_late_minutes=10), LEA, marks, now=NOW)
    assert [m.late_minutes for m in alert.marks] == [15, 10]


def test_early_departures_fire_at_the_threshold() -> None:
    """Two early departures reach a threshold of 2."""
    left = [mark(LEA, d, left_at=mark(LEA, d).session_start + timedelta(hours=1)) for d in (0, 1)]
    (alert,) = evaluate(
        rule(kind="early_departures", threshold=2), LEA, [*left, mark(LEA, 2)], now=NOW
    )
    assert alert.value == 2


def test_attendance_rate_below_threshold_fires_with_the_absences_listed() -> None:
    """A rate of 50% under a threshold of 80% fires and lists the absent sessions."""
    marks = [
        mark(LEA, 0),
        mark(LEA, 1, "absent"),
        mark(LEA, 2, "absent", justified=True),
        mark(LEA, 3),
    ]
    alerts = evaluate(rule(kind="attendance_rate", threshold=80), LEA, marks, now=NOW)
    assert alerts[0].fired_at == marks[1].session_start  # 1 of 2 sessions: 50%
    assert len(alerts) == 1  # then quiet for the window
    high = evaluate(rule(kind="attendance_rate", threshold=40), LEA, marks, now=NOW)
    assert [round(a.value) for a in high] == [33]


def test_account_rules_parse_from_configuration() -> None:
    """The rules of the test account are the two configured ones."""
    assert [r.kind for r in account().alerts] == ["absences", "late"]
