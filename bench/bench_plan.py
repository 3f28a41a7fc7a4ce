"""P3: plan computation of a big school (CPU seconds, peak memory), pure core only.

Run: ``python -m bench.bench_plan [SIZE ...]``. Each size runs in its own process so the
peak resident memory is that size's alone.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine_loop_s() -> float:
    """CPU seconds of a fixed pure-Python loop (10 million additions): the machine's speed
    that day, so figures taken on different days can be compared (about 0.5 s is usual)."""
    start = time.process_time()
    total = 0
    for n in range(10_000_000):
        total += n
    return round(time.process_time() - start, 2)


def measure(size: str) -> dict[str, float | int | str]:
    """Generate, load, and plan one account twice (initial, then nothing changed)."""
    from hpsync.emulators.generator import generate_school
    from hpsync.engine.desired import KIND_ORDER, build_desired
    from hpsync.engine.diff import Pushed, build_plan
    from hpsync.engine.remote import RemoteRecord, RemoteState
    from hpsync.hashing import canonical, content_hash
    from hpsync.rules.policy import AccountRules, Couple
    from hpsync.snapshot_json import snapshot_from_school

    data = generate_school(size, 1, year=2026)
    snapshot = snapshot_from_school(data)
    del data
    rules = AccountRules(
        "nord",
        learner_couples=(Couple("Site", "Nord"),),
        tutors=True,
        tag_families=("Type de contrat",),
    )
    now = datetime(2026, 8, 1, tzinfo=UTC)
    cpu0 = time.process_time()
    desired = build_desired(snapshot, rules)
    initial = build_plan(desired, RemoteState(), {}, now=now)
    cpu_initial = time.process_time() - cpu0
    remote = RemoteState()
    pushed = {}
    for kind in KIND_ORDER:
        remote.complete.add(kind)
        for n, (sid, record) in enumerate(desired.of(kind).items()):
            rid = f"r{kind.value}{n}"
            remote.add(RemoteRecord(kind, rid, sid, canonical(record)))
            pushed[(kind, sid)] = Pushed(rid, content_hash(record))
    cpu1 = time.process_time()
    again = build_plan(build_desired(snapshot, rules), remote, pushed, now=now)
    cpu_again = time.process_time() - cpu1
    n_initial, n_again = len(initial.writes()), len(again.writes())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The plan's own working set (process RSS above also counts generating and loading the
    # school): traced separately, since tracing slows the run down.
    del again, initial, remote, pushed
    tracemalloc.start()
    build_plan(build_desired(snapshot, rules), RemoteState(), {}, now=now)
    _size, plan_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "size": size,
        "machine_loop_s": machine_loop_s(),
        "learners": len(snapshot.learners),
        "sessions": len(snapshot.sessions),
        "initial_plan_writes": n_initial,
        "initial_plan_cpu_s": round(cpu_initial, 2),
        "nochange_plan_writes": n_again,
        "nochange_plan_cpu_s": round(cpu_again, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "plan_peak_mib": round(plan_peak / 2**20, 1),
    }


def main(sizes: list[str]) -> None:
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for size in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_plan", "--one", size],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"P3 {size:<3} learners={row['learners']:<6} sessions={row['sessions']:<7} "
            f"initial plan {row['initial_plan_cpu_s']} s CPU "
            f"({row['initial_plan_writes']} writes), "
            f"no-change plan {row['nochange_plan_cpu_s']} s CPU "
            f"({row['nochange_plan_writes']} writes), peak RSS {row['peak_rss_mib']} MiB "
            f"(plan alone {row['plan_peak_mib']} MiB); machine loop {row['machine_loop_s']} s"
        )
    (RESULTS / "p3_plan.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:] or ["L", "XL"])
