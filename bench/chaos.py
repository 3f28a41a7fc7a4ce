"""Chaos (``make chaos``, not part of ``make test``): SIGKILL ``hpsync sync`` and
``hpsync attendance`` at random instants of every phase, rerun until a run completes, and
compare with an uninterrupted run of the same school, for the v3 and the v1 API.

Run: ``python -m bench.chaos [--size M] [--scale 50] [--kills 8] [--min-kills 30] [--marks 5000]
[--api both|v3|v1] [--seed 1]``.

1. **Reference world** (per API): both emulators in-process, a generated school, one
   uninterrupted ``hpsync sync`` (its Edusign write calls and final state kept), marks
   produced on the earliest past sheets (as in P4), one uninterrupted ``hpsync
   attendance`` (its Hyperplanning writes and absences/delays kept).
2. **Chaos world**, same school: ``hpsync sync`` is started as a subprocess and killed
   (SIGKILL) ``--kills`` times, then rerun until a run completes. Kill instants alternate:
   a random instant of the reference run's duration (it lands in the read, the plan or the
   write phase) and a random count of write calls (it lands between a write and its
   journal/ledger commit or between batches). Each kill's phase is recorded (``read/plan``:
   no write made yet by that run; ``write``: after some). The same marks are produced;
   ``hpsync attendance`` is killed the same way and rerun until it completes.
3. Printed: runs, kills per phase, duplicates (external ids held by two live records on
   the Edusign emulator), records that differ from the reference — every field the
   emulator holds, Edusign ids replaced by the external id (or the content) of the record
   they point to, so rosters, trainers, rooms, tags, groups and tutors are compared, and
   records without an external id too — Hyperplanning absences/delays lost or doubled, and
   extra calls. Exit 1 on any duplicate, difference or lost mark; ``bench/results/chaos.json``.

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


#: fields that differ between two worlds by nature: ids, creation/update instants, hashes
VOLATILE = frozenset(
    {"ID", "id", "_id", "DATE_CREATION", "DATE_UPDATED", "DATE_CREATED", "CREATED_AT",
     "UPDATED_AT", "dateCreated", "dateUpdated", "TIMESTAMP", "timestamp", "SIGNATURE",
     "PASSWORD", "API_KEY", "TOKEN", "SCHOOL_ID", "STATE_UPDATE"}
)  # fmt: skip


def _volatile(key: str) -> bool:
    return key in VOLATILE or key.startswith("DATE_") or key.upper().endswith("_AT")


def edusign_records(w: World, account: str) -> list[tuple[str, ...]]:
    """Live records of one account, every field, comparable across worlds: Edusign ids
    (in rosters, trainers, groups, tutors...) replaced by what they point to."""
    dump = httpx.get(f"{w.es.url}/_emulator/dump", params={"school": account}, timeout=120)
    dump.raise_for_status()
    body = dump.json()["result"]
    names: dict[str, str] = {}
    for kind in LIVE_KINDS:
        for doc in body.get(kind, []):
            ident = str(doc.get("ID") or doc.get("id") or "")
            if ident:
                label = doc.get("API_ID") or doc.get("EMAIL") or doc.get("NAME") or ""
                names[ident] = f"{kind}:{label}"
    rows = []
    for kind in LIVE_KINDS:
        for doc in body.get(kind, []):
            if doc.get("HIDDEN"):
                continue
            rows.append((kind, str(doc.get("API_ID") or ""), _canonical(doc, names)))
    return sorted(rows)


def _canonical(value: Any, names: dict[str, str]) -> str:
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in sorted(v.items()) if not _volatile(k)}
        if isinstance(v, list):
            return sorted((walk(x) for x in v), key=lambda x: json.dumps(x, sort_keys=True))
        if isinstance(v, str) and v in names:
            return "→" + names[v]
        return v

    return json.dumps(walk(value), sort_keys=True, ensure_ascii=False)


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
    w: World,
    command: str,
    budget: int,
    rng: random.Random,
    max_kills: int,
    calls: Any,
    ref_wall: float,
) -> dict[str, Any]:
    """Start ``hpsync COMMAND`` and SIGKILL it, ``max_kills`` times, then run it to
    completion. Kill instants alternate: a random instant within the reference run's
    duration (read, plan or write phase), then once the run made k more write calls, k
    drawn in [1, remaining) where remaining = ``budget`` (the writes of the uninterrupted
    run) minus the writes made so far. A run that finishes before its kill instant ends
    the loop."""
    runs = kills = 0
    before = calls()
    instants: list[dict[str, Any]] = []
    while True:
        runs += 1
        started, at_start = time.monotonic(), calls()
        proc = subprocess.Popen(
            _cmd(w.config, command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        remaining = budget - (calls() - before)  # writes an uninterrupted rerun would make
        by_time = kills % 2 == 0
        k = rng.randint(1, max(1, remaining - 1)) if kills < max_kills else None
        at = started + rng.uniform(0.05, 0.6) * ref_wall if kills < max_kills else None
        deadline = started + RUN_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            made = calls() - at_start
            due = (
                (at is not None and time.monotonic() >= at)
                if by_time
                else (k is not None and made >= k)
            )
            if due:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                instants.append(
                    {
                        "after_s": round(time.monotonic() - started, 1),
                        "writes": made,
                        "phase": "write" if made else "read/plan",
                        "by": "time" if by_time else "writes",
                    }
                )
                break
            time.sleep(0.02)
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
    phases = Counter(str(i["phase"]) for i in instants)
    return {
        "runs": runs,
        "kills": kills,
        "kills_by_phase": dict(phases),
        "kill_instants": instants,
        "calls": calls() - before,
    }


def reference(tmp: Path, args: argparse.Namespace, api: str) -> dict[str, Any]:
    with world(tmp, args.size, seed=args.school_seed, rate_scale=args.scale, api=api) as w:
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


def chaos(tmp: Path, args: argparse.Namespace, ref: dict[str, Any], api: str) -> dict[str, Any]:
    rng = random.Random(f"{args.seed}-{api}")
    with world(tmp, args.size, seed=args.school_seed, rate_scale=args.scale, api=api) as w:
        down = chaos_loop(
            w,
            "sync",
            ref["es_writes"],
            rng,
            args.kills,
            lambda: write_calls(w.es_stats()),
            ref["sync_wall_s"],
        )
        es_requests = sum(k["requests"] for k in key_stats(w.es_stats()))
        records = {a: edusign_records(w, a) for a in ACCOUNTS}
        dups = {a: duplicates(records[a]) for a in ACCOUNTS}
        only_ref = {a: Counter(ref["records"][a]) - Counter(records[a]) for a in ACCOUNTS}
        only_got = {a: Counter(records[a]) - Counter(ref["records"][a]) for a in ACCOUNTS}
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
            ref["up_wall_s"],
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
                "differing_examples": {
                    "reference": [list(r) for a in ACCOUNTS for r in list(only_ref[a])[:3]],
                    "chaos": [list(r) for a in ACCOUNTS for r in list(only_got[a])[:3]],
                },
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


MAX_ROUNDS = 6


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos")
    parser.add_argument("--size", default="M")
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--kills", type=int, default=8, help="per command and API")
    parser.add_argument("--marks", type=int, default=5_000)
    parser.add_argument("--api", choices=("both", "v3", "v1"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--min-kills", type=int, default=30, help="more rounds until this many kills in all"
    )
    parser.add_argument("--school-seed", type=int, default=7)
    args = parser.parse_args(argv)
    apis = ("v3", "v1") if args.api == "both" else (args.api,)
    tmp = Path(tempfile.mkdtemp(prefix="hpsync-chaos-"))
    started = time.monotonic()
    out: dict[str, Any] = {}
    kills = 0
    try:
        # A rerun that ends before its kill instant ends that command's loop, so a round may
        # kill less than asked: rounds (new seeds) go on until ``--min-kills`` are reached.
        for round_ in range(MAX_ROUNDS):
            this = argparse.Namespace(**{**vars(args), "seed": args.seed + round_})
            for api in apis:
                name = api if round_ == 0 else f"{api}#{round_ + 1}"
                print(
                    f"chaos {name}: {args.size} school, rate ×{args.scale:g}, "
                    f"{args.kills} kills each, seed {this.seed}"
                )
                ref = reference(tmp / f"reference-{name}", this, api)
                print(
                    f"   reference: sync {ref['sync_wall_s']:.1f} s, {ref['es_writes']} Edusign "
                    f"writes; attendance {ref['up_wall_s']:.1f} s, {ref['hp_writes']} HP writes"
                )
                out[name] = chaos(tmp / f"chaos-{name}", this, ref, api)
                report(name, this, out[name])
            kills = sum(o[f]["kills"] for o in out.values() for f in ("down", "attendance"))
            if kills >= args.min_kills:
                break
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    phases: Counter[str] = Counter()
    for o in out.values():
        for flow in ("down", "attendance"):
            phases.update(o[flow]["kills_by_phase"])
    bad = sum(_bad(o) for o in out.values())
    summary = {
        "size": args.size,
        "scale": args.scale,
        "seed": args.seed,
        "apis": list(apis),
        "kills": kills,
        "kills_by_phase": dict(phases),
        "duplicates": sum(sum(o["down"]["duplicates"].values()) for o in out.values()),
        "records_differing": sum(
            sum(o["down"]["records_differing_from_reference"].values()) for o in out.values()
        ),
        "lost_marks": sum(o["attendance"]["lost"] for o in out.values()),
        "doubled_marks": sum(o["attendance"]["doubled"] for o in out.values()),
        "wall_s": round(time.monotonic() - started, 1),
    }
    print(
        f"chaos total: {kills} kills ({dict(phases)}) over {', '.join(out)}; duplicates "
        f"{summary['duplicates']}, differing records {summary['records_differing']}, lost marks "
        f"{summary['lost_marks']}, doubled marks {summary['doubled_marks']}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chaos.json").write_text(json.dumps({**summary, "runs": out}, indent=2) + "\n")
    if bad:
        print("chaos: FAILED (duplicates, differences or lost marks above)")
        return 1
    print("chaos: OK (no duplicate, no difference, no lost mark)")
    return 0


def report(api: str, args: argparse.Namespace, out: dict[str, Any]) -> None:
    d, u = out["down"], out["attendance"]
    print(
        f"   sync ({api}): {d['runs']} runs, {d['kills']} kills {d['kills_by_phase']}; "
        f"duplicates {d['duplicates']}; records differing from the uninterrupted run "
        f"{d['records_differing_from_reference']}; write calls {d['calls']} vs "
        f"{d['reference_write_calls']} ({d['extra_write_calls']:+d}); all requests "
        f"{d['requests']} vs {d['reference_requests']} ({d['extra_requests']:+d})"
    )
    print(
        f"   attendance ({api}, {u['marks']} marks): {u['runs']} runs, {u['kills']} kills "
        f"{u['kills_by_phase']}; HP records {u['hp_records']} vs {u['reference_hp_records']}: "
        f"lost {u['lost']}, doubled {u['doubled']}; writes {u['calls']} vs "
        f"{u['reference_hp_writes']} ({u['extra_hp_writes']:+d})"
    )


def _bad(out: dict[str, Any]) -> int:
    d, u = out["down"], out["attendance"]
    return int(
        sum(d["duplicates"].values())
        + sum(d["records_differing_from_reference"].values())
        + u["lost"]
        + u["doubled"]
        + (0 if u["same_marks_as_reference"] else 1)
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
