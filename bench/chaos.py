"""Chaos (``make chaos``, not part of ``make test``): SIGKILL ``hpsync sync`` and
``hpsync attendance`` at random instants, rerun until a run completes, and compare with
an uninterrupted run of the same school.

Run: ``python -m bench.chaos [--size L] [--scale 50] [--kills 6] [--marks 20000] [--seed 1]``.

1. **Reference world**: both emulators in-process, a generated school, one
   uninterrupted ``hpsync sync`` (its Edusign write calls and final state kept), marks
   produced on the earliest past sheets (as in P4), one uninterrupted ``hpsync
   attendance`` (its Hyperplanning writes and absences/delays kept).
2. **Chaos world**, same school: ``hpsync sync`` is started as a subprocess and killed
   (SIGKILL) at a random instant within the reference run's duration, at most
   ``--kills`` times, then rerun until a run completes. The same marks are produced;
   ``hpsync attendance`` is killed the same way and rerun until it completes.
3. Printed: runs, kills, duplicates (external ids held by two live records on the Edusign
   emulator), records that differ from the reference, Hyperplanning absences/delays lost
   or doubled (compared record by record with the reference), and extra calls versus the
   uninterrupted runs. Exit 1 on any duplicate, difference or lost mark.

The rate limits are scaled (default ×50: this is about crashes, not throughput).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.bench_attendance import hp_writes, produce_marks
from bench.world import ACCOUNTS, RESULTS, World, key_stats, run_cli, world, write_calls

RUN_TIMEOUT = 1800  # seconds, one uninterrupted run
LIVE_KINDS = ("student", "professor", "group", "course", "external")


def edusign_records(w: World, account: str) -> list[tuple[str, ...]]:
    """Live records of one account, comparable across worlds (Edusign ids left out)."""
    dump = httpx.get(f"{w.es.url}/_emulator/dump", params={"school": account}, timeout=120)
    dump.raise_for_status()
    body = dump.json()["result"]
    rows = []
    for kind in LIVE_KINDS:
        for doc in body.get(kind, []):
            if doc.get("HIDDEN"):
                continue
            rows.append(
                (
                    kind,
                    str(doc.get("API_ID") or ""),
                    str(doc.get("EMAIL") or doc.get("NAME") or ""),
                    str(doc.get("START") or ""),
                    str(doc.get("END") or ""),
                    str(len(doc.get("STUDENTS") or [])),
                )
            )
    return sorted(rows)


def duplicates(rows: list[tuple[str, ...]]) -> dict[str, int]:
    seen = Counter(f"{r[0]}:{r[1]}" for r in rows if r[1])
    return {k: n for k, n in seen.items() if n > 1}


def hp_records(w: World) -> Counter[tuple[str, ...]]:
    """Absences and delays held by the Hyperplanning emulator (keys left out)."""
    school = w.hp.state.school
    out: Counter[tuple[str, ...]] = Counter()
    for a in list(school.absences.values()):
        out[
            ("absence", str(a.student), str(a.start), str(a.end), str(a.justified), str(a.reason))
        ] += 1
    for d in list(school.delays.values()):
        out[
            ("delay", str(d.student), str(d.at), str(d.minutes), str(d.justified), str(d.reason))
        ] += 1
    return out


def _cmd(config: Path, command: str) -> list[str]:
    return [sys.executable, "-m", "hpsync", command, "-c", str(config)]


def chaos_loop(
    w: World, command: str, budget: int, rng: random.Random, max_kills: int, calls: Any
) -> dict[str, Any]:
    """Start ``hpsync COMMAND`` and SIGKILL it at a random instant of its writing phase:
    once it has made k more write calls, k drawn in [1, remaining) where remaining =
    ``budget`` (the writes of the uninterrupted run) minus the writes made so far; at most
    ``max_kills`` times, then run it to completion. A run that finishes before its kill
    instant ends the loop."""
    runs = kills = 0
    before = calls()
    instants: list[dict[str, float]] = []
    while True:
        runs += 1
        started, at_start = time.monotonic(), calls()
        proc = subprocess.Popen(
            _cmd(w.config, command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        remaining = budget - (calls() - before)  # writes an uninterrupted rerun would make
        k = rng.randint(1, max(1, remaining - 1)) if kills < max_kills else None
        deadline = started + RUN_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            if k is not None and calls() - at_start >= k:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                instants.append({"after_s": round(time.monotonic() - started, 1), "writes": k})
                break
            time.sleep(0.05)
        if proc.poll() is None and time.monotonic() >= deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"hpsync {command} did not finish in {RUN_TIMEOUT} s")
        proc.wait(timeout=60)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode == 0:
            break
        if proc.returncode != -signal.SIGKILL:
            print(f"   run {runs} exited {proc.returncode}: {stderr.strip().splitlines()[-1:]}")
        if runs > max_kills + 5:
            raise RuntimeError(f"hpsync {command} keeps failing: {stderr[-2000:]}")
    return {"runs": runs, "kills": kills, "kill_instants": instants, "calls": calls() - before}


def reference(tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    with world(tmp, args.size, seed=args.school_seed, rate_scale=args.scale) as w:
        done, sync_wall, _ = run_cli(["sync", "-c", str(w.config)], timeout=RUN_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"reference sync failed: {done.stderr[-2000:]}")
        es_writes = write_calls(w.es_stats())
        es_requests = sum(k["requests"] for k in key_stats(w.es_stats()))
        records = {a: edusign_records(w, a) for a in ACCOUNTS}
        marks = produce_marks(w.es, list(ACCOUNTS), args.marks)
        w.hp.reset_stats()
        done, up_wall, _ = run_cli(["attendance", "-c", str(w.config)], timeout=RUN_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"reference attendance failed: {done.stderr[-2000:]}")
        return {
            "sync_wall_s": sync_wall,
            "es_writes": es_writes,
            "es_requests": es_requests,
            "records": records,
            "marks": marks,
            "up_wall_s": up_wall,
            "hp_writes": sum(hp_writes(w.hp_stats()).values()),
            "hp_calls": sum(w.hp_stats().values()),
            "hp": hp_records(w),
        }


def chaos(tmp: Path, args: argparse.Namespace, ref: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(args.seed)
    with world(tmp, args.size, seed=args.school_seed, rate_scale=args.scale) as w:
        down = chaos_loop(
            w,
            "sync",
            ref["es_writes"],
            rng,
            args.kills,
            lambda: write_calls(w.es_stats()),
        )
        es_requests = sum(k["requests"] for k in key_stats(w.es_stats()))
        records = {a: edusign_records(w, a) for a in ACCOUNTS}
        dups = {a: duplicates(records[a]) for a in ACCOUNTS}
        differ = {
            a: sum((Counter(records[a]) - Counter(ref["records"][a])).values())
            + sum((Counter(ref["records"][a]) - Counter(records[a])).values())
            for a in ACCOUNTS
        }
        marks = produce_marks(w.es, list(ACCOUNTS), args.marks)
        w.hp.reset_stats()
        up = chaos_loop(
            w,
            "attendance",
            ref["hp_writes"],
            rng,
            args.kills,
            lambda: sum(hp_writes(w.hp_stats()).values()),
        )
        hp_calls = sum(w.hp_stats().values())
        got: Counter[tuple[str, ...]] = hp_records(w)
        lost = ref["hp"] - got
        doubled = got - ref["hp"]
        return {
            "down": {
                **down,
                "extra_write_calls": down["calls"] - ref["es_writes"],
                "reference_write_calls": ref["es_writes"],
                "requests": es_requests,
                "reference_requests": ref["es_requests"],
                "extra_requests": es_requests - ref["es_requests"],
                "duplicates": {a: len(d) for a, d in dups.items()},
                "duplicate_examples": [k for d in dups.values() for k in list(d)[:5]],
                "records_differing_from_reference": differ,
            },
            "attendance": {
                **up,
                "marks": sum(
                    ref["marks"][k] for k in ("present", "absent", "late", "early_departure")
                ),
                "same_marks_as_reference": marks == ref["marks"],
                "reference_hp_writes": ref["hp_writes"],
                "extra_hp_writes": up["calls"] - ref["hp_writes"],
                "hp_calls": hp_calls,
                "reference_hp_calls": ref["hp_calls"],
                "extra_hp_calls": hp_calls - ref["hp_calls"],
                "hp_records": sum(got.values()),
                "reference_hp_records": sum(ref["hp"].values()),
                "lost": sum(lost.values()),
                "doubled": sum(doubled.values()),
                "lost_examples": [list(k) for k in list(lost)[:5]],
                "doubled_examples": [list(k) for k in list(doubled)[:5]],
            },
        }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos")
    parser.add_argument("--size", default="L")
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--marks", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--school-seed", type=int, default=7)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="hpsync-chaos-"))
    started = time.monotonic()
    try:
        print(f"chaos: {args.size} school, rate scale ×{args.scale:g}, up to {args.kills} kills")
        ref = reference(tmp / "reference", args)
        print(
            f"   reference: sync {ref['sync_wall_s']:.1f} s, {ref['es_writes']} Edusign writes; "
            f"attendance {ref['up_wall_s']:.1f} s, {ref['hp_writes']} Hyperplanning writes"
        )
        out = chaos(tmp / "chaos", args, ref)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    d, u = out["down"], out["attendance"]
    print(
        f"chaos sync ({args.size}, scale ×{args.scale:g}): {d['runs']} runs, {d['kills']} kills "
        f"at {d['kill_instants']}; duplicates {d['duplicates']}; records differing from "
        f"the uninterrupted run {d['records_differing_from_reference']}; write calls "
        f"{d['calls']} vs {d['reference_write_calls']} uninterrupted "
        f"({d['extra_write_calls']:+d}); all requests {d['requests']} vs "
        f"{d['reference_requests']} ({d['extra_requests']:+d})"
    )
    print(
        f"chaos attendance ({u['marks']} marks): {u['runs']} runs, {u['kills']} kills at "
        f"{u['kill_instants']}; Hyperplanning records {u['hp_records']} vs "
        f"{u['reference_hp_records']} uninterrupted: lost {u['lost']}, doubled {u['doubled']}; "
        f"writes {u['calls']} vs {u['reference_hp_writes']} ({u['extra_hp_writes']:+d}); "
        f"all SOAP calls {u['hp_calls']} vs {u['reference_hp_calls']} ({u['extra_hp_calls']:+d})"
    )
    out["size"], out["scale"], out["seed"] = args.size, args.scale, args.seed
    out["wall_s"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chaos.json").write_text(json.dumps(out, indent=2) + "\n")
    bad = (
        sum(d["duplicates"].values())
        + sum(d["records_differing_from_reference"].values())
        + u["lost"]
        + u["doubled"]
        + (0 if u["same_marks_as_reference"] else 1)
    )
    if bad:
        print("chaos: FAILED (duplicates, differences or lost marks above)")
        return 1
    print("chaos: OK (no duplicate, no difference, no lost mark)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
