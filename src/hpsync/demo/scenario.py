"""The demo scenario, end to end, against both emulators on loopback.

generate a school → serve it (Hyperplanning) → two Edusign schools (emulated) → plan and
sync down → a week of attendance → write it back → a justification arrives → write back
again → hand edits → a second sync (zero writes, drift reported) → report.
"""

from __future__ import annotations

import math
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from hpsync import clock
from hpsync.bootstrap import Services, open_context
from hpsync.config import load_config
from hpsync.demo.report import AccountFigures, DemoReport, Phrase, Table, counts_cell
from hpsync.demo.simulate import (
    Controls,
    WeekSimulation,
    hand_edits,
    justify_later,
    simulate_week,
    week_of,
)
from hpsync.edusign.ratelimit import DEFAULT_LIMITS
from hpsync.emulators.edusign import start_emulator as start_edusign
from hpsync.emulators.generator import academic, generate_school
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.labels import DRIFT, KIND_ONE
from hpsync.locale import N_
from hpsync.model import Kind, Snapshot
from hpsync.progress_bars import AccountBars
from hpsync.state.marks import marks
from hpsync.sync.parallel import raise_first
from hpsync.sync.runs import DownOutcome, UpOutcome
from hpsync.web.figures import daily_attendance, written_by_kind

ACCOUNTS = ("nord", "sud")
PARIS = ZoneInfo("Europe/Paris")
KINDS = (Kind.LEARNER, Kind.TRAINER, Kind.TUTOR, Kind.GROUP, Kind.SESSION)


@dataclass(frozen=True)
class DemoSettings:
    size: str = "M"
    seed: int = 7
    year: int = 2026
    rate_scale: float = 20.0
    out_dir: Path = Path("demo-output")
    progress: bool = True
    profile: str = "full"  # the emulators' surface: "full" or "public"
    language: str = "fr"  # of the HTML report (the terminal text stays English)


def config_text(
    settings: DemoSettings, hp_url: str, es_url: str, base_id: str, state: Path, since: str
) -> str:
    """The demo configuration: two accounts split by the learner family "Site" (in the
    public profile, where no public operation reads a learner's or a course's rubrics,
    the two accounts take every learner and course, without tags)."""
    text = _config_text(settings, hp_url, es_url, base_id, state, since)
    if settings.profile != "public":
        return text
    dropped = (
        'learners = [{ family = "Site", rubric = "Nord" }]\n',
        'learners = [{ family = "Site", rubric = "Sud" }]\n',
        'courses.exclude = [{ family = "Modalité", rubric = "Autonomie" }]\n',
        'tag_families = ["Type de contrat"]\n',
        'tag_families = ["Type de contrat", "Financement"]\n',
    )
    for line in dropped:
        text = text.replace(line, "")
    return text


def _config_text(
    settings: DemoSettings, hp_url: str, es_url: str, base_id: str, state: Path, since: str
) -> str:
    return f"""\
state_url = "sqlite:///{state}"
timezone = "Europe/Paris"
language = "{settings.language}"

[hyperplanning]
url = "{hp_url}"
user = "ws-hpsync"
password = "env:HPSYNC_DEMO_HP_PASSWORD"
base_id = "{base_id}"

[[accounts]]
name = "nord"
url = "{es_url}"
api_key = "env:HPSYNC_DEMO_KEY_NORD"
learners = [{{ family = "Site", rubric = "Nord" }}]
tag_families = ["Type de contrat"]
tutors = true
exemptions = true
room = "code"
trainerless = {{ fictitious_trainer = "planning@lycee-demo.test" }}
rate_scale = {settings.rate_scale}
[accounts.attendance]
final = "locked"

[[accounts]]
name = "sud"
url = "{es_url}"
api_key = "env:HPSYNC_DEMO_KEY_SUD"
learners = [{{ family = "Site", rubric = "Sud" }}]
courses.exclude = [{{ family = "Modalité", rubric = "Autonomie" }}]
tag_families = ["Type de contrat", "Financement"]
tutors = true
exemptions = true
room = "name"
trainerless = "skip"
rate_scale = {settings.rate_scale}
[accounts.attendance]
final = {{ hours_after_end = 12 }}
since = {since}
"""


def _sync_accounts(
    ctx: Services,
    snapshot: Snapshot,
    now: datetime,
    bars: AccountBars | None = None,
) -> dict[str, DownOutcome]:
    """Sync every account at once (each has its own rate budget), counting its API calls."""
    before = {name: ctx.clients[name].stats() for name in ACCOUNTS}
    outcomes = raise_first(
        ctx.sync_down(
            [ctx.account(name) for name in ACCOUNTS],
            snapshot,
            now=now,
            progress_for=lambda s: partial(bars.start, f"sync down {s.name}") if bars else None,
        )
    )
    for name, out in zip(ACCOUNTS, outcomes, strict=True):
        after, was = ctx.clients[name].stats(), before[name]
        out.counts["api_calls"] = after.requests - was.requests
        out.counts["write_calls"] = sum(n for m, n in after.by_method.items() if m != "GET") - sum(
            n for m, n in was.by_method.items() if m != "GET"
        )
    return dict(zip(ACCOUNTS, outcomes, strict=True))


def _write_back(ctx: Services, snapshot: Snapshot, now: datetime) -> dict[str, UpOutcome]:
    """Attendance of every account back into Hyperplanning, as `hpsync attendance` does."""
    done = ctx.write_back([ctx.account(n) for n in ACCOUNTS], snapshot, now=now)
    return dict(zip(ACCOUNTS, done.current, strict=True))


def minimum_writes(outcome: DownOutcome) -> int:
    """Fewest write calls that can carry this plan: batches of 1000 for learners, trainers and
    sessions (v3), one call per group and per tutor, one per removal."""
    by_kind = Counter(
        item.kind for item in outcome.planned.plan.writes() if item.action.value != "remove"
    )
    removals = sum(1 for item in outcome.planned.plan.writes() if item.action.value == "remove")
    batched = sum(math.ceil(by_kind[k] / 1000) for k in (Kind.LEARNER, Kind.TRAINER, Kind.SESSION))
    return batched + by_kind[Kind.GROUP] + by_kind[Kind.TUTOR] + removals


def demo_instant(year: int) -> datetime:
    """The demo's "now": Saturday 10:00 (Paris) after the school's fifth teaching week.

    The demo lives in its school's calendar, not in the machine's: whatever day it runs,
    a full week of sessions lies behind it and the rest of the year ahead.
    """
    monday = academic.teaching_weeks(year)[4]
    saturday = datetime.combine(monday + timedelta(days=5), dt_time(10), tzinfo=PARIS)
    return saturday.astimezone(UTC)


def run_demo(settings: DemoSettings, echo: Callable[[str], None] = print) -> DemoReport:
    """Run the whole scenario and return its report (also written as HTML).

    Every component (clients, store, both emulators) reads the one clock, set here to the
    school's own calendar for the time of the demo and restored after it.
    """
    previous = os.environ.get(clock.ENV)
    os.environ[clock.ENV] = clock.environment_value(demo_instant(settings.year))
    try:
        return _run_demo(settings, echo)
    finally:
        if previous is None:
            os.environ.pop(clock.ENV, None)
        else:
            os.environ[clock.ENV] = previous


def _run_demo(settings: DemoSettings, echo: Callable[[str], None]) -> DemoReport:
    out = settings.out_dir.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("state.db", "state.db-wal", "state.db-shm", "edusign.db"):
        (out / name).unlink(missing_ok=True)
    started = time.monotonic()
    echo(f"generating a {settings.size} school (seed {settings.seed}) ...")
    school = generate_school(settings.size, settings.seed, year=settings.year)
    base_id = school["base"]["id"]
    hp_password = secrets.token_urlsafe(16)
    keys = {name: secrets.token_hex(16) for name in ACCOUNTS}
    os.environ["HPSYNC_DEMO_HP_PASSWORD"] = hp_password
    for name, key in keys.items():
        os.environ[f"HPSYNC_DEMO_KEY_{name.upper()}"] = key
    root = f"/hpsw/{settings.year}-{settings.year + 1}"
    with (
        start_hyperplanning(
            school, user="ws-hpsync", password=hp_password, root=root, profile=settings.profile
        ) as hp,
        start_edusign(
            schools=list(keys.items()),
            db_path=out / "edusign.db",
            test_controls=True,
            rate_scale=settings.rate_scale,
            profile=settings.profile,
        ) as es,
    ):
        echo(f"Hyperplanning emulator: {hp.url}")
        echo(f"Edusign emulator:       {es.url}")
        config_path = out / "hpsync.toml"
        config_path.write_text(
            config_text(
                settings,
                hp.url,
                es.url,
                base_id,
                out / "state.db",
                week_of(clock.now()).isoformat(),
            ),
            encoding="utf-8",
        )
        with open_context(load_config(config_path)) as ctx:
            report = _scenario(settings, ctx, lambda: dict(hp.stats), es.url, echo)
    report.facts.insert(
        0,
        (
            N_("school"),
            Phrase(
                N_("{size} (seed {seed}), base {base}"),
                {"size": settings.size, "seed": settings.seed, "base": base_id},
            ),
        ),
    )
    report.facts.append(
        (N_("total time"), Phrase(N_("{n} s"), {"n": round(time.monotonic() - started)}))
    )
    html_path = out / "report.html"
    html_path.write_text(report.html(), encoding="utf-8")
    report.facts.append((N_("HTML report"), str(html_path)))
    return report


def _scenario(
    settings: DemoSettings,
    ctx: Services,
    hp_stats: Callable[[], dict[str, int]],
    es_url: str,
    echo: Callable[[str], None],
) -> DemoReport:
    now = clock.now()
    report = DemoReport(
        N_("hpsync demo — Hyperplanning ⇄ Edusign"),
        language=ctx.config.language,
        zone=ctx.config.timezone,
    )
    t0 = time.monotonic()
    snapshot = ctx.hyperplanning.read_snapshot()
    hp_calls = sum(hp_stats().values())
    report.facts.append(
        (
            N_("Hyperplanning read"),
            Phrase(
                N_(
                    "{learners} learners, {sessions} sessions, {trainers} trainers in "
                    "{seconds} s with {calls} SOAP calls"
                ),
                {
                    "learners": len(snapshot.learners),
                    "sessions": len(snapshot.sessions),
                    "trainers": len(snapshot.trainers),
                    "seconds": f"{time.monotonic() - t0:.1f}",
                    "calls": hp_calls,
                },
            ),
        )
    )
    with AccountBars(enabled=settings.progress, transient=False, show_empty=True) as bars:
        first = _sync_accounts(ctx, snapshot, now, bars)
    report.tables.append(
        _down_table(N_("First sync down (planning → Edusign)"), first, minimum=True)
    )
    off = [
        ("Hyperplanning", line.split(" — ")[0].removeprefix("OFF").strip())
        for line in ctx.hyperplanning.limits
    ]
    off += sorted(
        {(f"Edusign {name}", w) for name in ACCOUNTS for w in first[name].planned.plan.warnings}
    )
    report.facts.append(
        (
            N_("surface"),
            Phrase(N_("emulators in the {profile!r} profile"), {"profile": settings.profile}),
        )
    )
    if off:
        report.tables.append(
            Table(
                N_("Off on these services (hpsync doctor)"),
                [N_("service"), N_("feature off")],
                [[service, what] for service, what in off],
            )
        )

    echo("simulating a week of attendance on Edusign ...")
    monday = week_of(now)
    sims = {}
    controls = {name: Controls(es_url, name) for name in ACCOUNTS}
    try:
        for name in ACCOUNTS:
            sims[name] = simulate_week(
                ctx.clients[name], controls[name], monday, seed=settings.seed
            )
        up1 = _write_back(ctx, snapshot, now)
        justified = {n: justify_later(ctx.clients[n], controls[n], sims[n]) for n in ACCOUNTS}
        up2 = _write_back(ctx, snapshot, now)
        edits = {n: hand_edits(controls[n], sims[n]) for n in ACCOUNTS}
    finally:
        for c in controls.values():
            c.close()
    report.tables.append(_sim_table(sims, monday))
    report.tables.append(_up_table(N_("Attendance written back (Edusign → Hyperplanning)"), up1))
    report.tables.append(_up_table(N_("After a justification arrived later"), up2))
    report.figures = {
        name: _figures(ctx, name, first[name], (up1[name], up2[name]), settings.rate_scale)
        for name in ACCOUNTS
    }

    echo("second sync down (nothing changed in Hyperplanning) ...")
    snapshot = ctx.hyperplanning.read_snapshot()
    second = _sync_accounts(ctx, snapshot, now)
    report.tables.append(_down_table(N_("Second sync down"), second, minimum=False))
    for name in ACCOUNTS:
        for item in second[name].planned.plan.drift()[:5]:
            report.notes.append(
                Phrase(
                    N_("{account}: {kind} {record} {drift}: {reason}"),
                    {
                        "account": name,
                        "drift": Phrase(DRIFT.get(item.drift, item.drift)),
                        "kind": Phrase(KIND_ONE.get(item.kind.value, item.kind.value)),
                        "record": item.sid or item.remote_id,
                        "reason": item.reason,
                    },
                )
            )
        report.notes += [
            Phrase(N_("{account}: {what}"), {"account": name, "what": e}) for e in edits[name]
        ]
        if justified[name]:
            report.notes.append(
                Phrase(
                    N_("{account}: a justification arrived later for student {student}"),
                    {"account": name, "student": justified[name]},
                )
            )
        for anomaly in first[name].planned.plan.anomalies[:3]:
            report.notes.append(
                Phrase(
                    N_("{account}: anomaly {anomaly}"),
                    {"account": name, "anomaly": anomaly.render()},
                )
            )
    report.facts.append(
        (
            N_("rate limits"),
            Phrase(
                N_("emulator and client budgets scaled ×{scale}"),
                {"scale": f"{settings.rate_scale:g}"},
            ),
        )
    )
    return report


def _figures(
    ctx: Services, name: str, down: DownOutcome, ups: tuple[UpOutcome, ...], rate_scale: float
) -> AccountFigures:
    """The charts' data of one account: the marks the up flow recorded, per day; what the
    first sync and both attendance runs wrote, per kind; the client's request timeline."""
    writes: Counter[tuple[str, str]] = Counter()
    for key, n in (down.result.done if down.result else Counter()).items():
        kind, _, op = key.partition(".")
        if op in ("create", "update", "remove"):
            writes[(kind, op)] += n
    for up in ups:
        writes.update(written_by_kind(up.counts))
    return AccountFigures(
        attendance=daily_attendance(marks(ctx.store, name), ctx.config.timezone),
        writes=writes,
        timeline=ctx.clients[name].stats().timeline,
        budgets={cls.value: limit * rate_scale for cls, limit in DEFAULT_LIMITS.items()},
    )


def _down_table(title: str, outcomes: dict[str, DownOutcome], *, minimum: bool) -> Table:
    header = [
        N_("account"),
        N_("created"),
        N_("updated"),
        N_("removed"),
        N_("unchanged"),
        N_("protected"),
        N_("anomalies"),
        N_("drift"),
        N_("write calls"),
        N_("all API calls"),
    ]
    if minimum:
        header.append(N_("minimum write calls"))
    rows: list[list[str]] = []
    for name, o in outcomes.items():
        c = o.counts
        row = [
            name,
            str(c["created"]),
            str(c["updated"]),
            str(c["removed"]),
            str(c["unchanged"]),
            str(c["protected"]),
            str(c["anomalies"]),
            str(c["drift"]),
            str(c["write_calls"]),
            str(c["api_calls"]),
        ]
        if minimum:
            row.append(str(minimum_writes(o)))
        rows.append(row)
    return Table(title, header, rows)


def _sim_table(sims: dict[str, WeekSimulation], monday: date) -> Table:
    rows: list[list[str | dict[str, int]]] = []
    for name, sim in sims.items():
        marks = sim.marks
        rows.append(
            [
                name,
                str(sim.courses),
                str(marks["present"]),
                str(marks["late"]),
                str(marks["early_departure"]),
                str(marks["absent"]),
            ]
        )
    return Table(
        N_("Simulated week of {monday}"),
        [N_("account"), N_("sheets"), N_("present"), N_("late"), N_("left early"), N_("absent")],
        rows,
        values={"monday": monday.isoformat()},
    )


def _up_table(title: str, outcomes: dict[str, UpOutcome]) -> Table:
    rows: list[list[str | dict[str, int]]] = []
    for name, o in outcomes.items():
        c = o.counts
        rows.append(
            [
                name,
                str(c.get("sheets_final", 0)),
                str(c.get("marks_read", 0)),
                counts_cell(c, "written."),  # count keys: each reader sees its labels
                str(c.get("already_in_sync", 0)),
                str(c.get("failed", 0)),
            ]
        )
    return Table(
        title,
        [
            N_("account"),
            N_("final sheets"),
            N_("marks read"),
            N_("Hyperplanning writes"),
            N_("already in sync"),
            N_("failed"),
        ],
        rows,
    )
