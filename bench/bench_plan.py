"""P3: plan computation of a big school (CPU seconds, peak memory), pure core only.

Run: ``python -m bench.bench_plan [SIZE ...]``. Each size runs in its own process so the
peak resident memory is that size's alone, and the memory of a planning process (one that
loads the snapshot instead of generating the school) is measured in a process of its own.
"""

from __future__ import annotations

import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpsync.engine.desired import DesiredState
    from hpsync.engine.diff import Pushed
    from hpsync.engine.remote import RemoteState
    from hpsync.model import Kind
    from hpsync.rules.policy import AccountRules

RESULTS = Path(__file__).parent / "results"
RUNS = 3  # each plan is timed this many times; the best is reported (as ``timeit`` does)


def machine_loop_s() -> float:
    """CPU seconds of a fixed pure-Python loop (10 million additions): the machine's speed
    that day, so figures taken on different days can be compared (about 0.5 s is usual)."""
    start = time.process_time()
    total = 0
    for n in range(10_000_000):
        total += n
    return round(time.process_time() - start, 2)


def peak_rss_mib() -> float:
    """This process's peak resident memory (``VmHWM``). Not ``getrusage``'s ``ru_maxrss``:
    Linux carries the parent's peak into a child across ``exec``, so a small child of a big
    parent would report the parent's figure."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(size: str) -> dict[str, float | int | str]:
    """Generate, load, and plan one account twice (initial, then nothing changed)."""
    from hpsync.emulators.generator import generate_school
    from hpsync.engine.desired import build_desired
    from hpsync.engine.diff import build_plan
    from hpsync.engine.remote import RemoteState
    from hpsync.school.load import snapshot_from_school

    data = generate_school(size, 1, year=2026)
    snapshot = snapshot_from_school(data)
    del data
    rules = _rules()
    now = datetime(2026, 8, 1, tzinfo=UTC)
    initial_runs, again_runs = [], []
    for _ in range(RUNS):
        cpu0 = time.process_time()
        desired = build_desired(snapshot, rules)
        initial = build_plan(desired, RemoteState(), {}, now=now)
        initial_runs.append(time.process_time() - cpu0)
    remote, pushed = _in_sync(desired)
    for _ in range(RUNS):
        cpu1 = time.process_time()
        again = build_plan(build_desired(snapshot, rules), remote, pushed, now=now)
        again_runs.append(time.process_time() - cpu1)
    n_initial, n_again = len(initial.writes()), len(again.writes())
    peak = peak_rss_mib()
    # The plan's own working set (process RSS above also counts generating and loading the
    # school): traced separately, since tracing slows the run down.
    del again, initial, remote, pushed
    tracemalloc.start()
    build_plan(build_desired(snapshot, rules), RemoteState(), {}, now=now)
    _size, plan_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.pickle"
        path.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
        del snapshot
        process = json.loads(_run_self("--process", str(path)))
    return {
        "size": size,
        "machine_loop_s": machine_loop_s(),
        "learners": process["learners"],
        "sessions": process["sessions"],
        "runs": RUNS,
        "initial_plan_writes": n_initial,
        "initial_plan_cpu_s": round(min(initial_runs), 2),
        "initial_plan_cpu_s_runs": [round(t, 2) for t in initial_runs],
        "nochange_plan_writes": n_again,
        "nochange_plan_cpu_s": round(min(again_runs), 2),
        "nochange_plan_cpu_s_runs": [round(t, 2) for t in again_runs],
        "peak_rss_mib": peak,
        "plan_peak_mib": round(plan_peak / 2**20, 1),
        **process["rss"],
    }


def _rules() -> AccountRules:
    from hpsync.rules.policy import AccountRules, Couple

    return AccountRules(
        "nord",
        learner_couples=(Couple("Site", "Nord"),),
        tutors=True,
        tag_families=("Type de contrat",),
    )


def _in_sync(desired: DesiredState) -> tuple[RemoteState, dict[tuple[Kind, str], Pushed]]:
    """The remote state and the journal of an account that holds exactly ``desired``."""
    from hpsync.engine.desired import KIND_ORDER
    from hpsync.engine.diff import Pushed
    from hpsync.engine.remote import RemoteFields, RemoteRecord, RemoteState
    from hpsync.hashing import canonical, content_hash
    from hpsync.shared_values import SharedValues

    remote = RemoteState()
    shared = SharedValues()  # as the Edusign adapter holds equal rosters of one read once
    pushed: dict[tuple[Kind, str], Pushed] = {}
    for kind in KIND_ORDER:
        remote.complete.add(kind)
        for n, (sid, record) in enumerate(desired.of(kind).items()):
            rid = f"r{kind.value}{n}"
            fields = RemoteFields.of(canonical(record), shared)
            remote.add(RemoteRecord(kind, rid, sid, fields))
            pushed[(kind, sid)] = Pushed(rid, content_hash(record))
    return remote, pushed


def planning_process(path: str) -> dict[str, Any]:
    """Peak memory of a process that plans as a sync does: the snapshot (here read from a
    file, as a sync reads it from Hyperplanning), the account's remote state and journal
    (as read from Edusign and the state store), then the no-change plan."""
    from hpsync.engine.desired import build_desired
    from hpsync.engine.diff import build_plan

    base = peak_rss_mib()
    snapshot = pickle.loads(Path(path).read_bytes())
    loaded = peak_rss_mib()
    rules = _rules()
    remote, pushed = _in_sync(build_desired(snapshot, rules))
    inputs = peak_rss_mib()
    now = datetime(2026, 8, 1, tzinfo=UTC)
    plan = build_plan(build_desired(snapshot, rules), remote, pushed, now=now)
    assert not plan.writes()
    return {
        "learners": len(snapshot.learners),
        "sessions": len(snapshot.sessions),
        "rss": {
            "process_rss_interpreter_mib": base,
            "process_rss_snapshot_mib": loaded,
            "process_rss_inputs_mib": inputs,
            "process_rss_peak_mib": peak_rss_mib(),
        },
    }


def _run_self(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_plan", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main(sizes: list[str]) -> None:
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for size in sizes:
        row = json.loads(_run_self("--one", size))
        rows.append(row)
        print(
            f"P3 {size:<3} learners={row['learners']:<6} sessions={row['sessions']:<7} "
            f"initial plan {row['initial_plan_cpu_s']} s CPU "
            f"({row['initial_plan_writes']} writes), "
            f"no-change plan {row['nochange_plan_cpu_s']} s CPU "
            f"({row['nochange_plan_writes']} writes; best of {row['runs']}), "
            f"plan working set {row['plan_peak_mib']} MiB, planning process peak RSS "
            f"{row['process_rss_peak_mib']} MiB (snapshot loaded: "
            f"{row['process_rss_snapshot_mib']} MiB); machine loop {row['machine_loop_s']} s"
        )
    (RESULTS / "p3_plan.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "--process":
        print(json.dumps(planning_process(sys.argv[2])))
    else:
        main(sys.argv[1:] or ["L", "XL"])
