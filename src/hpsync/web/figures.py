"""What the charts show, worked out from plain rows (pure), then drawn for one reader.

Three pictures of what happened, shared by the dashboard and the demo's HTML report:
attendance by status per school day, writes per kind of record, and Edusign calls against
the rate budget over time. The figures are computed here without I/O; ``svg`` draws them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from hpsync import labels
from hpsync.locale import N_, Reader
from hpsync.state.marks import MarkRow
from hpsync.web.svg import Series, budget_lines, stacked_bars, stacked_columns

ATTENDANCE_ORDER = ("present", "late", "early_departure", "absent")
KIND_ORDER = (
    "learner",
    "trainer",
    "tutor",
    "group",
    "session",
    "absence",
    "delay",
    "early_departure",
)
OP_ORDER = ("create", "update", "remove", "write", "rewrite")
OP_LABELS = {  # an operation as a chart legend says it (written.<kind>.remove → removed)
    "create": labels.COUNTS["created"],
    "update": labels.COUNTS["updated"],
    "remove": labels.COUNTS["removed"],
    "write": N_("entered"),
    "rewrite": N_("corrected"),
}
WINDOW_SECONDS = 60.0  # Edusign's budgets are per minute
SAMPLES = 60


def attendance_status(mark: MarkRow) -> str:
    """One mark in one word: absent, late, left early or present (late wins over early)."""
    if not mark.present:
        return "absent"
    if mark.late_minutes > 0:
        return "late"
    if mark.left_at is not None:
        return "early_departure"
    return "present"


def daily_attendance(marks: Iterable[MarkRow], zone: str) -> list[tuple[date, Counter[str]]]:
    """Marks counted by status for each school day (the session's local date), in order."""
    tz = ZoneInfo(zone)
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for mark in marks:
        days[mark.session_start.astimezone(tz).date()][attendance_status(mark)] += 1
    return sorted(days.items())


def written_by_kind(counts: Mapping[str, int]) -> Counter[tuple[str, str]]:
    """``written.<kind>.<op>`` figures of an up run as ``(kind, op)`` counts."""
    out: Counter[tuple[str, str]] = Counter()
    for key, value in counts.items():
        if key.startswith("written.") and value:
            kind, _, op = key.removeprefix("written.").partition(".")
            out[(kind, op or "write")] += value
    return out


def call_budget_share(
    timeline: Sequence[tuple[float, str]],
    budgets: Mapping[str, float],
    *,
    samples: int = SAMPLES,
    window: float = WINDOW_SECONDS,
) -> tuple[list[float], dict[str, list[float]]]:
    """Calls of each route class in the last ``window`` seconds, in % of its budget per
    minute, sampled at ``samples`` instants from the first call to the last.

    ``timeline`` is ``(seconds, route class)`` per request (``ClientStats.timeline``);
    ``budgets`` the calls per minute each class may make. Over a run shorter than a
    minute, the share is of the one minute the run lies in: what the limit applies to.
    """
    if not timeline:
        return [], {}
    times = sorted(timeline)
    first, last = times[0][0], times[-1][0]
    step = (last - first) / (samples - 1) if last > first else 0.0
    xs = [first + n * step for n in range(samples)] if step else [first, first + 1.0]
    shares: dict[str, list[float]] = {}
    for route_class, per_minute in budgets.items():
        stamps = [t for t, c in times if c == route_class]
        allowed = per_minute * window / 60.0
        shares[route_class] = [
            100.0 * (bisect_right(stamps, x) - bisect_right(stamps, x - window)) / allowed
            if allowed
            else 0.0
            for x in xs
        ]
    return xs, shares


def _seconds(value: float, reader: Reader) -> str:
    if value < 90:
        return reader.gettext("{n} s", n=round(value))
    return reader.duration(int(value))


def _far(series: Sequence[Series], reader: Reader) -> str:
    """The sentence shown when the limit is far above every value."""
    highest = max((v for s in series for v in s.values), default=0.0)
    return reader.gettext(
        "at most {peak} of the limit per minute (far above)", peak=reader.percent(highest, 1)
    )


@dataclass(frozen=True, slots=True)
class Charts:
    """The three charts of one account, already drawn."""

    attendance: Markup
    writes: Markup
    calls: Markup


def attendance_chart(days: Sequence[tuple[date, Mapping[str, int]]], reader: Reader) -> Markup:
    """Columns per day, stacked present / late / left early / absent."""
    return stacked_columns(
        reader.gettext("Attendance by status and day"),
        [reader.day(d) for d, _ in days],
        [
            Series(
                labels.attendance_label(status, reader),
                tuple(float(c.get(status, 0)) for _, c in days),
            )
            for status in ATTENDANCE_ORDER
        ],
        css="attendance",
        empty=reader.gettext("no attendance recorded yet"),
    )


def writes_chart(writes: Mapping[tuple[str, str], int], reader: Reader) -> Markup:
    """A bar per kind of record, stacked by operation."""
    kinds = [k for k in KIND_ORDER if any(kind == k for kind, _ in writes)]
    kinds += sorted({kind for kind, _ in writes} - set(kinds))
    ops = [o for o in OP_ORDER if any(op == o for _, op in writes)]
    ops += sorted({op for _, op in writes} - set(ops))
    return stacked_bars(
        reader.gettext("Writes per kind of record"),
        [labels.kind_label(k, reader) for k in kinds],
        [
            Series(
                reader.gettext(OP_LABELS[op]) if op in OP_LABELS else op.replace("_", " "),
                tuple(float(writes.get((k, op), 0)) for k in kinds),
            )
            for op in ops
        ],
        css="writes",
        empty=reader.gettext("nothing written yet"),
    )


def calls_chart(
    timeline: Sequence[tuple[float, str]], budgets: Mapping[str, float], reader: Reader
) -> Markup:
    """Edusign calls of each class over the last minute, in % of the class's budget."""
    xs, shares = call_budget_share(timeline, budgets)
    series = [
        Series(labels.route_class_label(c, reader), tuple(v)) for c, v in shares.items() if any(v)
    ]
    return budget_lines(
        reader.gettext("Edusign calls against the rate budget"),
        xs,
        series,
        x_first=_seconds(0.0, reader),
        x_last=_seconds(xs[-1] - xs[0], reader) if xs else "",
        limit_label=reader.gettext("limit per minute"),
        far_label=_far(series, reader),
        css="calls",
        empty=reader.gettext("no Edusign call recorded"),
    )


def run_calls_chart(
    runs: Sequence[tuple[datetime, datetime | None, int]], budget: float, reader: Reader
) -> Markup:
    """Per run, its Edusign calls per minute in % of the ordinary-call budget.

    ``runs`` are ``(started, finished, api_calls)``; a run's pace is its calls over its
    duration (at least a minute: the limit counts calls per minute).
    """
    done = [(s, f, n) for s, f, n in runs if f is not None]
    xs = [s.timestamp() for s, _, _ in done]
    values = tuple(
        100.0 * n / max((f - s).total_seconds() / 60.0, 1.0) / budget
        for s, f, n in done
        if f is not None
    )
    return budget_lines(
        reader.gettext("Edusign calls per minute of each run, against the rate budget"),
        xs,
        [Series(labels.count_label("api_calls", reader), values)] if values else [],
        x_first=reader.when(done[0][0]) if done else "",
        x_last=reader.when(done[-1][0]) if done else "",
        limit_label=reader.gettext("limit per minute"),
        far_label=_far([Series("", values)] if values else [], reader),
        css="calls",
        empty=reader.gettext("no run recorded its Edusign calls"),
    )
