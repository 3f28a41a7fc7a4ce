"""A demo report with fixed figures (those of a small school's demo), for the browser test
and its screenshot: the real renderer, data that does not change from run to run."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hpsync.demo.report import AccountFigures, DemoReport, Phrase, Table
from hpsync.locale import N_

MONDAY = date(2026, 9, 28)


def _week(present: list[int], late: list[int], early: list[int], absent: list[int]) -> list:  # type: ignore[type-arg]
    return [
        (
            MONDAY + timedelta(days=n),
            Counter(present=present[n], late=late[n], early_departure=early[n], absent=absent[n]),
        )
        for n in range(5)
    ]


def _timeline(calls: int, heavy_every: int) -> list[tuple[float, str]]:
    """A sync's requests: bursts of reads, a heavy batch now and then."""
    return [(n * 0.012, "heavy" if n % heavy_every == 0 else "normal") for n in range(calls)]


def fixed_report(language: str = "fr") -> DemoReport:
    """The demo's report of a small school, with charts for both accounts."""
    report = DemoReport(
        N_("hpsync demo — Hyperplanning ⇄ Edusign"), language=language, zone="Europe/Paris"
    )
    school = {"size": "S", "seed": 7, "base": "lycee-demo-2026"}
    report.facts = [
        (N_("school"), Phrase(N_("{size} (seed {seed}), base {base}"), school)),
        (N_("surface"), Phrase(N_("emulators in the {profile!r} profile"), {"profile": "full"})),
    ]
    report.tables = [
        Table(
            N_("Attendance written back (Edusign → Hyperplanning)"),
            [N_("account"), N_("final sheets"), N_("marks read"), N_("Hyperplanning writes")],
            [
                ["nord", "13", "133", {"written.absence.write": 16, "written.delay.write": 11}],
                ["sud", "13", "70", {"written.absence.write": 8, "written.delay.write": 6}],
            ],
        ),
        Table(
            N_("After a justification arrived later"),
            [N_("account"), N_("final sheets"), N_("marks read"), N_("Hyperplanning writes")],
            [["nord", "13", "133", {"written.absence.rewrite": 1}]],
        ),
    ]
    report.notes = [
        Phrase(N_("{account}: {what}"), {"account": "nord", "what": "sheet 9-5 renamed by hand"})
    ]
    budgets = {"normal": 480.0, "heavy": 24.0}
    report.figures = {
        "nord": AccountFigures(
            attendance=_week(
                [6, 40, 19, 36, 12], [0, 3, 1, 4, 3], [0, 1, 0, 1, 1], [0, 4, 1, 1, 0]
            ),
            writes=Counter(
                {
                    ("learner", "create"): 14,
                    ("trainer", "create"): 4,
                    ("group", "create"): 5,
                    ("session", "create"): 152,
                    ("absence", "write"): 16,
                    ("absence", "rewrite"): 1,
                    ("delay", "write"): 11,
                }
            ),
            timeline=_timeline(170, 15),
            budgets=budgets,
        ),
        "sud": AccountFigures(
            attendance=_week([12, 8, 8, 14, 11], [3, 1, 0, 2, 0], [1, 0, 0, 0, 0], [7, 2, 0, 0, 1]),
            writes=Counter({("learner", "create"): 14, ("session", "create"): 151}),
            timeline=_timeline(120, 20),
            budgets=budgets,
        ),
    }
    return report
