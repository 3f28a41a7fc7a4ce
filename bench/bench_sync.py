"""P1, P2 and P5: the down flow of an L school over HTTP against both emulators.

Run: ``python -m bench.bench_sync [--size L] [--scale 2] [P1 P2 P5]``.

One world (two Edusign accounts split by Site), then:

* **P2** initial sync (``hpsync sync`` as a subprocess): write calls versus the minimum
  (sum over kinds of ceil(n/1000) for the v3 batches + one call per group, tutor and
  removal), and wall time versus the bound set by the rate limits (goal within 1.5×).
  Each account has its own key, hence its own budgets, so the bound is the slowest key's
  max(heavy calls / (24 × scale), all its calls / (480 × scale)) minutes. The issue's
  simpler bound (every heavy call of both accounts over one heavy budget) is printed too.
* **P5** rate-limit compliance during P2, from the Edusign emulator's stats: the most
  calls in any 60 s window per key (goal ≤ 480 × scale, heavy ≤ 24 × scale) and the
  number of requests it slowed down (goal 0).
* **P1** no-change resyncs: the same day, then three days later on Edusign's clock (the
  steady state of incremental reads: goal ≤ 50 calls), then with one sheet renamed by hand
  on Edusign (found and restored), then with one deleted for good (unseen by the next
  resync, restored by the nightly whole read, run with hpsync's clock a day on): write
  calls, read calls by route, SOAP calls, wall time and the CPU time of the ``hpsync
  sync`` process.

The emulators enforce the real limits multiplied by ``scale`` (printed next to every wall
time); the client's own budget uses the same scale.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.world import (
    LAST_PEAK_MIB,
    RESULTS,
    World,
    heavy_calls,
    key_stats,
    minimum_heavy,
    minimum_writes,
    read_calls,
    run_cli,
    world,
    write_calls,
)
from hpsync import clock
from hpsync.edusign import EdusignClient
from hpsync.secrets import Secret

TIMEOUT = 1800  # seconds, per sync


def _sync(
    config: Path, *, as_json: bool = True, at: datetime | None = None
) -> tuple[list[dict[str, Any]], float, float]:
    """One ``hpsync sync`` (plans from its ``--json``, none without), hpsync's clock at ``at``."""
    args = ["sync", "-c", str(config), *(["--json"] if as_json else [])]
    env = {clock.ENV: at.isoformat()} if at is not None else None
    done, wall, cpu = run_cli(args, timeout=TIMEOUT, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"hpsync sync exited {done.returncode}: {done.stderr[-2000:]}")
    return (json.loads(done.stdout) if as_json else []), wall, cpu


def measure(size: str, scale: float, which: set[str]) -> dict[str, dict[str, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix="hpsync-bench-sync-"))
    out: dict[str, dict[str, Any]] = {}
    try:
        with world(tmp, size, rate_scale=scale) as w:
            learners, sessions = len(w.school["students"]), _sessions(w.school)
            w.es_reset()
            w.hp.reset_stats()
            plans, wall, cpu = _sync(w.config)
            stats = w.es_stats()
            minimum, planned = minimum_writes(plans)
            links = _follower_links(w)
            minimum += sum(links.values())
            least = _least_bound(w, plans, stats, links, scale)
            writes, heavy = write_calls(stats), heavy_calls(stats)
            bound_s = heavy / (24 * scale) * 60
            per_key = {
                k["school"]: round(
                    max(k["heavy"] / (24 * scale), k["requests"] / (480 * scale)) * 60, 1
                )
                for k in key_stats(stats)
            }
            rate_bound = max(per_key.values(), default=0.0)
            common = {"size": size, "learners": learners, "sessions": sessions, "scale": scale}
            out["P2"] = {
                **common,
                "planned_writes": planned,
                "write_calls": writes,
                "minimum_write_calls": minimum,
                "write_calls_over_minimum": round(writes / max(minimum, 1), 2),
                "write_calls_by_route": _writes_by_route(stats),
                "read_calls": read_calls(stats),
                "heavy_calls": heavy,
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "process_peak_mib": LAST_PEAK_MIB[0],
                "rate_bound_s_per_key": per_key,
                "rate_bound_s": rate_bound,
                "wall_over_bound": round(wall / max(rate_bound, 1e-9), 2),
                "follower_links": links,
                "minimum_bound_s_per_key": least,
                "minimum_bound_s": max(least.values(), default=0.0),
                "wall_over_minimum_bound": round(wall / max(*least.values(), 1e-9), 2),
                "heavy_bound_s": round(bound_s, 1),
                "wall_over_heavy_bound": round(wall / max(bound_s, 1e-9), 2),
                "requests": sum(k["requests"] for k in key_stats(stats)),
                "soap_calls": sum(w.hp_stats().values()),
            }
            out["P5"] = {
                **common,
                "limit_per_60s": 480 * scale,
                "heavy_limit_per_60s": 24 * scale,
                "keys": {
                    k["school"]: {
                        "requests": k["requests"],
                        "heavy": k["heavy"],
                        "max_in_60s": k["max_in_60s"],
                        "max_heavy_in_60s": k["max_heavy_in_60s"],
                        "slowed": k["slowed"],
                        "rejected_429": k.get("rejected_429", 0),
                    }
                    for k in key_stats(stats)
                },
            }
            if "P1" in which:
                out["P1"] = {**common, **_resyncs(w)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def process_memory(size: str, scale: float) -> dict[str, Any]:
    """P3 of the real process: peak memory (VmHWM) and CPU of ``hpsync sync`` on a school
    of ``size``, for the initial sync (snapshot, plan of every record, writes) and for a
    no-change resync with a whole read of Edusign (snapshot, remote state, journal, plan)."""
    tmp = Path(tempfile.mkdtemp(prefix="hpsync-bench-memory-"))
    try:
        with world(tmp, size, rate_scale=scale) as w:
            # As a schedule runs it: no --json (the JSON of an initial plan is a large
            # document of its own, not what a sync holds).
            _, wall, cpu = _sync(w.config, as_json=False)
            initial = {
                "write_calls": write_calls(w.es_stats()),
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "process_peak_mib": LAST_PEAK_MIB[0],
            }
            whole = _resync(w, clock.now() + timedelta(hours=25))
            return {
                "size": size,
                "learners": len(w.school["students"]),
                "sessions": _sessions(w.school),
                "scale": scale,
                "initial_sync": initial,
                "no_change_whole_read": whole,
            }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _follower_links(w: World) -> dict[str, int]:
    """Learners of each account that carry a tutor on Edusign after the sync: the v3
    student batch has no follower field (reference §6), so each took one v1 call that no
    batch can carry — part of the minimum, not overhead."""
    links: dict[str, int] = {}
    for account, key in w.keys.items():
        client = EdusignClient(w.es.url, Secret(key), rate_scale=w.rate_scale)
        try:
            links[account] = len([s for s in client.list_students() if s.student_follower_id])
        finally:
            client.close()
    return links


def _least_bound(
    w: World,
    plans: list[dict[str, Any]],
    stats: dict[str, Any],
    links: dict[str, int],
    scale: float,
) -> dict[str, float]:
    """Per account, the seconds its key's budgets need for the fewest calls that carry its
    plan (minimum writes, the follower links, the reads it made): the floor of the wall."""
    reads = {k["school"]: k["requests"] - sum(
        n for r, n in k["by_route"].items() if not r.startswith("GET ")
    ) for k in key_stats(stats)}  # fmt: skip
    bound: dict[str, float] = {}
    for plan in plans:
        account = plan["account"]
        calls = minimum_writes([plan])[0] + links.get(account, 0) + reads.get(account, 0)
        heavy = minimum_heavy(plan)
        bound[account] = round(max(heavy / (24 * scale), calls / (480 * scale)) * 60, 1)
    return bound


def _resync(w: World, at: datetime | None = None) -> dict[str, Any]:
    """One ``hpsync sync`` (both accounts) with its calls counted; ``at`` sets hpsync's clock."""
    w.es_reset()
    w.hp.reset_stats()
    plans, wall, cpu = _sync(w.config, at=at)
    stats = w.es_stats()
    return {
        "planned_writes": sum(len(p["items"]) for p in plans),
        "write_calls": write_calls(stats),
        "read_calls": read_calls(stats),
        "read_calls_by_route": _reads_by_route(stats),
        "soap_calls": sum(w.hp_stats().values()),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "process_peak_mib": LAST_PEAK_MIB[0],
        "slowed": sum(k["slowed"] for k in key_stats(stats)),
        "sheets_read": {
            p["account"]: p.get("counts", {}).get("sheets_read_changed", "whole") for p in plans
        },
    }


def _resyncs(w: World) -> dict[str, Any]:
    """P1: resyncs without change — the same day (the course list's update filter is by day:
    the sheets the initial sync wrote today are all "changed"), then three days later on
    Edusign's clock (steady state), then with one sheet renamed by hand (found, restored)."""
    same_day = _resync(w)
    advance = {"advance_seconds": 3 * 86400}
    httpx.post(f"{w.es.url}/_emulator/clock", json=advance, timeout=30).raise_for_status()
    _resync(w)  # takes the day-0 sheets once more; from here on, only changes
    steady = _resync(w)
    client = EdusignClient(w.es.url, Secret(w.keys["nord"]), rate_scale=w.rate_scale)
    try:
        # A sheet still ahead on hpsync's clock: one already over is protected (kept as it
        # is, reported as drift), not restored.
        today = clock.now().date()
        ahead = client.list_courses(today + timedelta(days=7), today + timedelta(days=14))
        sheet = next((c for c in ahead if c.api_id), None)
        if sheet is None:  # outside the school year (summer): nothing left to edit
            return {**steady, "same_day": same_day, "one_sheet_edited_by_hand": {}}
        httpx.patch(
            f"{w.es.url}/_emulator/records/course/{sheet.id}",
            json={"fields": {"NAME": "Renamed by hand"}},
            headers={"Authorization": f"Bearer {w.keys['nord']}"},
            timeout=30,
        ).raise_for_status()
        edited = _resync(w)
        edited["restored"] = client.get_course(sheet.id).name == sheet.name
        # A sheet deleted for good leaves no trace in a list of changed sheets: the next
        # incremental resync cannot see it; the nightly whole read (hpsync's clock a day on)
        # finds it missing and writes it again.
        gone = next(c for c in reversed(ahead) if c.api_id and c.id != sheet.id)
        httpx.delete(
            f"{w.es.url}/_emulator/records/course/{gone.id}",
            headers={"Authorization": f"Bearer {w.keys['nord']}"},
            timeout=30,
        ).raise_for_status()
        missed = _resync(w)
        nightly = _resync(w, clock.now() + timedelta(hours=25))
        back = client.list_courses(today + timedelta(days=7), today + timedelta(days=14))
        nightly["missed_by_incremental_resync"] = missed["write_calls"] == 0
        nightly["restored"] = any(c.api_id == gone.api_id for c in back)
    finally:
        client.close()
    return {
        **steady,
        "same_day": same_day,
        "one_sheet_edited_by_hand": edited,
        "nightly_whole_read_after_a_deletion_by_hand": nightly,
    }


def _sessions(school: dict[str, Any]) -> int:
    return sum(len(c.get("seances", [])) for c in school.get("courses", []))


def _routes(stats: dict[str, Any], get: bool) -> dict[str, int]:
    total: dict[str, int] = {}
    for key in key_stats(stats):
        for route, n in key["by_route"].items():
            if (route.startswith("GET ") == get) and "_emulator" not in route:
                total[route] = total.get(route, 0) + int(n)
    return dict(sorted(total.items(), key=lambda kv: -kv[1]))


def _writes_by_route(stats: dict[str, Any]) -> dict[str, int]:
    return _routes(stats, get=False)


def _reads_by_route(stats: dict[str, Any]) -> dict[str, int]:
    return _routes(stats, get=True)


def report(rows: dict[str, dict[str, Any]]) -> None:
    if "P2" in rows:
        r = rows["P2"]
        print(
            f"P2 initial sync {r['size']} ({r['learners']} learners, {r['sessions']} sessions), "
            f"rate scale ×{r['scale']:g}: {r['write_calls']} write calls "
            f"(minimum {r['minimum_write_calls']}, ×{r['write_calls_over_minimum']}), "
            f"{r['read_calls']} reads, {r['heavy_calls']} heavy; wall {r['wall_s']} s "
            f"vs rate-limit bound {r['rate_bound_s']} s (×{r['wall_over_bound']}, goal ≤ 1.5); "
            f"CPU {r['cpu_s']} s, process peak {r['process_peak_mib']} MiB"
        )
        print(
            f"   minimum-call bound {r['minimum_bound_s']} s "
            f"per key {r['minimum_bound_s_per_key']} "
            f"(×{r['wall_over_minimum_bound']}, goal ≤ 1.3); follower links (one v1 call each, "
            f"no batch carries them) {r['follower_links']}"
        )
        print(
            f"   bound per key {r['rate_bound_s_per_key']}; every heavy call over one heavy "
            f"budget = {r['heavy_bound_s']} s (wall ×{r['wall_over_heavy_bound']})"
        )
        print(f"   write calls by route: {r['write_calls_by_route']}")
    if "P5" in rows:
        r = rows["P5"]
        for school, k in r["keys"].items():
            print(
                f"P5 {school}: max {k['max_in_60s']} calls in 60 s (limit "
                f"{r['limit_per_60s']:g}), max heavy {k['max_heavy_in_60s']} (limit "
                f"{r['heavy_limit_per_60s']:g}), slowed {k['slowed']} (goal 0), "
                f"rate scale ×{r['scale']:g}"
            )
    if "P1" in rows:
        r = rows["P1"]
        print(
            f"P1 no-change resync {r['size']} (steady state): {r['write_calls']} write calls "
            f"(goal 0), {r['read_calls']} read calls (goal ≤ 50), {r['soap_calls']} SOAP calls, "
            f"wall {r['wall_s']} s at rate scale ×{r['scale']:g}, CPU {r['cpu_s']} s, "
            f"peak {r['process_peak_mib']} MiB (hpsync process); sheets read {r['sheets_read']}"
        )
        print(f"   read calls by route: {r['read_calls_by_route']}")
        d = r["same_day"]
        print(
            f"   the same day as the initial sync: {d['read_calls']} read calls "
            f"(sheets read {d['sheets_read']})"
        )
        e = r["one_sheet_edited_by_hand"]
        if not e:
            print("   one sheet renamed by hand: skipped (no sheet ahead in the school year)")
            return
        print(
            f"   one sheet renamed by hand: {e['read_calls']} read calls, "
            f"{e['write_calls']} write calls, restored: {e['restored']}"
        )
        n = r.get("nightly_whole_read_after_a_deletion_by_hand", {})
        if n:
            print(
                f"   one sheet deleted by hand: unseen by the next resync "
                f"({n['missed_by_incremental_resync']}); the nightly whole read: "
                f"{n['read_calls']} read calls (sheets read {n['sheets_read']}), "
                f"{n['write_calls']} write calls, restored: {n['restored']}"
            )


FILES = {"P1": "p1_resync.json", "P2": "p2_initial.json", "P5": "p5_ratelimit.json"}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sync")
    parser.add_argument("--size", default="L")
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument(
        "which", nargs="*", default=["P1", "P2", "P5"], help="P1 P2 P5, or MEMORY alone"
    )
    args = parser.parse_args(argv)
    which = {w.upper() for w in args.which}
    if which == {"MEMORY"}:
        row = process_memory(args.size, args.scale)
        i, n = row["initial_sync"], row["no_change_whole_read"]
        print(
            f"P3 hpsync sync process, {row['size']} ({row['learners']} learners, "
            f"{row['sessions']} sessions), rate scale ×{row['scale']:g}: initial sync peak "
            f"{i['process_peak_mib']} MiB ({i['write_calls']} write calls, CPU "
            f"{i['cpu_s']} s); no-change resync with a whole read peak "
            f"{n['process_peak_mib']} MiB (CPU {n['cpu_s']} s, {n['read_calls']} reads, "
            f"{n['write_calls']} writes); goal ≤ 512 MiB"
        )
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"p3_sync_process_{row['size']}.json"  # one file per size
        out.write_text(json.dumps(row, indent=2) + "\n")
        return
    rows = measure(args.size, args.scale, which)
    report(rows)
    RESULTS.mkdir(exist_ok=True)
    for name, row in rows.items():
        if name in which:
            (RESULTS / FILES[name]).write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
